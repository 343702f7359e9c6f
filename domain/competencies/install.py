"""Installing the starter framework (domain/competencies/starter.py) into a tenant.

Idempotent: anything that already exists by name (case-insensitive) is kept as the
admins left it and reported as skipped, so installing twice, or after editing, changes
nothing that exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies import policy
from domain.competencies.framework import NewCompetency, create_competency
from domain.competencies.levels import ExpectationInput, create_job_level, replace_expectations
from domain.competencies.models import Competency, JobLevel, Track
from domain.competencies.rules import is_leadership
from domain.competencies.scale import current_scale, ensure_scale
from domain.competencies.starter import SCALE_SIZE, STARTER_COMPETENCIES, STARTER_JOB_LEVELS
from domain.errors import DomainError, ErrorCode


@dataclass(slots=True)
class Installed:
    competencies: list[Competency] = field(default_factory=list)
    job_levels: list[JobLevel] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


async def install_starter_framework(session: AsyncSession, actor: Actor, *, job_levels: bool = True) -> Installed:
    policy.require_framework_admin(actor)
    if len(await current_scale(session)) != SCALE_SIZE:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"The starter framework describes a {SCALE_SIZE}-level scale; this tenant's scale has a different size",
        )
    await ensure_scale(session)
    installed = Installed()
    by_name = {c.name.lower(): c for c in await session.scalars(select(Competency))}
    for starter in STARTER_COMPETENCIES:
        if starter.name.lower() in by_name:
            installed.skipped.append(f"competency {starter.name}: already exists")
            continue
        data = NewCompetency(starter.name, starter.category, starter.description, list(starter.levels))
        created = await create_competency(session, actor, data)
        by_name[created.name.lower()] = created
        installed.competencies.append(created)
    if job_levels:
        await _install_job_levels(session, actor, by_name, installed)
    return installed


async def _install_job_levels(session: AsyncSession, actor: Actor, competencies: dict[str, Competency], installed: Installed) -> None:
    existing = list(await session.scalars(select(JobLevel)))
    names = {level.name.lower() for level in existing}
    ranks = {(level.track, level.rank): level.name for level in existing}
    for starter in STARTER_JOB_LEVELS:
        if starter.name.lower() in names:
            installed.skipped.append(f"job level {starter.name}: already exists")
            continue
        if (starter.track.value, starter.rank) in ranks:
            taken = ranks[(starter.track.value, starter.rank)]
            installed.skipped.append(f"job level {starter.name}: rank {starter.rank} of {starter.track.value} is {taken}")
            continue
        level = await create_job_level(session, actor, starter.name, starter.rank, starter.track, starter.description)
        installed.job_levels.append(level)
        # Only active competencies are expected (an archived one stays archived).
        chosen = [
            (competencies[name.lower()], expected)
            for name, expected in starter.expects.items()
            if name.lower() in competencies and competencies[name.lower()].active
        ]
        if level.track == Track.MANAGER and not any(is_leadership(c.category) for c, _ in chosen):
            installed.skipped.append(f"job level {starter.name}: expectations (no active LEADERSHIP competency)")
            continue
        await replace_expectations(session, level, [ExpectationInput(c.id, expected) for c, expected in chosen])

