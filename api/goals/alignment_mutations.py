"""Alignment: hang a goal under another (or detach it)."""

from __future__ import annotations

import strawberry

from api.goals.inputs import GoalPayload, goal_payload
from api.graphql.ids import optional_uuid, require_uuid
from api.org.types import Ctx
from domain.goals import alignment


@strawberry.input
class SetGoalParentInput:
    goal_id: strawberry.ID
    parent_id: strawberry.ID | None = strawberry.field(description="null detaches the goal.")


@strawberry.type
class AlignmentMutations:
    @strawberry.mutation(description="No cycles; the parent is a goal you can see and no narrower in scope.")
    async def set_goal_parent(self, info: Ctx, input: SetGoalParentInput) -> GoalPayload:
        async def work(session, actor):
            goal_id = require_uuid(input.goal_id, "Goal", "goalId")
            parent_id = optional_uuid(input.parent_id, "Goal", "parentId")
            return await alignment.set_parent(session, actor, goal_id, parent_id)

        return await goal_payload(info, work)
