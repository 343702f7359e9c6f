"""Stretch project queries: projects, applications, recommendations; both as Nodes."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import strawberry

from api.development.program_inputs import id_filter, wants_total
from api.development.program_loaders import resolved
from api.development.stretch_types import (
    ApplicationStatusType,
    ProjectStatusType,
    StretchApplicationType,
    StretchProjectRecommendationType,
    StretchProjectType,
)
from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from api.org.types import Ctx
from domain.development import stretch, stretch_queries
from domain.development.stretch_queries import ApplicationFilter
from domain.errors import DomainError, ErrorCode

MAX_RECOMMENDATIONS = 50


@strawberry.input
class StretchApplicationFilterInput:
    project_id: strawberry.ID | None = None
    status: ApplicationStatusType | None = None


async def _project_node(ctx: RequestContext, raw: UUID):
    return await resolved(ctx.programs.project(raw))


async def _application_node(ctx: RequestContext, raw: UUID):
    return await resolved(ctx.programs.application(raw))


register_node("StretchProject", _project_node)
register_node("StretchApplication", _application_node)


def recommendation_count(first: int | None) -> int:
    size = 10 if first is None else first
    if not 1 <= size <= MAX_RECOMMENDATIONS:
        raise DomainError(ErrorCode.INVALID, f"first must be between 1 and {MAX_RECOMMENDATIONS}", ["first"])
    return size


@strawberry.type
class StretchQuery:
    @strawberry.field(description="Stretch projects, soonest start first; every employee sees them.")
    async def stretch_projects(
        self, info: Ctx, first: int | None = None, after: str | None = None, status: ProjectStatusType | None = None
    ) -> Connection[StretchProjectType]:
        ctx = info.context
        page = page_request(first, after, (date, UUID), wants_total(info, "stretchProjects"))
        result = await ctx.run(stretch_queries.list_projects, status.value if status else None, page)
        ctx.programs.prime(ctx.programs.projects, result.items)
        return connection(result, after)

    @strawberry.field
    async def stretch_project(self, info: Ctx, id: strawberry.ID) -> StretchProjectType | None:
        raw = uuid_of(id, "StretchProject")
        return None if raw is None else await _project_node(info.context, raw)

    @strawberry.field(
        description="Applications you may see (yours, to projects you sponsor, of your direct reports; HR admins all), "
        "oldest first."
    )
    async def stretch_applications(
        self, info: Ctx, first: int | None = None, after: str | None = None,
        filter: StretchApplicationFilterInput | None = None,
    ) -> Connection[StretchApplicationType]:
        ctx = info.context
        criteria = ApplicationFilter(
            project_id=id_filter(filter.project_id, "StretchProject") if filter else None,
            status=filter.status.value if filter and filter.status else None,
        )
        page = page_request(first, after, (datetime, UUID), wants_total(info, "stretchApplications"))
        result = await ctx.run(stretch_queries.list_applications, ctx.actor, criteria, page)
        ctx.programs.prime(ctx.programs.applications, result.items)
        return connection(result, after)

    @strawberry.field
    async def stretch_application(self, info: Ctx, id: strawberry.ID) -> StretchApplicationType | None:
        raw = uuid_of(id, "StretchApplication")
        return None if raw is None else await _application_node(info.context, raw)

    @strawberry.field(
        description="OPEN projects ranked by how many of the employee's gap levels their target competencies cover, "
        "each with its explanation. For the employee, their managers up the chain and HR admins; null for others."
    )
    async def recommended_stretch_projects(
        self, info: Ctx, employee_id: strawberry.ID, first: int | None = None
    ) -> list[StretchProjectRecommendationType] | None:
        ctx = info.context
        size = recommendation_count(first)
        raw = uuid_of(employee_id, "Employee")
        if raw is None:
            return None
        found = await ctx.run(stretch.recommended_projects, ctx.actor, raw, size)
        if found is not None:
            ctx.programs.prime(ctx.programs.projects, [r.item for r in found])
        return found
