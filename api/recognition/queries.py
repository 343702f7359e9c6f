"""Recognition queries: the tenant's feed, single recognitions; Recognition as a Node."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from api.graphql.selection import selected_under
from api.org.types import Ctx
from api.recognition.types import RecognitionKindType, RecognitionType
from domain.recognition import queries
from domain.recognition.queries import FeedFilter
from domain.recognition.rules import EMOJIS

_NO_MATCH = UUID(int=0)  # an ID that is malformed or of another tenant filters to nothing

# Item fields -> the relation `queries.details` reads for the whole page.
_RELATIONS = {
    "giver": "giver",
    "recipients": "recipients",
    "competencies": "competencies",
    "reactionCounts": "reactions",
    "myReactions": "reactions",
    "commentCount": "comments",
    "latestComments": "comments",
}


@strawberry.input
class RecognitionFeedFilterInput:
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Recognition of anyone in this department or a department below it."
    )
    competency_id: strawberry.ID | None = None
    kind: RecognitionKindType | None = None


def _id_filter(value: str | None, type_name: str) -> UUID | None:
    if value is None:
        return None
    return uuid_of(value, type_name) or _NO_MATCH


def _filter(raw: RecognitionFeedFilterInput | None) -> FeedFilter:
    if raw is None:
        return FeedFilter()
    return FeedFilter(
        department_id=_id_filter(raw.department_id, "Department"),
        competency_id=_id_filter(raw.competency_id, "Competency"),
        kind=raw.kind.value if raw.kind else None,
    )


def wanted_relations(info: Ctx, field_name: str) -> set[str]:
    selected = selected_under(info.selected_fields, field_name, "edges", "node") | selected_under(
        info.selected_fields, field_name, "nodes"
    )
    return {_RELATIONS[name] for name in selected if name in _RELATIONS}


async def _recognition_node(ctx: RequestContext, raw: UUID):
    return await ctx.recognition.get(raw)


register_node("Recognition", _recognition_node)


@strawberry.type
class RecognitionQuery:
    @strawberry.field(
        description="The tenant's PUBLIC recognition, newest first. Keyset-paginated: `first` 1 to 100."
    )
    async def recognition_feed(
        self, info: Ctx, first: int | None = None, after: str | None = None,
        filter: RecognitionFeedFilterInput | None = None,
    ) -> Connection[RecognitionType]:
        ctx = info.context
        wants_total = "totalCount" in selected_under(info.selected_fields, "recognitionFeed")
        page = page_request(first, after, (datetime, UUID), wants_total)
        found = await ctx.run(queries.feed, _filter(filter), page)
        await ctx.recognition.prefetch(found.items, wanted_relations(info, "recognitionFeed"))
        return connection(found, after)

    @strawberry.field(description="A recognition you can see; null otherwise.")
    async def recognition(self, info: Ctx, id: strawberry.ID) -> RecognitionType | None:
        raw = uuid_of(id, "Recognition")
        return None if raw is None else await info.context.recognition.get(raw)

    @strawberry.field(description="The emojis one may react with, in display order.")
    def recognition_emojis(self) -> list[str]:
        return list(EMOJIS)
