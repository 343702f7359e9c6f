"""Read side of reviews: who may read which review, the reviewer's to-do list, answers,
and HR's progress and overdue views (one grouped statement each, whatever the size).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from sqlalchemy import and_, bindparam, case, func, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.org.hierarchy import reporting_chains
from domain.org.models import Employee
from domain.persistence import group_by
from domain.reviews import policy
from domain.reviews.cycles import cycles_by_ids
from domain.reviews.models import (
    CycleStatus,
    Review,
    ReviewAnswer,
    ReviewCycle,
    ReviewerKind,
    ReviewStatus,
)
from domain.reviews.rules import Tally, is_overdue
from domain.reviews.settings import review_settings


async def readable(
    session: AsyncSession, actor: Actor, reviews: Sequence[Review], cycles: dict[UUID, ReviewCycle]
) -> list[Review]:
    """The reviews the actor may read (domain/reviews/policy.py), in the given order.
    At most two statements: the subjects' chains and the tenant's settings, when needed."""
    others = [r for r in reviews if r.reviewer_id != actor.employee_id and r.status == ReviewStatus.SUBMITTED]
    chains = await reporting_chains(session, list({r.subject_id for r in others})) if others else {}
    hr_sees = False
    if actor.is_hr_admin and any(r.is_anonymous for r in others):
        hr_sees = (await review_settings(session)).hr_can_see_anonymous_authors
    allowed = [
        review
        for review in reviews
        if policy.can_read_review(
            actor, review, {m.id for m in chains.get(review.subject_id, [])}, cycles[review.cycle_id].status, hr_sees
        )
    ]
    if hr_sees:
        # HR reading named anonymous reviews is allowed by the tenant's setting, and always recorded.
        from domain.reviews.results import record_direct_readings

        await record_direct_readings(session, actor, allowed)
    return allowed


async def reviews_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, Review]:
    """No visibility check: for callers that already decided the actor may read them."""
    rows = await session.scalars(select(Review).where(Review.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def visible_reviews_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, Review]:
    """Reviews the actor may not read are simply absent (as if they did not exist)."""
    rows = list(await session.scalars(select(Review).where(Review.id.in_(list(ids)))))
    if not rows:
        return {}
    cycles = await cycles_by_ids(session, list({r.cycle_id for r in rows}))
    return {review.id: review for review in await readable(session, actor, rows, cycles)}


def _open_for(actor: Actor):
    """The actor's assignments that take answers now (see rules.accepts_answers)."""
    return and_(
        Review.reviewer_id == actor.employee_id,
        or_(
            ReviewCycle.status == CycleStatus.ACTIVE.value,
            and_(ReviewCycle.status == CycleStatus.CALIBRATION.value, Review.reopened_count > 0),
        ),
    )


async def reviews_to_write(session: AsyncSession, actor: Actor, status: ReviewStatus | None) -> list[tuple[Review, ReviewCycle]]:
    """The actor's assignments in open cycles: soonest period end first, then by kind and subject."""
    kind_order = case({kind.value: index for index, kind in enumerate(ReviewerKind)}, value=Review.kind)
    query = (
        select(Review, ReviewCycle)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(Employee, Employee.id == Review.subject_id)
        .where(_open_for(actor))
    )
    if status is not None:
        query = query.where(Review.status == status.value)
    rows = await session.execute(query.order_by(ReviewCycle.period_end, ReviewCycle.id, kind_order, Employee.name, Review.id))
    return [(review, cycle) for review, cycle in rows]


async def answers_by_review_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[ReviewAnswer]]:
    """In a fixed order that says nothing about when each was written."""
    rows = await session.scalars(
        select(ReviewAnswer)
        .where(ReviewAnswer.review_id.in_(list(ids)))
        .order_by(ReviewAnswer.question_id, ReviewAnswer.competency_id, ReviewAnswer.goal_id)
    )
    return group_by(ids, rows, lambda row: row.review_id)


# --- HR's views -------------------------------------------------------------------------


# GROUPING(kind, department): 3 = the whole cycle, 1 = per kind, 2 = per department.
_PROGRESS = text(
    """
    SELECT r.cycle_id, r.kind, p.department_id, GROUPING(r.kind, p.department_id), count(*),
           count(*) FILTER (WHERE r.status = 'SUBMITTED')
    FROM reviews r
    JOIN cycle_participants p ON p.cycle_id = r.cycle_id AND p.subject_id = r.subject_id
    WHERE r.cycle_id = ANY(:cycle_ids)
    GROUP BY GROUPING SETS ((r.cycle_id), (r.cycle_id, r.kind), (r.cycle_id, p.department_id))
    """
).bindparams(bindparam("cycle_ids", type_=ARRAY(PgUUID(as_uuid=True))))


@dataclass(slots=True)
class Progress:
    overall: Tally = field(default_factory=lambda: Tally(0, 0))
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_department: dict[UUID | None, Tally] = field(default_factory=dict)


async def cycle_progress(session: AsyncSession, cycle_ids: Sequence[UUID]) -> dict[UUID, Progress]:
    """Submitted / assigned per cycle, per reviewer kind and per participant department
    (snapshotted when they joined): one grouped statement for any number of reviews."""
    rows = await session.execute(_PROGRESS, {"cycle_ids": list(cycle_ids)})
    found = {cycle_id: Progress() for cycle_id in cycle_ids}
    for cycle_id, kind, department_id, level, assigned, done in rows:
        tally = Tally(done, assigned)
        progress = found[cycle_id]
        if level == 3:
            progress.overall = tally
        elif level == 1:
            progress.by_kind[kind] = tally
        else:
            progress.by_department[department_id] = tally
    return found


@dataclass(frozen=True, slots=True)
class OverdueReviewer:
    reviewer: Employee
    kind: ReviewerKind
    due: date
    pending: int


async def overdue_reviewers(session: AsyncSession, cycle: ReviewCycle, today: date, limit: int) -> list[OverdueReviewer]:
    """Per reviewer and kind, the reviews past that kind's deadline and not submitted
    (one statement, the reviewers included), by reviewer name."""
    late = [ReviewerKind(k) for k in cycle.reviewer_kinds if is_overdue(cycle.due_for(k), ReviewStatus.NOT_STARTED, today)]
    if not late or cycle.status not in (CycleStatus.ACTIVE.value, CycleStatus.CALIBRATION.value):
        return []
    rows = await session.execute(
        select(Employee, Review.kind, func.count())
        .join(Review, Review.reviewer_id == Employee.id)
        .where(
            Review.cycle_id == cycle.id,
            Review.kind.in_([k.value for k in late]),
            Review.status != ReviewStatus.SUBMITTED.value,
        )
        .group_by(Employee.tenant_id, Employee.id, Review.kind)
        .order_by(Employee.name, Employee.id, Review.kind)
        .limit(limit)
    )
    return [OverdueReviewer(employee, ReviewerKind(kind), cycle.due_for(kind), count) for employee, kind, count in rows]
