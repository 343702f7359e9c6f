"""The 1:1 series and its meetings: start, change the cadence, end; schedule and hold.

Holding a meeting carries every agenda item not ticked as discussed over to the next
scheduled meeting, or, when none is scheduled yet, to the series' waiting list, which
the next `schedule_meeting` takes in. Nothing is dropped silently.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode, NotFound
from domain.one_on_ones import policy, rules
from domain.one_on_ones.models import AgendaItem, Cadence, Meeting, MeetingStatus, OneOnOne, SeriesStatus
from domain.org.employees import get_active_employee
from domain.persistence import flush_or_conflict, session_tenant


def _duplicate_pair() -> DomainError:
    return DomainError(ErrorCode.DUPLICATE, "These two people already have an active 1:1 series", ["withEmployeeId"])


def _duplicate_date() -> DomainError:
    return DomainError(ErrorCode.DUPLICATE, "This 1:1 already has a meeting on that date", ["date"])


async def find_series(session: AsyncSession, series_id: UUID) -> OneOnOne | None:
    return await session.get(OneOnOne, (session_tenant(session), series_id))


async def series_to_change(session: AsyncSession, actor: Actor, series_id: UUID, field: str = "id") -> OneOnOne:
    return policy.require_participant(actor, await find_series(session, series_id), "OneOnOne", [field])


def require_active(series: OneOnOne, field: str) -> OneOnOne:
    if not series.is_active:
        raise DomainError(ErrorCode.INVALID_STATE, "This 1:1 series has ended", [field])
    return series


async def meeting_to_change(session: AsyncSession, actor: Actor, meeting_id: UUID, field: str) -> tuple[Meeting, OneOnOne]:
    """The meeting and its series; NOT_FOUND for anyone but the two participants."""
    meeting = await session.get(Meeting, (session_tenant(session), meeting_id))
    series = await find_series(session, meeting.one_on_one_id) if meeting is not None else None
    policy.require_content_access(actor, series, "OneOnOneMeeting", [field])
    return meeting, series


async def meeting_of_series(session: AsyncSession, series: OneOnOne, meeting_id: UUID, field: str) -> Meeting:
    meeting = await session.get(Meeting, (session_tenant(session), meeting_id))
    if meeting is None or meeting.one_on_one_id != series.id:
        raise NotFound("OneOnOneMeeting", [field])
    return meeting


async def next_meeting(session: AsyncSession, series_id: UUID, other_than: UUID | None = None) -> Meeting | None:
    """The scheduled meeting that comes first: where carried-over and new items go."""
    query = select(Meeting).where(Meeting.one_on_one_id == series_id, Meeting.status == MeetingStatus.SCHEDULED.value)
    if other_than is not None:
        query = query.where(Meeting.id != other_than)
    return await session.scalar(query.order_by(Meeting.scheduled_on, Meeting.id).limit(1))


# --- the series --------------------------------------------------------------------------


async def start_one_on_one(
    session: AsyncSession, actor: Actor, with_employee_id: UUID, cadence: Cadence, today: date
) -> OneOnOne:
    """The actor starts a series with someone else; one active series per pair."""
    other = await get_active_employee(session, with_employee_id, "withEmployeeId")
    first, second = rules.pair(actor.employee_id, other.id)
    taken = await session.scalar(
        select(OneOnOne.id).where(
            OneOnOne.first_id == first, OneOnOne.second_id == second, OneOnOne.status == SeriesStatus.ACTIVE.value
        )
    )
    if taken is not None:
        raise _duplicate_pair()
    series = OneOnOne(
        tenant_id=session_tenant(session), first_id=first, second_id=second, cadence=cadence.value,
        started_on=today, started_by=actor.employee_id,
    )
    session.add(series)
    await flush_or_conflict(session, {"one_on_ones_active_pair_key": _duplicate_pair()})
    return series


async def change_cadence(session: AsyncSession, actor: Actor, series_id: UUID, cadence: Cadence) -> OneOnOne:
    series = require_active(await series_to_change(session, actor, series_id), "id")
    series.cadence = cadence.value
    await session.flush()
    return series


async def end_one_on_one(session: AsyncSession, actor: Actor, series_id: UUID, today: date) -> OneOnOne:
    """Either participant ends it; the history stays, and the pair may start a new series."""
    series = require_active(await series_to_change(session, actor, series_id), "id")
    series.status, series.ended_on = SeriesStatus.ENDED.value, today
    await session.flush()
    return series


# --- meetings ----------------------------------------------------------------------------


async def schedule_meeting(session: AsyncSession, actor: Actor, series_id: UUID, on: date) -> Meeting:
    """A past date records a meeting after the fact. Items waiting for a meeting join this one."""
    series = require_active(await series_to_change(session, actor, series_id, "oneOnOneId"), "oneOnOneId")
    taken = await session.scalar(select(Meeting.id).where(Meeting.one_on_one_id == series.id, Meeting.scheduled_on == on))
    if taken is not None:
        raise _duplicate_date()
    meeting = Meeting(tenant_id=series.tenant_id, one_on_one_id=series.id, scheduled_on=on, created_by=actor.employee_id)
    session.add(meeting)
    await flush_or_conflict(session, {"one_on_one_meetings_date_key": _duplicate_date()})
    await session.execute(
        update(AgendaItem)
        .where(AgendaItem.one_on_one_id == series.id, AgendaItem.meeting_id.is_(None))
        .values(meeting_id=meeting.id)
    )
    return meeting


async def hold_meeting(session: AsyncSession, actor: Actor, meeting_id: UUID, held_on: date, today: date) -> Meeting:
    meeting, series = await meeting_to_change(session, actor, meeting_id, "meetingId")
    require_active(series, "meetingId")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise DomainError(ErrorCode.INVALID_STATE, "This meeting has already been held", ["meetingId"])
    if held_on > today:
        raise DomainError(ErrorCode.INVALID, "A meeting cannot be held in the future", ["heldOn"])
    meeting.status, meeting.held_on = MeetingStatus.HELD.value, held_on
    await session.flush()
    await carry_over(session, meeting)
    return meeting


async def carry_over(session: AsyncSession, held: Meeting) -> None:
    """Items the held meeting did not discuss move on, counting each move."""
    following = await next_meeting(session, held.one_on_one_id, other_than=held.id)
    await session.execute(
        update(AgendaItem)
        .where(AgendaItem.meeting_id == held.id, AgendaItem.discussed.is_(False))
        .values(meeting_id=following.id if following else None, carried_over=AgendaItem.carried_over + 1)
    )
