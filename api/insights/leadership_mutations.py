"""The leadership index weights: read by everyone who may see an index, changed by HR admins."""

from __future__ import annotations

import strawberry

from api.graphql.errors import UserError
from api.graphql.mutation import perform
from api.insights.leadership_types import LeadershipIndexWeightsType, weights_type
from api.org.types import Ctx
from domain.insights.index_rules import Component
from domain.insights.leadership import index_weights, set_index_weights


@strawberry.input
class SetLeadershipIndexWeightsInput:
    upward_ratings: int
    goal_attainment: int
    feedback_participation: int
    one_on_one_cadence: int
    retention: int
    competency_growth: int


@strawberry.type
class SetLeadershipIndexWeightsPayload:
    weights: LeadershipIndexWeightsType | None
    errors: list[UserError]


@strawberry.type
class LeadershipQuery:
    @strawberry.field(description="The tenant's leadership index weights (defaults 30/20/15/15/10/10).")
    async def leadership_index_weights(self, info: Ctx) -> LeadershipIndexWeightsType:
        return weights_type(await info.context.run(index_weights))


@strawberry.type
class LeadershipMutations:
    @strawberry.mutation(description="HR admins only; whole weights 0..1000, at least one positive; audited.")
    async def set_leadership_index_weights(self, info: Ctx, input: SetLeadershipIndexWeightsInput) -> SetLeadershipIndexWeightsPayload:
        async def work(session, actor):
            return await set_index_weights(session, actor, {c: getattr(input, c.value.lower()) for c in Component})

        saved, errors = await perform(info.context, work)
        return SetLeadershipIndexWeightsPayload(weights=None if saved is None else weights_type(saved), errors=errors)
