"""Review queries: templates, cycles, single reviews; ReviewTemplate, ReviewCycle and Review as Nodes.

Templates and cycles are readable by every employee of the tenant (what a cycle is and
when it is due); participants, progress and overdue reviewers are for HR admins. A
review resolves only for those who may read it (domain/reviews/policy.py), else null,
exactly like an ID that does not exist.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import strawberry

from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from api.graphql.selection import selected_under
from api.org.types import Ctx
from api.reviews.types import CycleStatusType, ReviewCycleType, ReviewTemplateType, ReviewType
from domain.reviews import cycles, queries, templates
from domain.reviews.models import CycleStatus, Review, ReviewStatus


async def _template_node(ctx: RequestContext, raw: UUID):
    return await ctx.reviews.get_template(raw)


async def _cycle_node(ctx: RequestContext, raw: UUID):
    return await ctx.reviews.get_cycle(raw)


async def _review_node(ctx: RequestContext, raw: UUID):
    return await ctx.reviews.get_review(raw)


register_node("ReviewTemplate", _template_node)
register_node("ReviewCycle", _cycle_node)
register_node("Review", _review_node)


async def reviews_to_write(info: Ctx, status: ReviewStatus | None) -> list[Review]:
    """`viewer.reviewsToWrite`: the viewer's assignments in open cycles."""
    ctx = info.context
    rows = await ctx.run(queries.reviews_to_write, ctx.actor, status)
    ctx.reviews.prime_cycles([cycle for _, cycle in rows])
    ctx.reviews.prime_reviews([review for review, _ in rows])
    return [review for review, _ in rows]


@strawberry.type
class ReviewQuery:
    @strawberry.field(description="Review templates by name. `first` 1 to 100, default 20.")
    async def review_templates(self, info: Ctx, first: int | None = None, after: str | None = None) -> Connection[ReviewTemplateType]:
        ctx = info.context
        wants_total = "totalCount" in selected_under(info.selected_fields, "reviewTemplates")
        page = await ctx.run(templates.list_templates, page_request(first, after, (str, UUID), wants_total))
        ctx.reviews.prime_templates(page.items)
        return connection(page, after)

    @strawberry.field
    async def review_template(self, info: Ctx, id: strawberry.ID) -> ReviewTemplateType | None:
        raw = uuid_of(id, "ReviewTemplate")
        return None if raw is None else await info.context.reviews.get_template(raw)

    @strawberry.field(description="Review cycles, latest period first. `first` 1 to 100, default 20.")
    async def review_cycles(
        self, info: Ctx, first: int | None = None, after: str | None = None, status: CycleStatusType | None = None
    ) -> Connection[ReviewCycleType]:
        ctx = info.context
        wants_total = "totalCount" in selected_under(info.selected_fields, "reviewCycles")
        page = page_request(first, after, (date, UUID), wants_total)
        result = await ctx.run(cycles.list_cycles, CycleStatus(status) if status else None, page)
        ctx.reviews.prime_cycles(result.items)
        return connection(result, after)

    @strawberry.field
    async def review_cycle(self, info: Ctx, id: strawberry.ID) -> ReviewCycleType | None:
        raw = uuid_of(id, "ReviewCycle")
        return None if raw is None else await info.context.reviews.get_cycle(raw)

    @strawberry.field(
        description="A review you may read, else null. Drafts are the reviewer's alone; PEER and DIRECT_REPORT reviews "
        "are never readable by their subject or the subject's managers."
    )
    async def review(self, info: Ctx, id: strawberry.ID) -> ReviewType | None:
        raw = uuid_of(id, "Review")
        return None if raw is None else await info.context.reviews.get_review(raw)

