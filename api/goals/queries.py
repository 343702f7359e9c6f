"""Goal queries: the visible list, single goals, alignment trees; Goal as a Node."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import strawberry

from api.goals.types import GoalHealthStatusType, GoalKindType, GoalStatusType, GoalTreeNodeType, GoalType
from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from api.graphql.selection import selected_under
from api.org.types import Ctx
from domain.goals import queries, tracking
from domain.goals.queries import GoalFilter

_NO_MATCH = UUID(int=0)  # an ID that is malformed or of another tenant filters to nothing


@strawberry.input
class GoalFilterInput:
    owner_id: strawberry.ID | None = None
    department_id: strawberry.ID | None = None
    kind: GoalKindType | None = None
    status: GoalStatusType | None = None
    health: GoalHealthStatusType | None = strawberry.field(
        default=None, description="Derived, so judged on the request's date; totalCount is then null."
    )
    due_before: date | None = strawberry.field(default=None, description="Due strictly before this date.")


def _id_filter(value: str | None, type_name: str) -> UUID | None:
    if value is None:
        return None
    return uuid_of(value, type_name) or _NO_MATCH


def _filter(raw: GoalFilterInput | None) -> GoalFilter:
    if raw is None:
        return GoalFilter()
    return GoalFilter(
        owner_id=_id_filter(raw.owner_id, "Employee"),
        department_id=_id_filter(raw.department_id, "Department"),
        kind=raw.kind.value if raw.kind else None,
        status=raw.status.value if raw.status else None,
        health=raw.health,
        due_before=raw.due_before,
    )


async def _goal_node(ctx: RequestContext, raw: UUID):
    return await ctx.goals.get_goal(raw)


register_node("Goal", _goal_node)


@strawberry.type
class GoalQuery:
    @strawberry.field(description="Goals you can see, soonest due first. Keyset-paginated: `first` 1 to 100.")
    async def goals(
        self, info: Ctx, first: int | None = None, after: str | None = None, filter: GoalFilterInput | None = None
    ) -> Connection[GoalType]:
        ctx = info.context
        criteria = _filter(filter)
        wants_total = "totalCount" in selected_under(info.selected_fields, "goals") and criteria.health is None
        page = page_request(first, after, (date, UUID), wants_total)
        listing = await ctx.run(queries.list_goals, ctx.actor, criteria, page, ctx.today)
        ctx.goals.prime_listing(listing)
        return connection(listing.page, after)

    @strawberry.field(description="A goal you can see; null otherwise.")
    async def goal(self, info: Ctx, id: strawberry.ID) -> GoalType | None:
        raw = uuid_of(id, "Goal")
        goal = None if raw is None else await info.context.goals.get_goal(raw)
        if goal is not None and goal.metric_source is not None:
            # A goal tracked live measures itself on read (domain/goals/tracking.py).
            await info.context.run(tracking.refresh, goal, info.context.today)
        return goal

    @strawberry.field(description="The goal and the goals aligned below it that you can see, level by level.")
    async def goal_tree(self, info: Ctx, root_id: strawberry.ID) -> list[GoalTreeNodeType] | None:
        ctx = info.context
        raw = uuid_of(root_id, "Goal")
        tree = None if raw is None else await ctx.run(queries.goal_tree, ctx.actor, raw)
        if tree is None:
            return None
        ctx.goals.prime([goal for goal, _ in tree])
        return [GoalTreeNodeType(goal=goal, depth=depth) for goal, depth in tree]
