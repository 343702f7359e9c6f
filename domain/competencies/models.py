"""Competency tables. `tenant_id` leads every key."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import Column, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from domain.columns import timestamp_column


class CompetencyCategory(StrEnum):
    LEADERSHIP = "LEADERSHIP"
    CORE = "CORE"
    TECHNICAL = "TECHNICAL"


class Track(StrEnum):
    INDIVIDUAL_CONTRIBUTOR = "INDIVIDUAL_CONTRIBUTOR"
    MANAGER = "MANAGER"


class AssessmentSource(StrEnum):
    SELF = "SELF"
    MANAGER = "MANAGER"
    REVIEW = "REVIEW"
    EVIDENCE = "EVIDENCE"



class ProficiencyLevel(SQLModel, table=True):
    __tablename__ = "proficiency_levels"

    tenant_id: UUID = Field(primary_key=True)
    level: int = Field(primary_key=True)
    name: str
    description: str | None = None


class Competency(SQLModel, table=True):
    __tablename__ = "competencies"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str
    description: str | None = None
    category: str
    active: bool = True
    position: int = 0
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class CompetencyIndicator(SQLModel, table=True):
    """What a competency looks like at one level of the scale: observable behaviours."""

    __tablename__ = "competency_indicators"

    tenant_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)
    level: int = Field(primary_key=True)
    description: str
    indicators: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))


class JobLevel(SQLModel, table=True):
    __tablename__ = "job_levels"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str
    rank: int
    track: str
    description: str | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class JobLevelExpectation(SQLModel, table=True):
    __tablename__ = "job_level_expectations"

    tenant_id: UUID = Field(primary_key=True)
    job_level_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)
    expected_level: int


class CompetencyAssessment(SQLModel, table=True):
    """One dated judgement of an employee's level; the history is never rewritten."""

    __tablename__ = "competency_assessments"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    employee_id: UUID
    competency_id: UUID
    level: int
    source: str
    note: str | None = None
    assessed_by: UUID | None = None
    assessed_on: date
    recorded_at: datetime | None = Field(default=None, sa_column=timestamp_column())
