"""Check-ins: a new current value for the goal's metric or one of its key results."""

from __future__ import annotations

import strawberry

from api.goals.inputs import decimal
from api.goals.types import CheckInType, ConfidenceType, GoalType
from api.graphql.errors import UserError
from api.graphql.ids import optional_uuid, require_uuid
from api.graphql.mutation import perform
from api.org.types import Ctx
from domain.goals import check_ins, queries
from domain.goals.check_ins import NewCheckIn


@strawberry.input
class CheckInGoalInput:
    goal_id: strawberry.ID
    value: float
    confidence: ConfidenceType
    key_result_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required when the goal is measured by key results; omitted for its metric."
    )
    note: str | None = None


@strawberry.type
class CheckInPayload:
    check_in: CheckInType | None
    goal: GoalType | None
    errors: list[UserError]


@strawberry.type
class CheckInMutations:
    @strawberry.mutation(description="Records the value as the new current one and keeps it in the goal's history.")
    async def check_in_goal(self, info: Ctx, input: CheckInGoalInput) -> CheckInPayload:
        async def work(session, actor):
            data = NewCheckIn(
                goal_id=require_uuid(input.goal_id, "Goal", "goalId"),
                value=decimal(input.value),
                confidence=input.confidence,
                key_result_id=optional_uuid(input.key_result_id, "KeyResult", "keyResultId"),
                note=input.note,
            )
            entry = await check_ins.check_in(session, actor, data, info.context.today)
            return entry, await queries.find_visible_goal(session, actor, entry.goal_id)

        found, errors = await perform(info.context, work)
        info.context.goals.reset()
        entry, goal = found or (None, None)
        return CheckInPayload(check_in=entry, goal=goal, errors=errors)
