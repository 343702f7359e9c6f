"""Calibration (adjust a final rating with a reason, place on the 9-box), the subject's
acknowledgement of released results, and HR's recorded reading of anonymous authors."""

from __future__ import annotations

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import require_uuid
from api.graphql.mutation import perform
from api.org.types import Ctx
from api.reviews.results_types import (
    AcknowledgementType,
    AdjustmentType,
    AttributedReviewType,
    FinalRatingType,
    GridLevelType,
    PlacementType,
    adjustment_type,
    attributed_type,
    final_type,
    placement_type,
)
from domain.reviews import calibration, results
from domain.reviews.settings import current_settings
from tenants.session import tenant_session


@strawberry.input
class AdjustFinalRatingInput:
    cycle_id: strawberry.ID
    subject_id: strawberry.ID
    rating: int = strawberry.field(description="A value of the tenant's rating scale.")
    reason: str = strawberry.field(description="Required: why the rating changes (kept in the history).")


@strawberry.type
class AdjustFinalRatingPayload:
    final_rating: FinalRatingType | None
    adjustment: AdjustmentType | None
    errors: list[UserError]


@strawberry.input
class PlaceOnNineBoxInput:
    cycle_id: strawberry.ID
    subject_id: strawberry.ID
    performance: GridLevelType
    potential: GridLevelType
    note: str | None = None


@strawberry.type
class PlaceOnNineBoxPayload:
    placement: PlacementType | None
    errors: list[UserError]


@strawberry.input
class AcknowledgeReviewInput:
    review_id: strawberry.ID | None = strawberry.field(default=None, description="Your own SELF or MANAGER review.")
    cycle_id: strawberry.ID | None = strawberry.field(default=None, description="Or the cycle you were reviewed in.")
    comment: str | None = None


@strawberry.type
class AcknowledgeReviewPayload:
    acknowledgement: AcknowledgementType | None
    errors: list[UserError]


@strawberry.input
class RevealAnonymousAuthorsInput:
    cycle_id: strawberry.ID
    subject_id: strawberry.ID
    reason: str = strawberry.field(description="Required, and recorded with who read and when.")


@strawberry.type
class RevealAnonymousAuthorsPayload:
    reviews: list[AttributedReviewType] | None
    errors: list[UserError]


async def _done(info: Ctx, work):
    """`perform`, then the request's loaders forget what they read before the change."""
    result, errors = await perform(info.context, work)
    info.context.review_results.reset()
    info.context.reviews.reset()
    return result, errors


@strawberry.type
class CalibrationMutations:
    @strawberry.mutation(
        description="In CALIBRATION: HR admins and the subject's skip-level managers and above set the final rating, "
        "with a reason. Earlier adjustments are kept; the latest counts."
    )
    async def adjust_final_rating(self, info: Ctx, input: AdjustFinalRatingInput) -> AdjustFinalRatingPayload:
        async def work(session, actor):
            cycle_id = require_uuid(input.cycle_id, "ReviewCycle", "cycleId")
            subject_id = require_uuid(input.subject_id, "Employee", "subjectId")
            _, final = await calibration.adjust_final_rating(session, actor, cycle_id, subject_id, input.rating, input.reason)
            history = await calibration.adjustment_histories(session, [(cycle_id, subject_id)])
            return final, history[(cycle_id, subject_id)][0], await current_settings(session)

        done, errors = await _done(info, work)
        if done is None:
            return AdjustFinalRatingPayload(final_rating=None, adjustment=None, errors=errors)
        final, latest, scale = done
        return AdjustFinalRatingPayload(final_rating=final_type(final, scale), adjustment=adjustment_type(latest), errors=[])

    @strawberry.mutation(description="In CALIBRATION, by those who calibrate the subject: performance x potential.")
    async def place_on_nine_box(self, info: Ctx, input: PlaceOnNineBoxInput) -> PlaceOnNineBoxPayload:
        async def work(session, actor):
            return await calibration.place_on_nine_box(
                session, actor, require_uuid(input.cycle_id, "ReviewCycle", "cycleId"),
                require_uuid(input.subject_id, "Employee", "subjectId"), input.performance, input.potential, input.note,
            )

        placed, errors = await _done(info, work)
        return PlaceOnNineBoxPayload(placement=None if placed is None else placement_type(placed), errors=errors)

    @strawberry.mutation(description="The subject confirms reading their RELEASED results, once.")
    async def acknowledge_review(self, info: Ctx, input: AcknowledgeReviewInput) -> AcknowledgeReviewPayload:
        async def work(session, actor):
            review_id = None if input.review_id is None else require_uuid(input.review_id, "Review", "reviewId")
            cycle_id = None if input.cycle_id is None else require_uuid(input.cycle_id, "ReviewCycle", "cycleId")
            return await results.acknowledge_review(session, actor, review_id, cycle_id, input.comment)

        done, errors = await _done(info, work)
        ack = None if done is None else AcknowledgementType(comment=done.comment, acknowledged_at=done.acknowledged_at)
        return AcknowledgeReviewPayload(acknowledgement=ack, errors=errors)

    @strawberry.mutation(
        description="HR admins, where a tenant admin enabled `hrCanSeeAnonymousAuthors`: the subject's submitted "
        "PEER and DIRECT_REPORT reviews with their authors. Never about yourself or your own reports. The reading "
        "is committed to the record before anything is returned."
    )
    async def reveal_anonymous_authors(self, info: Ctx, input: RevealAnonymousAuthorsInput) -> RevealAnonymousAuthorsPayload:
        ctx = info.context

        async def record(reading: results.AnonymousAuthorReading) -> None:
            # Its own transaction, committed now: a later failure of this request cannot lose it.
            async with tenant_session(ctx.services.app_engine, reading.tenant_id) as own:
                await results.record_in_session(own)(reading)

        async def work(session, actor):
            return await results.reveal_anonymous_authors(
                session, actor, require_uuid(input.cycle_id, "ReviewCycle", "cycleId"),
                require_uuid(input.subject_id, "Employee", "subjectId"), input.reason, record,
            )

        found, errors = await _done(info, work)
        return RevealAnonymousAuthorsPayload(
            reviews=None if found is None else [attributed_type(item) for item in found], errors=errors
        )
