"""Changing the tenant's review settings (tenant admins; every change is recorded)."""

from __future__ import annotations

import strawberry

from api.graphql.errors import UserError
from api.graphql.mutation import perform
from api.org.types import Ctx
from api.reviews.results_types import ReviewSettingsType, settings_type
from domain.reviews.rules import RatingLevel
from domain.reviews.settings import SettingsChanges, update_review_settings


@strawberry.input
class RatingLevelInput:
    value: int
    label: str


@strawberry.input
class UpdateReviewSettingsInput:
    anonymity_threshold: int | None = strawberry.field(default=None, description="2 to 50 people.")
    hr_can_see_anonymous_authors: bool | None = None
    rating_scale: list[RatingLevelInput] | None = strawberry.field(
        default=None, description="2 to 10 levels numbered 1..n, unique labels; fixed once anything is rated on it."
    )


@strawberry.type
class UpdateReviewSettingsPayload:
    review_settings: ReviewSettingsType | None
    errors: list[UserError]


@strawberry.type
class ReviewSettingsMutations:
    @strawberry.mutation(description="Tenant admins only. Omitted fields stay as they are; each change is recorded.")
    async def update_review_settings(self, info: Ctx, input: UpdateReviewSettingsInput) -> UpdateReviewSettingsPayload:
        async def work(session, actor):
            changes = SettingsChanges(
                anonymity_threshold=input.anonymity_threshold,
                hr_can_see_anonymous_authors=input.hr_can_see_anonymous_authors,
                rating_scale=None if input.rating_scale is None
                else [RatingLevel(level.value, level.label) for level in input.rating_scale],
            )
            return await update_review_settings(session, actor, changes)

        updated, errors = await perform(info.context, work)
        info.context.reviews.reset()  # their rating scale is cached per request
        return UpdateReviewSettingsPayload(review_settings=None if updated is None else settings_type(updated), errors=errors)
