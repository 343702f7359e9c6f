"""Writing a review: drafts, submission, and HR's reopening with a reason.

Only the reviewer writes. A submitted review is immutable until an HR admin reopens it
(the reason is recorded); every change runs in the mutation's savepoint, so a refused
submission leaves the draft exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit
from domain.actor import Actor
from domain.errors import Forbidden, NotFound
from domain.persistence import session_tenant
from domain.reviews import policy
from domain.reviews.cycles import get_cycle
from domain.reviews.models import Review, ReviewAnswer, ReviewCycle, ReviewReopening, ReviewStatus
from domain.reviews.questions import questions_for_reviews, scales
from domain.reviews.rules import (
    REASON_MAX,
    AnswerSpec,
    CleanAnswer,
    StoredAnswer,
    accepts_answers,
    accepts_reopening,
    check_submission,
    clean_answers,
    clean_long_text,
    require,
)


async def _locked_review(session: AsyncSession, review_id: UUID) -> Review | None:
    query = select(Review).where(Review.id == review_id).with_for_update().execution_options(populate_existing=True)
    return (await session.scalars(query)).first()


async def _writable(session: AsyncSession, actor: Actor, review_id: UUID) -> tuple[Review, ReviewCycle]:
    """The actor's own review, open for answers. Someone else's reads as not found, unless
    they may read it (then it is plainly not theirs to write)."""
    review = await _locked_review(session, review_id)
    if review is None:
        raise NotFound("Review", ["reviewId"])
    cycle = await get_cycle(session, review.cycle_id)
    if review.reviewer_id != actor.employee_id:
        from domain.reviews.queries import readable

        if await readable(session, actor, [review], {cycle.id: cycle}):
            raise Forbidden("Only the reviewer writes this review", ["reviewId"])
        raise NotFound("Review", ["reviewId"])
    require(review.status != ReviewStatus.SUBMITTED, "This review is submitted; its answers cannot change", ["reviewId"])
    require(
        accepts_answers(cycle.status, review.reopened_count),
        f"Reviews of a {cycle.status} cycle take no answers",
        ["reviewId"],
    )
    return review, cycle


async def _stored(session: AsyncSession, review_id: UUID) -> list[ReviewAnswer]:
    return list(await session.scalars(select(ReviewAnswer).where(ReviewAnswer.review_id == review_id)))


def _key(answer: ReviewAnswer) -> tuple[UUID | None, UUID | None, UUID | None]:
    return (answer.question_id, answer.competency_id, answer.goal_id)


async def _write(session: AsyncSession, review: Review, cleaned: Sequence[CleanAnswer]) -> None:
    """Answers given replace the stored ones for the same questions; an empty one clears."""
    if not cleaned:
        return
    existing = {_key(a): a for a in await _stored(session, review.id)}
    replaced = [existing[c.key].id for c in cleaned if c.key in existing]
    if replaced:
        await session.execute(delete(ReviewAnswer).where(ReviewAnswer.id.in_(replaced)))
    rows = [
        {"tenant_id": review.tenant_id, "id": func.gen_random_uuid(), "review_id": review.id, "question_id": c.key[0],
         "competency_id": c.key[1], "goal_id": c.key[2], "rating": c.rating, "text": c.text}
        for c in cleaned if not c.is_empty
    ]
    if rows:
        await session.execute(insert(ReviewAnswer).values(rows))


async def _save(session: AsyncSession, review: Review, cycle: ReviewCycle, answers: Sequence[AnswerSpec]):
    questions = (await questions_for_reviews(session, [review], {cycle.id: cycle}))[review.id]
    allowed = await scales(session)
    await _write(session, review, clean_answers(answers, questions, allowed))
    return questions, allowed


async def save_draft(session: AsyncSession, actor: Actor, review_id: UUID, answers: Sequence[AnswerSpec]) -> Review:
    review, cycle = await _writable(session, actor, review_id)
    await _save(session, review, cycle, answers)
    review.status = ReviewStatus.IN_PROGRESS.value
    review.updated_at = func.now()
    await session.flush()
    await session.refresh(review)
    return review


async def submit_review(session: AsyncSession, actor: Actor, review_id: UUID, answers: Sequence[AnswerSpec]) -> Review:
    """Saves `answers` like a draft, then checks the whole review: every required question
    answered, every rating on its scale. Any problem refuses the submission (and the save)."""
    review, cycle = await _writable(session, actor, review_id)
    questions, allowed = await _save(session, review, cycle, answers)
    stored = [StoredAnswer(_key(a), a.rating, a.text) for a in await _stored(session, review.id)]
    check_submission(questions, stored, allowed)
    review.status = ReviewStatus.SUBMITTED.value
    review.submitted_at = func.now()
    review.updated_at = func.now()
    await session.flush()
    await session.refresh(review)
    return review


async def reopen_review(session: AsyncSession, actor: Actor, review_id: UUID, reason: str) -> Review:
    """HR admins send a submitted review back to its reviewer, with a recorded reason."""
    policy.require_review_admin(actor)
    review = await _locked_review(session, review_id)
    if review is None:
        raise NotFound("Review", ["reviewId"])
    cycle = await get_cycle(session, review.cycle_id)
    cleaned = clean_long_text(reason, ["reason"], required=True, max_length=REASON_MAX)
    require(review.status == ReviewStatus.SUBMITTED, "Only a submitted review can be reopened", ["reviewId"])
    require(accepts_reopening(cycle.status), f"Reviews of a {cycle.status} cycle stay as they are", ["reviewId"])
    await session.execute(
        insert(ReviewReopening).values(
            tenant_id=session_tenant(session), id=func.gen_random_uuid(), review_id=review.id,
            reopened_by=actor.employee_id, reason=cleaned,
        )
    )
    review.status = ReviewStatus.IN_PROGRESS.value
    review.submitted_at = None
    review.reopened_count += 1
    review.updated_at = func.now()
    await session.flush()
    await audit.record(session, actor, "review.reopened", "Review", review.id,
                       {"status": ReviewStatus.SUBMITTED.value}, {"status": review.status, "reason": cleaned})
    await session.refresh(review)
    return review

