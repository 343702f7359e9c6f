"""Competency assessments: dated judgements of an employee's level, an append-only history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies import policy
from domain.competencies.framework import get_competency, require_active
from domain.competencies.models import AssessmentSource, CompetencyAssessment
from domain.competencies.rules import NOTE_MAX, check_on_scale
from domain.competencies.scale import ensure_scale, scale_levels
from domain.errors import DomainError, ErrorCode
from domain.org.employees import get_employee
from domain.org.hierarchy import ancestor_ids
from domain.org.rules import clean_text
from domain.persistence import session_tenant

HistoryKey = tuple[UUID, UUID | None]  # (employee, competency or None for every competency)


@dataclass(frozen=True, slots=True)
class NewAssessment:
    employee_id: UUID
    competency_id: UUID
    level: int
    source: AssessmentSource
    note: str | None = None


async def managers_of(session: AsyncSession, employee_id: UUID) -> list[UUID]:
    """The employee's managers up the chain, direct one first."""
    return (await ancestor_ids(session, employee_id))[1:]


async def assess_competency(session: AsyncSession, actor: Actor, data: NewAssessment, *, today: date) -> CompetencyAssessment:
    """Record one judgement dated `today`. Nothing earlier is changed: the latest one counts."""
    employee = await get_employee(session, data.employee_id, "employeeId")
    policy.require_assessor(actor, employee.id, data.source, await managers_of(session, employee.id))
    return await _record(session, employee, data, actor.employee_id, today)


async def record_evidence(session: AsyncSession, recorded_by: UUID, data: NewAssessment, *, today: date) -> CompetencyAssessment:
    """An EVIDENCE assessment written on behalf of another context (a completed stretch
    project's outcome), which has already decided who may record it."""
    employee = await get_employee(session, data.employee_id, "employeeId")
    evidence = NewAssessment(data.employee_id, data.competency_id, data.level, AssessmentSource.EVIDENCE, data.note)
    return await _record(session, employee, evidence, recorded_by, today)


async def _record(session: AsyncSession, employee, data: NewAssessment, recorded_by: UUID, today: date) -> CompetencyAssessment:
    if not employee.is_active:
        raise DomainError(ErrorCode.INVALID_STATE, "This employee has been terminated", ["employeeId"])
    require_active(await get_competency(session, data.competency_id, "competencyId"), ["competencyId"])
    check_on_scale(data.level, await scale_levels(session), ["level"])
    note = clean_text(data.note, "note", required=False, max_length=NOTE_MAX)
    await ensure_scale(session)
    assessment = CompetencyAssessment(
        tenant_id=session_tenant(session),
        employee_id=employee.id,
        competency_id=data.competency_id,
        level=data.level,
        source=AssessmentSource(data.source).value,
        note=note,
        assessed_by=recorded_by,
        assessed_on=today,
        # The wall clock, not the transaction's start: two assessments recorded in one
        # request (or one test transaction) still have an order.
        recorded_at=func.clock_timestamp(),
    )
    session.add(assessment)
    await session.flush()
    await session.refresh(assessment, ["recorded_at"])
    return assessment


async def assessment_histories(session: AsyncSession, keys: Sequence[HistoryKey]) -> dict[HistoryKey, list[CompetencyAssessment]]:
    """Newest first, per (employee, competency) asked; one statement for all of them."""
    employee_ids = list({employee_id for employee_id, _ in keys})
    rows = list(
        await session.scalars(
            select(CompetencyAssessment)
            .where(CompetencyAssessment.employee_id.in_(employee_ids))
            .order_by(CompetencyAssessment.assessed_on.desc(), CompetencyAssessment.recorded_at.desc())
        )
    )
    return {
        (employee_id, competency_id): [
            row for row in rows
            if row.employee_id == employee_id and (competency_id is None or row.competency_id == competency_id)
        ]
        for employee_id, competency_id in keys
    }
