"""Read side of training: the catalogue, visible enrolments, batched relations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.models import Competency
from domain.development.program_models import TrainingEnrolment, TrainingProgram, TrainingProgramCompetency
from domain.development.programs_common import keyset_page, linked_competencies
from domain.development.training import visible_enrolment
from domain.pagination import Page, PageRequest


@dataclass(frozen=True, slots=True)
class EnrolmentFilter:
    program_id: UUID | None = None
    employee_id: UUID | None = None
    status: str | None = None


async def list_programs(session: AsyncSession, format: str | None, page: PageRequest) -> Page[TrainingProgram]:
    """The catalogue, by name; every employee reads it."""
    conditions = [] if format is None else [TrainingProgram.format == format]
    order = (TrainingProgram.name, TrainingProgram.id)
    return await keyset_page(session, TrainingProgram, conditions, order, lambda p: (p.name, p.id), page)


async def programs_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, TrainingProgram]:
    rows = await session.scalars(select(TrainingProgram).where(TrainingProgram.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def target_competencies(session: AsyncSession, program_ids: Sequence[UUID]) -> dict[UUID, list[Competency]]:
    return await linked_competencies(session, TrainingProgramCompetency, "program_id", program_ids)


async def list_enrolments(
    session: AsyncSession, actor: Actor, criteria: EnrolmentFilter, page: PageRequest
) -> Page[TrainingEnrolment]:
    """Oldest first; the employee's own, their reports' (any depth) or, for HR, everyone's."""
    conditions = [visible_enrolment(actor)]
    if criteria.program_id is not None:
        conditions.append(TrainingEnrolment.program_id == criteria.program_id)
    if criteria.employee_id is not None:
        conditions.append(TrainingEnrolment.employee_id == criteria.employee_id)
    if criteria.status is not None:
        conditions.append(TrainingEnrolment.status == criteria.status)
    order = (TrainingEnrolment.created_at, TrainingEnrolment.id)
    return await keyset_page(session, TrainingEnrolment, conditions, order, lambda e: (e.created_at, e.id), page)


async def enrolments_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, TrainingEnrolment]:
    rows = await session.scalars(
        select(TrainingEnrolment).where(TrainingEnrolment.id.in_(list(ids)), visible_enrolment(actor))
    )
    return {row.id: row for row in rows}
