"""Competency queries: the scale, the framework, career levels. Every employee reads them."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.competencies.types import CompetencyType, Ctx, JobLevelType, ProficiencyLevelType, TrackType
from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from api.graphql.selection import selected_under
from domain.competencies import framework, levels
from domain.competencies.framework import CompetencyFilter
from domain.competencies.rules import clean_category
from domain.errors import DomainError, ErrorCode
from domain.org.rules import has_control_characters


@strawberry.input
class CompetencyFilterInput:
    category: str | None = strawberry.field(default=None, description="LEADERSHIP, CORE, TECHNICAL or a custom one (any case).")
    active: bool | None = strawberry.field(
        default=True, description="Defaults to true (active only); false lists archived ones; null lists both."
    )
    search: str | None = strawberry.field(default=None, description="Part of the name or description, case-insensitive.")


def _search(value: str | None) -> str | None:
    cleaned = (value or "").strip()[:200]
    if has_control_characters(cleaned):
        raise DomainError(ErrorCode.INVALID, "search must not contain control characters", ["filter", "search"])
    return cleaned or None


def _filter(raw: CompetencyFilterInput | None) -> CompetencyFilter:
    if raw is None:
        return CompetencyFilter()
    category = None if raw.category is None else clean_category(raw.category, ("filter", "category"))
    return CompetencyFilter(category=category, active=raw.active, search=_search(raw.search))


async def _competency_node(ctx: RequestContext, raw: UUID):
    return await ctx.competencies.get_competency(raw)


async def _job_level_node(ctx: RequestContext, raw: UUID):
    return await ctx.competencies.get_job_level(raw)


register_node("Competency", _competency_node)
register_node("JobLevel", _job_level_node)


@strawberry.type
class CompetencyQuery:
    @strawberry.field(description="The tenant's proficiency scale (the default 1 to 5 until an admin sets another).")
    async def proficiency_scale(self, info: Ctx) -> list[ProficiencyLevelType]:
        return await info.context.competencies.scale()

    @strawberry.field(description="The competency framework in the admins' order. `first` 1 to 100, default 20.")
    async def competencies(
        self, info: Ctx, first: int | None = None, after: str | None = None, filter: CompetencyFilterInput | None = None
    ) -> Connection[CompetencyType]:
        ctx = info.context
        wants_total = "totalCount" in selected_under(info.selected_fields, "competencies")
        page = page_request(first, after, (int, str, UUID), wants_total)
        result = await ctx.run(framework.list_competencies, _filter(filter), page)
        ctx.competencies.prime_competencies(result.items)
        return connection(result, after)

    @strawberry.field(description="A competency, archived or not.")
    async def competency(self, info: Ctx, id: strawberry.ID) -> CompetencyType | None:
        raw = uuid_of(id, "Competency")
        return None if raw is None else await info.context.competencies.get_competency(raw)

    @strawberry.field(description="Categories in use, alphabetically.")
    async def competency_categories(self, info: Ctx) -> list[str]:
        return await info.context.run(framework.competency_categories)

    @strawberry.field(description="Career levels by track, then rank.")
    async def job_levels(self, info: Ctx, track: TrackType | None = None) -> list[JobLevelType]:
        ctx = info.context
        found = await ctx.run(levels.list_job_levels, track)
        ctx.competencies.prime_job_levels(found)
        return found

    @strawberry.field
    async def job_level(self, info: Ctx, id: strawberry.ID) -> JobLevelType | None:
        raw = uuid_of(id, "JobLevel")
        return None if raw is None else await info.context.competencies.get_job_level(raw)
