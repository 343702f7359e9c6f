"""Stretch projects: a manager or HR offers a project that targets competencies, employees
apply with a motivation, and each application needs the approval of both the sponsor and
the applicant's manager (the sponsor alone for someone without a manager; one approval
counts twice when the sponsor is the manager). Seats are enforced under a row lock.

OPEN -> STAFFED (the last seat taken) -> IN_PROGRESS (the sponsor starts it; an OPEN
project with someone approved may start too) -> COMPLETED (the sponsor records outcomes
per participant and target competency; each becomes an EVIDENCE assessment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.assessments import NewAssessment, record_evidence
from domain.competencies.framework import competencies_by_ids
from domain.competencies.models import AssessmentSource
from domain.competencies.rules import NOTE_MAX, check_on_scale
from domain.competencies.scale import scale_levels
from domain.development import matching
from domain.development.program_models import (
    ApplicationStatus,
    ProjectStatus,
    StretchApplication,
    StretchOutcome,
    StretchProject,
    StretchProjectCompetency,
)
from domain.development.programs_common import check_competency_ids, gap_facts, link_competencies, may_see_development
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.org.employees import get_active_employee, get_employee
from domain.org.hierarchy import employees_by_ids, report_counts_by_manager_ids
from domain.org.models import Employee
from domain.org.rules import check_date_order, clean_text
from domain.persistence import flush_or_conflict, session_tenant

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
MOTIVATION_MAX = 2000
REASON_MAX = 2000
SEATS_MIN, SEATS_MAX = 1, 100
MAX_OUTCOMES = 500


@dataclass(slots=True)
class NewProject:
    title: str
    start_date: date
    end_date: date
    seats: int
    target_competency_ids: list[UUID]
    description: str | None = None
    sponsor_id: UUID | None = None  # defaults to the actor


@dataclass(frozen=True, slots=True)
class OutcomeInput:
    employee_id: UUID
    competency_id: UUID
    level: int
    note: str | None = None


# --- visibility ---------------------------------------------------------------------------------


def visible_application(actor: Actor) -> Any:
    """The applicant, the project's sponsor, the applicant's manager, HR admins."""
    if actor.is_hr_admin:
        return true()
    sponsored = select(StretchProject.id).where(StretchProject.sponsor_id == actor.employee_id)
    reports = select(Employee.id).where(Employee.manager_id == actor.employee_id)
    return or_(
        StretchApplication.applicant_id == actor.employee_id,
        StretchApplication.project_id.in_(sponsored),
        StretchApplication.applicant_id.in_(reports),
    )


async def get_project(session: AsyncSession, project_id: UUID, field_name: str = "id", *, lock: bool = False) -> StretchProject:
    """Projects are the tenant's to see (applying is how people join them)."""
    query = select(StretchProject).where(StretchProject.id == project_id)
    project = await session.scalar(query.with_for_update() if lock else query)
    if project is None:
        raise NotFound("StretchProject", [field_name])
    return project


async def get_application(session: AsyncSession, actor: Actor, application_id: UUID, field_name: str = "applicationId") -> StretchApplication:
    found = await session.scalar(
        select(StretchApplication).where(StretchApplication.id == application_id, visible_application(actor))
    )
    if found is None:
        raise NotFound("StretchApplication", [field_name])
    return found


# --- projects ---------------------------------------------------------------------------------------


def _check_seats(value: int) -> int:
    if not SEATS_MIN <= value <= SEATS_MAX:
        raise DomainError(ErrorCode.INVALID, f"seats must be between {SEATS_MIN} and {SEATS_MAX}", ["seats"])
    return value


async def _is_manager(session: AsyncSession, employee_id: UUID) -> bool:
    return (await report_counts_by_manager_ids(session, [employee_id]))[employee_id] > 0


async def create_project(session: AsyncSession, actor: Actor, data: NewProject) -> StretchProject:
    """Any manager (someone with direct reports) sponsors their own; HR admins may name any sponsor."""
    if not (actor.is_hr_admin or await _is_manager(session, actor.employee_id)):
        raise Forbidden("Only managers and HR admins offer stretch projects")
    sponsor_id = data.sponsor_id or actor.employee_id
    if sponsor_id != actor.employee_id and not actor.is_hr_admin:
        raise Forbidden("Only HR admins name another sponsor", ["sponsorId"])
    sponsor = await get_active_employee(session, sponsor_id, "sponsorId")
    title = clean_text(data.title, "title", max_length=TITLE_MAX)
    description = clean_text(data.description, "description", required=False, max_length=DESCRIPTION_MAX)
    check_date_order(data.start_date, data.end_date, "endDate", "start date")
    targets = await check_competency_ids(session, data.target_competency_ids, "targetCompetencyIds")
    project = StretchProject(
        tenant_id=session_tenant(session), title=title, description=description, sponsor_id=sponsor.id,
        start_date=data.start_date, end_date=data.end_date, seats=_check_seats(data.seats),
        status=ProjectStatus.OPEN.value, created_by=actor.employee_id,
    )
    session.add(project)
    await session.flush()
    await link_competencies(session, StretchProjectCompetency, "project_id", project, targets)
    return project


def _require_sponsor(actor: Actor, project: StretchProject, what: str, *, hr_too: bool) -> None:
    if project.sponsor_id == actor.employee_id or (hr_too and actor.is_hr_admin):
        return
    who = "The sponsor and HR admins" if hr_too else "Only the sponsor"
    raise Forbidden(f"{who} {what}", ["projectId"])


async def approved_count(session: AsyncSession, project_id: UUID) -> int:
    return await session.scalar(
        select(func.count()).where(
            StretchApplication.project_id == project_id, StretchApplication.status == ApplicationStatus.APPROVED.value
        )
    )


async def start_project(session: AsyncSession, actor: Actor, project_id: UUID) -> StretchProject:
    project = await get_project(session, project_id, "projectId", lock=True)
    _require_sponsor(actor, project, "start a stretch project", hr_too=True)
    if project.status not in (ProjectStatus.OPEN, ProjectStatus.STAFFED):
        raise DomainError(ErrorCode.INVALID_STATE, f"A {project.status} project cannot start", ["projectId"])
    if not await approved_count(session, project.id):
        raise DomainError(ErrorCode.INVALID_STATE, "Approve at least one participant before starting", ["projectId"])
    project.status = ProjectStatus.IN_PROGRESS.value
    return await _touch(session, project)


async def _touch(session: AsyncSession, project: StretchProject) -> StretchProject:
    project.updated_at = func.now()
    await session.flush()
    await session.refresh(project, ["updated_at"])
    return project


# --- applications -------------------------------------------------------------------------------


async def apply(session: AsyncSession, actor: Actor, project_id: UUID, motivation: str | None) -> StretchApplication:
    """Once per person and project, while the project is OPEN; not to a project you sponsor."""
    project = await get_project(session, project_id, "projectId")
    applicant = await get_active_employee(session, actor.employee_id, "projectId")
    if project.status != ProjectStatus.OPEN:
        raise DomainError(ErrorCode.INVALID_STATE, f"{project.title} is {project.status}, not taking applications", ["projectId"])
    if project.sponsor_id == applicant.id:
        raise DomainError(ErrorCode.INVALID, "You sponsor this project", ["projectId"])
    text = clean_text(motivation, "motivation", max_length=MOTIVATION_MAX)
    duplicate = DomainError(ErrorCode.DUPLICATE, f"You already applied to {project.title}", ["projectId"])
    taken = await session.scalar(select(exists().where(
        StretchApplication.project_id == project.id, StretchApplication.applicant_id == applicant.id
    )))
    if taken:
        raise duplicate
    application = StretchApplication(
        tenant_id=project.tenant_id, project_id=project.id, applicant_id=applicant.id, motivation=text,
        status=ApplicationStatus.APPLIED.value,
    )
    session.add(application)
    await flush_or_conflict(session, {"stretch_applications_applicant_key": duplicate})
    await session.refresh(application, ["applied_at"])
    return application


async def _deciders(session: AsyncSession, actor: Actor, application: StretchApplication) -> tuple[StretchProject, Employee, bool, bool]:
    """The project (locked), the applicant, and whether the actor decides as sponsor / as manager."""
    project = await get_project(session, application.project_id, "applicationId", lock=True)
    applicant = await get_employee(session, application.applicant_id, "applicationId")
    as_sponsor = project.sponsor_id == actor.employee_id
    as_manager = applicant.manager_id is not None and applicant.manager_id == actor.employee_id
    if not (as_sponsor or as_manager):
        raise Forbidden("Only the project's sponsor and the applicant's manager decide on an application", ["applicationId"])
    if application.status != ApplicationStatus.APPLIED:
        raise DomainError(ErrorCode.INVALID_STATE, f"This application is already {application.status}", ["applicationId"])
    return project, applicant, as_sponsor, as_manager


async def approve(session: AsyncSession, actor: Actor, application_id: UUID) -> StretchApplication:
    """Records the actor's approval; the second one (or the only one needed) takes a seat."""
    application = await get_application(session, actor, application_id)
    project, applicant, as_sponsor, as_manager = await _deciders(session, actor, application)
    already = (not as_sponsor or application.sponsor_approved_by) and (not as_manager or application.manager_approved_by)
    if already:
        raise DomainError(ErrorCode.INVALID_STATE, "You already approved this application", ["applicationId"])
    if as_sponsor:
        application.sponsor_approved_by = actor.employee_id
    if as_manager:
        application.manager_approved_by = actor.employee_id
    manager_done = application.manager_approved_by is not None or applicant.manager_id is None
    if application.sponsor_approved_by is not None and manager_done:
        await _take_seat(session, project, application)
    await session.flush()
    return application


async def _take_seat(session: AsyncSession, project: StretchProject, application: StretchApplication) -> None:
    if project.status != ProjectStatus.OPEN:
        raise DomainError(ErrorCode.INVALID_STATE, f"{project.title} is {project.status}: no seat to take", ["applicationId"])
    taken = await approved_count(session, project.id)
    if taken >= project.seats:
        raise DomainError(ErrorCode.INVALID_STATE, f"All {project.seats} seats of {project.title} are taken", ["applicationId"])
    application.status = ApplicationStatus.APPROVED.value
    application.decided_at = func.now()
    if taken + 1 == project.seats:
        project.status = ProjectStatus.STAFFED.value
        await _touch(session, project)


async def reject(session: AsyncSession, actor: Actor, application_id: UUID, reason: str | None) -> StretchApplication:
    """Either decider rejects a pending application, even after the other approved."""
    application = await get_application(session, actor, application_id)
    await _deciders(session, actor, application)
    application.rejection_reason = clean_text(reason, "reason", required=False, max_length=REASON_MAX)
    application.status = ApplicationStatus.REJECTED.value
    application.rejected_by = actor.employee_id
    application.decided_at = func.now()
    await session.flush()
    return application


# --- completion ------------------------------------------------------------------------------------


async def complete_project(
    session: AsyncSession, actor: Actor, project_id: UUID, outcomes: Sequence[OutcomeInput], *, today: date
) -> StretchProject:
    """The sponsor closes an IN_PROGRESS project with outcomes: per approved participant and
    target competency a level of the scale, recorded as EVIDENCE in their profile."""
    project = await get_project(session, project_id, "projectId", lock=True)
    _require_sponsor(actor, project, "complete a stretch project", hr_too=False)
    if project.status != ProjectStatus.IN_PROGRESS:
        raise DomainError(ErrorCode.INVALID_STATE, f"A {project.status} project cannot be completed", ["projectId"])
    checked = await _check_outcomes(session, project, outcomes)
    for outcome in checked:
        assessment = await record_evidence(
            session, actor.employee_id,
            NewAssessment(outcome.employee_id, outcome.competency_id, outcome.level, AssessmentSource.EVIDENCE, outcome.note),
            today=today,
        )
        session.add(StretchOutcome(
            tenant_id=project.tenant_id, project_id=project.id, employee_id=outcome.employee_id,
            competency_id=outcome.competency_id, assessment_id=assessment.id,
        ))
    project.status = ProjectStatus.COMPLETED.value
    project.completed_on = today
    return await _touch(session, project)


async def _check_outcomes(session: AsyncSession, project: StretchProject, outcomes: Sequence[OutcomeInput]) -> list[OutcomeInput]:
    if len(outcomes) > MAX_OUTCOMES:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_OUTCOMES} outcomes", ["outcomes"])
    participants = set(await session.scalars(select(StretchApplication.applicant_id).where(
        StretchApplication.project_id == project.id, StretchApplication.status == ApplicationStatus.APPROVED.value
    )))
    targets = set(await session.scalars(
        select(StretchProjectCompetency.competency_id).where(StretchProjectCompetency.project_id == project.id)
    ))
    known = await competencies_by_ids(session, [o.competency_id for o in outcomes]) if outcomes else {}
    people = await employees_by_ids(session, [o.employee_id for o in outcomes]) if outcomes else {}
    scale = await scale_levels(session)
    seen: set[tuple[UUID, UUID]] = set()
    cleaned = []
    for index, outcome in enumerate(outcomes):
        at = ["outcomes", str(index)]
        if outcome.employee_id not in people:
            raise NotFound("Employee", [*at, "employeeId"])
        if outcome.employee_id not in participants:
            raise DomainError(ErrorCode.INVALID, "Outcomes are for the project's approved participants", [*at, "employeeId"])
        if outcome.competency_id not in known:
            raise NotFound("Competency", [*at, "competencyId"])
        if outcome.competency_id not in targets:
            name = known[outcome.competency_id].name
            raise DomainError(ErrorCode.INVALID, f"{name} is not a target competency of this project", [*at, "competencyId"])
        if (outcome.employee_id, outcome.competency_id) in seen:
            raise DomainError(ErrorCode.DUPLICATE, "One outcome per participant and competency", [*at, "competencyId"])
        check_on_scale(outcome.level, scale, [*at, "level"])
        note = clean_text(outcome.note, "note", required=False, max_length=NOTE_MAX)
        seen.add((outcome.employee_id, outcome.competency_id))
        cleaned.append(OutcomeInput(outcome.employee_id, outcome.competency_id, outcome.level, note))
    return cleaned


# --- recommendations -------------------------------------------------------------------------------


async def recommended_projects(
    session: AsyncSession, actor: Actor, employee_id: UUID, first: int
) -> list[matching.Recommendation[StretchProject]] | None:
    """OPEN projects ranked by the employee's gaps they target; None when the employee is not
    there or the actor may not see their gaps. Projects they sponsor or applied to are left out."""
    employee = await session.get(Employee, (session_tenant(session), employee_id))
    if employee is None or not await may_see_development(session, actor, employee.id):
        return None
    gaps = matching.positive_gaps(list((await gap_facts(session, [employee]))[employee.id].values()))
    if not gaps:
        return []
    applied = select(StretchApplication.project_id).where(StretchApplication.applicant_id == employee.id)
    rows = await session.execute(
        select(StretchProject, StretchProjectCompetency.competency_id)
        .join(StretchProjectCompetency, StretchProjectCompetency.project_id == StretchProject.id)
        .where(
            StretchProject.status == ProjectStatus.OPEN.value,
            StretchProject.sponsor_id != employee.id,
            StretchProject.id.not_in(applied),
            StretchProject.id.in_(select(StretchProjectCompetency.project_id).where(
                StretchProjectCompetency.competency_id.in_([g.competency_id for g in gaps])
            )),
        )
    )
    projects: dict[UUID, StretchProject] = {}
    targets: dict[UUID, list[UUID]] = {}
    for project, competency_id in rows:
        projects[project.id] = project
        targets.setdefault(project.id, []).append(competency_id)
    offers = [
        matching.Offer(p, tuple(targets[p.id]), (p.start_date, p.title, str(p.id))) for p in projects.values()
    ]
    return matching.rank_offers(gaps, offers, "project")[:first]


async def exists_application(session: AsyncSession, application_id: UUID) -> bool:
    """For development plans: a STRETCH_PROJECT action links the employee's application."""
    return bool(await session.scalar(select(exists().where(StretchApplication.id == application_id))))
