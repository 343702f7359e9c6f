"""Development plan tables. Progress is derived from the actions (plan_rules.py), never stored."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field, SQLModel

from domain.columns import timestamp_column


class PlanActionKind(StrEnum):
    GOAL = "GOAL"
    TRAINING_ENROLMENT = "TRAINING_ENROLMENT"
    MENTORSHIP = "MENTORSHIP"
    STRETCH_PROJECT = "STRETCH_PROJECT"
    ONE_ON_ONE_ACTION = "ONE_ON_ONE_ACTION"
    OTHER = "OTHER"


class PlanActionStatus(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    DROPPED = "DROPPED"


class FocusBasis(StrEnum):
    CHOSEN = "CHOSEN"
    CURRENT_LEVEL_GAPS = "CURRENT_LEVEL_GAPS"
    NEXT_LEVEL_GAPS = "NEXT_LEVEL_GAPS"
    NONE = "NONE"


class DevelopmentPlan(SQLModel, table=True):
    __tablename__ = "development_plans"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    employee_id: UUID
    period_start: date
    period_end: date
    focus_basis: str
    focus_explanation: str
    created_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class PlanFocus(SQLModel, table=True):
    """A focus competency of a plan, with why it was chosen (written when it was)."""

    __tablename__ = "development_plan_focus"

    tenant_id: UUID = Field(primary_key=True)
    plan_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)
    position: int
    reason: str


class PlanAction(SQLModel, table=True):
    """One step of a plan. GOAL and ONE_ON_ONE_ACTION link by foreign key; the programs'
    kinds keep `linked_id` (their tables come after this one; links.py checks them)."""

    __tablename__ = "development_plan_actions"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    plan_id: UUID
    kind: str
    title: str
    due_on: date | None = None
    status: str = PlanActionStatus.NOT_STARTED
    goal_id: UUID | None = None
    action_item_id: UUID | None = None
    linked_id: UUID | None = None
    position: int = 0
    created_by: UUID | None = None
    created_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False)
    )
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())

    @property
    def target_id(self) -> UUID | None:
        """Whatever the action links to, whichever column holds it."""
        return self.goal_id or self.action_item_id or self.linked_id
