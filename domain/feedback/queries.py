"""Read side of feedback: visible look-ups, per-employee pages, the inbox, batched details.

Every query that returns feedback or requests carries the visibility clause in its SQL
(visibility.py), so pages are cut after filtering. Details of rows already shown
(competencies, who was asked) are read by id, one statement per relation for a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.actor import Actor
from domain.competencies.models import Competency
from domain.feedback.models import AskStatus, Feedback, FeedbackAsk, FeedbackCompetency, FeedbackRequest
from domain.feedback.visibility import visible_feedback, visible_request
from domain.pagination import Page, PageRequest
from domain.persistence import group_by

Key = tuple[datetime, UUID]


@dataclass(frozen=True, slots=True)
class InboxCounts:
    open: int
    overdue: int


# --- single rows ------------------------------------------------------------------------------


async def visible_feedback_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, Feedback]:
    rows = await session.scalars(select(Feedback).where(Feedback.id.in_(list(ids)), visible_feedback(actor)))
    return {row.id: row for row in rows}


async def visible_requests_by_ids(
    session: AsyncSession, actor: Actor, ids: Sequence[UUID]
) -> dict[UUID, FeedbackRequest]:
    rows = await session.scalars(select(FeedbackRequest).where(FeedbackRequest.id.in_(list(ids)), visible_request(actor)))
    return {row.id: row for row in rows}


# --- per employee: received and given, several employees in one statement ----------------------


def _newest_first(table: Any = Feedback) -> tuple[Any, ...]:
    return (table.created_at.desc(), table.id.desc())


def _before(key: Key) -> Any:
    at, last_id = key
    return or_(Feedback.created_at < at, and_(Feedback.created_at == at, Feedback.id < last_id))


def key_of(feedback: Feedback) -> Key:
    return (feedback.created_at, feedback.id)


async def _pages(
    session: AsyncSession, actor: Actor, owner: Any, owner_ids: Sequence[UUID], first: int, after: Key | None
) -> dict[UUID, Page[Feedback]]:
    """Newest first, `first` per owner (a window per owner), visibility in the same statement."""
    conditions = [owner.in_(list(owner_ids)), visible_feedback(actor)]
    if after is not None:
        conditions.append(_before(after))
    rank = func.row_number().over(partition_by=owner, order_by=_newest_first()).label("rank")
    inner = select(Feedback, rank).where(*conditions).subquery()
    row = aliased(Feedback, inner)
    rows = await session.scalars(
        select(row).where(inner.c.rank <= first + 1).order_by(inner.c[owner.key], inner.c.rank)
    )
    grouped = group_by(owner_ids, rows, lambda r: getattr(r, owner.key))
    return {
        owner_id: Page(items[:first], len(items) > first, None, [key_of(f) for f in items[:first]])
        for owner_id, items in grouped.items()
    }


async def received_pages(
    session: AsyncSession, actor: Actor, employee_ids: Sequence[UUID], first: int, after: Key | None
) -> dict[UUID, Page[Feedback]]:
    return await _pages(session, actor, Feedback.receiver_id, employee_ids, first, after)


async def given_pages(
    session: AsyncSession, actor: Actor, employee_ids: Sequence[UUID], first: int, after: Key | None
) -> dict[UUID, Page[Feedback]]:
    return await _pages(session, actor, Feedback.giver_id, employee_ids, first, after)


# --- details of rows already shown ----------------------------------------------------------


async def competencies(session: AsyncSession, feedback_ids: Sequence[UUID]) -> dict[UUID, list[Competency]]:
    rows = await session.execute(
        select(FeedbackCompetency.feedback_id, Competency)
        .join(Competency, Competency.id == FeedbackCompetency.competency_id)
        .where(FeedbackCompetency.feedback_id.in_(list(feedback_ids)))
        .order_by(FeedbackCompetency.feedback_id, Competency.position, Competency.name)
    )
    grouped: dict[UUID, list[Competency]] = {i: [] for i in feedback_ids}
    for feedback_id, competency in rows:
        grouped[feedback_id].append(competency)
    return grouped


async def asks_by_request_ids(session: AsyncSession, request_ids: Sequence[UUID]) -> dict[UUID, list[FeedbackAsk]]:
    """Every asked person's part, for requests the caller already may see."""
    rows = await session.scalars(
        select(FeedbackAsk)
        .where(FeedbackAsk.request_id.in_(list(request_ids)))
        .order_by(FeedbackAsk.request_id, FeedbackAsk.employee_id)
    )
    return group_by(request_ids, rows, lambda row: row.request_id)


# --- the inbox: open requests addressed to me; requests I sent ------------------------------


def _mine_open(actor: Actor) -> list[Any]:
    return [
        FeedbackAsk.request_id == FeedbackRequest.id,
        FeedbackAsk.employee_id == actor.employee_id,
        FeedbackAsk.status == AskStatus.OPEN.value,
    ]


async def inbox(session: AsyncSession, actor: Actor, page: PageRequest) -> Page[FeedbackRequest]:
    """Open requests addressed to the actor, soonest due first; keyset on (due_date, id)."""
    query = select(FeedbackRequest).join(FeedbackAsk, and_(*_mine_open(actor)))
    if page.after is not None:
        due, last_id = page.after
        query = query.where(
            or_(FeedbackRequest.due_date > due, and_(FeedbackRequest.due_date == due, FeedbackRequest.id > last_id))
        )
    rows = list(await session.scalars(query.order_by(FeedbackRequest.due_date, FeedbackRequest.id).limit(page.first + 1)))
    items = rows[: page.first]
    return Page(items, len(rows) > page.first, None, [(r.due_date, r.id) for r in items])


async def inbox_counts(session: AsyncSession, actor: Actor, today: date) -> InboxCounts:
    """Open and overdue (past the due date) requests addressed to the actor, in one statement."""
    row = (await session.execute(
        select(func.count(), func.count().filter(FeedbackRequest.due_date < today))
        .select_from(FeedbackRequest)
        .join(FeedbackAsk, and_(*_mine_open(actor)))
    )).one()
    return InboxCounts(open=row[0], overdue=row[1])


async def sent(session: AsyncSession, actor: Actor, page: PageRequest) -> Page[FeedbackRequest]:
    """Requests the actor made, newest first; keyset on (created_at, id)."""
    query = select(FeedbackRequest).where(FeedbackRequest.requester_id == actor.employee_id)
    if page.after is not None:
        at, last_id = page.after
        query = query.where(
            or_(FeedbackRequest.created_at < at, and_(FeedbackRequest.created_at == at, FeedbackRequest.id < last_id))
        )
    rows = list(await session.scalars(query.order_by(*_newest_first(FeedbackRequest)).limit(page.first + 1)))
    items = rows[: page.first]
    return Page(items, len(rows) > page.first, None, [(r.created_at, r.id) for r in items])
