"""What is inside a 1:1: shared agenda items, shared and private notes, action items.

Only the two participants reach any of it (NOT_FOUND for everyone else, HR included).
Either participant adds agenda items and action items and ticks them off; a note is
changed by its author only, and a private note is not even found by anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.framework import get_competency
from domain.competencies.framework import require_active as require_active_competency
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.goals.queries import get_visible_goal
from domain.one_on_ones import policy, rules
from domain.one_on_ones.models import ActionItem, AgendaItem, Meeting, MeetingStatus, Note, OneOnOne
from domain.one_on_ones.series import (
    find_series,
    meeting_of_series,
    meeting_to_change,
    next_meeting,
    require_active,
    series_to_change,
)
from domain.org.employees import get_employee
from domain.org.rules import clean_text
from domain.persistence import session_tenant


async def _content_series(session: AsyncSession, actor: Actor, series_id: UUID, what: str, field: str) -> OneOnOne:
    return policy.require_content_access(actor, await find_series(session, series_id), what, [field])


def _open_meeting(meeting: Meeting, field: str) -> Meeting:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise DomainError(ErrorCode.INVALID_STATE, "This meeting has been held; its agenda is closed", [field])
    return meeting


# --- agenda ------------------------------------------------------------------------------


async def add_agenda_item(
    session: AsyncSession, actor: Actor, series_id: UUID, body: str, meeting_id: UUID | None = None
) -> AgendaItem:
    """On the given scheduled meeting, else the next one, else waiting for the next one scheduled."""
    series = require_active(await series_to_change(session, actor, series_id, "oneOnOneId"), "oneOnOneId")
    text = clean_text(body, "body", max_length=rules.BODY_MAX)
    if meeting_id is not None:
        meeting = _open_meeting(await meeting_of_series(session, series, meeting_id, "meetingId"), "meetingId")
    else:
        meeting = await next_meeting(session, series.id)
    item = AgendaItem(
        tenant_id=series.tenant_id, one_on_one_id=series.id, meeting_id=meeting.id if meeting else None,
        body=text, added_by=actor.employee_id,
    )
    session.add(item)
    await session.flush()
    return item


async def update_agenda_item(session: AsyncSession, actor: Actor, item_id: UUID, changes: dict[str, Any]) -> AgendaItem:
    """Either participant ticks an item as discussed; only whoever added it rewords it."""
    item = await session.get(AgendaItem, (session_tenant(session), item_id))
    if item is None:
        raise NotFound("OneOnOneAgendaItem", ["id"])
    await _content_series(session, actor, item.one_on_one_id, "OneOnOneAgendaItem", "id")
    meeting = await session.get(Meeting, (item.tenant_id, item.meeting_id)) if item.meeting_id else None
    if meeting is not None:
        _open_meeting(meeting, "id")
    if changes.get("body") is not None:
        if item.added_by != actor.employee_id:
            raise Forbidden("Only whoever added an agenda item rewords it", ["body"])
        item.body = clean_text(changes["body"], "body", max_length=rules.BODY_MAX)
    if changes.get("discussed") is not None:
        if meeting is None:
            raise DomainError(ErrorCode.INVALID_STATE, "This item waits for a meeting to be scheduled", ["discussed"])
        item.discussed = changes["discussed"]
    await session.flush()
    return item


# --- notes -------------------------------------------------------------------------------


async def add_note(session: AsyncSession, actor: Actor, meeting_id: UUID, body: str, private: bool) -> Note:
    meeting, series = await meeting_to_change(session, actor, meeting_id, "meetingId")
    note = Note(
        tenant_id=series.tenant_id, one_on_one_id=series.id, meeting_id=meeting.id, author_id=actor.employee_id,
        body=clean_text(body, "body", max_length=rules.NOTE_MAX), private=private,
    )
    session.add(note)
    await session.flush()
    return note


async def update_note(session: AsyncSession, actor: Actor, note_id: UUID, body: str) -> Note:
    """A private note is found by its author only; a shared one is changed by its author only."""
    note = await session.get(Note, (session_tenant(session), note_id))
    if note is None or (note.private and note.author_id != actor.employee_id):
        raise NotFound("OneOnOneNote", ["id"])
    await _content_series(session, actor, note.one_on_one_id, "OneOnOneNote", "id")
    if note.author_id != actor.employee_id:
        raise Forbidden("Only its author changes a note", ["id"])
    note.body = clean_text(body, "body", max_length=rules.NOTE_MAX)
    note.updated_at = func.now()
    await session.flush()
    await session.refresh(note, ["updated_at"])
    return note


# --- action items ------------------------------------------------------------------------


@dataclass(slots=True)
class NewActionItem:
    one_on_one_id: UUID
    title: str
    owner_id: UUID
    due_on: date | None = None
    meeting_id: UUID | None = None
    goal_id: UUID | None = None
    competency_id: UUID | None = None


async def _owner(session: AsyncSession, series: OneOnOne, owner_id: UUID) -> UUID:
    await get_employee(session, owner_id, "ownerId")
    if owner_id not in series.participants:
        raise DomainError(ErrorCode.INVALID, "An action item is owned by one of the two participants", ["ownerId"])
    return owner_id


async def _goal(session: AsyncSession, actor: Actor, goal_id: UUID | None) -> UUID | None:
    """A goal the actor can see (an invisible one is not found, as everywhere)."""
    return None if goal_id is None else (await get_visible_goal(session, actor, goal_id, "goalId")).id


async def _competency(session: AsyncSession, competency_id: UUID | None) -> UUID | None:
    if competency_id is None:
        return None
    return require_active_competency(await get_competency(session, competency_id, "competencyId"), ["competencyId"]).id


async def add_action_item(session: AsyncSession, actor: Actor, data: NewActionItem) -> ActionItem:
    series = require_active(await series_to_change(session, actor, data.one_on_one_id, "oneOnOneId"), "oneOnOneId")
    title = clean_text(data.title, "title", max_length=rules.TITLE_MAX)
    owner_id = await _owner(session, series, data.owner_id)
    meeting = await meeting_of_series(session, series, data.meeting_id, "meetingId") if data.meeting_id else None
    item = ActionItem(
        tenant_id=series.tenant_id, one_on_one_id=series.id, meeting_id=meeting.id if meeting else None, title=title,
        owner_id=owner_id, due_on=data.due_on, goal_id=await _goal(session, actor, data.goal_id),
        competency_id=await _competency(session, data.competency_id), created_by=actor.employee_id,
    )
    session.add(item)
    await session.flush()
    return item


async def find_action_item(session: AsyncSession, actor: Actor, item_id: UUID, field: str = "id") -> ActionItem:
    """The action item, NOT_FOUND alike when missing, another tenant's, or someone else's 1:1."""
    item = await session.get(ActionItem, (session_tenant(session), item_id))
    if item is None:
        raise NotFound("OneOnOneActionItem", [field])
    await _content_series(session, actor, item.one_on_one_id, "OneOnOneActionItem", field)
    return item


async def update_action_item(
    session: AsyncSession, actor: Actor, item_id: UUID, changes: dict[str, Any], today: date
) -> ActionItem:
    """Keys present in `changes` change; `done` dates the completion with today."""
    item = await find_action_item(session, actor, item_id)
    series = await find_series(session, item.one_on_one_id)
    if "title" in changes:
        item.title = clean_text(changes["title"], "title", max_length=rules.TITLE_MAX)
    if "owner_id" in changes:
        item.owner_id = await _owner(session, series, changes["owner_id"])
    if "due_on" in changes:
        item.due_on = changes["due_on"]
    if "goal_id" in changes:
        item.goal_id = await _goal(session, actor, changes["goal_id"])
    if "competency_id" in changes:
        item.competency_id = await _competency(session, changes["competency_id"])
    if changes.get("done") is not None and changes["done"] != item.done:
        item.done, item.done_on = changes["done"], today if changes["done"] else None
    item.updated_at = func.now()
    await session.flush()
    await session.refresh(item, ["updated_at"])
    return item
