"""Review tables (migration 0003_reviews). `tenant_id` leads every key.

Who may read what is decided in domain/reviews/policy.py; these rows hold reviewer
identities for PEER and DIRECT_REPORT reviews, which must never reach the subject or
the subject's managers except as aggregates (domain/reviews/results*.py).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Column, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from domain.columns import timestamp_column


class QuestionKind(StrEnum):
    RATING_COMPETENCY = "RATING_COMPETENCY"
    RATING_GOALS = "RATING_GOALS"
    TEXT = "TEXT"
    OVERALL_RATING = "OVERALL_RATING"


class ReviewerKind(StrEnum):
    SELF = "SELF"
    MANAGER = "MANAGER"
    PEER = "PEER"
    DIRECT_REPORT = "DIRECT_REPORT"


# Kinds whose authors are never shown to the subject or the subject's managers.
ANONYMOUS_KINDS = frozenset({ReviewerKind.PEER, ReviewerKind.DIRECT_REPORT})


class CycleStatus(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    CALIBRATION = "CALIBRATION"
    RELEASED = "RELEASED"
    CLOSED = "CLOSED"


class NominationStatus(StrEnum):
    NOMINATED = "NOMINATED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    REPLACED = "REPLACED"


class ReviewStatus(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    SUBMITTED = "SUBMITTED"


# The tenant's default overall rating scale (the column default in 0003_reviews).
DEFAULT_RATING_SCALE: tuple[tuple[int, str], ...] = (
    (1, "Far below expectations"),
    (2, "Below expectations"),
    (3, "Meets expectations"),
    (4, "Exceeds expectations"),
    (5, "Far exceeds expectations"),
)


def _text_array() -> Column:
    return Column(ARRAY(Text), nullable=False)


class TenantSettings(SQLModel, table=True):
    """One row per tenant, written lazily; absent means the defaults below."""

    __tablename__ = "tenant_settings"

    tenant_id: UUID = Field(primary_key=True)
    anonymity_threshold: int = 3
    hr_can_see_anonymous_authors: bool = False
    # [{"value": 1, "label": "..."}, ...] in ascending value order.
    rating_scale: list[dict[str, Any]] = Field(
        default_factory=lambda: [{"value": v, "label": label} for v, label in DEFAULT_RATING_SCALE],
        sa_column=Column(JSONB, nullable=False),
    )
    updated_by: UUID | None = None
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class ReviewTemplate(SQLModel, table=True):
    __tablename__ = "review_templates"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str
    description: str | None = None
    # People-managers' reviews also rate the LEADERSHIP competencies expected at their level.
    include_leadership_for_managers: bool = True
    created_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class TemplateSection(SQLModel, table=True):
    __tablename__ = "template_sections"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    template_id: UUID
    title: str
    description: str | None = None
    position: int


class TemplateQuestion(SQLModel, table=True):
    __tablename__ = "template_questions"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    template_id: UUID
    section_id: UUID
    position: int
    kind: str
    prompt: str
    competency_id: UUID | None = None
    reviewer_kinds: list[str] = Field(default_factory=list, sa_column=_text_array())
    required: bool = True


class ReviewCycle(SQLModel, table=True):
    __tablename__ = "review_cycles"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str
    period_start: date
    period_end: date
    status: str = CycleStatus.DRAFT.value
    reviewer_kinds: list[str] = Field(default_factory=list, sa_column=_text_array())
    template_id: UUID
    peer_min: int = 0
    peer_max: int = 0
    self_due: date | None = None
    manager_due: date | None = None
    peer_due: date | None = None
    direct_report_due: date | None = None
    created_by: UUID | None = None
    launched_at: datetime | None = None
    calibration_started_at: datetime | None = None
    released_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())

    def due_for(self, kind: ReviewerKind | str) -> date | None:
        return {
            ReviewerKind.SELF: self.self_due,
            ReviewerKind.MANAGER: self.manager_due,
            ReviewerKind.PEER: self.peer_due,
            ReviewerKind.DIRECT_REPORT: self.direct_report_due,
        }[ReviewerKind(kind)]


class CycleParticipant(SQLModel, table=True):
    """A subject of a cycle. Department and job level are snapshotted when added; the
    manager and whether they lead people, when their reviews are created."""

    __tablename__ = "cycle_participants"

    tenant_id: UUID = Field(primary_key=True)
    cycle_id: UUID = Field(primary_key=True)
    subject_id: UUID = Field(primary_key=True)
    department_id: UUID | None = None
    job_level_id: UUID | None = None
    manager_id: UUID | None = None
    leads_people: bool = False
    added_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class ParticipantCompetency(SQLModel, table=True):
    """A LEADERSHIP competency added to a people-manager's reviews (automatic question)."""

    __tablename__ = "participant_competencies"

    tenant_id: UUID = Field(primary_key=True)
    cycle_id: UUID = Field(primary_key=True)
    subject_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)
    expected_level: int | None = None
    position: int = 0


class PeerNomination(SQLModel, table=True):
    __tablename__ = "peer_nominations"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    cycle_id: UUID
    subject_id: UUID
    peer_id: UUID
    status: str = NominationStatus.NOMINATED.value
    nominated_by: UUID | None = None
    decided_by: UUID | None = None
    decided_at: datetime | None = None
    replaced_by_id: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class Review(SQLModel, table=True):
    """One assignment: `reviewer_id` reviews `subject_id` in a cycle as `kind`."""

    __tablename__ = "reviews"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    cycle_id: UUID
    subject_id: UUID
    reviewer_id: UUID
    kind: str
    status: str = ReviewStatus.NOT_STARTED.value
    submitted_at: datetime | None = None
    reopened_count: int = 0
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())

    @property
    def is_anonymous(self) -> bool:
        return self.kind in ANONYMOUS_KINDS


class ReviewAnswer(SQLModel, table=True):
    """One answered item: a template question (`question_id`, with `competency_id` copied
    for RATING_COMPETENCY), one goal of a RATING_GOALS question (`question_id` + `goal_id`),
    or an automatic leadership question (`competency_id` only)."""

    __tablename__ = "review_answers"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    review_id: UUID
    question_id: UUID | None = None
    competency_id: UUID | None = None
    goal_id: UUID | None = None
    rating: int | None = None
    text: str | None = None
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class ReviewReopening(SQLModel, table=True):
    __tablename__ = "review_reopenings"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    review_id: UUID
    reopened_by: UUID | None = None
    reason: str
    reopened_at: datetime | None = Field(default=None, sa_column=timestamp_column())
