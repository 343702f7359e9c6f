"""The leadership effectiveness index of a people-manager over a period.

Components (see domain/insights/index_rules.py for the arithmetic):
- UPWARD_RATINGS: DIRECT_REPORT answers about the manager on LEADERSHIP competencies, from
  submitted reviews of RELEASED/CLOSED cycles whose period ends inside the period. Each
  (cycle, question) cell is summarised with the reviews context's k-anonymity rules and only
  cells with at least the tenant's threshold of different authors count (`combine`);
- the team components come from the metrics engine (domain/insights/metrics.py) over the
  manager's reporting subtree: goal attainment, feedback participation, 1:1 cadence,
  retention, competency growth. A metric without a denominator is "no data".
Visible to the manager, everyone above them, and HR admins; anyone else gets None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Column, Field, SQLModel

from domain import audit
from domain.actor import Actor
from domain.columns import timestamp_column
from domain.competencies.models import Competency, CompetencyCategory
from domain.competencies.scale import scale_levels
from domain.errors import DomainError, ErrorCode, Forbidden
from domain.insights.index_rules import (
    DEFAULT_WEIGHTS,
    Component,
    IndexScore,
    Reading,
    check_weights,
    growth_normalise,
    index_score,
    scale_normalise,
    trend,
)
from domain.insights.metrics import MetricName, MetricPoint, Scope, metric_values_many
from domain.org.employees import get_employee
from domain.org.hierarchy import report_counts_by_manager_ids, reporting_chains
from domain.persistence import session_tenant
from domain.reviews.anonymity import combine, summarize_ratings
from domain.reviews.models import (
    Review,
    ReviewAnswer,
    ReviewCycle,
    ReviewerKind,
    ReviewStatus,
)
from domain.reviews.results import RELEASED
from domain.reviews.settings import current_settings

TEAM_METRICS: dict[Component, MetricName] = {
    Component.GOAL_ATTAINMENT: MetricName.GOAL_ATTAINMENT_RATE,
    Component.FEEDBACK_PARTICIPATION: MetricName.FEEDBACK_PARTICIPATION_RATE,
    Component.ONE_ON_ONE_CADENCE: MetricName.ONE_ON_ONE_CADENCE_RATE,
    Component.RETENTION: MetricName.RETENTION_RATE,
    Component.COMPETENCY_GROWTH: MetricName.COMPETENCY_GROWTH,
}


class LeadershipIndexWeights(SQLModel, table=True):
    __tablename__ = "leadership_index_weights"

    tenant_id: UUID = Field(primary_key=True)
    weights: dict = Field(sa_column=Column(JSONB, nullable=False))
    updated_by: UUID | None = None
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


@dataclass(frozen=True, slots=True)
class LeadershipEffectiveness:
    manager_id: UUID
    start: date
    end: date
    index: IndexScore
    previous: IndexScore
    previous_start: date
    previous_end: date

    @property
    def trend(self) -> Decimal | None:
        return trend(self.index.score, self.previous.score)

    @property
    def explanation(self) -> str:
        change = self.trend
        against = (
            f" Trend {change:+} points against {self.previous_start}..{self.previous_end} (score {self.previous.score})."
            if change is not None else
            f" No trend: the previous period {self.previous_start}..{self.previous_end} has no score."
        )
        return f"{self.index.explanation}{against}"


# --- weights -----------------------------------------------------------------------------


async def index_weights(session: AsyncSession) -> dict[Component, int]:
    row = await session.scalar(select(LeadershipIndexWeights).execution_options(populate_existing=True))
    if row is None:
        return dict(DEFAULT_WEIGHTS)
    return {c: int(row.weights.get(c.value, 0)) for c in Component}


async def set_index_weights(session: AsyncSession, actor: Actor, weights: dict[Component, int]) -> dict[Component, int]:
    """HR admins (and tenant admins) only; every change is audited in the same transaction."""
    if not actor.is_hr_admin:
        raise Forbidden("Only HR admins change the leadership index weights")
    checked = check_weights(weights)
    before = await index_weights(session)
    stored = {c.value: w for c, w in checked.items()}
    await session.execute(
        upsert(LeadershipIndexWeights)
        .values(tenant_id=session_tenant(session), weights=stored, updated_by=actor.employee_id)
        .on_conflict_do_update(index_elements=["tenant_id"], set_={"weights": stored, "updated_by": actor.employee_id})
    )
    await audit.record(session, actor, "leadership_index.weights_changed", "leadership_index_weights", None,
                       {c.value: w for c, w in before.items()}, stored)
    return checked


# --- the index ---------------------------------------------------------------------------


def check_period(start: date, end: date) -> None:
    if end < start:
        raise DomainError(ErrorCode.INVALID, "The period must end on or after its start", ["period", "to"])
    if (end - start).days > 3660:
        raise DomainError(ErrorCode.INVALID, "The period can be at most ten years long", ["period", "to"])


async def visible_ids(session: AsyncSession, actor: Actor, manager_ids: Sequence[UUID]) -> list[UUID]:
    """The managers the actor may see the index of: all for HR admins, else those the actor is or is above."""
    if actor.is_hr_admin:
        return list(manager_ids)
    chains = await reporting_chains(session, manager_ids)
    return [i for i in manager_ids if i == actor.employee_id or any(e.id == actor.employee_id for e in chains[i])]


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length (in days, both ends included) just before `start`."""
    return start - (end - start) - timedelta(days=1), start - timedelta(days=1)


async def leadership_effectiveness(
    session: AsyncSession, actor: Actor, manager_id: UUID, start: date, end: date
) -> LeadershipEffectiveness | None:
    """None for people who may not see it and for employees with no reports."""
    check_period(start, end)
    await get_employee(session, manager_id)
    return (await leadership_effectiveness_many(session, actor, [manager_id], start, end))[manager_id]


async def leadership_effectiveness_many(
    session: AsyncSession, actor: Actor, manager_ids: Sequence[UUID], start: date, end: date
) -> dict[UUID, LeadershipEffectiveness | None]:
    """`leadership_effectiveness` for a page of managers in a number of statements that does not
    grow with the page; unknown IDs, like people without reports, answer None."""
    check_period(start, end)
    found: dict[UUID, LeadershipEffectiveness | None] = dict.fromkeys(manager_ids)
    visible = await visible_ids(session, actor, list(found))
    counts = await report_counts_by_manager_ids(session, visible) if visible else {}
    managers = [i for i in visible if counts.get(i)]
    if not managers:
        return found
    weights = await index_weights(session)
    before_start, before_end = previous_period(start, end)
    by_manager = await readings_many(session, managers, [(before_start, before_end), (start, end)])
    for manager_id in managers:
        previous, current = (index_score(period, weights) for period in by_manager[manager_id])
        found[manager_id] = LeadershipEffectiveness(manager_id, start, end, current, previous, before_start, before_end)
    return found


async def readings(session: AsyncSession, manager_id: UUID, start: date, end: date) -> list[Reading]:
    return (await readings_many(session, [manager_id], [(start, end)]))[manager_id][0]


async def readings_many(
    session: AsyncSession, manager_ids: Sequence[UUID], periods: Sequence[tuple[date, date]]
) -> dict[UUID, list[list[Reading]]]:
    """Each manager's readings for each period (in the order given): one statement for the upward
    ratings and one per team metric, whatever the number of managers and periods."""
    upward = await upward_readings(session, manager_ids, periods)
    found = {i: [[reading] for reading in upward[i]] for i in manager_ids}
    scopes = {i: Scope.manager(i) for i in manager_ids}
    for component, name in TEAM_METRICS.items():
        points = await metric_values_many(session, name, list(scopes.values()), periods)
        for manager_id, scope in scopes.items():
            for period_readings, point in zip(found[manager_id], points[scope], strict=True):
                period_readings.append(_team_reading(component, point))
    return found


def _team_reading(component: Component, point: MetricPoint) -> Reading:
    value = None if point.value is None else Decimal(point.value)
    normalised = growth_normalise(value) if component == Component.COMPETENCY_GROWTH and value is not None else value
    return Reading(component, normalised, int(point.denominator), value)


async def upward_readings(
    session: AsyncSession, subject_ids: Sequence[UUID], periods: Sequence[tuple[date, date]]
) -> dict[UUID, list[Reading]]:
    """The UPWARD_RATINGS reading of each subject for each period, from one statement over all periods."""
    settings = await current_settings(session)
    scale = sorted(await scale_levels(session))
    rows = (await session.execute(
        select(Review.subject_id, ReviewCycle.period_end, Review.cycle_id, ReviewAnswer.question_id,
               ReviewAnswer.competency_id, Review.reviewer_id, ReviewAnswer.rating)
        .join(ReviewAnswer, ReviewAnswer.review_id == Review.id)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(Competency, Competency.id == ReviewAnswer.competency_id)
        .where(
            Review.subject_id.in_(list(subject_ids)), Review.kind == ReviewerKind.DIRECT_REPORT.value,
            Review.status == ReviewStatus.SUBMITTED.value, ReviewCycle.status.in_([s.value for s in RELEASED]),
            ReviewCycle.period_end.between(min(f for f, _ in periods), max(t for _, t in periods)),
            Competency.category == CompetencyCategory.LEADERSHIP.value,
            ReviewAnswer.rating.is_not(None), ReviewAnswer.goal_id.is_(None),
        )
    )).all()
    by_subject: dict[UUID, list[tuple[Any, ...]]] = defaultdict(list)
    for subject_id, *answer in rows:
        by_subject[subject_id].append(tuple(answer))
    return {
        subject: [_upward_reading([a[1:] for a in by_subject[subject] if start <= a[0] <= end], scale,
                                  settings.anonymity_threshold)
                  for start, end in periods]
        for subject in subject_ids
    }


def _upward_reading(answers: list[tuple[Any, ...]], scale: list[int], threshold: int) -> Reading:
    """(cycle, question, competency, reviewer, rating) answers: each (cycle, question) cell is
    summarised with the k-anonymity rules, then the shown cells are combined."""
    cells: dict[tuple[Any, ...], list[tuple[UUID, int]]] = defaultdict(list)
    for cycle_id, question_id, competency_id, reviewer_id, rating in answers:
        cells[(cycle_id, question_id, competency_id)].append((reviewer_id, rating))
    summary = combine(
        (summarize_ratings(pairs, scale, threshold, "direct-report") for pairs in cells.values()),
        scale, threshold, "direct-report",
    )
    if not summary.shown or len(scale) < 2:
        return Reading(Component.UPWARD_RATINGS, None, 0)
    return Reading(Component.UPWARD_RATINGS, scale_normalise(summary.average, scale[0], scale[-1]),
                   summary.responses or 0, summary.average)
