"""Compensation tables (migration 0011, block `# --- compensation ---`). Money is numeric."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import Column, Numeric
from sqlalchemy import Uuid as SaUuid
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from domain.columns import timestamp_column


class CycleStatus(StrEnum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    APPROVAL = "APPROVAL"
    CLOSED = "CLOSED"


class ProposalStatus(StrEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    SENT_BACK = "SENT_BACK"


def money_column() -> Column:
    return Column(Numeric(asdecimal=True), nullable=False)


class BonusTarget(SQLModel, table=True):
    __tablename__ = "bonus_targets"

    tenant_id: UUID = Field(primary_key=True)
    job_level_id: UUID = Field(primary_key=True)
    amount: Decimal = Field(sa_column=money_column())
    currency: str
    updated_by: UUID | None = None
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class BonusFormulaVersion(SQLModel, table=True):
    __tablename__ = "bonus_formulas"

    tenant_id: UUID = Field(primary_key=True)
    version: int = Field(primary_key=True)
    definition: dict = Field(sa_column=Column(JSONB, nullable=False))
    created_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class CompensationCycle(SQLModel, table=True):
    __tablename__ = "compensation_cycles"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str
    budget: Decimal = Field(sa_column=money_column())
    currency: str
    status: str = CycleStatus.DRAFT.value
    hired_before: date | None = None
    job_level_ids: list[UUID] = Field(default_factory=list, sa_column=Column(ARRAY(SaUuid), nullable=False))
    formula_version: int | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class BonusProposal(SQLModel, table=True):
    __tablename__ = "bonus_proposals"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    cycle_id: UUID
    employee_id: UUID
    department_id: UUID | None = None
    amount: Decimal = Field(sa_column=money_column())
    note: str | None = None
    status: str = ProposalStatus.PROPOSED.value
    proposed_by: UUID | None = None
    proposed_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    decided_by: UUID | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None
