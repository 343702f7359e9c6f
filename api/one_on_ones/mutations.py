"""1:1 mutations: the series, its meetings, agenda items, notes and action items.

Every one runs in a savepoint (`perform`); afterwards the request's 1:1 loaders are reset,
so the payload shows the state after the change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import optional_uuid, require_uuid
from api.graphql.mutation import perform
from api.one_on_ones.types import ActionItemType, AgendaItemType, CadenceType, MeetingType, NoteType, OneOnOneType
from api.org.types import Ctx
from domain.one_on_ones import content, series
from domain.one_on_ones.content import NewActionItem


@strawberry.input
class StartOneOnOneInput:
    with_employee_id: strawberry.ID = strawberry.field(description="The other participant; you are the first.")
    cadence: CadenceType


@strawberry.input
class UpdateOneOnOneInput:
    id: strawberry.ID
    cadence: CadenceType


@strawberry.input
class OneOnOneIdInput:
    id: strawberry.ID


@strawberry.type
class OneOnOnePayload:
    one_on_one: OneOnOneType | None
    errors: list[UserError]


@strawberry.input
class ScheduleMeetingInput:
    one_on_one_id: strawberry.ID
    date: date = strawberry.field(description="A past date records a meeting after the fact.")


@strawberry.input
class HoldMeetingInput:
    meeting_id: strawberry.ID
    held_on: date | None = strawberry.field(default=None, description="Defaults to today; never in the future.")


@strawberry.type(name="OneOnOneMeetingPayload")
class MeetingPayload:
    meeting: MeetingType | None
    errors: list[UserError]


@strawberry.input
class AddAgendaItemInput:
    one_on_one_id: strawberry.ID
    body: str
    meeting_id: strawberry.ID | None = strawberry.field(
        default=None, description="A scheduled meeting of this series; defaults to the next one."
    )


@strawberry.input(description="Fields left out stay as they are.")
class UpdateAgendaItemInput:
    id: strawberry.ID
    body: str | None = strawberry.field(default=None, description="Only whoever added the item rewords it.")
    discussed: bool | None = None


@strawberry.type(name="OneOnOneAgendaItemPayload")
class AgendaItemPayload:
    agenda_item: AgendaItemType | None
    errors: list[UserError]


@strawberry.input
class AddMeetingNoteInput:
    meeting_id: strawberry.ID
    body: str
    private: bool = strawberry.field(default=False, description="A private note is yours alone: not the other participant's, not HR's.")


@strawberry.input
class UpdateMeetingNoteInput:
    id: strawberry.ID
    body: str


@strawberry.type(name="OneOnOneNotePayload")
class MeetingNotePayload:
    note: NoteType | None
    errors: list[UserError]


@strawberry.input
class AddActionItemInput:
    one_on_one_id: strawberry.ID
    title: str
    owner_id: strawberry.ID = strawberry.field(description="One of the two participants.")
    due_date: date | None = None
    meeting_id: strawberry.ID | None = strawberry.field(default=None, description="The meeting it came up in.")
    goal_id: strawberry.ID | None = strawberry.field(default=None, description="A goal you can see.")
    competency_id: strawberry.ID | None = None


@strawberry.input(description="Fields left out stay as they are; null clears a due date, goal or competency.")
class UpdateActionItemInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET
    due_date: date | None = strawberry.UNSET
    done: bool | None = strawberry.UNSET
    goal_id: strawberry.ID | None = strawberry.UNSET
    competency_id: strawberry.ID | None = strawberry.UNSET


@strawberry.type(name="OneOnOneActionItemPayload")
class ActionItemPayload:
    action_item: ActionItemType | None
    errors: list[UserError]


async def _run(info: Ctx, work) -> tuple[Any, list[UserError]]:
    result, errors = await perform(info.context, work)
    info.context.one_on_ones.reset()
    return result, errors


def _action_item_changes(input: UpdateActionItemInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if input.title is not strawberry.UNSET:
        changes["title"] = input.title
    if input.owner_id is not strawberry.UNSET:
        changes["owner_id"] = require_uuid(input.owner_id, "Employee", "ownerId")
    if input.due_date is not strawberry.UNSET:
        changes["due_on"] = input.due_date
    if input.done is not strawberry.UNSET:
        changes["done"] = input.done
    if input.goal_id is not strawberry.UNSET:
        changes["goal_id"] = optional_uuid(input.goal_id, "Goal", "goalId")
    if input.competency_id is not strawberry.UNSET:
        changes["competency_id"] = optional_uuid(input.competency_id, "Competency", "competencyId")
    return changes


@strawberry.type
class OneOnOneMutations:
    @strawberry.mutation(description="Starts a 1:1 series between you and someone else; one active series per pair.")
    async def start_one_on_one(self, info: Ctx, input: StartOneOnOneInput) -> OneOnOnePayload:
        async def work(session, actor):
            other = require_uuid(input.with_employee_id, "Employee", "withEmployeeId")
            return await series.start_one_on_one(session, actor, other, input.cadence, info.context.today)

        found, errors = await _run(info, work)
        return OneOnOnePayload(one_on_one=found, errors=errors)

    @strawberry.mutation(description="Changes the cadence of an active series (either participant).")
    async def update_one_on_one(self, info: Ctx, input: UpdateOneOnOneInput) -> OneOnOnePayload:
        async def work(session, actor):
            return await series.change_cadence(session, actor, require_uuid(input.id, "OneOnOne", "id"), input.cadence)

        found, errors = await _run(info, work)
        return OneOnOnePayload(one_on_one=found, errors=errors)

    @strawberry.mutation(description="Ends a series (either participant); its history stays.")
    async def end_one_on_one(self, info: Ctx, input: OneOnOneIdInput) -> OneOnOnePayload:
        async def work(session, actor):
            return await series.end_one_on_one(session, actor, require_uuid(input.id, "OneOnOne", "id"), info.context.today)

        found, errors = await _run(info, work)
        return OneOnOnePayload(one_on_one=found, errors=errors)

    @strawberry.mutation(description="Schedules a meeting; agenda items waiting for one join it.")
    async def schedule_meeting(self, info: Ctx, input: ScheduleMeetingInput) -> MeetingPayload:
        async def work(session, actor):
            series_id = require_uuid(input.one_on_one_id, "OneOnOne", "oneOnOneId")
            return await series.schedule_meeting(session, actor, series_id, input.date)

        found, errors = await _run(info, work)
        return MeetingPayload(meeting=found, errors=errors)

    @strawberry.mutation(
        description="Records a scheduled meeting as held. Agenda items not ticked as discussed are carried over to "
        "the next scheduled meeting (or wait for the next one to be scheduled)."
    )
    async def hold_meeting(self, info: Ctx, input: HoldMeetingInput) -> MeetingPayload:
        async def work(session, actor):
            meeting_id = require_uuid(input.meeting_id, "OneOnOneMeeting", "meetingId")
            today = info.context.today
            return await series.hold_meeting(session, actor, meeting_id, input.held_on or today, today)

        found, errors = await _run(info, work)
        return MeetingPayload(meeting=found, errors=errors)

    @strawberry.mutation(description="Either participant adds to the shared agenda.")
    async def add_agenda_item(self, info: Ctx, input: AddAgendaItemInput) -> AgendaItemPayload:
        async def work(session, actor):
            series_id = require_uuid(input.one_on_one_id, "OneOnOne", "oneOnOneId")
            meeting_id = optional_uuid(input.meeting_id, "OneOnOneMeeting", "meetingId")
            return await content.add_agenda_item(session, actor, series_id, input.body, meeting_id)

        found, errors = await _run(info, work)
        return AgendaItemPayload(agenda_item=found, errors=errors)

    @strawberry.mutation(description="Ticks an item as discussed (either participant) or rewords it (its author).")
    async def update_agenda_item(self, info: Ctx, input: UpdateAgendaItemInput) -> AgendaItemPayload:
        async def work(session, actor):
            item_id = require_uuid(input.id, "OneOnOneAgendaItem", "id")
            return await content.update_agenda_item(session, actor, item_id, {"body": input.body, "discussed": input.discussed})

        found, errors = await _run(info, work)
        return AgendaItemPayload(agenda_item=found, errors=errors)

    @strawberry.mutation(description="A shared note, or a private one that only you will ever read.")
    async def add_meeting_note(self, info: Ctx, input: AddMeetingNoteInput) -> MeetingNotePayload:
        async def work(session, actor):
            meeting_id = require_uuid(input.meeting_id, "OneOnOneMeeting", "meetingId")
            return await content.add_note(session, actor, meeting_id, input.body, input.private)

        found, errors = await _run(info, work)
        return MeetingNotePayload(note=found, errors=errors)

    @strawberry.mutation(description="Rewrites your own note.")
    async def update_meeting_note(self, info: Ctx, input: UpdateMeetingNoteInput) -> MeetingNotePayload:
        async def work(session, actor):
            return await content.update_note(session, actor, require_uuid(input.id, "OneOnOneNote", "id"), input.body)

        found, errors = await _run(info, work)
        return MeetingNotePayload(note=found, errors=errors)

    @strawberry.mutation(description="An action item owned by one of the two, optionally serving a goal or a competency.")
    async def add_action_item(self, info: Ctx, input: AddActionItemInput) -> ActionItemPayload:
        async def work(session, actor):
            data = NewActionItem(
                one_on_one_id=require_uuid(input.one_on_one_id, "OneOnOne", "oneOnOneId"),
                title=input.title,
                owner_id=require_uuid(input.owner_id, "Employee", "ownerId"),
                due_on=input.due_date,
                meeting_id=optional_uuid(input.meeting_id, "OneOnOneMeeting", "meetingId"),
                goal_id=optional_uuid(input.goal_id, "Goal", "goalId"),
                competency_id=optional_uuid(input.competency_id, "Competency", "competencyId"),
            )
            return await content.add_action_item(session, actor, data)

        found, errors = await _run(info, work)
        return ActionItemPayload(action_item=found, errors=errors)

    @strawberry.mutation(description="Changes an action item or marks it done (either participant).")
    async def update_action_item(self, info: Ctx, input: UpdateActionItemInput) -> ActionItemPayload:
        async def work(session, actor):
            item_id = require_uuid(input.id, "OneOnOneActionItem", "id")
            return await content.update_action_item(session, actor, item_id, _action_item_changes(input), info.context.today)

        found, errors = await _run(info, work)
        return ActionItemPayload(action_item=found, errors=errors)
