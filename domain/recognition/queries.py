"""Read side of recognition: visible look-ups, the feed, per-employee pages, batched details.

Every query that returns recognitions carries the visibility clause (the feed: PUBLIC
only) in its SQL, so pages are cut after filtering. Details of recognitions already
shown (recipients, competencies, reactions, comments) are read by recognition id, in one
statement per relation for a whole page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, exists, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.actor import Actor
from domain.competencies.models import Competency
from domain.errors import NotFound
from domain.org.hierarchy import employees_by_ids
from domain.org.models import Department, Employee
from domain.pagination import Page, PageRequest
from domain.persistence import group_by
from domain.recognition.models import (
    Recognition,
    RecognitionComment,
    RecognitionCompetency,
    RecognitionReaction,
    RecognitionRecipient,
    RecognitionVisibility,
)
from domain.recognition.rules import EMOJIS
from domain.recognition.visibility import visible

LATEST_COMMENTS = 3
MAX_DEPTH = 1_000
Key = tuple[datetime, UUID]


@dataclass(frozen=True, slots=True)
class FeedFilter:
    department_id: UUID | None = None  # recipients in this department or one below it
    competency_id: UUID | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Reactions:
    counts: list[tuple[str, int]]  # per emoji with at least one reaction, in the offered order
    mine: list[str]


@dataclass(frozen=True, slots=True)
class Comments:
    count: int
    latest: list[RecognitionComment]  # newest first


@dataclass(slots=True)
class Details:
    """What a page of recognitions shows, read in one statement per relation."""

    recipients: dict[UUID, list[UUID]] = field(default_factory=dict)
    competencies: dict[UUID, list[Competency]] = field(default_factory=dict)
    reactions: dict[UUID, Reactions] = field(default_factory=dict)
    comments: dict[UUID, Comments] = field(default_factory=dict)
    people: dict[UUID, Employee] = field(default_factory=dict)  # givers, recipients, comment authors


NO_REACTIONS = Reactions([], [])
NO_COMMENTS = Comments(0, [])


# --- single recognitions --------------------------------------------------------------------


async def find_visible(session: AsyncSession, actor: Actor, recognition_id: UUID) -> Recognition | None:
    return await session.scalar(select(Recognition).where(Recognition.id == recognition_id, visible(actor)))


async def get_visible(session: AsyncSession, actor: Actor, recognition_id: UUID, field_name: str = "id") -> Recognition:
    """The recognition, or NOT_FOUND alike for a missing, another tenant's or an invisible one."""
    recognition = await find_visible(session, actor, recognition_id)
    if recognition is None:
        raise NotFound("Recognition", [field_name])
    return recognition


async def visible_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, Recognition]:
    rows = await session.scalars(select(Recognition).where(Recognition.id.in_(list(ids)), visible(actor)))
    return {row.id: row for row in rows}


# --- the feed -------------------------------------------------------------------------------


def _newest_first(table: Any = Recognition) -> tuple[Any, ...]:
    return (table.created_at.desc(), table.id.desc())


def _before(key: Key, table: Any = Recognition) -> Any:
    at, last_id = key
    return or_(table.created_at < at, and_(table.created_at == at, table.id < last_id))


def key_of(recognition: Recognition) -> Key:
    return (recognition.created_at, recognition.id)


def _department_subtree(root_id: UUID):
    tree = (
        select(Department.id, literal_column("0").label("depth"))
        .where(Department.id == root_id)
        .cte("department_subtree", recursive=True)
    )
    return tree.union_all(
        select(Department.id, (tree.c.depth + 1).label("depth")).where(
            Department.parent_id == tree.c.id, tree.c.depth < MAX_DEPTH
        )
    )


def _feed_conditions(criteria: FeedFilter) -> list[Any]:
    conditions: list[Any] = [Recognition.visibility == RecognitionVisibility.PUBLIC.value]
    if criteria.kind is not None:
        conditions.append(Recognition.kind == criteria.kind)
    if criteria.competency_id is not None:
        conditions.append(
            exists().where(
                RecognitionCompetency.recognition_id == Recognition.id,
                RecognitionCompetency.competency_id == criteria.competency_id,
            )
        )
    if criteria.department_id is not None:
        subtree = _department_subtree(criteria.department_id)
        conditions.append(
            exists()
            .where(RecognitionRecipient.recognition_id == Recognition.id)
            .where(Employee.id == RecognitionRecipient.employee_id)
            .where(Employee.department_id.in_(select(subtree.c.id)))
        )
    return conditions


async def feed(session: AsyncSession, criteria: FeedFilter, page: PageRequest) -> Page[Recognition]:
    """PUBLIC recognition, newest first, keyset on (created_at, id): one statement, two with the total."""
    conditions = _feed_conditions(criteria)
    query = select(Recognition).where(*conditions)
    if page.after is not None:
        query = query.where(_before(page.after))
    rows = list(await session.scalars(query.order_by(*_newest_first()).limit(page.first + 1)))
    items = rows[: page.first]
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(Recognition).where(*conditions))
    return Page(items, len(rows) > page.first, total, [key_of(r) for r in items])


# --- per employee: received and given, several employees in one statement ----------------------


async def _pages(
    session: AsyncSession, owner_column: Any, conditions: list[Any], owner_ids: Sequence[UUID], first: int,
    after: Key | None, join: Any | None = None,
) -> dict[UUID, Page[Recognition]]:
    """Newest first, `first` per owner (a window per owner), for many owners at once."""
    if after is not None:
        conditions = [*conditions, _before(after)]
    rank = func.row_number().over(partition_by=owner_column, order_by=_newest_first()).label("rank")
    inner = select(Recognition, owner_column.label("owner"), rank)
    if join is not None:
        inner = inner.join(*join)
    inner = inner.where(owner_column.in_(list(owner_ids)), *conditions).subquery()
    row = aliased(Recognition, inner)
    rows = (await session.execute(
        select(row, inner.c.owner).where(inner.c.rank <= first + 1).order_by(inner.c.owner, inner.c.rank)
    )).all()
    grouped: dict[UUID, list[Recognition]] = {owner: [] for owner in owner_ids}
    for recognition, owner in rows:
        grouped[owner].append(recognition)
    return {
        owner: Page(items[:first], len(items) > first, None, [key_of(r) for r in items[:first]])
        for owner, items in grouped.items()
    }


async def received_pages(
    session: AsyncSession, actor: Actor, employee_ids: Sequence[UUID], first: int, after: Key | None
) -> dict[UUID, Page[Recognition]]:
    join = (RecognitionRecipient, RecognitionRecipient.recognition_id == Recognition.id)
    return await _pages(session, RecognitionRecipient.employee_id, [visible(actor)], employee_ids, first, after, join)


async def given_pages(
    session: AsyncSession, actor: Actor, employee_ids: Sequence[UUID], first: int, after: Key | None
) -> dict[UUID, Page[Recognition]]:
    return await _pages(session, Recognition.giver_id, [visible(actor)], employee_ids, first, after)


# --- details of recognitions already shown ---------------------------------------------------


async def recipient_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[UUID]]:
    rows = await session.execute(
        select(RecognitionRecipient.recognition_id, RecognitionRecipient.employee_id)
        .where(RecognitionRecipient.recognition_id.in_(list(ids)))
        .order_by(RecognitionRecipient.recognition_id, RecognitionRecipient.position)
    )
    grouped: dict[UUID, list[UUID]] = {i: [] for i in ids}
    for recognition_id, employee_id in rows:
        grouped[recognition_id].append(employee_id)
    return grouped


async def recipients(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[Employee]]:
    rows = await session.execute(
        select(RecognitionRecipient.recognition_id, Employee)
        .join(Employee, Employee.id == RecognitionRecipient.employee_id)
        .where(RecognitionRecipient.recognition_id.in_(list(ids)))
        .order_by(RecognitionRecipient.recognition_id, RecognitionRecipient.position)
    )
    grouped: dict[UUID, list[Employee]] = {i: [] for i in ids}
    for recognition_id, employee in rows:
        grouped[recognition_id].append(employee)
    return grouped


async def competencies(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[Competency]]:
    rows = await session.execute(
        select(RecognitionCompetency.recognition_id, Competency)
        .join(Competency, Competency.id == RecognitionCompetency.competency_id)
        .where(RecognitionCompetency.recognition_id.in_(list(ids)))
        .order_by(RecognitionCompetency.recognition_id, Competency.position, Competency.name)
    )
    grouped: dict[UUID, list[Competency]] = {i: [] for i in ids}
    for recognition_id, competency in rows:
        grouped[recognition_id].append(competency)
    return grouped


async def reactions(session: AsyncSession, viewer_id: UUID, ids: Sequence[UUID]) -> dict[UUID, Reactions]:
    """Counts per emoji and the viewer's own, in one grouped statement."""
    rows = await session.execute(
        select(
            RecognitionReaction.recognition_id,
            RecognitionReaction.emoji,
            func.count(),
            func.bool_or(RecognitionReaction.employee_id == viewer_id),
        )
        .where(RecognitionReaction.recognition_id.in_(list(ids)))
        .group_by(RecognitionReaction.recognition_id, RecognitionReaction.emoji)
    )
    counts: dict[UUID, dict[str, int]] = defaultdict(dict)
    mine: dict[UUID, set[str]] = defaultdict(set)
    for recognition_id, emoji, count, reacted in rows:
        counts[recognition_id][emoji] = count
        if reacted:
            mine[recognition_id].add(emoji)
    order = {emoji: i for i, emoji in enumerate(EMOJIS)}
    return {
        i: Reactions(
            sorted(counts[i].items(), key=lambda item: order.get(item[0], len(order))),
            sorted(mine[i], key=lambda emoji: order.get(emoji, len(order))),
        )
        for i in ids
    }


def _comment_order() -> tuple[Any, ...]:
    return _newest_first(RecognitionComment)


async def comment_summaries(session: AsyncSession, ids: Sequence[UUID], latest: int = LATEST_COMMENTS) -> dict[UUID, Comments]:
    """The count and the `latest` newest comments per recognition, in one windowed statement."""
    partition = RecognitionComment.recognition_id
    rank = func.row_number().over(partition_by=partition, order_by=_comment_order()).label("rank")
    total = func.count().over(partition_by=partition).label("total")
    inner = select(RecognitionComment, rank, total).where(RecognitionComment.recognition_id.in_(list(ids))).subquery()
    comment = aliased(RecognitionComment, inner)
    rows = (await session.execute(
        select(comment, inner.c.total).where(inner.c.rank <= max(latest, 1)).order_by(inner.c.recognition_id, inner.c.rank)
    )).all()
    counts: dict[UUID, int] = dict.fromkeys(ids, 0)
    newest: dict[UUID, list[RecognitionComment]] = {i: [] for i in ids}
    for row, count in rows:
        counts[row.recognition_id] = count
        if len(newest[row.recognition_id]) < latest:
            newest[row.recognition_id].append(row)
    return {i: Comments(counts[i], newest[i]) for i in ids}


async def comment_pages(
    session: AsyncSession, ids: Sequence[UUID], first: int, after: Key | None
) -> dict[UUID, Page[RecognitionComment]]:
    conditions: list[Any] = [RecognitionComment.recognition_id.in_(list(ids))]
    if after is not None:
        conditions.append(_before(after, RecognitionComment))
    rank = func.row_number().over(partition_by=RecognitionComment.recognition_id, order_by=_comment_order()).label("rank")
    inner = select(RecognitionComment, rank).where(*conditions).subquery()
    comment = aliased(RecognitionComment, inner)
    rows = await session.scalars(select(comment).where(inner.c.rank <= first + 1).order_by(inner.c.recognition_id, inner.c.rank))
    grouped = group_by(ids, rows, lambda row: row.recognition_id)
    return {
        i: Page(items[:first], len(items) > first, None, [(c.created_at, c.id) for c in items[:first]])
        for i, items in grouped.items()
    }


async def details(
    session: AsyncSession, viewer_id: UUID, shown: Sequence[Recognition], wanted: set[str], known_people: set[UUID]
) -> Details:
    """Only the relations `wanted` ("recipients", "competencies", "reactions", "comments",
    "giver"); people are read once at the end for givers, recipients and comment authors
    that `known_people` (already in the request) does not hold."""
    ids = [r.id for r in shown]
    found = Details()
    if not ids:
        return found
    people: set[UUID] = set()
    if "recipients" in wanted:
        found.recipients = await recipient_ids(session, ids)
        people |= {p for ps in found.recipients.values() for p in ps}
    if "competencies" in wanted:
        found.competencies = await competencies(session, ids)
    if "reactions" in wanted:
        found.reactions = await reactions(session, viewer_id, ids)
    if "comments" in wanted:
        found.comments = await comment_summaries(session, ids)
        people |= {c.author_id for summary in found.comments.values() for c in summary.latest}
    if "giver" in wanted:
        people |= {r.giver_id for r in shown}
    missing = sorted(people - known_people)
    if missing:
        found.people = await employees_by_ids(session, missing)
    return found
