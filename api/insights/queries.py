"""The `metric` query: one named metric for a scope over a period, as a series."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.graphql.ids import uuid_of
from api.insights.types import (
    GrainType,
    MetricNameType,
    MetricScopeInput,
    MetricSeriesType,
    scope_from,
)
from api.org.types import Ctx
from domain.insights.metrics import Grain
from domain.insights.queries import visible_metric


@strawberry.type
class InsightsQuery:
    @strawberry.field(
        description="A platform metric for a scope, one point per grain from `from` to `to`, with its definition. "
        "HR admins: any scope; managers: their own reporting subtree. Null when the scope or cycle is not found."
    )
    async def metric(
        self,
        info: Ctx,
        name: MetricNameType,
        scope: MetricScopeInput,
        start: Annotated[date, strawberry.argument(name="from")],
        end: Annotated[date, strawberry.argument(name="to")],
        grain: GrainType = Grain.WEEK,
        cycle_id: strawberry.ID | None = None,
    ) -> MetricSeriesType | None:
        ctx = info.context
        chosen = scope_from(scope, ["scope"])
        cycle = uuid_of(cycle_id, "ReviewCycle") if cycle_id is not None else None
        series = await ctx.run(
            visible_metric, ctx.actor, name, chosen, start, end, grain, cycle, cycle_given=cycle_id is not None
        )
        return MetricSeriesType.of(series) if series else None
