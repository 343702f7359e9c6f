"""Training programs and enrolments.

HR admins build the catalogue. An employee enrols themselves, a manager (anywhere up the
chain) enrols a report, HR enrols anyone; once per person and program (a dropped
enrolment is re-opened with updateEnrolment, not enrolled again).

ENROLLED -> IN_PROGRESS -> COMPLETED, ENROLLED|IN_PROGRESS -> DROPPED, DROPPED -> ENROLLED,
ENROLLED -> COMPLETED; COMPLETED is final. Each move is dated (the request's date unless
given; never in the future, never before the enrolment).

A completed training is evidence without a level: attending a course says the competency
was worked on, not what level was reached. So it is not an assessment (those always carry
a level and move the current level); the profile shows it beside each competency as
training evidence with its own explanation (`training_evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.development import matching
from domain.development.program_models import (
    EnrolmentStatus,
    TrainingEnrolment,
    TrainingFormat,
    TrainingProgram,
    TrainingProgramCompetency,
)
from domain.development.programs_common import check_competency_ids, gap_facts, link_competencies, may_see_development
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.goals.visibility import reports_of
from domain.org.employees import get_active_employee
from domain.org.hierarchy import ancestor_ids
from domain.org.models import Employee
from domain.org.rules import clean_text
from domain.persistence import flush_or_conflict, session_tenant

NAME_MAX = 200
DESCRIPTION_MAX = 4000
HOURS_MAX = Decimal(10000)
TRANSITIONS = {
    EnrolmentStatus.ENROLLED: {EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED},
    EnrolmentStatus.IN_PROGRESS: {EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED},
    EnrolmentStatus.DROPPED: {EnrolmentStatus.ENROLLED},
    EnrolmentStatus.COMPLETED: set(),
}


@dataclass(slots=True)
class NewTraining:
    name: str
    format: TrainingFormat
    duration_hours: Decimal
    target_competency_ids: list[UUID]
    description: str | None = None


_DUPLICATE_NAME = DomainError(ErrorCode.DUPLICATE, "A training program already has this name", ["name"])


# --- visibility -------------------------------------------------------------------------------


def visible_enrolment(actor: Actor) -> Any:
    """The employee, their managers up the chain, HR admins."""
    if actor.is_hr_admin:
        return true()
    return or_(
        TrainingEnrolment.employee_id == actor.employee_id,
        TrainingEnrolment.employee_id.in_(select(reports_of(actor).c.id)),
    )


async def get_program(session: AsyncSession, program_id: UUID, field_name: str = "id") -> TrainingProgram:
    program = await session.get(TrainingProgram, (session_tenant(session), program_id))
    if program is None:
        raise NotFound("TrainingProgram", [field_name])
    return program


async def get_enrolment(session: AsyncSession, actor: Actor, enrolment_id: UUID, field_name: str = "enrolmentId") -> TrainingEnrolment:
    found = await session.scalar(
        select(TrainingEnrolment).where(TrainingEnrolment.id == enrolment_id, visible_enrolment(actor))
    )
    if found is None:
        raise NotFound("TrainingEnrolment", [field_name])
    return found


# --- programs -------------------------------------------------------------------------------------


def _check_hours(value: Decimal) -> Decimal:
    if not Decimal(0) < value <= HOURS_MAX or value != value.quantize(Decimal("0.1")):
        raise DomainError(
            ErrorCode.INVALID, f"durationHours must be above 0 and at most {HOURS_MAX}, in tenths of an hour",
            ["durationHours"],
        )
    return value


async def create_program(session: AsyncSession, actor: Actor, data: NewTraining) -> TrainingProgram:
    if not actor.is_hr_admin:
        raise Forbidden("Only HR admins and tenant admins add training programs")
    name = clean_text(data.name, "name", max_length=NAME_MAX)
    description = clean_text(data.description, "description", required=False, max_length=DESCRIPTION_MAX)
    hours = _check_hours(data.duration_hours)
    targets = await check_competency_ids(session, data.target_competency_ids, "targetCompetencyIds")
    taken = await session.scalar(select(exists().where(func.lower(TrainingProgram.name) == name.lower())))
    if taken:
        raise _DUPLICATE_NAME
    program = TrainingProgram(
        tenant_id=session_tenant(session), name=name, description=description, format=TrainingFormat(data.format).value,
        duration_hours=hours, created_by=actor.employee_id,
    )
    session.add(program)
    await flush_or_conflict(session, {"training_programs_name_key": _DUPLICATE_NAME})
    await link_competencies(session, TrainingProgramCompetency, "program_id", program, targets)
    return program


# --- enrolments --------------------------------------------------------------------------------------


async def _require_enroller(session: AsyncSession, actor: Actor, employee_id: UUID, field: list[str] | None) -> None:
    if actor.is_hr_admin or actor.employee_id == employee_id:
        return
    if actor.employee_id in (await ancestor_ids(session, employee_id))[1:]:
        return
    raise Forbidden("Only the employee, their managers and HR admins enrol an employee", field)


async def enrol(
    session: AsyncSession, actor: Actor, program_id: UUID, employee_id: UUID | None, *, today: date
) -> TrainingEnrolment:
    program = await get_program(session, program_id, "programId")
    employee = await get_active_employee(session, employee_id or actor.employee_id, "employeeId")
    await _require_enroller(session, actor, employee.id, ["employeeId"])
    duplicate = DomainError(ErrorCode.DUPLICATE, f"{employee.name} is already enrolled in {program.name}", ["programId"])
    taken = await session.scalar(select(exists().where(
        TrainingEnrolment.program_id == program.id, TrainingEnrolment.employee_id == employee.id
    )))
    if taken:
        raise duplicate
    enrolment = TrainingEnrolment(
        tenant_id=program.tenant_id, program_id=program.id, employee_id=employee.id,
        status=EnrolmentStatus.ENROLLED.value, enrolled_on=today, enrolled_by=actor.employee_id,
    )
    session.add(enrolment)
    await flush_or_conflict(session, {"training_enrolments_employee_key": duplicate})
    await session.refresh(enrolment, ["created_at"])
    return enrolment


async def update_enrolment(
    session: AsyncSession, actor: Actor, enrolment_id: UUID, status: EnrolmentStatus, on: date | None, *, today: date
) -> TrainingEnrolment:
    """Moves the enrolment on, dated `on` (default today). Those who may see it may move it."""
    enrolment = await get_enrolment(session, actor, enrolment_id)
    current = EnrolmentStatus(enrolment.status)
    if status not in TRANSITIONS[current]:
        raise DomainError(ErrorCode.INVALID_STATE, f"A {current.value} enrolment cannot become {status.value}", ["status"])
    day = on or today
    if day > today:
        raise DomainError(ErrorCode.INVALID, "date must not be in the future", ["date"])
    if day < enrolment.enrolled_on:
        raise DomainError(ErrorCode.INVALID, "date must not be before the enrolment", ["date"])
    if status == EnrolmentStatus.IN_PROGRESS:
        enrolment.started_on = day
    elif status == EnrolmentStatus.COMPLETED:
        enrolment.completed_on = day
    elif status == EnrolmentStatus.DROPPED:
        enrolment.dropped_on = day
    else:  # re-opened
        enrolment.dropped_on = None
    enrolment.status = status.value
    await session.flush()
    return enrolment


# --- evidence and recommendations -------------------------------------------------------------------


def explain_training(competency: str, completed: Sequence[tuple[str, date]]) -> str:
    if not completed:
        return f"No completed training targets {competency}."
    listed = ", ".join(f"{name} on {day.isoformat()}" for name, day in completed)
    plural = "" if len(completed) == 1 else "s"
    return (
        f"Completed {len(completed)} training program{plural} targeting {competency}: {listed}. "
        "Training is evidence without a level: it shows the competency was worked on, so it never changes the "
        "current level."
    )


async def training_evidence(
    session: AsyncSession, keys: Sequence[tuple[UUID, UUID]]
) -> dict[tuple[UUID, UUID], list[tuple[TrainingProgram, date]]]:
    """Per (employee, competency), the completed programs targeting it, newest first (one statement)."""
    employee_ids = list({employee for employee, _ in keys})
    rows = await session.execute(
        select(TrainingEnrolment.employee_id, TrainingProgramCompetency.competency_id, TrainingProgram,
               TrainingEnrolment.completed_on)
        .join(TrainingProgram, TrainingProgram.id == TrainingEnrolment.program_id)
        .join(TrainingProgramCompetency, TrainingProgramCompetency.program_id == TrainingProgram.id)
        .where(TrainingEnrolment.employee_id.in_(employee_ids),
               TrainingEnrolment.status == EnrolmentStatus.COMPLETED.value)
        .order_by(TrainingEnrolment.completed_on.desc(), TrainingProgram.name)
    )
    found: dict[tuple[UUID, UUID], list[tuple[TrainingProgram, date]]] = {key: [] for key in keys}
    for employee_id, competency_id, program, completed_on in rows:
        if (employee_id, competency_id) in found:
            found[(employee_id, competency_id)].append((program, completed_on))
    return found


async def recommended_training(
    session: AsyncSession, actor: Actor, employee_id: UUID, first: int
) -> list[matching.Recommendation[TrainingProgram]] | None:
    """Programs ranked by the employee's gaps they target, leaving out those the employee is
    enrolled in or completed (a dropped one may be suggested again); None when the employee
    is not there or the actor may not see their gaps."""
    employee = await session.get(Employee, (session_tenant(session), employee_id))
    if employee is None or not await may_see_development(session, actor, employee.id):
        return None
    gaps = matching.positive_gaps(list((await gap_facts(session, [employee]))[employee.id].values()))
    if not gaps:
        return []
    taken = select(TrainingEnrolment.program_id).where(
        TrainingEnrolment.employee_id == employee.id, TrainingEnrolment.status != EnrolmentStatus.DROPPED.value
    )
    rows = await session.execute(
        select(TrainingProgram, TrainingProgramCompetency.competency_id)
        .join(TrainingProgramCompetency, TrainingProgramCompetency.program_id == TrainingProgram.id)
        .where(
            TrainingProgram.id.not_in(taken),
            TrainingProgram.id.in_(select(TrainingProgramCompetency.program_id).where(
                TrainingProgramCompetency.competency_id.in_([g.competency_id for g in gaps])
            )),
        )
    )
    programs: dict[UUID, TrainingProgram] = {}
    targets: dict[UUID, list[UUID]] = {}
    for program, competency_id in rows:
        programs[program.id] = program
        targets.setdefault(program.id, []).append(competency_id)
    offers = [matching.Offer(p, tuple(targets[p.id]), (p.name, str(p.id))) for p in programs.values()]
    return matching.rank_offers(gaps, offers, "training")[:first]


async def exists_enrolment(session: AsyncSession, enrolment_id: UUID) -> bool:
    """For development plans linking to a training enrolment."""
    return bool(await session.scalar(select(exists().where(TrainingEnrolment.id == enrolment_id))))
