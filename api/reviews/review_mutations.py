"""Reviewing: drafts and submission by the reviewer, reopening by HR admins."""

from __future__ import annotations

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import require_uuid
from api.org.types import Ctx
from api.reviews.mutating import id_or_nothing, perform_fresh
from api.reviews.types import ReviewType
from domain.reviews import queries, reviewing
from domain.reviews.rules import AnswerSpec


@strawberry.input(description="Answer a template question (`questionId`, plus `goalId` for a goals rating) or an "
                  "automatic leadership rating (`competencyId`). Leaving out both rating and text clears the answer.")
class ReviewAnswerInput:
    question_id: strawberry.ID | None = None
    competency_id: strawberry.ID | None = None
    goal_id: strawberry.ID | None = None
    rating: int | None = None
    text: str | None = None


@strawberry.input
class SaveReviewDraftInput:
    review_id: strawberry.ID
    answers: list[ReviewAnswerInput]


@strawberry.input
class SubmitReviewInput:
    review_id: strawberry.ID
    answers: list[ReviewAnswerInput] = strawberry.field(
        default_factory=list, description="Saved like a draft first; then the whole review is checked."
    )


@strawberry.input
class ReopenReviewInput:
    review_id: strawberry.ID
    reason: str


@strawberry.type
class ReviewPayload:
    review: ReviewType | None = strawberry.field(description="Null when you may not read it (an anonymous review reopened by HR).")
    errors: list[UserError]


def _answers(values: list[ReviewAnswerInput]) -> list[AnswerSpec]:
    return [
        AnswerSpec(
            question_id=id_or_nothing(value.question_id, "TemplateQuestion"),
            competency_id=id_or_nothing(value.competency_id, "Competency"),
            goal_id=id_or_nothing(value.goal_id, "Goal"),
            rating=value.rating,
            text=value.text,
        )
        for value in values
    ]


async def _readable_before(session, actor, review_id):
    """Whether the actor may read the submitted review (the payload shows it only then)."""
    review = (await queries.visible_reviews_by_ids(session, actor, [review_id])).get(review_id)
    return review is not None


async def _payload(info: Ctx, work) -> ReviewPayload:
    review, errors = await perform_fresh(info, work)
    if review is not None:
        info.context.reviews.prime_reviews([review])
    return ReviewPayload(review=review, errors=errors)


@strawberry.type
class ReviewMutations:
    @strawberry.mutation(description="The reviewer saves answers; each replaces the stored answer to its question.")
    async def save_review_draft(self, info: Ctx, input: SaveReviewDraftInput) -> ReviewPayload:
        async def work(session, actor):
            review_id = require_uuid(input.review_id, "Review", "reviewId")
            return await reviewing.save_draft(session, actor, review_id, _answers(input.answers))

        return await _payload(info, work)

    @strawberry.mutation(description="Every required question answered and every rating on its scale; then immutable.")
    async def submit_review(self, info: Ctx, input: SubmitReviewInput) -> ReviewPayload:
        async def work(session, actor):
            review_id = require_uuid(input.review_id, "Review", "reviewId")
            return await reviewing.submit_review(session, actor, review_id, _answers(input.answers))

        return await _payload(info, work)

    @strawberry.mutation(description="HR admins send a submitted review back to its reviewer; the reason is recorded.")
    async def reopen_review(self, info: Ctx, input: ReopenReviewInput) -> ReviewPayload:
        async def work(session, actor):
            review_id = require_uuid(input.review_id, "Review", "reviewId")
            readable = await _readable_before(session, actor, review_id)
            review = await reviewing.reopen_review(session, actor, review_id, input.reason)
            return review if readable else None

        return await _payload(info, work)
