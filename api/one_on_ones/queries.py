"""1:1 queries: one series by ID; OneOnOne, OneOnOneMeeting and OneOnOneActionItem as Nodes."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.one_on_ones.types import OneOnOneType
from api.org.types import Ctx


async def _series_node(ctx: RequestContext, raw: UUID):
    return await ctx.one_on_ones.get(raw)


async def _meeting_node(ctx: RequestContext, raw: UUID):
    return await ctx.one_on_ones.get_meeting(raw)


async def _action_item_node(ctx: RequestContext, raw: UUID):
    return await ctx.one_on_ones.get_action_item(raw)


register_node("OneOnOne", _series_node)
register_node("OneOnOneMeeting", _meeting_node)
register_node("OneOnOneActionItem", _action_item_node)


@strawberry.type
class OneOnOneQuery:
    @strawberry.field(description="A 1:1 series you take part in (or, for HR admins, any: without its contents); null otherwise.")
    async def one_on_one(self, info: Ctx, id: strawberry.ID) -> OneOnOneType | None:
        raw = uuid_of(id, "OneOnOne")
        return None if raw is None else await info.context.one_on_ones.get(raw)
