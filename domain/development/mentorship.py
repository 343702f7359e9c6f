"""Mentorship programs: HR runs them, employees opt in as mentors or apply as mentees,
HR or the program's owner pairs them (with suggestions ranked by matching.py), and the
pairs log sessions until the mentorship ends with an outcome.

A program may ask for senior mentors (a minimum job level rank, optionally on one track)
and for mentees who manage people: "senior leaders mentoring rising managers".
Services check visibility first (NOT_FOUND), then who may act (FORBIDDEN), then the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import delete, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.framework import by_position, competencies_by_ids
from domain.competencies.models import Competency, JobLevel, Track
from domain.competencies.rules import level_label
from domain.competencies.scale import current_scale
from domain.development import matching
from domain.development.program_models import (
    Mentorship,
    MentorshipParticipant,
    MentorshipParticipantCompetency,
    MentorshipProgram,
    MentorshipProgramCompetency,
    MentorshipSession,
    MentorshipSessionCompetency,
    MentorshipStatus,
    ParticipantRole,
    ProgramStatus,
)
from domain.development.programs_common import (
    assessed_levels,
    check_competency_ids,
    gap_facts,
    link_competencies,
    may_see_development,
)
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.org.employees import get_active_employee
from domain.org.hierarchy import ancestor_ids, employees_by_ids, report_counts_by_manager_ids
from domain.org.models import Employee, EmployeeStatus
from domain.org.rules import check_date_order, clean_text
from domain.persistence import flush_or_conflict, session_tenant

NAME_MAX = 200
DESCRIPTION_MAX = 4000
OUTCOME_MAX = 4000
NOTES_MAX = 8000
CAPACITY_MIN, CAPACITY_MAX = 1, 50
RANK_MIN, RANK_MAX = 1, 100
# DRAFT -> OPEN -> CLOSED (a draft may also be dropped straight to CLOSED).
TRANSITIONS = {
    ProgramStatus.DRAFT: {ProgramStatus.OPEN, ProgramStatus.CLOSED},
    ProgramStatus.OPEN: {ProgramStatus.CLOSED},
    ProgramStatus.CLOSED: set(),
}


@dataclass(slots=True)
class NewProgram:
    name: str
    start_date: date
    end_date: date
    focus_competency_ids: list[UUID]
    capacity_per_mentor: int = 2
    description: str | None = None
    status: ProgramStatus = ProgramStatus.DRAFT
    min_mentor_job_level_rank: int | None = None
    mentor_track: Track | None = None
    mentees_must_be_managers: bool = False
    owner_id: UUID | None = None  # defaults to the actor


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Ranked mentors, and the employees they are, for the API to show."""

    ranked: list[matching.MentorSuggestion]
    people: dict[UUID, Employee] = field(default_factory=dict)


_DUPLICATE_NAME = DomainError(ErrorCode.DUPLICATE, "A mentorship program already has this name", ["name"])


# --- visibility ------------------------------------------------------------------------------


def visible_program(actor: Actor) -> Any:
    """Drafts are HR's and their owner's; open and closed programs are the tenant's."""
    if actor.is_hr_admin:
        return true()
    return or_(MentorshipProgram.status != ProgramStatus.DRAFT.value, MentorshipProgram.owner_id == actor.employee_id)


def visible_mentorship(actor: Actor) -> Any:
    """The pair, the program's owner, HR admins."""
    if actor.is_hr_admin:
        return true()
    owned = select(MentorshipProgram.id).where(MentorshipProgram.owner_id == actor.employee_id)
    return or_(
        Mentorship.mentor_id == actor.employee_id,
        Mentorship.mentee_id == actor.employee_id,
        Mentorship.program_id.in_(owned),
    )


async def get_program(session: AsyncSession, actor: Actor, program_id: UUID, field_name: str = "id") -> MentorshipProgram:
    program = await session.scalar(select(MentorshipProgram).where(MentorshipProgram.id == program_id, visible_program(actor)))
    if program is None:
        raise NotFound("MentorshipProgram", [field_name])
    return program


async def get_mentorship(session: AsyncSession, actor: Actor, mentorship_id: UUID, field_name: str = "id") -> Mentorship:
    found = await session.scalar(select(Mentorship).where(Mentorship.id == mentorship_id, visible_mentorship(actor)))
    if found is None:
        raise NotFound("Mentorship", [field_name])
    return found


def _require_hr(actor: Actor) -> None:
    if not actor.is_hr_admin:
        raise Forbidden("Only HR admins and tenant admins run mentorship programs")


def _require_runner(actor: Actor, program: MentorshipProgram) -> None:
    if not (actor.is_hr_admin or program.owner_id == actor.employee_id):
        raise Forbidden("Only HR admins and the program's owner pair mentors and mentees")


# --- programs --------------------------------------------------------------------------------


def _check_capacity(value: int) -> int:
    if not CAPACITY_MIN <= value <= CAPACITY_MAX:
        raise DomainError(
            ErrorCode.INVALID, f"capacityPerMentor must be between {CAPACITY_MIN} and {CAPACITY_MAX}", ["capacityPerMentor"]
        )
    return value


def _check_rank(value: int | None) -> int | None:
    if value is not None and not RANK_MIN <= value <= RANK_MAX:
        raise DomainError(
            ErrorCode.INVALID, f"minMentorJobLevelRank must be between {RANK_MIN} and {RANK_MAX}", ["minMentorJobLevelRank"]
        )
    return value


async def _name_taken(session: AsyncSession, name: str, other_than: UUID | None = None) -> bool:
    query = select(MentorshipProgram.id).where(func.lower(MentorshipProgram.name) == name.lower())
    if other_than is not None:
        query = query.where(MentorshipProgram.id != other_than)
    return await session.scalar(query.limit(1)) is not None


async def create_program(session: AsyncSession, actor: Actor, data: NewProgram) -> MentorshipProgram:
    _require_hr(actor)
    name = clean_text(data.name, "name", max_length=NAME_MAX)
    description = clean_text(data.description, "description", required=False, max_length=DESCRIPTION_MAX)
    check_date_order(data.start_date, data.end_date, "endDate", "start date")
    if data.status == ProgramStatus.CLOSED:
        raise DomainError(ErrorCode.INVALID, "A new program is a DRAFT or OPEN", ["status"])
    owner = await get_active_employee(session, data.owner_id or actor.employee_id, "ownerId")
    focus = await check_competency_ids(session, data.focus_competency_ids, "focusCompetencyIds")
    if await _name_taken(session, name):
        raise _DUPLICATE_NAME
    program = MentorshipProgram(
        tenant_id=session_tenant(session), name=name, description=description, start_date=data.start_date,
        end_date=data.end_date, capacity_per_mentor=_check_capacity(data.capacity_per_mentor),
        status=ProgramStatus(data.status).value, min_mentor_job_level_rank=_check_rank(data.min_mentor_job_level_rank),
        mentor_track=Track(data.mentor_track).value if data.mentor_track else None,
        mentees_must_be_managers=data.mentees_must_be_managers, owner_id=owner.id,
    )
    session.add(program)
    await flush_or_conflict(session, {"mentorship_programs_name_key": _DUPLICATE_NAME})
    await link_competencies(session, MentorshipProgramCompetency, "program_id", program, focus)
    return program


_PLAIN = ("min_mentor_job_level_rank", "mentees_must_be_managers")


async def update_program(session: AsyncSession, actor: Actor, program_id: UUID, changes: dict[str, Any]) -> MentorshipProgram:
    """Changes what is given; `focus_competency_ids` replaces the set (people who joined keep
    the competencies they named); `status` moves DRAFT -> OPEN -> CLOSED."""
    program = await get_program(session, actor, program_id)
    _require_hr(actor)
    if "name" in changes:
        name = clean_text(changes["name"], "name", max_length=NAME_MAX)
        if await _name_taken(session, name, other_than=program.id):
            raise _DUPLICATE_NAME
        program.name = name
    if "description" in changes:
        program.description = clean_text(changes["description"], "description", required=False, max_length=DESCRIPTION_MAX)
    program.start_date = changes.get("start_date") or program.start_date
    program.end_date = changes.get("end_date") or program.end_date
    check_date_order(program.start_date, program.end_date, "endDate", "start date")
    if changes.get("capacity_per_mentor") is not None:
        program.capacity_per_mentor = _check_capacity(changes["capacity_per_mentor"])
    if "min_mentor_job_level_rank" in changes:
        program.min_mentor_job_level_rank = _check_rank(changes["min_mentor_job_level_rank"])
    if "mentor_track" in changes:
        program.mentor_track = Track(changes["mentor_track"]).value if changes["mentor_track"] else None
    if changes.get("mentees_must_be_managers") is not None:
        program.mentees_must_be_managers = changes["mentees_must_be_managers"]
    if changes.get("status") is not None:
        _move(program, ProgramStatus(changes["status"]))
    if changes.get("focus_competency_ids") is not None:
        focus = await check_competency_ids(session, changes["focus_competency_ids"], "focusCompetencyIds")
        await session.execute(delete(MentorshipProgramCompetency).where(MentorshipProgramCompetency.program_id == program.id))
        await link_competencies(session, MentorshipProgramCompetency, "program_id", program, focus)
    program.updated_at = func.now()
    await flush_or_conflict(session, {"mentorship_programs_name_key": _DUPLICATE_NAME})
    await session.refresh(program, ["updated_at"])
    return program


def _move(program: MentorshipProgram, status: ProgramStatus) -> None:
    current = ProgramStatus(program.status)
    if status != current and status not in TRANSITIONS[current]:
        raise DomainError(ErrorCode.INVALID_STATE, f"A {current.value} program cannot become {status.value}", ["status"])
    program.status = status.value


async def focus_ids(session: AsyncSession, program_id: UUID) -> set[UUID]:
    rows = await session.scalars(
        select(MentorshipProgramCompetency.competency_id).where(MentorshipProgramCompetency.program_id == program_id)
    )
    return set(rows)


# --- joining ----------------------------------------------------------------------------------


def _require_open(program: MentorshipProgram, field_name: str = "programId") -> None:
    if program.status != ProgramStatus.OPEN:
        raise DomainError(ErrorCode.INVALID_STATE, f"{program.name} is {program.status}, not OPEN", [field_name])


async def _check_mentor_level(session: AsyncSession, program: MentorshipProgram, employee: Employee) -> None:
    """A program asking for senior mentors: a job level on the required track, of at least the rank."""
    if program.min_mentor_job_level_rank is None and program.mentor_track is None:
        return
    level = await session.get(JobLevel, (employee.tenant_id, employee.job_level_id)) if employee.job_level_id else None
    wanted = " ".join(filter(None, [
        f"a {program.mentor_track} job level" if program.mentor_track else "a job level",
        f"of rank {program.min_mentor_job_level_rank} or above" if program.min_mentor_job_level_rank else None,
    ]))
    if level is None:
        raise DomainError(ErrorCode.INVALID, f"Mentors of {program.name} need {wanted}; you have no job level", ["programId"])
    if program.mentor_track and level.track != program.mentor_track:
        raise DomainError(ErrorCode.INVALID, f"Mentors of {program.name} need {wanted}; {level.name} is not", ["programId"])
    if program.min_mentor_job_level_rank and level.rank < program.min_mentor_job_level_rank:
        raise DomainError(ErrorCode.INVALID, f"Mentors of {program.name} need {wanted}; {level.name} is not", ["programId"])


async def _check_manager(session: AsyncSession, program: MentorshipProgram, employee: Employee) -> None:
    if program.mentees_must_be_managers and not (await report_counts_by_manager_ids(session, [employee.id]))[employee.id]:
        raise DomainError(
            ErrorCode.INVALID, f"Mentees of {program.name} manage people; you have no direct reports", ["programId"]
        )


async def _join(
    session: AsyncSession, actor: Actor, program_id: UUID, competency_ids: Sequence[UUID], role: ParticipantRole
) -> MentorshipParticipant:
    program = await get_program(session, actor, program_id, "programId")
    _require_open(program)
    employee = await get_active_employee(session, actor.employee_id, "programId")
    what = "a focus competency of this program"
    chosen = await check_competency_ids(
        session, competency_ids, "competencyIds", allowed=await focus_ids(session, program.id), allowed_what=what
    )
    if role == ParticipantRole.MENTOR:
        await _check_mentor_level(session, program, employee)
    else:
        await _check_manager(session, program, employee)
    duplicate = DomainError(ErrorCode.DUPLICATE, f"You already joined {program.name} as a {role.value.lower()}", ["programId"])
    taken = await session.scalar(
        select(exists().where(
            MentorshipParticipant.program_id == program.id, MentorshipParticipant.employee_id == employee.id,
            MentorshipParticipant.role == role.value,
        ))
    )
    if taken:
        raise duplicate
    participant = MentorshipParticipant(
        tenant_id=program.tenant_id, program_id=program.id, employee_id=employee.id, role=role.value
    )
    session.add(participant)
    await flush_or_conflict(session, {"mentorship_participants_role_key": duplicate})
    await session.refresh(participant, ["joined_at"])
    await link_competencies(session, MentorshipParticipantCompetency, "participant_id", participant, chosen)
    return participant


async def join_as_mentor(session: AsyncSession, actor: Actor, program_id: UUID, competency_ids: Sequence[UUID]) -> MentorshipParticipant:
    """Opt in as a mentor, naming the focus competencies you can mentor."""
    return await _join(session, actor, program_id, competency_ids, ParticipantRole.MENTOR)


async def apply_as_mentee(session: AsyncSession, actor: Actor, program_id: UUID, competency_ids: Sequence[UUID]) -> MentorshipParticipant:
    """Apply as a mentee, naming the focus competencies you want to grow."""
    return await _join(session, actor, program_id, competency_ids, ParticipantRole.MENTEE)


async def participant_of(session: AsyncSession, program_id: UUID, employee_id: UUID, role: ParticipantRole) -> MentorshipParticipant | None:
    return await session.scalar(
        select(MentorshipParticipant).where(
            MentorshipParticipant.program_id == program_id, MentorshipParticipant.employee_id == employee_id,
            MentorshipParticipant.role == role.value,
        )
    )


# --- matching ----------------------------------------------------------------------------------


async def _chosen(session: AsyncSession, participant_ids: Sequence[UUID]) -> dict[UUID, list[UUID]]:
    rows = await session.execute(
        select(MentorshipParticipantCompetency.participant_id, MentorshipParticipantCompetency.competency_id)
        .where(MentorshipParticipantCompetency.participant_id.in_(list(participant_ids)))
    )
    grouped: dict[UUID, list[UUID]] = {i: [] for i in participant_ids}
    for participant_id, competency_id in rows:
        grouped[participant_id].append(competency_id)
    return grouped


async def active_mentee_counts(session: AsyncSession, program_id: UUID, mentor_ids: Sequence[UUID]) -> dict[UUID, int]:
    rows = await session.execute(
        select(Mentorship.mentor_id, func.count())
        .where(Mentorship.program_id == program_id, Mentorship.mentor_id.in_(list(mentor_ids)),
               Mentorship.status == MentorshipStatus.ACTIVE.value)
        .group_by(Mentorship.mentor_id)
    )
    counts = dict.fromkeys(mentor_ids, 0)
    counts.update(dict(rows.all()))
    return counts


async def _paired_with(session: AsyncSession, program_id: UUID, mentee_id: UUID) -> set[UUID]:
    rows = await session.scalars(
        select(Mentorship.mentor_id).where(Mentorship.program_id == program_id, Mentorship.mentee_id == mentee_id)
    )
    return set(rows)


async def suggest_mentors(session: AsyncSession, actor: Actor, mentee_id: UUID, program_id: UUID) -> Suggestions | None:
    """Mentors of the program ranked for the mentee; None when the program or mentee is not
    there for the actor, or the actor may not see the mentee's gaps (HR, the program's owner,
    the mentee and their managers may: the mentee shared the competencies by applying)."""
    program = await session.scalar(select(MentorshipProgram).where(MentorshipProgram.id == program_id, visible_program(actor)))
    mentee = await session.get(Employee, (session_tenant(session), mentee_id))
    if program is None or mentee is None:
        return None
    if program.owner_id != actor.employee_id and not await may_see_development(session, actor, mentee.id):
        return None
    applied = await participant_of(session, program.id, mentee.id, ParticipantRole.MENTEE)
    if applied is None:
        raise DomainError(ErrorCode.INVALID, f"{mentee.name} has not applied as a mentee of {program.name}", ["menteeId"])
    mentors = list(await session.scalars(
        select(MentorshipParticipant)
        .join(Employee, Employee.id == MentorshipParticipant.employee_id)
        .where(MentorshipParticipant.program_id == program.id, MentorshipParticipant.role == ParticipantRole.MENTOR.value,
               Employee.status == EmployeeStatus.ACTIVE.value)
    ))
    chosen = await _chosen(session, [applied.id, *(m.id for m in mentors)])
    people = await employees_by_ids(session, [mentee.id, *(m.employee_id for m in mentors)])
    facts = (await gap_facts(session, [mentee]))[mentee.id]
    wanted = await _competency_rows(session, chosen[applied.id])  # in the framework's order
    needs = matching.mentee_needs([(c.id, c.name) for c in wanted], facts)
    strengths = await assessed_levels(session, [m.employee_id for m in mentors])
    counts = await active_mentee_counts(session, program.id, [m.employee_id for m in mentors])
    candidates = [
        matching.MentorCandidate(
            m.employee_id, people[m.employee_id].name, people[m.employee_id].department_id,
            {c: level for c, level in strengths.get(m.employee_id, {}).items() if c in chosen[m.id]},
            counts[m.employee_id],
        )
        for m in mentors
    ]
    excluded = set((await ancestor_ids(session, mentee.id))[1:]) | await _paired_with(session, program.id, mentee.id)
    scale = await current_scale(session)
    ranked = matching.rank_mentors(
        needs, candidates, mentee_id=mentee.id, mentee_department=mentee.department_id, excluded=excluded,
        capacity=program.capacity_per_mentor, label=lambda level: level_label(level, scale),
    )
    return Suggestions(ranked, people)


async def _competency_rows(session: AsyncSession, ids: Sequence[UUID]) -> list[Competency]:
    return by_position(list((await competencies_by_ids(session, list(ids))).values())) if ids else []


# --- pairs -------------------------------------------------------------------------------------


async def pair(
    session: AsyncSession, actor: Actor, program_id: UUID, mentor_id: UUID, mentee_id: UUID, *, today: date
) -> Mentorship:
    """HR or the program's owner pairs a mentor and a mentee of an OPEN program. Refused:
    pairing someone with themselves, with one of their managers up the chain, a mentor at
    capacity, and a pair that already exists in the program."""
    program = await get_program(session, actor, program_id, "programId")
    _require_runner(actor, program)
    _require_open(program)
    mentor = await get_active_employee(session, mentor_id, "mentorId")
    mentee = await get_active_employee(session, mentee_id, "menteeId")
    if mentor.id == mentee.id:
        raise DomainError(ErrorCode.INVALID, "Nobody mentors themselves", ["menteeId"])
    mentor_row = await session.scalar(
        select(MentorshipParticipant).where(
            MentorshipParticipant.program_id == program.id, MentorshipParticipant.employee_id == mentor.id,
            MentorshipParticipant.role == ParticipantRole.MENTOR.value,
        ).with_for_update()  # capacity is counted under this lock, so two pairings cannot both take the last place
    )
    if mentor_row is None:
        raise DomainError(ErrorCode.INVALID, f"{mentor.name} has not joined {program.name} as a mentor", ["mentorId"])
    if await participant_of(session, program.id, mentee.id, ParticipantRole.MENTEE) is None:
        raise DomainError(ErrorCode.INVALID, f"{mentee.name} has not applied to {program.name} as a mentee", ["menteeId"])
    if mentor.id in (await ancestor_ids(session, mentee.id))[1:]:
        raise DomainError(
            ErrorCode.INVALID, f"{mentor.name} is in {mentee.name}'s management chain; a mentor comes from outside it",
            ["mentorId"],
        )
    duplicate = DomainError(ErrorCode.DUPLICATE, f"{mentor.name} and {mentee.name} are already paired in this program", ["menteeId"])
    if mentor.id in await _paired_with(session, program.id, mentee.id):
        raise duplicate
    if (await active_mentee_counts(session, program.id, [mentor.id]))[mentor.id] >= program.capacity_per_mentor:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"{mentor.name} already mentors {program.capacity_per_mentor} people in this program, its capacity per mentor",
            ["mentorId"],
        )
    mentorship = Mentorship(
        tenant_id=program.tenant_id, program_id=program.id, mentor_id=mentor.id, mentee_id=mentee.id,
        status=MentorshipStatus.ACTIVE.value, started_on=today, paired_by=actor.employee_id,
    )
    session.add(mentorship)
    await flush_or_conflict(session, {"mentorships_pair_key": duplicate})
    await session.refresh(mentorship, ["created_at"])
    return mentorship


def _require_party(actor: Actor, mentorship: Mentorship, what: str) -> None:
    if actor.employee_id not in (mentorship.mentor_id, mentorship.mentee_id):
        raise Forbidden(f"Only the mentor and the mentee {what}")


async def end_mentorship(session: AsyncSession, actor: Actor, mentorship_id: UUID, outcome: str | None, *, today: date) -> Mentorship:
    """The pair, the program's owner or HR ends it, saying what came of it."""
    mentorship = await get_mentorship(session, actor, mentorship_id, "mentorshipId")
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise DomainError(ErrorCode.INVALID_STATE, "This mentorship has already ended", ["mentorshipId"])
    mentorship.outcome = clean_text(outcome, "outcome", max_length=OUTCOME_MAX)
    mentorship.status = MentorshipStatus.ENDED.value
    mentorship.ended_on = max(today, mentorship.started_on)
    await session.flush()
    return mentorship


async def log_session(
    session: AsyncSession, actor: Actor, mentorship_id: UUID, held_on: date, notes: str | None,
    competency_ids: Sequence[UUID], *, today: date,
) -> MentorshipSession:
    """The mentor or the mentee records a session of an active mentorship."""
    mentorship = await get_mentorship(session, actor, mentorship_id, "mentorshipId")
    _require_party(actor, mentorship, "log its sessions")
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise DomainError(ErrorCode.INVALID_STATE, "This mentorship has ended", ["mentorshipId"])
    if held_on > today:
        raise DomainError(ErrorCode.INVALID, "date must not be in the future", ["date"])
    check_date_order(mentorship.started_on, held_on, "date", "mentorship's start")
    cleaned = clean_text(notes, "notes", required=False, max_length=NOTES_MAX)
    chosen = await check_competency_ids(session, competency_ids, "competencyIds", required=False)
    row = MentorshipSession(
        tenant_id=mentorship.tenant_id, mentorship_id=mentorship.id, held_on=held_on, notes=cleaned,
        logged_by=actor.employee_id,
    )
    session.add(row)
    await session.flush()
    await link_competencies(session, MentorshipSessionCompetency, "session_id", row, chosen)
    return row


async def exists_mentorship(session: AsyncSession, mentorship_id: UUID) -> bool:
    """For development plans linking to a mentorship (the tenant's, whoever's it is)."""
    return bool(await session.scalar(select(exists().where(Mentorship.id == mentorship_id))))
