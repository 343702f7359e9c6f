"""Read side of stretch projects: pages and batched relations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.models import Competency, CompetencyAssessment
from domain.development.program_models import (
    ApplicationStatus,
    StretchApplication,
    StretchOutcome,
    StretchProject,
    StretchProjectCompetency,
)
from domain.development.programs_common import keyset_page, linked_competencies
from domain.development.stretch import visible_application
from domain.pagination import Page, PageRequest


@dataclass(frozen=True, slots=True)
class ApplicationFilter:
    project_id: UUID | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class OutcomeView:
    """One recorded outcome with the level its evidence assessment holds."""

    outcome: StretchOutcome
    assessment: CompetencyAssessment


async def list_projects(session: AsyncSession, status: str | None, page: PageRequest) -> Page[StretchProject]:
    """Soonest start first."""
    conditions = [] if status is None else [StretchProject.status == status]
    order = (StretchProject.start_date, StretchProject.id)
    return await keyset_page(session, StretchProject, conditions, order, lambda p: (p.start_date, p.id), page)


async def projects_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, StretchProject]:
    rows = await session.scalars(select(StretchProject).where(StretchProject.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def target_competencies(session: AsyncSession, project_ids: Sequence[UUID]) -> dict[UUID, list[Competency]]:
    return await linked_competencies(session, StretchProjectCompetency, "project_id", project_ids)


async def seats_taken(session: AsyncSession, project_ids: Sequence[UUID]) -> dict[UUID, int]:
    rows = await session.execute(
        select(StretchApplication.project_id, func.count())
        .where(StretchApplication.project_id.in_(list(project_ids)),
               StretchApplication.status == ApplicationStatus.APPROVED.value)
        .group_by(StretchApplication.project_id)
    )
    counts = dict.fromkeys(project_ids, 0)
    counts.update(dict(rows.all()))
    return counts


async def list_applications(
    session: AsyncSession, actor: Actor, criteria: ApplicationFilter, page: PageRequest
) -> Page[StretchApplication]:
    """Oldest first, the ones the actor may see (applicant, sponsor, applicant's manager, HR)."""
    conditions = [visible_application(actor)]
    if criteria.project_id is not None:
        conditions.append(StretchApplication.project_id == criteria.project_id)
    if criteria.status is not None:
        conditions.append(StretchApplication.status == criteria.status)
    order = (StretchApplication.applied_at, StretchApplication.id)
    return await keyset_page(session, StretchApplication, conditions, order, lambda a: (a.applied_at, a.id), page)


async def applications_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, StretchApplication]:
    rows = await session.scalars(
        select(StretchApplication).where(StretchApplication.id.in_(list(ids)), visible_application(actor))
    )
    return {row.id: row for row in rows}


async def outcomes_by_project_ids(
    session: AsyncSession, actor: Actor, project_ids: Sequence[UUID]
) -> dict[UUID, list[OutcomeView]]:
    """Outcomes are assessments: the sponsor and HR admins see all of a project's, each
    participant their own."""
    query = (
        select(StretchOutcome, CompetencyAssessment)
        .join(CompetencyAssessment, CompetencyAssessment.id == StretchOutcome.assessment_id)
        .join(StretchProject, StretchProject.id == StretchOutcome.project_id)
        .where(StretchOutcome.project_id.in_(list(project_ids)))
        .order_by(StretchOutcome.employee_id, StretchOutcome.competency_id)
    )
    if not actor.is_hr_admin:
        query = query.where(
            (StretchProject.sponsor_id == actor.employee_id) | (StretchOutcome.employee_id == actor.employee_id)
        )
    grouped: dict[UUID, list[OutcomeView]] = {i: [] for i in project_ids}
    for outcome, assessment in await session.execute(query):
        grouped[outcome.project_id].append(OutcomeView(outcome, assessment))
    return grouped
