"""Key-result mutations. On an active goal the weights sum to 100 after every change."""

from __future__ import annotations

import strawberry

from api.goals.inputs import GoalPayload, decimal, goal_payload, id_or_nothing
from api.goals.types import DirectionType, GoalType, KeyResultType
from api.graphql.errors import UserError
from api.graphql.ids import require_uuid
from api.graphql.mutation import perform
from api.org.types import Ctx
from domain.errors import DomainError, ErrorCode
from domain.goals import key_results, queries
from domain.goals.goals import MeasureSpec
from domain.goals.key_results import WeightChange


@strawberry.input(description="On an active goal, add with weight 0 and rebalance with setKeyResultWeights.")
class AddKeyResultInput:
    goal_id: strawberry.ID
    name: str
    weight: float
    unit: str | None = None
    baseline: float = 0.0
    target: float | None = None
    relative_change_percent: float | None = None
    direction: DirectionType | None = None


@strawberry.input(description="Fields left out stay as they are; a relative target follows a new baseline.")
class UpdateKeyResultInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    unit: str | None = strawberry.UNSET
    baseline: float | None = strawberry.UNSET
    target: float | None = strawberry.UNSET
    relative_change_percent: float | None = strawberry.UNSET
    direction: DirectionType | None = strawberry.UNSET
    weight: float | None = strawberry.UNSET


@strawberry.input
class KeyResultIdInput:
    id: strawberry.ID


@strawberry.input
class KeyResultWeightInput:
    key_result_id: strawberry.ID
    weight: float


@strawberry.input
class SetKeyResultWeightsInput:
    goal_id: strawberry.ID
    weights: list[KeyResultWeightInput]


@strawberry.type
class KeyResultPayload:
    key_result: KeyResultType | None
    goal: GoalType | None
    errors: list[UserError]


def _changes(input: UpdateKeyResultInput) -> dict:
    """Only what was sent. A null name or unit is blank (REQUIRED); a null baseline or weight is refused."""
    changes: dict = {}
    for name in ("name", "unit"):
        if getattr(input, name) is not strawberry.UNSET:
            changes[name] = getattr(input, name) or ""
    if input.direction not in (strawberry.UNSET, None):
        changes["direction"] = input.direction
    for name, field in (("baseline", "baseline"), ("weight", "weight")):
        value = getattr(input, name)
        if value is None:
            raise DomainError(ErrorCode.REQUIRED, f"{field} cannot be null", [field])
        if value is not strawberry.UNSET:
            changes[name] = decimal(value)
    for name in ("target", "relative_change_percent"):
        if getattr(input, name) is not strawberry.UNSET:
            changes[name] = decimal(getattr(input, name))
    return changes


async def _key_result_payload(info: Ctx, work) -> KeyResultPayload:
    async def with_goal(session, actor):
        result = await work(session, actor)
        return result, await queries.find_visible_goal(session, actor, result.goal_id)

    found, errors = await perform(info.context, with_goal)
    info.context.goals.reset()
    result, goal = found or (None, None)
    return KeyResultPayload(key_result=result, goal=goal, errors=errors)


@strawberry.type
class KeyResultMutations:
    @strawberry.mutation
    async def add_key_result(self, info: Ctx, input: AddKeyResultInput) -> KeyResultPayload:
        async def work(session, actor):
            goal_id = require_uuid(input.goal_id, "Goal", "goalId")
            spec = MeasureSpec(
                name=input.name, unit=input.unit or "", baseline=decimal(input.baseline), target=decimal(input.target),
                relative_change_percent=decimal(input.relative_change_percent), direction=input.direction,
                weight=decimal(input.weight),
            )
            return await key_results.add_key_result(session, actor, goal_id, spec)

        return await _key_result_payload(info, work)

    @strawberry.mutation
    async def update_key_result(self, info: Ctx, input: UpdateKeyResultInput) -> KeyResultPayload:
        async def work(session, actor):
            key_result_id = require_uuid(input.id, "KeyResult", "id")
            return await key_results.update_key_result(session, actor, key_result_id, _changes(input))

        return await _key_result_payload(info, work)

    @strawberry.mutation(description="Its check-ins go with it.")
    async def remove_key_result(self, info: Ctx, input: KeyResultIdInput) -> GoalPayload:
        async def work(session, actor):
            return await key_results.remove_key_result(session, actor, require_uuid(input.id, "KeyResult", "id"))

        return await goal_payload(info, work)

    @strawberry.mutation(description="Sets several weights at once: how an active goal is rebalanced.")
    async def set_key_result_weights(self, info: Ctx, input: SetKeyResultWeightsInput) -> GoalPayload:
        async def work(session, actor):
            goal_id = require_uuid(input.goal_id, "Goal", "goalId")
            changes = [
                WeightChange(id_or_nothing(row.key_result_id, "KeyResult"), decimal(row.weight)) for row in input.weights
            ]
            return await key_results.set_weights(session, actor, goal_id, changes)

        return await goal_payload(info, work)
