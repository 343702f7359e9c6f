"""The tenant's bonus formula (immutable versions) and target bonuses per job level.

Changing the formula saves a NEW version; a compensation cycle pins the version current
when it opens, so a later change never silently changes a past cycle's recommendations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit
from domain.actor import Actor
from domain.compensation.models import BonusFormulaVersion, BonusTarget
from domain.compensation.rules import (
    Band,
    Formula,
    check_currency,
    check_formula,
    parse_amount,
)
from domain.competencies.models import JobLevel
from domain.errors import Forbidden, NotFound
from domain.persistence import session_tenant
from domain.reviews.settings import current_settings


def require_hr(actor: Actor) -> None:
    if not actor.is_hr_admin:
        raise Forbidden("Only HR admins manage compensation")


async def formula_version(session: AsyncSession, version: int) -> Formula:
    row = await session.get(BonusFormulaVersion, (session_tenant(session), version))
    if row is None:
        raise NotFound("BonusFormula", ["version"])
    return Formula.from_json(row.definition)


async def current_formula(session: AsyncSession) -> Formula | None:
    row = await session.scalar(select(BonusFormulaVersion).order_by(BonusFormulaVersion.version.desc()).limit(1))
    return Formula.from_json(row.definition) if row is not None else None


async def candidate_formula(
    session: AsyncSession, rating_multipliers: Mapping[int, Decimal], bands: Sequence[Band]
) -> Formula:
    """Checked against the tenant's rating scale, numbered as the next version (not saved)."""
    latest = await session.scalar(select(func.max(BonusFormulaVersion.version)))
    scale = (await current_settings(session)).scale_values
    return check_formula((latest or 0) + 1, rating_multipliers, bands, scale)


async def save_formula(
    session: AsyncSession, actor: Actor, rating_multipliers: Mapping[int, Decimal], bands: Sequence[Band]
) -> Formula:
    require_hr(actor)
    previous = await current_formula(session)
    formula = await candidate_formula(session, rating_multipliers, bands)
    # The primary key (tenant, version) makes a concurrent save of the same version fail, not overwrite.
    session.add(BonusFormulaVersion(tenant_id=session_tenant(session), version=formula.version,
                                    definition=formula.as_json(), created_by=actor.employee_id))
    await session.flush()
    await audit.record(session, actor, "bonus_formula.changed", "BonusFormula", None,
                       previous.as_json() if previous else None, formula.as_json())
    return formula


async def set_bonus_target(session: AsyncSession, actor: Actor, job_level_id: UUID, amount: str, currency: str) -> BonusTarget:
    require_hr(actor)
    if await session.get(JobLevel, (session_tenant(session), job_level_id)) is None:
        raise NotFound("JobLevel", ["jobLevelId"])
    code = check_currency(currency, ["currency"])
    value = parse_amount(amount, code, ["amount"])
    before = await session.get(BonusTarget, (session_tenant(session), job_level_id), populate_existing=True)
    old = {"amount": str(before.amount), "currency": before.currency} if before else None
    await session.execute(
        upsert(BonusTarget).values(tenant_id=session_tenant(session), job_level_id=job_level_id, amount=value, currency=code,
                                   updated_by=actor.employee_id)
        .on_conflict_do_update(index_elements=["tenant_id", "job_level_id"],
                               set_={"amount": value, "currency": code, "updated_by": actor.employee_id, "updated_at": func.now()})
    )
    await audit.record(session, actor, "bonus_target.set", "JobLevel", job_level_id, old,
                       {"amount": str(value), "currency": code})
    return await session.get(BonusTarget, (session_tenant(session), job_level_id), populate_existing=True)


async def targets_by_level(session: AsyncSession, level_ids: Sequence[UUID]) -> dict[UUID, BonusTarget]:
    rows = await session.scalars(select(BonusTarget).where(BonusTarget.job_level_id.in_(list(set(level_ids)))))
    return {row.job_level_id: row for row in rows}
