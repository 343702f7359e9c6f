"""GraphQL types of the feedback context. Sources are domain rows; relations come from the
request's feedback, org and competency loaders, batched per page."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.graphql.ids import to_global_id
from api.graphql.node import Node
from api.graphql.pagination import Connection, connection, page_request
from api.org.types import Ctx, EmployeeType
from domain.feedback import policy, queries, rules
from domain.feedback.models import AskStatus, Feedback, FeedbackAsk, FeedbackKind, FeedbackRequest, FeedbackVisibility

if TYPE_CHECKING:
    from api.competencies.types import CompetencyType

FeedbackKindType = strawberry.enum(FeedbackKind, name="FeedbackKind")
FeedbackVisibilityType = strawberry.enum(
    FeedbackVisibility, name="FeedbackVisibility",
    description="PRIVATE: the giver and the receiver. MANAGER_VISIBLE: also the receiver's managers up the chain. "
    "PUBLIC: everyone in the tenant. HR admins see what their own place in the org lets them see, nothing more.",
)
FeedbackAskStatusType = strawberry.enum(AskStatus, name="FeedbackAskStatus")


@strawberry.type(name="Feedback", description="Feedback from one person to another, outside any review cycle.")
class FeedbackType(Node):
    body: str
    created_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Feedback)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Feedback", self.id)

    @strawberry.field
    def kind(self) -> FeedbackKindType:
        return FeedbackKind(self.kind)

    @strawberry.field
    def visibility(self) -> FeedbackVisibilityType:
        return FeedbackVisibility(self.visibility)

    @strawberry.field
    def giver(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.giver_id)

    @strawberry.field
    def receiver(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.receiver_id)

    @strawberry.field(description="Competencies the feedback is about.")
    def competencies(self, info: Ctx) -> list[Annotated[CompetencyType, strawberry.lazy("api.competencies.types")]]:
        return info.context.feedback.competencies.load(self.id)

    @strawberry.field(description="The request this answers, when you can see it (its requester and the people asked).")
    def request(self, info: Ctx) -> FeedbackRequestType | None:
        return info.context.feedback.request(self.request_id)


@strawberry.type(name="FeedbackAsk", description="One asked person's part of a request. Shown to the requester only.")
class FeedbackAskType:
    decline_reason: str | None
    responded_at: datetime | None

    @strawberry.field
    def employee(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.employee_id)

    @strawberry.field
    def status(self) -> FeedbackAskStatusType:
        return AskStatus(self.status)

    @strawberry.field(description="The answer, when its visibility lets you see it.")
    async def feedback(self, info: Ctx) -> FeedbackType | None:
        return None if self.feedback_id is None else await info.context.feedback.get_feedback(self.feedback_id)


def _mine(asks: list[FeedbackAsk] | None, me: UUID) -> FeedbackAsk | None:
    return next((ask for ask in asks or () if ask.employee_id == me), None)


@strawberry.type(name="FeedbackRequest", description="A request for feedback about someone, sent to up to 20 people.")
class FeedbackRequestType(Node):
    question: str
    due_date: date
    created_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, FeedbackRequest)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("FeedbackRequest", self.id)

    @strawberry.field(description="The visibility the answers get.")
    def visibility(self) -> FeedbackVisibilityType:
        return FeedbackVisibility(self.visibility)

    @strawberry.field(description="Whom the feedback is about.")
    def about(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.subject_id)

    @strawberry.field
    def requested_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.requester_id)

    @strawberry.field(description="Your part, when you were asked; null otherwise.")
    async def my_status(self, info: Ctx) -> FeedbackAskStatusType | None:
        mine = _mine(await info.context.feedback.asks_of(self.id), info.context.actor.employee_id)
        return AskStatus(mine.status) if mine is not None else None

    @strawberry.field(
        description="Past the due date and still open: your part if you were asked, else (for the requester) any part."
    )
    async def overdue(self, info: Ctx) -> bool:
        ctx = info.context
        asks = await ctx.feedback.asks_of(self.id) or []
        mine = _mine(asks, ctx.actor.employee_id)
        relevant = [mine] if mine is not None else asks
        return any(rules.is_overdue(self.due_date, ask.status, ctx.today) for ask in relevant)

    @strawberry.field(description="Everyone asked and how they answered, in one fixed order. The requester only.")
    async def asked(self, info: Ctx) -> list[FeedbackAskType] | None:
        if not policy.sees_who_was_asked(info.context.actor, self.requester_id):
            return None
        return await info.context.feedback.asks_of(self.id)


@strawberry.type(name="FeedbackInbox", description="Feedback requests addressed to you, and the ones you sent.")
class FeedbackInboxType:
    @strawberry.field(description="Open requests addressed to you, soonest due first. `first` 1 to 100.")
    async def requests(self, info: Ctx, first: int | None = None, after: str | None = None) -> Connection[FeedbackRequestType]:
        ctx = info.context
        page = page_request(first, after, (date, UUID), False)
        found = await ctx.run(queries.inbox, ctx.actor, page)
        ctx.feedback.prime_requests(found.items)
        return connection(found, after)

    @strawberry.field(description="Requests you sent, newest first. `first` 1 to 100.")
    async def sent(self, info: Ctx, first: int | None = None, after: str | None = None) -> Connection[FeedbackRequestType]:
        ctx = info.context
        page = page_request(first, after, (datetime, UUID), False)
        found = await ctx.run(queries.sent, ctx.actor, page)
        ctx.feedback.prime_requests(found.items)
        return connection(found, after)

    @strawberry.field(description="How many requests addressed to you are still open.")
    async def open_count(self, info: Ctx) -> int:
        return (await info.context.feedback.inbox_counts()).open

    @strawberry.field(description="How many of those are past their due date.")
    async def overdue_count(self, info: Ctx) -> int:
        return (await info.context.feedback.inbox_counts()).overdue
