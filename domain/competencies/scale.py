"""The tenant's proficiency scale.

A tenant without scale rows uses the default 1..5 scale. The rows are written lazily,
the first time something refers to a level (an indicator, an expectation, an
assessment: each has a foreign key to its level), or when an admin sets the scale.
Once anything is rated on the scale it is fixed, since changing it would silently
change the meaning of every existing rating.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies import policy
from domain.competencies.models import CompetencyAssessment, JobLevelExpectation, ProficiencyLevel
from domain.competencies.rules import DEFAULT_SCALE, ScaleLevel, check_scale
from domain.errors import DomainError, ErrorCode
from domain.persistence import session_tenant


async def current_scale(session: AsyncSession) -> list[ScaleLevel]:
    # Columns, not entities: bulk updates below bypass the identity map, which would go stale.
    rows = await session.execute(
        select(ProficiencyLevel.level, ProficiencyLevel.name, ProficiencyLevel.description).order_by(ProficiencyLevel.level)
    )
    return [ScaleLevel(level, name, description) for level, name, description in rows] or list(DEFAULT_SCALE)


async def ensure_scale(session: AsyncSession) -> None:
    """Write the default scale if the tenant has none, before a row refers to a level.

    ON CONFLICT DO NOTHING: two first writers at once both insert, the second skips.
    """
    if await session.scalar(select(ProficiencyLevel.level).limit(1)) is not None:
        return
    tenant_id = session_tenant(session)
    rows = [{"tenant_id": tenant_id, "level": s.level, "name": s.name, "description": s.description} for s in DEFAULT_SCALE]
    await session.execute(insert(ProficiencyLevel).values(rows).on_conflict_do_nothing())


async def scale_levels(session: AsyncSession) -> set[int]:
    return {item.level for item in await current_scale(session)}


async def ratings_on_scale(session: AsyncSession) -> tuple[int, int]:
    """(assessments, job-level expectations): what pins the scale."""
    assessments = await session.scalar(select(func.count()).select_from(CompetencyAssessment))
    expectations = await session.scalar(select(func.count()).select_from(JobLevelExpectation))
    return assessments or 0, expectations or 0


async def review_ratings_on_scale(session: AsyncSession) -> int:
    """Review answers rating a competency (domain/reviews): they pin the scale too."""
    from domain.reviews.models import ReviewAnswer

    return await session.scalar(
        select(func.count()).select_from(ReviewAnswer).where(ReviewAnswer.competency_id.is_not(None), ReviewAnswer.rating.is_not(None))
    ) or 0


async def set_proficiency_scale(session: AsyncSession, actor: Actor, levels: Sequence[ScaleLevel]) -> list[ScaleLevel]:
    """Replace the scale while nothing is rated on it. Indicators written for levels that
    remain are kept (their level is renamed); those of removed levels go with them."""
    policy.require_framework_admin(actor)
    cleaned = check_scale(levels)
    await ensure_scale(session)
    # FOR UPDATE conflicts with the key-share lock every rating's foreign key takes on its
    # level, so a rating written concurrently either commits first (and is counted
    # below) or waits for the new scale (and is then rated on it).
    await session.execute(select(ProficiencyLevel.level).with_for_update())
    assessments, expectations = await ratings_on_scale(session)
    if assessments or expectations:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "The scale cannot change once something is rated on it "
            f"(assessments: {assessments}, job-level expectations: {expectations})",
            ["levels"],
        )
    if await review_ratings_on_scale(session):
        raise DomainError(ErrorCode.INVALID_STATE, "The scale cannot change once reviews rate competencies on it", ["levels"])
    tenant_id = session_tenant(session)
    # Names are unique per tenant: move the old ones aside first so levels can swap names.
    await session.execute(
        update(ProficiencyLevel).values(name=func.concat("~", ProficiencyLevel.level, "~", func.gen_random_uuid()))
    )
    await session.execute(delete(ProficiencyLevel).where(ProficiencyLevel.level > len(cleaned)))
    upsert = insert(ProficiencyLevel).values(
        [{"tenant_id": tenant_id, "level": s.level, "name": s.name, "description": s.description} for s in cleaned]
    )
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=[ProficiencyLevel.tenant_id, ProficiencyLevel.level],
            set_={"name": upsert.excluded.name, "description": upsert.excluded.description},
        )
    )
    return cleaned
