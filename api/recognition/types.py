"""GraphQL types of the recognition context. Sources are domain rows; relations come from
the request's recognition loaders, synchronously when the page prefetched them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.graphql.ids import to_global_id
from api.graphql.node import Node
from api.graphql.pagination import Connection, connection, page_request
from api.org.types import Ctx, EmployeeType
from api.recognition.loaders import then
from domain.recognition import policy
from domain.recognition.models import Recognition, RecognitionComment, RecognitionKind, RecognitionVisibility
from domain.recognition.queries import NO_COMMENTS, NO_REACTIONS, Comments, Reactions

if TYPE_CHECKING:
    from api.competencies.types import CompetencyType

RecognitionKindType = strawberry.enum(RecognitionKind, name="RecognitionKind")
RecognitionVisibilityType = strawberry.enum(
    RecognitionVisibility, name="RecognitionVisibility",
    description="PUBLIC: the tenant's feed. PRIVATE: the giver, the recipients and the recipients' managers up the "
    "chain (not HR admins).",
)


@strawberry.type(name="ReactionCount", description="How many people reacted with one emoji.")
class ReactionCountType:
    emoji: str
    count: int


@strawberry.type(name="RecognitionComment", description="A comment on a recognition.")
class RecognitionCommentType:
    body: str
    created_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, RecognitionComment)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("RecognitionComment", self.id)

    @strawberry.field
    def author(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.author_id)

    @strawberry.field(description="Whether you may delete it: its author, or an HR admin.")
    def can_delete(self, info: Ctx) -> bool:
        return policy.can_delete_comment(info.context.actor, self.author_id)


def _counts(reactions: Reactions | None) -> list[ReactionCountType]:
    return [ReactionCountType(emoji=emoji, count=count) for emoji, count in (reactions or NO_REACTIONS).counts]


def _mine(reactions: Reactions | None) -> list[str]:
    return list((reactions or NO_REACTIONS).mine)


def _comment_count(comments: Comments | None) -> int:
    return (comments or NO_COMMENTS).count


def _latest(comments: Comments | None) -> list[RecognitionComment]:
    return list((comments or NO_COMMENTS).latest)


@strawberry.type(name="Recognition", description="Recognition of one or more people, optionally for competencies.")
class RecognitionType(Node):
    message: str
    created_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Recognition)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Recognition", self.id)

    @strawberry.field
    def kind(self) -> RecognitionKindType:
        return RecognitionKind(self.kind)

    @strawberry.field
    def visibility(self) -> RecognitionVisibilityType:
        return RecognitionVisibility(self.visibility)

    @strawberry.field(description="Lower case, as normalized when given.")
    def value_tags(self) -> list[str]:
        return list(self.value_tags)

    @strawberry.field
    def giver(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.giver_id)

    @strawberry.field(description="In the order the giver named them.")
    def recipients(self, info: Ctx) -> list[EmployeeType]:
        return info.context.recognition.recipients_of(self.id)

    @strawberry.field(description="Competencies the recognition is for; each counts as weak evidence in the profile.")
    def competencies(self, info: Ctx) -> list[Annotated[CompetencyType, strawberry.lazy("api.competencies.types")]]:
        return info.context.recognition.competencies_of(self.id)

    @strawberry.field(description="Per emoji reacted with at least once, in the offered order.")
    def reaction_counts(self, info: Ctx) -> list[ReactionCountType]:
        return then(info.context.recognition.reactions_of(self.id), _counts)

    @strawberry.field(description="The emojis you reacted with.")
    def my_reactions(self, info: Ctx) -> list[str]:
        return then(info.context.recognition.reactions_of(self.id), _mine)

    @strawberry.field
    def comment_count(self, info: Ctx) -> int:
        return then(info.context.recognition.comments_of(self.id), _comment_count)

    @strawberry.field(description="The three newest comments, newest first.")
    def latest_comments(self, info: Ctx) -> list[RecognitionCommentType]:
        return then(info.context.recognition.comments_of(self.id), _latest)

    @strawberry.field(description="Every comment, newest first. Keyset-paginated: `first` 1 to 100.")
    async def comments(self, info: Ctx, first: int | None = None, after: str | None = None) -> Connection[RecognitionCommentType]:
        page = page_request(first, after, (datetime, UUID), False)
        found = await info.context.recognition.comment_pages.load((self.id, page.first, page.after))
        return connection(found, after)


@strawberry.type(
    name="RecognitionEvidence",
    description="Recognition tagged with a competency: weak evidence, shown beside the level but never changing it.",
)
class RecognitionEvidenceType:
    count: int = strawberry.field(description="Recognitions you can see, received in the window, tagged with the competency.")
    since: date = strawberry.field(description="The window's first day: twelve months before the request's date.")
    explanation: str
