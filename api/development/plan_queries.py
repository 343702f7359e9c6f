"""Development plan queries: one plan, the plans you may read; DevelopmentPlan as a Node."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import strawberry

from api.development.plan_types import DevelopmentPlanType
from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from api.graphql.selection import selected_under
from api.org.types import Ctx
from domain.development import plans

_NO_MATCH = UUID(int=0)  # an ID that is malformed or of another tenant filters to nothing


@strawberry.input
class DevelopmentPlanFilterInput:
    employee_id: strawberry.ID | None = None


async def _plan_node(ctx: RequestContext, raw: UUID):
    return await ctx.plans.get(raw)


register_node("DevelopmentPlan", _plan_node)


@strawberry.type
class DevelopmentPlanQuery:
    @strawberry.field(description="A plan you may read (yours, your reports' at any depth, any for HR admins); null otherwise.")
    async def development_plan(self, info: Ctx, id: strawberry.ID) -> DevelopmentPlanType | None:
        raw = uuid_of(id, "DevelopmentPlan")
        return None if raw is None else await info.context.plans.get(raw)

    @strawberry.field(description="Plans you may read, newest period first. Keyset-paginated: `first` 1 to 100.")
    async def development_plans(
        self, info: Ctx, first: int | None = None, after: str | None = None,
        filter: DevelopmentPlanFilterInput | None = None,
    ) -> Connection[DevelopmentPlanType]:
        ctx = info.context
        employee_id = None
        if filter is not None and filter.employee_id is not None:
            employee_id = uuid_of(filter.employee_id, "Employee") or _NO_MATCH
        wants_total = "totalCount" in selected_under(info.selected_fields, "developmentPlans")
        page = page_request(first, after, (date, UUID), wants_total)
        found = await ctx.run(plans.list_plans, ctx.actor, employee_id, page)
        ctx.plans.prime(found.items)
        return connection(found, after)
