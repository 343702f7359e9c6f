"""Feedback tables: feedback between two people, its competencies, requests and who was asked."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field, SQLModel


class FeedbackKind(StrEnum):
    PRAISE = "PRAISE"
    COACHING = "COACHING"


class FeedbackVisibility(StrEnum):
    PRIVATE = "PRIVATE"  # the giver and the receiver
    MANAGER_VISIBLE = "MANAGER_VISIBLE"  # and the receiver's managers up the chain
    PUBLIC = "PUBLIC"  # the whole tenant


class AskStatus(StrEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    DECLINED = "DECLINED"


def _clock_column() -> Column:
    """Wall-clock time of the write: rows written in one transaction still have an order."""
    return Column(DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False)


class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    giver_id: UUID
    receiver_id: UUID
    body: str
    kind: str
    visibility: str
    request_id: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=_clock_column())


class FeedbackCompetency(SQLModel, table=True):
    __tablename__ = "feedback_competencies"

    tenant_id: UUID = Field(primary_key=True)
    feedback_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)


class FeedbackRequest(SQLModel, table=True):
    __tablename__ = "feedback_requests"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    requester_id: UUID
    subject_id: UUID
    question: str
    due_date: date
    visibility: str
    created_at: datetime | None = Field(default=None, sa_column=_clock_column())


class FeedbackAsk(SQLModel, table=True):
    """One asked person's part of a request: open until they answer or decline."""

    __tablename__ = "feedback_request_recipients"

    tenant_id: UUID = Field(primary_key=True)
    request_id: UUID = Field(primary_key=True)
    employee_id: UUID = Field(primary_key=True)
    status: str = AskStatus.OPEN.value
    feedback_id: UUID | None = None
    decline_reason: str | None = None
    responded_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
