"""GraphQL types of the metrics engine."""

from __future__ import annotations

from datetime import date

import strawberry

from api.graphql.ids import uuid_of
from domain.errors import DomainError, ErrorCode
from domain.insights.metrics import Grain, MetricName, MetricPoint, MetricSeries, Scope

MetricNameType = strawberry.enum(MetricName, name="MetricName")
GrainType = strawberry.enum(Grain, name="MetricGrain")


@strawberry.input(description="Exactly one of: departmentId (its subtree), managerId (their reporting subtree), tenant: true.")
class MetricScopeInput:
    department_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = None
    tenant: bool | None = None


def scope_from(raw: MetricScopeInput, field: list[str]) -> Scope | None:
    """The scope asked for; None when its ID is malformed or of another type (not found)."""
    chosen = [x for x in (raw.department_id, raw.manager_id, raw.tenant or None) if x is not None]
    if len(chosen) != 1:
        raise DomainError(ErrorCode.INVALID, "Give exactly one of departmentId, managerId or tenant: true", field)
    if raw.tenant:
        return Scope.tenant()
    if raw.department_id is not None:
        raw_id = uuid_of(raw.department_id, "Department")
        return Scope.department(raw_id) if raw_id else None
    raw_id = uuid_of(raw.manager_id, "Employee")
    return Scope.manager(raw_id) if raw_id else None


@strawberry.type(name="MetricPoint", description="One point and the data it rests on; value is null without data.")
class MetricPointType:
    at: date
    value: float | None = strawberry.field(description="Rounded to 4 places; ratios are 0..1.")
    numerator: float
    denominator: float

    @classmethod
    def of(cls, point: MetricPoint) -> MetricPointType:
        # Floats like every other number in the API; computed exactly as decimals first.
        return cls(
            at=point.at,
            value=None if point.value is None else float(point.value),
            numerator=float(point.numerator),
            denominator=float(round(point.denominator, 4)),
        )


@strawberry.type(name="MetricSeries")
class MetricSeriesType:
    name: MetricNameType
    definition: str = strawberry.field(description="How the metric is computed, in words.")
    unit: str
    points: list[MetricPointType]

    @classmethod
    def of(cls, series: MetricSeries) -> MetricSeriesType:
        return cls(name=series.name, definition=series.definition, unit=series.unit, points=[MetricPointType.of(p) for p in series.points])
