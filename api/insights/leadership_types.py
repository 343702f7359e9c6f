"""GraphQL types and the Employee field of the leadership effectiveness index."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from api.insights.leadership_period import PeriodInput
from api.org.types import Ctx
from domain.insights.index_rules import Component, ComponentScore
from domain.insights.leadership import LeadershipEffectiveness, check_period
from domain.org.models import Employee

LeadershipComponentType = strawberry.enum(Component, name="LeadershipComponent")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(name="LeadershipIndexComponent")
class LeadershipIndexComponentType:
    component: LeadershipComponentType
    value: float | None = strawberry.field(description="Normalised 0..1; null when there is no data (left out, not zero).")
    raw_value: float | None = strawberry.field(description="The value before normalisation (e.g. an average rating).")
    normalisation: str
    weight: int = strawberry.field(description="The tenant's weight for this component.")
    effective_weight: float = strawberry.field(description="The weight after renormalising over present components.")
    contribution: float = strawberry.field(description="value x effective weight: points of the 0..100 score.")
    rests_on: int = strawberry.field(description="How many people, goals, answers or pairs the value rests on.")
    present: bool


def component_type(part: ComponentScore) -> LeadershipIndexComponentType:
    return LeadershipIndexComponentType(
        component=part.component, value=_number(part.value), raw_value=_number(part.raw),
        normalisation=part.normalisation, weight=part.weight, effective_weight=float(part.effective_weight),
        contribution=float(part.contribution), rests_on=part.rests_on, present=part.present,
    )


@strawberry.type(name="LeadershipEffectiveness")
class LeadershipEffectivenessType:
    from_: date = strawberry.field(name="from")
    to: date
    score: float | None = strawberry.field(description="0..100; null when no component has data.")
    components: list[LeadershipIndexComponentType]
    previous_from: date
    previous_to: date
    previous_score: float | None
    trend: float | None = strawberry.field(description="score minus previous score (the period of equal length before).")
    explanation: str


def effectiveness_type(result: LeadershipEffectiveness) -> LeadershipEffectivenessType:
    return LeadershipEffectivenessType(
        from_=result.start, to=result.end, score=_number(result.index.score),
        components=[component_type(p) for p in result.index.components], previous_from=result.previous_start,
        previous_to=result.previous_end, previous_score=_number(result.previous.score), trend=_number(result.trend),
        explanation=result.explanation,
    )


@strawberry.type(name="LeadershipIndexWeights")
class LeadershipIndexWeightsType:
    upward_ratings: int
    goal_attainment: int
    feedback_participation: int
    one_on_one_cadence: int
    retention: int
    competency_growth: int


def weights_type(weights: dict[Component, int]) -> LeadershipIndexWeightsType:
    return LeadershipIndexWeightsType(**{c.value.lower(): w for c, w in weights.items()})


async def employee_leadership_effectiveness(info: Ctx, employee: Employee, period: PeriodInput) -> LeadershipEffectivenessType | None:
    """Batched with every other manager of the page asking for a period (see leadership_loaders.py);
    a bad period fails here, per field, before it joins a batch."""
    ctx = info.context
    check_period(period.from_, period.to)
    found = await ctx.leadership.effectiveness(employee.id, period.from_, period.to)
    return None if found is None else effectiveness_type(found)
