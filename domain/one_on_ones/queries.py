"""Read side of 1:1s: visible series, a participant's list, batched contents, and the
cadence facts of employees with their managers (one statement for a page of reports).

Series queries carry the visibility clause in SQL (participant, or HR for the series
row alone). Contents are read by series or meeting id only after the API checked that
the viewer takes part; private notes are filtered on the viewer in the SQL itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import and_, func, or_, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
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
from domain.one_on_ones.rules import SeriesFacts
from domain.pagination import Page, PageRequest
from domain.persistence import among, group_by


def involves(employee_id: UUID):
    return or_(OneOnOne.first_id == employee_id, OneOnOne.second_id == employee_id)


def visible(actor: Actor):
    return true() if actor.is_hr_admin else involves(actor.employee_id)


async def visible_series_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, OneOnOne]:
    rows = await session.scalars(select(OneOnOne).where(among(OneOnOne.id, ids), visible(actor)))
    return {row.id: row for row in rows}


async def series_of_participant(
    session: AsyncSession, employee_id: UUID, status: SeriesStatus | None, page: PageRequest
) -> Page[OneOnOne]:
    """Newest first. The caller decides whether the viewer may list this employee's series."""
    conditions = [involves(employee_id)]
    if status is not None:
        conditions.append(OneOnOne.status == status.value)
    query = select(OneOnOne).where(*conditions)
    if page.after is not None:
        started, last_id = page.after
        query = query.where(or_(OneOnOne.started_on < started, and_(OneOnOne.started_on == started, OneOnOne.id < last_id)))
    rows = list(await session.scalars(query.order_by(OneOnOne.started_on.desc(), OneOnOne.id.desc()).limit(page.first + 1)))
    items = rows[: page.first]
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(OneOnOne).where(*conditions))
    return Page(items, len(rows) > page.first, total, [(s.started_on, s.id) for s in items])


async def series_by_participant_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[OneOnOne]]:
    """Every series each employee takes part in, active first, newest first."""
    rows = list(await session.scalars(
        select(OneOnOne)
        .where(or_(among(OneOnOne.first_id, ids), among(OneOnOne.second_id, ids)))
        .order_by(OneOnOne.status, OneOnOne.started_on.desc(), OneOnOne.id)
    ))
    wanted = set(ids)
    grouped: dict[UUID, list[OneOnOne]] = {i: [] for i in ids}
    for row in rows:
        for person in {row.first_id, row.second_id} & wanted:
            grouped[person].append(row)
    return grouped


async def last_held_by_series_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, date | None]:
    rows = await session.execute(
        select(Meeting.one_on_one_id, func.max(Meeting.held_on))
        .where(among(Meeting.one_on_one_id, ids), Meeting.status == MeetingStatus.HELD.value)
        .group_by(Meeting.one_on_one_id)
    )
    found: dict[UUID, date | None] = dict.fromkeys(ids)
    found.update({series_id: held for series_id, held in rows})
    return found


ManagerPair = tuple[UUID, UUID]  # (employee, their manager)


async def facts_with_managers(session: AsyncSession, pairs: Sequence[ManagerPair]) -> dict[ManagerPair, SeriesFacts | None]:
    """The active series of each employee with their manager, and its last held meeting: one statement."""
    ordered = {pair: (min(pair), max(pair)) for pair in pairs}
    last_held = (
        select(func.max(Meeting.held_on))
        .where(Meeting.one_on_one_id == OneOnOne.id, Meeting.status == MeetingStatus.HELD.value)
        .correlate(OneOnOne)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(OneOnOne.first_id, OneOnOne.second_id, OneOnOne.cadence, OneOnOne.started_on, last_held).where(
            tuple_(OneOnOne.first_id, OneOnOne.second_id).in_(list(set(ordered.values()))),
            OneOnOne.status == SeriesStatus.ACTIVE.value,
        )
    )
    by_pair = {(first, second): SeriesFacts(Cadence(cadence), started, held) for first, second, cadence, started, held in rows}
    return {pair: by_pair.get(key) for pair, key in ordered.items()}


# --- contents (the caller has checked the viewer takes part) ---------------------------


async def meetings_by_series_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[Meeting]]:
    """Newest first."""
    rows = await session.scalars(
        select(Meeting).where(among(Meeting.one_on_one_id, ids)).order_by(Meeting.scheduled_on.desc(), Meeting.id)
    )
    return group_by(ids, rows, lambda row: row.one_on_one_id)


async def meetings_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, Meeting]:
    """Only meetings of the actor's own series."""
    rows = await session.scalars(
        select(Meeting)
        .join(OneOnOne, OneOnOne.id == Meeting.one_on_one_id)
        .where(among(Meeting.id, ids), involves(actor.employee_id))
    )
    return {row.id: row for row in rows}


async def agenda_by_meeting_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[AgendaItem]]:
    rows = await session.scalars(
        select(AgendaItem).where(among(AgendaItem.meeting_id, ids)).order_by(AgendaItem.created_at, AgendaItem.id)
    )
    return group_by(ids, rows, lambda row: row.meeting_id)


async def waiting_agenda_by_series_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[AgendaItem]]:
    """Items waiting for the next meeting to be scheduled."""
    rows = await session.scalars(
        select(AgendaItem)
        .where(among(AgendaItem.one_on_one_id, ids), AgendaItem.meeting_id.is_(None))
        .order_by(AgendaItem.created_at, AgendaItem.id)
    )
    return group_by(ids, rows, lambda row: row.one_on_one_id)


async def notes_by_meeting_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, list[Note]]:
    """Shared notes, and the actor's own private ones: nobody else's private note ever leaves the database."""
    rows = await session.scalars(
        select(Note)
        .where(among(Note.meeting_id, ids), or_(Note.private.is_(False), Note.author_id == actor.employee_id))
        .order_by(Note.created_at, Note.id)
    )
    return group_by(ids, rows, lambda row: row.meeting_id)


def _action_item_order():
    return (ActionItem.done, ActionItem.due_on.asc().nulls_last(), ActionItem.created_at, ActionItem.id)


async def action_items_by_series_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[ActionItem]]:
    """Open ones first, soonest due first."""
    rows = await session.scalars(
        select(ActionItem).where(among(ActionItem.one_on_one_id, ids)).order_by(*_action_item_order())
    )
    return group_by(ids, rows, lambda row: row.one_on_one_id)


async def action_items_by_meeting_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[ActionItem]]:
    rows = await session.scalars(
        select(ActionItem).where(among(ActionItem.meeting_id, ids)).order_by(*_action_item_order())
    )
    return group_by(ids, rows, lambda row: row.meeting_id)


async def visible_action_items_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, ActionItem]:
    """Only action items of the actor's own series."""
    rows = await session.scalars(
        select(ActionItem)
        .join(OneOnOne, OneOnOne.id == ActionItem.one_on_one_id)
        .where(among(ActionItem.id, ids), involves(actor.employee_id))
    )
    return {row.id: row for row in rows}
