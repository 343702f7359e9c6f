"""The tenant's review settings: anonymity threshold, whether HR may see anonymous
authors, and the overall rating scale (one `tenant_settings` row per tenant, written
lazily; absent means the defaults).

Reading: `review_settings` (the row, or a transient one with the defaults) and
`rating_scale` serve the reviews context; `current_settings` is the validated view the
results use. Changing: tenant admins only, and every change leaves one append-only row
per setting (who, when, old -> new) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Column, func, insert, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from domain import audit
from domain.actor import Actor
from domain.columns import timestamp_column
from domain.competencies.rules import clean_at
from domain.errors import DomainError, ErrorCode, Forbidden
from domain.persistence import session_tenant
from domain.reviews.anonymity import check_threshold
from domain.reviews.models import QuestionKind, ReviewAnswer, TemplateQuestion, TenantSettings
from domain.reviews.rules import RatingLevel, rating_levels

LABEL_MAX = 100
MIN_LEVELS, MAX_LEVELS = 2, 10


class ReviewSettingsChange(SQLModel, table=True):
    __tablename__ = "review_settings_changes"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    setting: str
    old_value: Any = Field(sa_column=Column(JSONB, nullable=False))
    new_value: Any = Field(sa_column=Column(JSONB, nullable=False))
    changed_by: UUID | None = None
    changed_at: datetime | None = Field(default=None, sa_column=timestamp_column())


# --- reading ----------------------------------------------------------------------------


async def review_settings(session: AsyncSession) -> TenantSettings:
    """The stored row, or a transient one holding the defaults (never added to the session).
    populate_existing: an update below bypasses the identity map, which would go stale."""
    found = await session.scalar(select(TenantSettings).execution_options(populate_existing=True))
    return found if found is not None else TenantSettings(tenant_id=session_tenant(session))


async def rating_scale(session: AsyncSession) -> list[RatingLevel]:
    """The tenant's overall rating scale, lowest first (1..5 by default)."""
    return rating_levels((await review_settings(session)).rating_scale)


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    anonymity_threshold: int
    hr_can_see_anonymous_authors: bool
    rating_scale: tuple[RatingLevel, ...]

    @property
    def scale_values(self) -> list[int]:
        return [level.value for level in self.rating_scale]

    def label(self, value: int | None) -> str:
        """"Meets expectations (3)"; a value the scale does not name still reads sensibly."""
        if value is None:
            return "none"
        name = next((level.label for level in self.rating_scale if level.value == value), f"Rating {value}")
        return f"{name} ({value})"


def _view(row: TenantSettings) -> ReviewSettings:
    return ReviewSettings(row.anonymity_threshold, row.hr_can_see_anonymous_authors, tuple(rating_levels(row.rating_scale)))


async def current_settings(session: AsyncSession) -> ReviewSettings:
    return _view(await review_settings(session))


def _as_json(settings: ReviewSettings) -> dict[str, Any]:
    return {
        "anonymityThreshold": settings.anonymity_threshold,
        "hrCanSeeAnonymousAuthors": settings.hr_can_see_anonymous_authors,
        "ratingScale": [{"value": level.value, "label": level.label} for level in settings.rating_scale],
    }


async def settings_changes(session: AsyncSession, actor: Actor, limit: int = 100) -> list[ReviewSettingsChange] | None:
    """Newest first; for tenant and HR admins (None for others)."""
    if not actor.is_hr_admin:
        return None
    rows = await session.scalars(
        select(ReviewSettingsChange)
        .order_by(ReviewSettingsChange.changed_at.desc(), ReviewSettingsChange.id.desc())
        .limit(limit)
    )
    return list(rows)


# --- changing -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsChanges:
    """What an admin asked to change; None leaves a setting as it is."""

    anonymity_threshold: int | None = None
    hr_can_see_anonymous_authors: bool | None = None
    rating_scale: Sequence[RatingLevel] | None = None


def check_rating_scale(levels: Sequence[RatingLevel]) -> tuple[RatingLevel, ...]:
    """2 to 10 levels numbered 1..n without gaps (any order), labels unique ignoring case."""
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        raise DomainError(ErrorCode.INVALID, f"A rating scale has {MIN_LEVELS} to {MAX_LEVELS} levels", ["ratingScale"])
    seen_values: set[int] = set()
    seen_labels: set[str] = set()
    cleaned = []
    for index, level in enumerate(levels):
        at = ["ratingScale", str(index)]
        if not 1 <= level.value <= len(levels):
            raise DomainError(
                ErrorCode.INVALID, f"Ratings are numbered 1 to {len(levels)} without gaps; {level.value} is outside",
                [*at, "value"],
            )
        if level.value in seen_values:
            raise DomainError(ErrorCode.DUPLICATE, f"Rating {level.value} is given twice", [*at, "value"])
        label = clean_at(level.label, [*at, "label"], max_length=LABEL_MAX)
        if label.casefold() in seen_labels:
            raise DomainError(ErrorCode.DUPLICATE, f"Two ratings are labelled {label!r}", [*at, "label"])
        seen_values.add(level.value)
        seen_labels.add(label.casefold())
        cleaned.append(RatingLevel(level.value, label))
    return tuple(sorted(cleaned, key=lambda level: level.value))


async def _overall_ratings_exist(session: AsyncSession) -> bool:
    """Anything rated on the scale pins it (a changed scale would silently change old ratings)."""
    from domain.reviews.calibration import CalibrationAdjustment  # calibration imports this module

    answered = (
        select(ReviewAnswer.id)
        .join(TemplateQuestion, TemplateQuestion.id == ReviewAnswer.question_id)
        .where(
            TemplateQuestion.kind.in_([QuestionKind.OVERALL_RATING.value, QuestionKind.RATING_GOALS.value]),
            ReviewAnswer.rating.is_not(None),
        )
        .exists()
    )
    adjusted = select(CalibrationAdjustment.id).exists()
    return bool(await session.scalar(select(answered | adjusted)))


async def _locked(session: AsyncSession) -> ReviewSettings:
    """The tenant's row, created with the defaults if missing, locked against a concurrent change."""
    await session.execute(upsert(TenantSettings).values(tenant_id=session_tenant(session)).on_conflict_do_nothing())
    locked = select(TenantSettings).with_for_update().execution_options(populate_existing=True)
    return _view((await session.execute(locked)).scalar_one())


async def update_review_settings(session: AsyncSession, actor: Actor, changes: SettingsChanges) -> ReviewSettings:
    if not actor.is_tenant_admin:
        raise Forbidden("Only tenant admins change the review settings")
    threshold = None if changes.anonymity_threshold is None else check_threshold(changes.anonymity_threshold)
    scale = None if changes.rating_scale is None else check_rating_scale(changes.rating_scale)
    before = await _locked(session)
    after = ReviewSettings(
        before.anonymity_threshold if threshold is None else threshold,
        before.hr_can_see_anonymous_authors if changes.hr_can_see_anonymous_authors is None
        else changes.hr_can_see_anonymous_authors,
        before.rating_scale if scale is None else scale,
    )
    if after.rating_scale != before.rating_scale and await _overall_ratings_exist(session):
        raise DomainError(
            ErrorCode.INVALID_STATE, "The rating scale cannot change once something has been rated on it", ["ratingScale"]
        )
    old, new = _as_json(before), _as_json(after)
    changed = [name for name in old if old[name] != new[name]]
    if not changed:
        return after
    await session.execute(
        update(TenantSettings).values(
            anonymity_threshold=after.anonymity_threshold,
            hr_can_see_anonymous_authors=after.hr_can_see_anonymous_authors,
            rating_scale=new["ratingScale"],
            updated_by=actor.employee_id,
            updated_at=func.now(),
        )
    )
    await session.execute(
        insert(ReviewSettingsChange).values([
            {"tenant_id": session_tenant(session), "id": uuid4(), "setting": name, "old_value": old[name],
             "new_value": new[name], "changed_by": actor.employee_id}
            for name in changed
        ])
    )
    if "hrCanSeeAnonymousAuthors" in changed:
        # Who may unmask anonymous authors is the most sensitive switch there is: it goes on the audit trail.
        state = "enabled" if after.hr_can_see_anonymous_authors else "disabled"
        await audit.record(session, actor, f"review_settings.anonymous_authors_{state}", "Tenant", session_tenant(session),
                           {"hrCanSeeAnonymousAuthors": old["hrCanSeeAnonymousAuthors"]},
                           {"hrCanSeeAnonymousAuthors": new["hrCanSeeAnonymousAuthors"]})
    return after
