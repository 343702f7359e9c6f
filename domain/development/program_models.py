"""Tables of the development programs: mentorship, stretch projects, training.

`tenant_id` leads every key. Times that lists page through come from clock_timestamp()
(see migration 0007), so rows written in one transaction still have an order.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field, SQLModel

from domain.columns import timestamp_column


def clock_column() -> Column:
    """A timestamptz the database sets to the wall clock when the row is written."""
    return Column(DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False)


class ProgramStatus(StrEnum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class ParticipantRole(StrEnum):
    MENTOR = "MENTOR"
    MENTEE = "MENTEE"


class MentorshipStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"


class ProjectStatus(StrEnum):
    OPEN = "OPEN"
    STAFFED = "STAFFED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


class ApplicationStatus(StrEnum):
    APPLIED = "APPLIED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class TrainingFormat(StrEnum):
    COURSE = "COURSE"
    WORKSHOP = "WORKSHOP"
    COHORT = "COHORT"
    SELF_PACED = "SELF_PACED"


class EnrolmentStatus(StrEnum):
    ENROLLED = "ENROLLED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    DROPPED = "DROPPED"


# --- mentorship -------------------------------------------------------------------------


class MentorshipProgram(SQLModel, table=True):
    __tablename__ = "mentorship_programs"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str
    description: str | None = None
    start_date: date
    end_date: date
    capacity_per_mentor: int
    status: str = ProgramStatus.DRAFT
    min_mentor_job_level_rank: int | None = None
    mentor_track: str | None = None
    mentees_must_be_managers: bool = False
    owner_id: UUID
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class MentorshipProgramCompetency(SQLModel, table=True):
    __tablename__ = "mentorship_program_competencies"

    tenant_id: UUID = Field(primary_key=True)
    program_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)


class MentorshipParticipant(SQLModel, table=True):
    """Someone who opted into a program as a mentor or applied as a mentee."""

    __tablename__ = "mentorship_participants"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    program_id: UUID
    employee_id: UUID
    role: str
    joined_at: datetime | None = Field(default=None, sa_column=clock_column())


class MentorshipParticipantCompetency(SQLModel, table=True):
    """What a mentor can mentor, or what a mentee wants to grow."""

    __tablename__ = "mentorship_participant_competencies"

    tenant_id: UUID = Field(primary_key=True)
    participant_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)


class Mentorship(SQLModel, table=True):
    __tablename__ = "mentorships"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    program_id: UUID
    mentor_id: UUID
    mentee_id: UUID
    status: str = MentorshipStatus.ACTIVE
    started_on: date
    ended_on: date | None = None
    outcome: str | None = None
    paired_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=clock_column())


class MentorshipSession(SQLModel, table=True):
    __tablename__ = "mentorship_sessions"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    mentorship_id: UUID
    held_on: date
    notes: str | None = None
    logged_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=clock_column())


class MentorshipSessionCompetency(SQLModel, table=True):
    __tablename__ = "mentorship_session_competencies"

    tenant_id: UUID = Field(primary_key=True)
    session_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)


# --- stretch projects ----------------------------------------------------------------------


class StretchProject(SQLModel, table=True):
    __tablename__ = "stretch_projects"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    title: str
    description: str | None = None
    sponsor_id: UUID
    start_date: date
    end_date: date
    seats: int
    status: str = ProjectStatus.OPEN
    created_by: UUID | None = None
    completed_on: date | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class StretchProjectCompetency(SQLModel, table=True):
    __tablename__ = "stretch_project_competencies"

    tenant_id: UUID = Field(primary_key=True)
    project_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)


class StretchApplication(SQLModel, table=True):
    """APPLIED until both the sponsor and the applicant's manager approve (APPROVED), or
    either rejects (REJECTED)."""

    __tablename__ = "stretch_applications"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    project_id: UUID
    applicant_id: UUID
    motivation: str
    status: str = ApplicationStatus.APPLIED
    sponsor_approved_by: UUID | None = None
    manager_approved_by: UUID | None = None
    rejected_by: UUID | None = None
    rejection_reason: str | None = None
    decided_at: datetime | None = None
    applied_at: datetime | None = Field(default=None, sa_column=clock_column())


class StretchOutcome(SQLModel, table=True):
    """What the sponsor recorded for one participant and one target competency; the level
    itself lives in the EVIDENCE assessment it points at."""

    __tablename__ = "stretch_outcomes"

    tenant_id: UUID = Field(primary_key=True)
    project_id: UUID = Field(primary_key=True)
    employee_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)
    assessment_id: UUID


# --- training --------------------------------------------------------------------------------


class TrainingProgram(SQLModel, table=True):
    __tablename__ = "training_programs"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str
    description: str | None = None
    format: str
    duration_hours: Decimal
    created_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class TrainingProgramCompetency(SQLModel, table=True):
    __tablename__ = "training_program_competencies"

    tenant_id: UUID = Field(primary_key=True)
    program_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)


class TrainingEnrolment(SQLModel, table=True):
    __tablename__ = "training_enrolments"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    program_id: UUID
    employee_id: UUID
    status: str = EnrolmentStatus.ENROLLED
    enrolled_on: date
    started_on: date | None = None
    completed_on: date | None = None
    dropped_on: date | None = None
    enrolled_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=clock_column())
