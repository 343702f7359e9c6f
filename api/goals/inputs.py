"""Input shapes shared by the goal mutations, and their conversion to domain values."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import strawberry

from api.goals.types import DirectionType, GoalType
from api.graphql.errors import UserError
from api.graphql.ids import uuid_of
from api.graphql.mutation import perform
from api.org.types import Ctx
from domain.goals.goals import MeasureSpec

_NOTHING = UUID(int=0)  # a malformed ID in a list: the domain reports it as not found, at its index


@strawberry.input(description="A measurable target. Give `target`, `relativeChangePercent`, or both (they must agree).")
class MetricInput:
    name: str
    unit: str | None = strawberry.field(default=None, description="Required; e.g. \"%\", \"EUR\", \"tickets\".")
    baseline: float = 0.0
    target: float | None = None
    relative_change_percent: float | None = strawberry.field(
        default=None, description="The target as a change from the baseline: 30 means \"by 30%\"."
    )
    direction: DirectionType | None = strawberry.field(
        default=None, description="Implied by the target when omitted; INCREASE for a relative target alone."
    )


@strawberry.input(description="A key result: a measurable target with its weight (percent of the goal's progress).")
class KeyResultInput:
    name: str
    weight: float
    unit: str | None = None
    baseline: float = 0.0
    target: float | None = None
    relative_change_percent: float | None = None
    direction: DirectionType | None = None


@strawberry.type
class GoalPayload:
    goal: GoalType | None
    errors: list[UserError]


def decimal(value: float | None) -> Decimal | None:
    """Floats arrive from JSON; their shortest repr is the number the client wrote."""
    return None if value is None else Decimal(repr(float(value)))


def spec_of(value: MetricInput | KeyResultInput, weight: float | None = None) -> MeasureSpec:
    return MeasureSpec(
        name=value.name,
        unit=value.unit or "",
        baseline=decimal(value.baseline),
        target=decimal(value.target),
        relative_change_percent=decimal(value.relative_change_percent),
        direction=value.direction,
        weight=decimal(weight),
    )


def id_or_nothing(value: str, type_name: str) -> UUID:
    return uuid_of(value, type_name) or _NOTHING


async def goal_payload(info: Ctx, work) -> GoalPayload:
    goal, errors = await perform(info.context, work)
    info.context.goals.reset()
    return GoalPayload(goal=goal, errors=errors)
