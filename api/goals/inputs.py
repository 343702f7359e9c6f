"""Input shapes shared by the goal mutations, and their conversion to domain values."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import strawberry

from api.goals.types import DirectionType, GoalType
from api.graphql.errors import UserError
from api.graphql.ids import uuid_of
from api.graphql.mutation import perform
from api.insights.types import MetricNameType, MetricScopeInput, scope_from
from api.org.types import Ctx
from domain.errors import DomainError, ErrorCode
from domain.goals.goals import MeasureSpec
from domain.insights.metrics import MetricName, Scope, ScopeKind

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
    source: MetricNameType | None = strawberry.field(
        default=None, description="Track the value live from this platform metric (with `scope`): the baseline is its "
        "value on the start date and `baseline` is ignored; the current value updates itself."
    )
    scope: MetricScopeInput | None = strawberry.field(default=None, description="The scope of `source`.")


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


def _tracked(value: MetricInput | KeyResultInput) -> tuple[MetricName | None, Scope | None]:
    source = getattr(value, "source", None)
    if source is None:
        return None, None
    if value.scope is None:
        raise DomainError(ErrorCode.REQUIRED, "A tracked metric names its scope", ["metric", "scope"])
    scope = scope_from(value.scope, ["metric", "scope"])
    if scope is None:  # a malformed or wrong-type ID: not found, under the field it was given in
        kind = ScopeKind.DEPARTMENT if value.scope.department_id is not None else ScopeKind.MANAGER
        scope = Scope(kind, _NOTHING)
    return MetricName(source), scope


def spec_of(value: MetricInput | KeyResultInput, weight: float | None = None) -> MeasureSpec:
    source, scope = _tracked(value)
    return MeasureSpec(
        name=value.name,
        unit=value.unit or "",
        baseline=decimal(value.baseline),
        target=decimal(value.target),
        relative_change_percent=decimal(value.relative_change_percent),
        direction=value.direction,
        weight=decimal(weight),
        source=source,
        tracked_scope=scope,
    )


def id_or_nothing(value: str, type_name: str) -> UUID:
    return uuid_of(value, type_name) or _NOTHING


async def goal_payload(info: Ctx, work) -> GoalPayload:
    goal, errors = await perform(info.context, work)
    info.context.goals.reset()
    return GoalPayload(goal=goal, errors=errors)
