"""Career levels (job levels) per track, ranked, each with the competencies it expects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies import policy
from domain.competencies.framework import competencies_by_ids
from domain.competencies.models import Competency, JobLevel, JobLevelExpectation, Track
from domain.competencies.rules import MAX_EXPECTATIONS, check_manager_expectations, check_on_scale
from domain.competencies.scale import ensure_scale, scale_levels
from domain.errors import DomainError, ErrorCode, NotFound
from domain.org.models import Employee, EmployeeStatus
from domain.org.rules import clean_text
from domain.persistence import among, flush_or_conflict, group_by, session_tenant

JOB_LEVEL_NAME_MAX = 50
RANK_MIN, RANK_MAX = 1, 100


@dataclass(frozen=True, slots=True)
class ExpectationInput:
    competency_id: UUID
    expected_level: int


_CONFLICTS = {
    "job_levels_name_key": DomainError(ErrorCode.DUPLICATE, "A job level already has this name", ["name"]),
    "job_levels_track_rank_key": DomainError(ErrorCode.DUPLICATE, "This track already has a level of this rank", ["rank"]),
}


async def get_job_level(session: AsyncSession, job_level_id: UUID, field: str = "id") -> JobLevel:
    level = await session.get(JobLevel, (session_tenant(session), job_level_id))
    if level is None:
        raise NotFound("JobLevel", [field])
    return level


async def job_levels_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, JobLevel]:
    rows = await session.scalars(select(JobLevel).where(among(JobLevel.id, ids)))
    return {row.id: row for row in rows}


async def list_job_levels(session: AsyncSession, track: Track | None = None) -> list[JobLevel]:
    query = select(JobLevel)
    if track is not None:
        query = query.where(JobLevel.track == track.value)
    return list(await session.scalars(query.order_by(JobLevel.track, JobLevel.rank)))


async def expectations_by_job_level_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[JobLevelExpectation]]:
    """In the framework's order (the competencies' positions)."""
    rows = await session.scalars(
        select(JobLevelExpectation)
        .join(Competency, Competency.id == JobLevelExpectation.competency_id)
        .where(among(JobLevelExpectation.job_level_id, ids))
        .order_by(JobLevelExpectation.job_level_id, Competency.position, Competency.name)
    )
    return group_by(ids, rows, lambda row: row.job_level_id)


async def employee_counts_by_job_level_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, int]:
    rows = await session.execute(
        select(Employee.job_level_id, func.count())
        .where(among(Employee.job_level_id, ids), Employee.status == EmployeeStatus.ACTIVE)
        .group_by(Employee.job_level_id)
    )
    counts = {i: 0 for i in ids}
    counts.update({level_id: count for level_id, count in rows})
    return counts


def _check_rank(rank: int) -> int:
    if not RANK_MIN <= rank <= RANK_MAX:
        raise DomainError(ErrorCode.INVALID, f"rank must be between {RANK_MIN} and {RANK_MAX}", ["rank"])
    return rank


async def _name_taken(session: AsyncSession, name: str, other_than: UUID | None = None) -> bool:
    query = select(JobLevel.id).where(func.lower(JobLevel.name) == name.lower())
    if other_than is not None:
        query = query.where(JobLevel.id != other_than)
    return await session.scalar(query.limit(1)) is not None


async def _rank_taken(session: AsyncSession, track: str, rank: int, other_than: UUID | None = None) -> bool:
    query = select(JobLevel.id).where(JobLevel.track == track, JobLevel.rank == rank)
    if other_than is not None:
        query = query.where(JobLevel.id != other_than)
    return await session.scalar(query.limit(1)) is not None


async def _check_unique(session: AsyncSession, level: JobLevel, other_than: UUID | None = None) -> None:
    if await _name_taken(session, level.name, other_than):
        raise _CONFLICTS["job_levels_name_key"]
    if await _rank_taken(session, level.track, level.rank, other_than):
        raise _CONFLICTS["job_levels_track_rank_key"]


async def create_job_level(
    session: AsyncSession, actor: Actor, name: str, rank: int, track: Track, description: str | None = None
) -> JobLevel:
    policy.require_framework_admin(actor)
    level = JobLevel(
        tenant_id=session_tenant(session),
        name=clean_text(name, "name", max_length=JOB_LEVEL_NAME_MAX),
        rank=_check_rank(rank),
        track=Track(track).value,
        description=clean_text(description, "description", required=False, max_length=2000),
    )
    await _check_unique(session, level)
    session.add(level)
    await flush_or_conflict(session, _CONFLICTS)
    return level


async def _expected_categories(session: AsyncSession, job_level_id: UUID) -> list[str]:
    rows = await session.scalars(
        select(Competency.category)
        .join(JobLevelExpectation, JobLevelExpectation.competency_id == Competency.id)
        .where(JobLevelExpectation.job_level_id == job_level_id)
    )
    return list(rows)


async def update_job_level(session: AsyncSession, actor: Actor, job_level_id: UUID, changes: dict[str, Any]) -> JobLevel:
    policy.require_framework_admin(actor)
    level = await get_job_level(session, job_level_id)
    if "name" in changes:
        level.name = clean_text(changes["name"], "name", max_length=JOB_LEVEL_NAME_MAX)
    if "rank" in changes:
        level.rank = _check_rank(changes["rank"])
    if "description" in changes:
        level.description = clean_text(changes["description"], "description", required=False, max_length=2000)
    if "track" in changes:
        track = Track(changes["track"]).value
        categories = await _expected_categories(session, level.id)
        if track != level.track and categories:
            # Moving to the manager track keeps the rule that managers are expected to lead.
            check_manager_expectations(track, categories, ["track"])
        level.track = track
    await _check_unique(session, level, other_than=level.id)
    await flush_or_conflict(session, _CONFLICTS)
    return level


async def set_job_level_expectations(
    session: AsyncSession, actor: Actor, job_level_id: UUID, expectations: Sequence[ExpectationInput]
) -> JobLevel:
    """Replace the level's expectations: each competency once, active, at a level of the scale."""
    policy.require_framework_admin(actor)
    level = await get_job_level(session, job_level_id, "jobLevelId")
    if len(expectations) > MAX_EXPECTATIONS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_EXPECTATIONS} expectations", ["expectations"])
    found = await competencies_by_ids(session, [e.competency_id for e in expectations])
    scale = await scale_levels(session)
    seen: set[UUID] = set()
    for index, expectation in enumerate(expectations):
        at = ["expectations", str(index)]
        competency = found.get(expectation.competency_id)
        if competency is None:
            raise NotFound("Competency", [*at, "competencyId"])
        if expectation.competency_id in seen:
            raise DomainError(ErrorCode.DUPLICATE, f"{competency.name} is expected twice", [*at, "competencyId"])
        if not competency.active:
            raise DomainError(ErrorCode.INVALID_STATE, f"{competency.name} is archived", [*at, "competencyId"])
        check_on_scale(expectation.expected_level, scale, [*at, "expectedLevel"])
        seen.add(expectation.competency_id)
    check_manager_expectations(level.track, [found[e.competency_id].category for e in expectations])
    await replace_expectations(session, level, expectations)
    return level


async def replace_expectations(session: AsyncSession, level: JobLevel, expectations: Sequence[ExpectationInput]) -> None:
    """The write half of `set_job_level_expectations`, for callers that validated already."""
    await session.execute(delete(JobLevelExpectation).where(JobLevelExpectation.job_level_id == level.id))
    if expectations:
        await ensure_scale(session)
        await session.execute(
            insert(JobLevelExpectation),
            [
                {"tenant_id": level.tenant_id, "job_level_id": level.id, "competency_id": e.competency_id,
                 "expected_level": e.expected_level}
                for e in expectations
            ],
        )
