"""GraphQL types of 1:1s. Sources are domain rows.

The series row is shown to its two participants and to HR admins; everything inside it
(meetings, agenda, notes, action items) resolves only for the participants and is null
for HR. Meetings and action items are reachable only through a participant's series or
node look-ups that filter on the viewer, so their own fields need no further check;
private notes are filtered on the viewer in SQL.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.graphql.ids import to_global_id
from api.graphql.node import Node
from api.one_on_ones.loaders import resolved
from api.org.types import Ctx, EmployeeType
from domain.one_on_ones import policy, rules
from domain.one_on_ones.models import (
    ActionItem,
    AgendaItem,
    Cadence,
    Meeting,
    MeetingStatus,
    Note,
    OneOnOne,
    SeriesStatus,
)

if TYPE_CHECKING:
    from api.competencies.types import CompetencyType
    from api.goals.types import GoalType

CadenceType = strawberry.enum(Cadence, name="OneOnOneCadence")
OneOnOneStatusType = strawberry.enum(SeriesStatus, name="OneOnOneStatus")
MeetingStatusType = strawberry.enum(MeetingStatus, name="OneOnOneMeetingStatus")
CadenceHealthType = strawberry.enum(
    rules.CadenceHealth, name="OneOnOneHealthStatus",
    description="ON_CADENCE: the last 1:1 is within the cadence plus grace. LATE: beyond it. NONE: no active series.",
)


@strawberry.type(name="OneOnOneHealth", description="Whether 1:1s keep their cadence, with the numbers behind it.")
class OneOnOneHealthType:
    status: CadenceHealthType
    explanation: str
    days_since_last_meeting: int | None = strawberry.field(
        description="Days since the last held 1:1 (or since the series started, before the first)."
    )
    allowed_days: int | None = strawberry.field(description="The cadence in days plus the grace period.")


def health_type(verdict: rules.HealthVerdict) -> OneOnOneHealthType:
    return OneOnOneHealthType(
        status=verdict.status, explanation=verdict.explanation, days_since_last_meeting=verdict.days_since,
        allowed_days=verdict.allowed_days,
    )


def series_health(series: OneOnOne, last_held: date | None, today: date) -> rules.HealthVerdict:
    if not series.is_active:
        return rules.health(None, today, f"This series ended on {series.ended_on.isoformat()}.")
    return rules.health(rules.SeriesFacts(Cadence(series.cadence), series.started_on, last_held), today)


@strawberry.type(name="OneOnOneAgendaItem", description="A shared agenda item; either participant adds one.")
class AgendaItemType:
    body: str
    discussed: bool = strawberry.field(description="Ticked during the meeting; items not discussed move on when it is held.")
    carried_over: int = strawberry.field(description="How many held meetings this item was carried over from.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, AgendaItem)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("OneOnOneAgendaItem", self.id)

    @strawberry.field
    def added_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.added_by)


@strawberry.type(name="OneOnOneNote", description="A meeting note: shared with the other participant, or private to its author.")
class NoteType:
    body: str
    private: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Note)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("OneOnOneNote", self.id)

    @strawberry.field
    def author(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.author_id)


@strawberry.type(name="OneOnOneActionItem", description="Something one of the two participants will do.")
class ActionItemType(Node):
    title: str
    done: bool
    done_on: date | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ActionItem)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("OneOnOneActionItem", self.id)

    @strawberry.field
    def due_date(self) -> date | None:
        return self.due_on

    @strawberry.field
    def owner(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.owner_id)

    @strawberry.field(description="The goal it serves; null when none or when you cannot see that goal.")
    def goal(self, info: Ctx) -> Annotated[GoalType, strawberry.lazy("api.goals.types")] | None:
        return info.context.goals.goal(self.goal_id)

    @strawberry.field(description="The competency it develops.")
    def competency(self, info: Ctx) -> Annotated[CompetencyType, strawberry.lazy("api.competencies.types")] | None:
        return info.context.competencies.competency(self.competency_id)

    @strawberry.field(description="The meeting it came up in, if any.")
    async def meeting(self, info: Ctx) -> MeetingType | None:
        return None if self.meeting_id is None else await info.context.one_on_ones.get_meeting(self.meeting_id)

    @strawberry.field
    def one_on_one(self, info: Ctx) -> OneOnOneType | None:
        return info.context.one_on_ones.one(self.one_on_one_id)


@strawberry.type(name="OneOnOneMeeting", description="One meeting of a 1:1 series. Visible to the two participants only.")
class MeetingType(Node):
    scheduled_on: date
    held_on: date | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Meeting)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("OneOnOneMeeting", self.id)

    @strawberry.field
    def status(self) -> MeetingStatusType:
        return MeetingStatus(self.status)

    @strawberry.field
    def one_on_one(self, info: Ctx) -> OneOnOneType | None:
        return info.context.one_on_ones.one(self.one_on_one_id)

    @strawberry.field(description="In the order added; undiscussed items of the previous meeting come first.")
    def agenda(self, info: Ctx) -> list[AgendaItemType]:
        return info.context.one_on_ones.agenda.load(self.id)

    @strawberry.field(description="Notes both participants read.")
    async def shared_notes(self, info: Ctx) -> list[NoteType]:
        return [note for note in await info.context.one_on_ones.notes.load(self.id) or [] if not note.private]

    @strawberry.field(description="Your own private notes; nobody else ever reads them, not even HR.")
    async def private_notes(self, info: Ctx) -> list[NoteType]:
        notes = await info.context.one_on_ones.notes.load(self.id) or []
        return [note for note in notes if note.private and note.author_id == info.context.actor.employee_id]

    @strawberry.field(description="Action items that came up in this meeting.")
    def action_items(self, info: Ctx) -> list[ActionItemType]:
        return info.context.one_on_ones.meeting_action_items.load(self.id)


@strawberry.type(
    name="OneOnOne",
    description="A 1:1 series between two employees. The two participants see everything in it (except each "
    "other's private notes); HR admins see that it exists, its cadence and health, and null for its contents.",
)
class OneOnOneType(Node):
    started_on: date
    ended_on: date | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, OneOnOne)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("OneOnOne", self.id)

    @strawberry.field
    def cadence(self) -> CadenceType:
        return Cadence(self.cadence)

    @strawberry.field
    def status(self) -> OneOnOneStatusType:
        return SeriesStatus(self.status)

    @strawberry.field(description="The two people, in a stable order.")
    async def participants(self, info: Ctx) -> list[EmployeeType]:
        org = info.context.org
        people = await asyncio.gather(*(resolved(org.employee(i)) for i in self.participants))
        return [person for person in people if person is not None]

    @strawberry.field(description="The participant who is not you (for HR admins: null).")
    def other_participant(self, info: Ctx) -> EmployeeType | None:
        actor = info.context.actor
        return info.context.org.employee(self.other(actor.employee_id)) if policy.is_participant(actor, self) else None

    @strawberry.field
    def started_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.started_by)

    @strawberry.field(description="The date of the last held meeting.")
    def last_held_on(self, info: Ctx) -> date | None:
        return info.context.one_on_ones.last_held.load(self.id)

    @strawberry.field(description="Judged on the request's date.")
    async def health(self, info: Ctx) -> OneOnOneHealthType:
        last = await info.context.one_on_ones.last_held.load(self.id)
        return health_type(series_health(self, last, info.context.today))

    @strawberry.field(description="Newest first. Participants only: null for anyone else.")
    def meetings(self, info: Ctx) -> list[MeetingType] | None:
        if not policy.is_participant(info.context.actor, self):
            return None
        return info.context.one_on_ones.meetings.load(self.id)

    @strawberry.field(description="The first scheduled meeting still to hold. Participants only.")
    async def next_meeting(self, info: Ctx) -> MeetingType | None:
        if not policy.is_participant(info.context.actor, self):
            return None
        scheduled = [m for m in await info.context.one_on_ones.meetings.load(self.id) or [] if m.status == MeetingStatus.SCHEDULED]
        return min(scheduled, key=lambda m: (m.scheduled_on, m.id), default=None)

    @strawberry.field(
        description="Agenda items waiting for the next meeting to be scheduled (added, or carried over, while none "
        "was). Participants only."
    )
    def waiting_agenda(self, info: Ctx) -> list[AgendaItemType] | None:
        if not policy.is_participant(info.context.actor, self):
            return None
        return info.context.one_on_ones.waiting_agenda.load(self.id)

    @strawberry.field(description="Open ones first, soonest due first; `done` filters. Participants only.")
    async def action_items(self, info: Ctx, done: bool | None = None) -> list[ActionItemType] | None:
        if not policy.is_participant(info.context.actor, self):
            return None
        items = await info.context.one_on_ones.action_items.load(self.id) or []
        return [item for item in items if done is None or item.done == done]
