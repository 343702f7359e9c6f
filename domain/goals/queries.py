"""Read side of goals: visible look-ups, the keyset list, batched relations, trees and paths.

Every query that returns goals carries the visibility clause in its SQL (visibility.py),
so pages are filtered before they are cut and counts never include hidden goals.
Relations of goals already shown (key results, check-ins, competencies) are read by
goal id without a second visibility check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, literal, literal_column, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.actor import Actor
from domain.competencies.models import Competency
from domain.errors import NotFound
from domain.goals import rules
from domain.goals.models import Confidence, Goal, GoalCheckIn, GoalCompetency, KeyResult
from domain.goals.visibility import reports_among, reports_of, visible
from domain.pagination import Page, PageRequest
from domain.persistence import among, group_by, session_tenant

MAX_DEPTH = 1_000  # bounds a walk even if bad data ever held a cycle
MAX_TREE_NODES = 1_000
# A health filter is applied in Python (health is derived) over SQL-ordered chunks;
# one request scans at most this many goals, then hands back a cursor to go on from.
MAX_SCANNED = 2_000
MAX_CHUNK = 200


@dataclass(frozen=True, slots=True)
class GoalFilter:
    owner_id: UUID | None = None
    department_id: UUID | None = None
    kind: str | None = None
    status: str | None = None
    health: rules.Health | None = None
    due_before: date | None = None


@dataclass(slots=True)
class GoalListing:
    page: Page[Goal]
    # Relations the health filter already had to read, for the resolvers to reuse.
    key_results: dict[UUID, list[KeyResult]] = field(default_factory=dict)
    latest_check_ins: dict[UUID, GoalCheckIn | None] = field(default_factory=dict)


# --- single goals ---------------------------------------------------------------------


async def find_visible_goal(session: AsyncSession, actor: Actor, goal_id: UUID) -> Goal | None:
    return await session.scalar(select(Goal).where(Goal.id == goal_id, visible(actor)))


async def get_visible_goal(session: AsyncSession, actor: Actor, goal_id: UUID, field_name: str = "id") -> Goal:
    """The goal, or NOT_FOUND alike for a missing, another tenant's or an invisible one."""
    goal = await find_visible_goal(session, actor, goal_id)
    if goal is None:
        raise NotFound("Goal", [field_name])
    return goal


async def get_key_result(session: AsyncSession, key_result_id: UUID, field_name: str = "id") -> KeyResult:
    result = await session.get(KeyResult, (session_tenant(session), key_result_id))
    if result is None:
        raise NotFound("KeyResult", [field_name])
    return result


async def visible_goals_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, Goal]:
    rows = await session.scalars(select(Goal).where(among(Goal.id, ids), visible(actor)))
    return {row.id: row for row in rows}


# --- the list -----------------------------------------------------------------------------


def _conditions(actor: Actor, criteria: GoalFilter) -> list[Any]:
    conditions: list[Any] = [visible(actor)]
    if criteria.owner_id is not None:
        conditions.append(Goal.owner_id == criteria.owner_id)
    if criteria.department_id is not None:
        conditions.append(Goal.department_id == criteria.department_id)
    if criteria.kind is not None:
        conditions.append(Goal.kind == criteria.kind)
    if criteria.status is not None:
        conditions.append(Goal.status == criteria.status)
    if criteria.due_before is not None:
        conditions.append(Goal.due_date < criteria.due_before)
    return conditions


async def _rows_after(session: AsyncSession, conditions: list[Any], after: tuple | None, limit: int) -> list[Goal]:
    query = select(Goal).where(*conditions)
    if after is not None:
        due, last_id = after
        query = query.where(or_(Goal.due_date > due, and_(Goal.due_date == due, Goal.id > last_id)))
    return list(await session.scalars(query.order_by(Goal.due_date, Goal.id).limit(limit)))


def _key(goal: Goal) -> tuple[date, UUID]:
    return (goal.due_date, goal.id)


async def list_goals(
    session: AsyncSession, actor: Actor, criteria: GoalFilter, page: PageRequest, today: date
) -> GoalListing:
    """Keyset on (due_date, id). One statement for the page, one more for the total if asked."""
    conditions = _conditions(actor, criteria)
    if criteria.health is not None:
        return await _list_by_health(session, conditions, criteria.health, page, today)
    rows = await _rows_after(session, conditions, page.after, page.first + 1)
    items = rows[: page.first]
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(Goal).where(*conditions))
    return GoalListing(Page(items, len(rows) > page.first, total, [_key(g) for g in items]))


def health_of(goal: Goal, key_results: Sequence[KeyResult], latest: GoalCheckIn | None, today: date) -> rules.HealthVerdict:
    confidence = Confidence(latest.confidence) if latest is not None else None
    return rules.goal_health(goal, rules.goal_progress(goal, key_results), confidence, today)


async def _list_by_health(
    session: AsyncSession, conditions: list[Any], wanted: rules.Health, page: PageRequest, today: date
) -> GoalListing:
    """Scan SQL-ordered chunks, keep the goals whose derived health matches, until the page
    is full (plus one, to know there is more) or MAX_SCANNED goals were read."""
    listing = GoalListing(Page([], has_next=False))
    after, scanned, chunk_size = page.after, 0, min(MAX_CHUNK, max(50, 2 * page.first))
    while scanned < MAX_SCANNED:
        chunk = await _rows_after(session, conditions, after, chunk_size)
        if not chunk:
            return listing
        ids = [goal.id for goal in chunk]
        listing.key_results.update(await key_results_by_goal_ids(session, ids))
        listing.latest_check_ins.update(await latest_check_ins(session, ids))
        for goal in chunk:
            if health_of(goal, listing.key_results[goal.id], listing.latest_check_ins[goal.id], today).health != wanted:
                continue
            if len(listing.page.items) == page.first:
                listing.page.has_next = True
                return listing
            listing.page.items.append(goal)
            listing.page.keys.append(_key(goal))
        scanned += len(chunk)
        after = _key(chunk[-1])
        if len(chunk) < chunk_size:
            return listing
    # Bounded: the next page resumes after the last goal read, not the last one shown.
    listing.page.has_next = True
    listing.page.resume_key = after
    return listing


# --- batched relations --------------------------------------------------------------------


async def key_results_by_goal_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[KeyResult]]:
    rows = await session.scalars(
        select(KeyResult).where(among(KeyResult.goal_id, ids)).order_by(KeyResult.goal_id, KeyResult.position, KeyResult.id)
    )
    return group_by(ids, rows, lambda row: row.goal_id)


async def key_results_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, KeyResult]:
    rows = await session.scalars(select(KeyResult).where(among(KeyResult.id, ids)))
    return {row.id: row for row in rows}


def _newest_first() -> tuple[Any, ...]:
    return (GoalCheckIn.recorded_at.desc(), GoalCheckIn.id.desc())


async def latest_check_ins(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, GoalCheckIn | None]:
    """One index probe per goal (LATERAL ... LIMIT 1): DISTINCT ON read and sorted every
    check-in of the goals, however long their history (a year of weekly ones is usual)."""
    wanted = func.unnest(literal(list(ids), ARRAY(GoalCheckIn.goal_id.type))).table_valued("goal_id").render_derived(name="wanted")
    newest = (
        select(GoalCheckIn).where(GoalCheckIn.goal_id == wanted.c.goal_id).order_by(*_newest_first()).limit(1)
    ).lateral("newest")
    rows = await session.scalars(select(aliased(GoalCheckIn, newest)).select_from(wanted).join(newest, true()))
    latest: dict[UUID, GoalCheckIn | None] = {i: None for i in ids}
    latest.update({row.goal_id: row for row in rows})
    return latest


async def check_in_pages(
    session: AsyncSession, goal_ids: Sequence[UUID], first: int, after: tuple[datetime, UUID] | None
) -> dict[UUID, Page[GoalCheckIn]]:
    """Newest first, `first` per goal, for many goals in one statement (a window per goal)."""
    conditions: list[Any] = [among(GoalCheckIn.goal_id, goal_ids)]
    if after is not None:
        at, last_id = after
        conditions.append(
            or_(GoalCheckIn.recorded_at < at, and_(GoalCheckIn.recorded_at == at, GoalCheckIn.id < last_id))
        )
    rank = func.row_number().over(partition_by=GoalCheckIn.goal_id, order_by=_newest_first()).label("rank")
    inner = select(GoalCheckIn, rank).where(*conditions).subquery()
    check_in = aliased(GoalCheckIn, inner)
    rows = await session.scalars(
        select(check_in).where(inner.c.rank <= first + 1).order_by(inner.c.goal_id, inner.c.rank)
    )
    grouped = group_by(goal_ids, rows, lambda row: row.goal_id)
    pages = {}
    for goal_id, items in grouped.items():
        shown = items[:first]
        pages[goal_id] = Page(shown, len(items) > first, None, [(row.recorded_at, row.id) for row in shown])
    return pages


async def competencies_by_goal_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[Competency]]:
    rows = await session.execute(
        select(GoalCompetency.goal_id, Competency)
        .join(Competency, Competency.id == GoalCompetency.competency_id)
        .where(among(GoalCompetency.goal_id, ids))
        .order_by(GoalCompetency.goal_id, Competency.position, Competency.name)
    )
    grouped: dict[UUID, list[Competency]] = {i: [] for i in ids}
    for goal_id, competency in rows:
        grouped[goal_id].append(competency)
    return grouped


async def visible_children(session: AsyncSession, actor: Actor, parent_ids: Sequence[UUID]) -> dict[UUID, list[Goal]]:
    rows = await session.scalars(
        select(Goal).where(among(Goal.parent_id, parent_ids), visible(actor)).order_by(Goal.due_date, Goal.id)
    )
    return group_by(parent_ids, rows, lambda row: row.parent_id)


async def visible_goals_by_owner_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, list[Goal]]:
    reports = None if actor.is_hr_admin else reports_among(actor, ids)
    rows = await session.scalars(
        select(Goal).where(among(Goal.owner_id, ids), visible(actor, Goal, reports)).order_by(Goal.due_date, Goal.id)
    )
    return group_by(ids, rows, lambda row: row.owner_id)


async def visible_goals_by_department_ids(
    session: AsyncSession, actor: Actor, ids: Sequence[UUID]
) -> dict[UUID, list[Goal]]:
    rows = await session.scalars(
        select(Goal).where(among(Goal.department_id, ids), visible(actor)).order_by(Goal.due_date, Goal.id)
    )
    return group_by(ids, rows, lambda row: row.department_id)


# --- alignment: paths up and trees down ---------------------------------------------------


def _reports(actor: Actor):
    return None if actor.is_hr_admin else reports_of(actor)


async def alignment_paths(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, list[Goal]]:
    """Root -> goal for each (visible) goal, in one recursive statement.

    The walk up stops below the first ancestor the actor cannot see, so a path never
    reveals a hidden goal: it starts at the highest goal reachable through visible ones.
    """
    reports = _reports(actor)
    parent = aliased(Goal, name="parent")
    up = (
        select(Goal.id.label("origin"), Goal.id, Goal.parent_id, literal_column("0").label("depth"))
        .where(among(Goal.id, ids))
        .cte("paths", recursive=True)
    )
    up = up.union_all(
        select(up.c.origin, parent.id, parent.parent_id, (up.c.depth + 1).label("depth")).where(
            parent.id == up.c.parent_id, visible(actor, parent, reports), up.c.depth < MAX_DEPTH
        )
    )
    rows = await session.execute(
        select(up.c.origin, Goal).join(up, up.c.id == Goal.id).order_by(up.c.origin, up.c.depth.desc())
    )
    grouped: dict[UUID, list[Goal]] = {i: [] for i in ids}
    for origin, goal in rows:
        grouped[origin].append(goal)
    return grouped


async def ancestor_ids(session: AsyncSession, goal_id: UUID) -> list[UUID]:
    """The goal and all its ancestors, visible or not (for cycle checks), nearest first."""
    up = select(Goal.id, Goal.parent_id, literal_column("0").label("depth")).where(Goal.id == goal_id).cte(
        "ancestors", recursive=True
    )
    up = up.union_all(
        select(Goal.id, Goal.parent_id, (up.c.depth + 1).label("depth")).where(
            Goal.id == up.c.parent_id, up.c.depth < MAX_DEPTH
        )
    )
    return list(await session.scalars(select(up.c.id).order_by(up.c.depth)))


async def goal_tree(session: AsyncSession, actor: Actor, root_id: UUID) -> list[tuple[Goal, int]] | None:
    """The root and the visible goals below it, level by level; None if the root is not visible.

    The walk down only passes through visible goals: a hidden goal hides its subtree here.
    """
    reports = _reports(actor)
    child = aliased(Goal, name="child")
    down = (
        select(Goal.id, literal_column("0").label("depth"))
        .where(Goal.id == root_id, visible(actor, Goal, reports))
        .cte("tree", recursive=True)
    )
    down = down.union_all(
        select(child.id, (down.c.depth + 1).label("depth")).where(
            child.parent_id == down.c.id, visible(actor, child, reports), down.c.depth < MAX_DEPTH
        )
    )
    rows = (
        await session.execute(
            select(Goal, down.c.depth)
            .join(down, down.c.id == Goal.id)
            .order_by(down.c.depth, Goal.due_date, Goal.id)
            .limit(MAX_TREE_NODES)
        )
    ).all()
    return [(goal, depth) for goal, depth in rows] or None
