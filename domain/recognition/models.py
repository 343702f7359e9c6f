"""Recognition tables: a recognition, its recipients and competencies, reactions, comments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import Column, DateTime, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from domain.columns import timestamp_column


class RecognitionKind(StrEnum):
    KUDOS = "KUDOS"
    LEADERSHIP_ACHIEVEMENT = "LEADERSHIP_ACHIEVEMENT"


class RecognitionVisibility(StrEnum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


def _clock_column() -> Column:
    """Wall-clock time of the write: rows written in one transaction still have an order."""
    return Column(DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False)


class Recognition(SQLModel, table=True):
    __tablename__ = "recognitions"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    giver_id: UUID
    message: str
    kind: str
    visibility: str
    value_tags: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    created_at: datetime | None = Field(default=None, sa_column=_clock_column())


class RecognitionRecipient(SQLModel, table=True):
    __tablename__ = "recognition_recipients"

    tenant_id: UUID = Field(primary_key=True)
    recognition_id: UUID = Field(primary_key=True)
    employee_id: UUID = Field(primary_key=True)
    position: int = 0


class RecognitionCompetency(SQLModel, table=True):
    __tablename__ = "recognition_competencies"

    tenant_id: UUID = Field(primary_key=True)
    recognition_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)


class RecognitionReaction(SQLModel, table=True):
    __tablename__ = "recognition_reactions"

    tenant_id: UUID = Field(primary_key=True)
    recognition_id: UUID = Field(primary_key=True)
    employee_id: UUID = Field(primary_key=True)
    emoji: str = Field(primary_key=True)
    reacted_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class RecognitionComment(SQLModel, table=True):
    __tablename__ = "recognition_comments"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    recognition_id: UUID
    author_id: UUID
    body: str
    created_at: datetime | None = Field(default=None, sa_column=_clock_column())
