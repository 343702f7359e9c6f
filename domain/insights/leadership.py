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
from domain.insights.metrics import MetricName, Scope, metric_value
from domain.org.employees import get_employee
from domain.org.hierarchy import ancestor_ids, report_counts_by_manager_ids
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


async def can_see(session: AsyncSession, actor: Actor, manager_id: UUID) -> bool:
    return actor.is_hr_admin or actor.employee_id in await ancestor_ids(session, manager_id)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length (in days, both ends included) just before `start`."""
    return start - (end - start) - timedelta(days=1), start - timedelta(days=1)


async def leadership_effectiveness(
    session: AsyncSession, actor: Actor, manager_id: UUID, start: date, end: date
) -> LeadershipEffectiveness | None:
    """None for people who may not see it and for employees with no reports."""
    if end < start:
        raise DomainError(ErrorCode.INVALID, "The period must end on or after its start", ["period", "to"])
    if (end - start).days > 3660:
        raise DomainError(ErrorCode.INVALID, "The period can be at most ten years long", ["period", "to"])
    await get_employee(session, manager_id)
    if not await can_see(session, actor, manager_id):
        return None
    if not (await report_counts_by_manager_ids(session, [manager_id])).get(manager_id):
        return None
    weights = await index_weights(session)
    before_start, before_end = previous_period(start, end)
    current = index_score(await readings(session, manager_id, start, end), weights)
    previous = index_score(await readings(session, manager_id, before_start, before_end), weights)
    return LeadershipEffectiveness(manager_id, start, end, current, previous, before_start, before_end)


async def readings(session: AsyncSession, manager_id: UUID, start: date, end: date) -> list[Reading]:
    found = [await upward_reading(session, manager_id, start, end)]
    scope = Scope.manager(manager_id)
    for component, name in TEAM_METRICS.items():
        point = await metric_value(session, name, scope, start, end)
        value = None if point.value is None else Decimal(point.value)
        normalised = growth_normalise(value) if component == Component.COMPETENCY_GROWTH and value is not None else value
        found.append(Reading(component, normalised, int(point.denominator), value))
    return found


async def upward_reading(session: AsyncSession, manager_id: UUID, start: date, end: date) -> Reading:
    settings = await current_settings(session)
    scale = sorted(await scale_levels(session))
    rows = await session.execute(
        select(Review.cycle_id, ReviewAnswer.question_id, ReviewAnswer.competency_id, Review.reviewer_id, ReviewAnswer.rating)
        .join(ReviewAnswer, ReviewAnswer.review_id == Review.id)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(Competency, Competency.id == ReviewAnswer.competency_id)
        .where(
            Review.subject_id == manager_id, Review.kind == ReviewerKind.DIRECT_REPORT.value,
            Review.status == ReviewStatus.SUBMITTED.value, ReviewCycle.status.in_([s.value for s in RELEASED]),
            ReviewCycle.period_end.between(start, end), Competency.category == CompetencyCategory.LEADERSHIP.value,
            ReviewAnswer.rating.is_not(None), ReviewAnswer.goal_id.is_(None),
        )
    )
    cells: dict[tuple[Any, ...], list[tuple[UUID, int]]] = defaultdict(list)
    for cycle_id, question_id, competency_id, reviewer_id, rating in rows:
        cells[(cycle_id, question_id, competency_id)].append((reviewer_id, rating))
    threshold = settings.anonymity_threshold
    summary = combine(
        (summarize_ratings(pairs, scale, threshold, "direct-report") for pairs in cells.values()),
        scale, threshold, "direct-report",
    )
    if not summary.shown or len(scale) < 2:
        return Reading(Component.UPWARD_RATINGS, None, 0)
    return Reading(Component.UPWARD_RATINGS, scale_normalise(summary.average, scale[0], scale[-1]),
                   summary.responses or 0, summary.average)
