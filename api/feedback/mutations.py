"""Feedback mutations: give feedback, request it, answer or decline a request.

Each runs in a savepoint (`perform`), so a refused call writes nothing and announces
nothing (its NOTIFY rolls back with it); afterwards the request's feedback loaders are
reset so the payload shows the state after the change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

import strawberry

from api.feedback.types import FeedbackKindType, FeedbackRequestType, FeedbackType, FeedbackVisibilityType
from api.graphql.errors import UserError
from api.graphql.ids import require_uuid, uuid_of
from api.graphql.mutation import perform
from api.org.types import Ctx
from domain.feedback import services
from domain.feedback.models import FeedbackKind, FeedbackVisibility

T = TypeVar("T")
_NOTHING = UUID(int=0)  # a malformed ID in a list: the domain reports it as not found, at its index


@strawberry.input
class GiveFeedbackInput:
    to_employee_id: strawberry.ID = strawberry.field(description="An active colleague; never yourself.")
    body: str = strawberry.field(description="1 to 5,000 characters; line breaks are kept.")
    kind: FeedbackKindType
    visibility: FeedbackVisibilityType
    competency_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Active competencies the feedback is about (at most 10)."
    )


@strawberry.input
class RequestFeedbackInput:
    from_employee_ids: list[strawberry.ID] = strawberry.field(
        description="1 to 20 active colleagues to ask; neither the person it is about nor yourself."
    )
    about_employee_id: strawberry.ID = strawberry.field(
        description="Yourself, or someone who reports to you (at any depth)."
    )
    question: str = strawberry.field(description="1 to 1,000 characters.")
    due_date: date = strawberry.field(description="Today or later; afterwards open parts show as overdue.")
    visibility: FeedbackVisibilityType = strawberry.field(
        default=FeedbackVisibility.MANAGER_VISIBLE, description="The visibility every answer gets."
    )


@strawberry.input
class RespondToFeedbackRequestInput:
    request_id: strawberry.ID
    body: str = strawberry.field(description="1 to 5,000 characters.")
    kind: FeedbackKindType = FeedbackKind.COACHING
    competency_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input
class DeclineFeedbackRequestInput:
    request_id: strawberry.ID
    reason: str | None = strawberry.field(default=None, description="Up to 1,000 characters; shown to the requester.")


@strawberry.type
class GiveFeedbackPayload:
    feedback: FeedbackType | None
    errors: list[UserError]


@strawberry.type
class FeedbackRequestPayload:
    feedback_request: FeedbackRequestType | None
    errors: list[UserError]


@strawberry.type
class RespondToFeedbackRequestPayload:
    feedback: FeedbackType | None
    feedback_request: FeedbackRequestType | None
    errors: list[UserError]


def _ids(values: list[str], type_name: str) -> list[UUID]:
    return [uuid_of(value, type_name) or _NOTHING for value in values]


async def _fresh(info: Ctx, work: Callable[[Any, Any], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    result, errors = await perform(info.context, work)
    info.context.feedback.reset()
    return result, errors


@strawberry.type
class FeedbackMutations:
    @strawberry.mutation(description="Gives feedback to a colleague; they get it at once over `feedbackReceived`.")
    async def give_feedback(self, info: Ctx, input: GiveFeedbackInput) -> GiveFeedbackPayload:
        async def work(session, actor):
            data = services.NewFeedback(
                to_employee_id=require_uuid(input.to_employee_id, "Employee", "toEmployeeId"),
                body=input.body,
                competency_ids=_ids(input.competency_ids, "Competency"),
                kind=input.kind,
                visibility=input.visibility,
            )
            return await services.give_feedback(session, actor, data)

        feedback, errors = await _fresh(info, work)
        return GiveFeedbackPayload(feedback=feedback, errors=errors)

    @strawberry.mutation(
        description="Asks colleagues for feedback about yourself or one of your reports; each finds it in their "
        "`viewer.feedbackInbox` and over `feedbackRequested`."
    )
    async def request_feedback(self, info: Ctx, input: RequestFeedbackInput) -> FeedbackRequestPayload:
        async def work(session, actor):
            data = services.NewRequest(
                from_employee_ids=_ids(input.from_employee_ids, "Employee"),
                about_employee_id=require_uuid(input.about_employee_id, "Employee", "aboutEmployeeId"),
                question=input.question,
                due_date=input.due_date,
                visibility=input.visibility,
            )
            return await services.request_feedback(session, actor, data, info.context.today)

        request, errors = await _fresh(info, work)
        return FeedbackRequestPayload(feedback_request=request, errors=errors)

    @strawberry.mutation(
        description="Answers a request you were asked in: feedback from you about its subject, with the request's "
        "visibility. Once per person; not after declining."
    )
    async def respond_to_feedback_request(
        self, info: Ctx, input: RespondToFeedbackRequestInput
    ) -> RespondToFeedbackRequestPayload:
        async def work(session, actor):
            request_id = require_uuid(input.request_id, "FeedbackRequest", "requestId")
            answer = services.Answer(body=input.body, competency_ids=_ids(input.competency_ids, "Competency"), kind=input.kind)
            return await services.respond(session, actor, request_id, answer)

        done, errors = await _fresh(info, work)
        feedback, request = done if done is not None else (None, None)
        return RespondToFeedbackRequestPayload(feedback=feedback, feedback_request=request, errors=errors)

    @strawberry.mutation(description="Declines a request you were asked in, with an optional reason for the requester.")
    async def decline_feedback_request(self, info: Ctx, input: DeclineFeedbackRequestInput) -> FeedbackRequestPayload:
        async def work(session, actor):
            request_id = require_uuid(input.request_id, "FeedbackRequest", "requestId")
            return await services.decline(session, actor, request_id, input.reason)

        request, errors = await _fresh(info, work)
        return FeedbackRequestPayload(feedback_request=request, errors=errors)
