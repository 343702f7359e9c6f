"""1:1 tables. `tenant_id` leads every key; a pair is stored ordered (first_id < second_id)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field, SQLModel

from domain.columns import timestamp_column


def clock_column() -> Column:
    """Set by the database to the wall clock (clock_timestamp()), so rows written in one
    transaction keep the order they were written in."""
    return Column(DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False)


class Cadence(StrEnum):
    WEEKLY = "WEEKLY"
    BIWEEKLY = "BIWEEKLY"
    MONTHLY = "MONTHLY"


class SeriesStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"


class MeetingStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    HELD = "HELD"


class OneOnOne(SQLModel, table=True):
    __tablename__ = "one_on_ones"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    first_id: UUID
    second_id: UUID
    cadence: str
    status: str = SeriesStatus.ACTIVE
    started_on: date
    ended_on: date | None = None
    started_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())

    @property
    def participants(self) -> tuple[UUID, UUID]:
        return self.first_id, self.second_id

    def other(self, employee_id: UUID) -> UUID:
        return self.second_id if employee_id == self.first_id else self.first_id

    @property
    def is_active(self) -> bool:
        return self.status == SeriesStatus.ACTIVE


class Meeting(SQLModel, table=True):
    __tablename__ = "one_on_one_meetings"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    one_on_one_id: UUID
    scheduled_on: date
    held_on: date | None = None
    status: str = MeetingStatus.SCHEDULED
    created_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class AgendaItem(SQLModel, table=True):
    """An agenda item of one meeting, or (meeting_id None) waiting for the next one."""

    __tablename__ = "one_on_one_agenda_items"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    one_on_one_id: UUID
    meeting_id: UUID | None = None
    body: str
    added_by: UUID
    discussed: bool = False
    carried_over: int = 0
    created_at: datetime | None = Field(default=None, sa_column=clock_column())


class Note(SQLModel, table=True):
    __tablename__ = "one_on_one_notes"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    one_on_one_id: UUID
    meeting_id: UUID
    author_id: UUID
    body: str
    private: bool = False
    created_at: datetime | None = Field(default=None, sa_column=clock_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class ActionItem(SQLModel, table=True):
    __tablename__ = "one_on_one_action_items"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    one_on_one_id: UUID
    meeting_id: UUID | None = None
    title: str
    owner_id: UUID
    due_on: date | None = None
    done: bool = False
    done_on: date | None = None
    goal_id: UUID | None = None
    competency_id: UUID | None = None
    created_by: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=clock_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())
