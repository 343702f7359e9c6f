"""Goal tables. Progress and health are derived (domain/goals/rules.py), never stored."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid4

from sqlmodel import Field, SQLModel

from domain.columns import timestamp_column


class GoalKind(StrEnum):
    PERFORMANCE = "PERFORMANCE"
    DEVELOPMENT = "DEVELOPMENT"
    LEADERSHIP = "LEADERSHIP"


class GoalScope(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    TEAM = "TEAM"
    DEPARTMENT = "DEPARTMENT"
    COMPANY = "COMPANY"


class GoalStatus(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class Visibility(StrEnum):
    PUBLIC = "PUBLIC"
    MANAGER_CHAIN = "MANAGER_CHAIN"
    PRIVATE = "PRIVATE"


class Direction(StrEnum):
    INCREASE = "INCREASE"
    DECREASE = "DECREASE"


class Confidence(StrEnum):
    ON_TRACK = "ON_TRACK"
    AT_RISK = "AT_RISK"
    OFF_TRACK = "OFF_TRACK"



class Goal(SQLModel, table=True):
    __tablename__ = "goals"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    title: str
    description: str | None = None
    owner_id: UUID
    kind: str
    scope: str
    department_id: UUID | None = None
    status: str
    visibility: str
    start_date: date
    due_date: date
    parent_id: UUID | None = None
    weight: Decimal | None = None
    metric_name: str | None = None
    metric_unit: str | None = None
    metric_baseline: Decimal | None = None
    metric_target: Decimal | None = None
    metric_direction: str | None = None
    metric_current: Decimal | None = None
    metric_relative_change_percent: Decimal | None = None
    # Tracked live: the platform metric and scope the metric's value comes from (migration 0010).
    metric_source: str | None = None
    metric_scope_kind: str | None = None
    metric_scope_id: UUID | None = None
    created_by: UUID | None = None
    completed_on: date | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())

    @property
    def has_metric(self) -> bool:
        return self.metric_target is not None


class KeyResult(SQLModel, table=True):
    __tablename__ = "key_results"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    goal_id: UUID
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    direction: str
    current: Decimal | None = None
    relative_change_percent: Decimal | None = None
    weight: Decimal
    position: int = 0


class GoalCompetency(SQLModel, table=True):
    __tablename__ = "goal_competencies"

    tenant_id: UUID = Field(primary_key=True)
    goal_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)


class GoalCheckIn(SQLModel, table=True):
    __tablename__ = "goal_check_ins"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    goal_id: UUID
    key_result_id: UUID | None = None
    value: Decimal
    confidence: str
    note: str | None = None
    author_id: UUID | None = None
    checked_in_on: date
    automatic: bool = False  # written by tracking (domain/goals/tracking.py), one per goal and day
    recorded_at: datetime | None = Field(default=None, sa_column=timestamp_column())
