"""Named metrics over a scope and a period: the one implementation every consumer uses
(the `metric` query, goals tracked live, the leadership effectiveness index, bonuses).

A metric answers either a time series (`metric_series`: one point per day/week/month from
`start` to `end`) or one value over a period (`metric_value`). Each point carries the data
it rests on (numerator and denominator); `value` is None when the denominator is zero, so
"no data" is never mistaken for zero.

Scope: the whole tenant, a department subtree (the department and every department below
it, recursive over departments.parent_id), or a manager's reporting subtree (everyone who
reports to the manager directly or indirectly through current lines, i.e.
employees.manager_id, recursive; the manager is not part of their own subtree; a leaver
counts under the manager they had when they left).
Active in scope at a date d: hired on or before d (or no hire date) and not terminated
before d.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession


class MetricName(StrEnum):
    FEEDBACK_PARTICIPATION_RATE = "FEEDBACK_PARTICIPATION_RATE"
    REVIEW_COMPLETION_RATE = "REVIEW_COMPLETION_RATE"
    GOAL_ATTAINMENT_RATE = "GOAL_ATTAINMENT_RATE"
    ONE_ON_ONE_CADENCE_RATE = "ONE_ON_ONE_CADENCE_RATE"
    RECOGNITION_RATE = "RECOGNITION_RATE"
    RETENTION_RATE = "RETENTION_RATE"
    COMPETENCY_GROWTH = "COMPETENCY_GROWTH"


class Grain(StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


class ScopeKind(StrEnum):
    TENANT = "TENANT"
    DEPARTMENT = "DEPARTMENT"
    MANAGER = "MANAGER"


@dataclass(frozen=True, slots=True)
class Scope:
    kind: ScopeKind
    id: UUID | None = None  # the department or the manager; None for the tenant

    @classmethod
    def tenant(cls) -> Scope:
        return cls(ScopeKind.TENANT, None)

    @classmethod
    def department(cls, department_id: UUID) -> Scope:
        return cls(ScopeKind.DEPARTMENT, department_id)

    @classmethod
    def manager(cls, manager_id: UUID) -> Scope:
        return cls(ScopeKind.MANAGER, manager_id)


@dataclass(frozen=True, slots=True)
class MetricPoint:
    at: date  # the point's date (the end of the window it summarises)
    value: Decimal | None  # None when the denominator is zero: no data, not zero
    numerator: Decimal
    denominator: Decimal


@dataclass(frozen=True, slots=True)
class MetricSeries:
    name: MetricName
    definition: str  # in words, for people
    unit: str  # "RATIO" (0..1), "PER_EMPLOYEE_PER_MONTH", "LEVELS"
    points: list[MetricPoint] = field(default_factory=list)


async def metric_series(
    session: AsyncSession,
    name: MetricName,
    scope: Scope,
    start: date,
    end: date,
    grain: Grain,
    cycle_id: UUID | None = None,
) -> MetricSeries:
    """The metric at each point from `start` to `end` (inclusive) at `grain`, in one SQL
    statement. Points: `start`, then every day/week/month after it, clipped to `end`, and
    `end` itself. See each metric's definition in `DEFINITIONS`."""
    from domain.insights import metric_sql

    return await metric_sql.series(session, name, scope, start, end, grain, cycle_id)


async def metric_value(
    session: AsyncSession,
    name: MetricName,
    scope: Scope,
    start: date,
    end: date,
    cycle_id: UUID | None = None,
) -> MetricPoint:
    """The metric as one value over the period `start`..`end` (for indexes and goals).
    Point-in-time metrics (participation, cadence) are taken at `end`; period metrics
    (attainment, recognition, retention, growth) cover the whole period."""
    from domain.insights import metric_sql

    return await metric_sql.value(session, name, scope, start, end, cycle_id)


async def metric_values_many(
    session: AsyncSession,
    name: MetricName,
    scopes: Sequence[Scope],
    periods: Sequence[tuple[date, date]],
    cycle_id: UUID | None = None,
) -> dict[Scope, list[MetricPoint]]:
    """`metric_value` for every scope and period, one point per period in the order given:
    one SQL statement per kind of scope, however many scopes and periods (for pages of managers)."""
    from domain.insights import metric_sql

    return await metric_sql.values_many(session, name, scopes, periods, cycle_id)
