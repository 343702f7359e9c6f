"""Mentorship, stretch projects and training on real PostgreSQL, as the request role.

The scene (tenant A, rolled back after each test): leadership competencies Coaching and
Delegation, manager levels M1 < M2 < M3 and an IC3 level. Ceo (M3, Sales) and Vp (M2,
Engineering) lead; Lead (M1, Engineering) reports to Vp and manages Dev (IC1); Expert is
an IC3 in Sales. Reviews put Lead at Coaching 1 and Delegation 2 where M1 expects 3 and 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from domain.actor import Actor
from domain.competencies import assessments, framework, levels
from domain.competencies.assessments import NewAssessment
from domain.competencies.framework import NewCompetency
from domain.competencies.levels import ExpectationInput
from domain.competencies.models import AssessmentSource, CompetencyAssessment, Track
from domain.competencies.profile import ProfileSubject, competency_profiles
from domain.development import links, mentorship, stretch, training
from domain.development.mentorship import NewProgram
from domain.development.plan_models import PlanActionKind, PlanActionStatus
from domain.development.program_models import (
    EnrolmentStatus,
    Mentorship,
    MentorshipParticipant,
    ProgramStatus,
    ProjectStatus,
    StretchApplication,
    StretchOutcome,
    TrainingEnrolment,
    TrainingFormat,
)
from domain.development.stretch import NewProject, OutcomeInput
from domain.development.training import NewTraining
from domain.errors import DomainError, ErrorCode
from domain.org.models import Employee, Role
from tests.factories import TODAY, hr_admin, make_department, make_employee, plain_employee


@dataclass
class Scene:
    hr: Actor
    ceo: Employee
    vp: Employee
    lead: Employee
    dev: Employee
    expert: Employee
    coaching: object
    delegation: object


async def _level(session, hr, name, rank, track, expects):
    level = await levels.create_job_level(session, hr, name, rank, track)
    await levels.set_job_level_expectations(session, hr, level.id, [ExpectationInput(c.id, lvl) for c, lvl in expects])
    return level


@pytest.fixture
async def scene(session) -> Scene:
    eng, sales = await make_department(session, "Engineering"), await make_department(session, "Sales")
    hr_person = await make_employee(session, name="Hana HR", roles=[Role.HR_ADMIN.value])
    hr = hr_admin(session, hr_person.id)
    coaching = await framework.create_competency(session, hr, NewCompetency("Coaching", "LEADERSHIP"))
    delegation = await framework.create_competency(session, hr, NewCompetency("Delegation", "LEADERSHIP"))
    expects = [(coaching, 3), (delegation, 3)]
    m1 = await _level(session, hr, "M1", 1, Track.MANAGER, expects)
    m2 = await _level(session, hr, "M2", 2, Track.MANAGER, expects)
    m3 = await _level(session, hr, "M3", 3, Track.MANAGER, expects)
    ic3 = await _level(session, hr, "IC3", 3, Track.INDIVIDUAL_CONTRIBUTOR, [])
    ceo = await make_employee(session, name="Cleo Ceo", department=sales)
    vp = await make_employee(session, name="Victor Vp", department=eng)
    lead = await make_employee(session, name="Lena Lead", department=eng, manager=vp)
    dev = await make_employee(session, name="Dan Dev", department=eng, manager=lead)
    expert = await make_employee(session, name="Ed Expert", department=sales)
    for person, level in ((ceo, m3), (vp, m2), (lead, m1), (expert, ic3)):
        person.job_level_id = level.id
    await session.flush()
    for person, ratings in ((lead, (1, 2)), (ceo, (4, 3)), (vp, (5, 5)), (expert, (4, 4))):
        for competency, level in zip((coaching, delegation), ratings, strict=True):
            await assessments.assess_competency(
                session, hr, NewAssessment(person.id, competency.id, level, AssessmentSource.REVIEW), today=TODAY
            )
    return Scene(hr, ceo, vp, lead, dev, expert, coaching, delegation)


async def refused(session, code: ErrorCode, field: list[str] | None, pending) -> None:
    """`pending` must fail with `code` naming `field`; like a mutation, in a savepoint."""
    with pytest.raises(DomainError) as caught:
        async with session.begin_nested():
            await pending
    assert (caught.value.code, caught.value.field) == (code, field), caught.value.message


async def count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


def me(session, person: Employee) -> Actor:
    return plain_employee(session, person.id)


async def rising_managers(session, s: Scene, capacity: int = 1):
    """Senior leaders mentoring rising managers: mentors M2+ on the manager track, mentees who manage."""
    return await mentorship.create_program(session, s.hr, NewProgram(
        name="Rising managers", start_date=TODAY, end_date=TODAY + timedelta(days=180),
        focus_competency_ids=[s.coaching.id, s.delegation.id], capacity_per_mentor=capacity, status=ProgramStatus.OPEN,
        min_mentor_job_level_rank=2, mentor_track=Track.MANAGER, mentees_must_be_managers=True,
    ))


# --- mentorship --------------------------------------------------------------------------------------


async def test_senior_leaders_mentor_rising_managers_and_others_are_turned_away(session, scene):
    s = scene
    program = await rising_managers(session, s)
    both = [s.coaching.id, s.delegation.id]
    await mentorship.join_as_mentor(session, me(session, s.ceo), program.id, both)
    await mentorship.join_as_mentor(session, me(session, s.vp), program.id, both)
    # An expert individual contributor is senior, but not on the manager track; M1 is not senior enough.
    await refused(session, ErrorCode.INVALID, ["programId"],
                  mentorship.join_as_mentor(session, me(session, s.expert), program.id, both))
    await refused(session, ErrorCode.INVALID, ["programId"],
                  mentorship.join_as_mentor(session, me(session, s.lead), program.id, both))
    # Mentees manage people: Lead does, Dev does not.
    await refused(session, ErrorCode.INVALID, ["programId"],
                  mentorship.apply_as_mentee(session, me(session, s.dev), program.id, both))
    await mentorship.apply_as_mentee(session, me(session, s.lead), program.id, both)
    roles = (await session.execute(
        select(Employee.name, MentorshipParticipant.role)
        .join(Employee, Employee.id == MentorshipParticipant.employee_id)
        .order_by(Employee.name)
    )).all()
    assert [tuple(r) for r in roles] == [("Cleo Ceo", "MENTOR"), ("Lena Lead", "MENTEE"), ("Victor Vp", "MENTOR")]


async def test_suggestions_come_from_assessed_strengths_and_leave_out_the_mentees_chain(session, scene):
    s = scene
    program = await rising_managers(session, s)
    both = [s.coaching.id, s.delegation.id]
    for leader in (s.ceo, s.vp):
        await mentorship.join_as_mentor(session, me(session, leader), program.id, both)
    await mentorship.apply_as_mentee(session, me(session, s.lead), program.id, both)

    found = await mentorship.suggest_mentors(session, s.hr, s.lead.id, program.id)

    # Vp (the strongest) manages Lead, so only Ceo is suggested: Coaching 1 -> 4 covers the
    # 2-level gap, Delegation 2 -> 3 covers the 1-level gap, and Sales is another department.
    assert [(x.candidate.name, x.score, x.covered, x.needed) for x in found.ranked] == [("Cleo Ceo", 3.5, 3, 3)]
    assert found.ranked[0].explanation.startswith("Covers 3 of 3 levels to grow: Coaching 2 of 2 (gap of 2 levels; ")
    assert "Victor" not in found.ranked[0].explanation
    # The mentee and HR may ask; a colleague may not see the mentee's gaps.
    assert (await mentorship.suggest_mentors(session, me(session, s.lead), s.lead.id, program.id)).ranked
    assert await mentorship.suggest_mentors(session, me(session, s.expert), s.lead.id, program.id) is None


async def test_pairing_refuses_self_the_chain_duplicates_and_over_capacity_and_writes_nothing(session, scene):
    s = scene
    program = await rising_managers(session, s, capacity=1)
    both = [s.coaching.id, s.delegation.id]
    for leader in (s.ceo, s.vp):
        await mentorship.join_as_mentor(session, me(session, leader), program.id, both)
    await mentorship.apply_as_mentee(session, me(session, s.lead), program.id, both)
    await mentorship.apply_as_mentee(session, me(session, s.vp), program.id, both)  # Vp manages Lead
    pair = lambda mentor, mentee: mentorship.pair(session, s.hr, program.id, mentor.id, mentee.id, today=TODAY)  # noqa: E731

    await refused(session, ErrorCode.INVALID, ["menteeId"], pair(s.vp, s.vp))
    await refused(session, ErrorCode.INVALID, ["mentorId"], pair(s.vp, s.lead))  # Lead's own manager
    first = await pair(s.ceo, s.lead)
    await refused(session, ErrorCode.DUPLICATE, ["menteeId"], pair(s.ceo, s.lead))
    await refused(session, ErrorCode.INVALID_STATE, ["mentorId"], pair(s.ceo, s.vp))  # Ceo's one place is taken
    # A plain employee who does not own the program may not pair.
    await refused(session, ErrorCode.FORBIDDEN, None,
                  mentorship.pair(session, me(session, s.expert), program.id, s.vp.id, s.ceo.id, today=TODAY))
    assert [(m.id, m.mentor_id, m.mentee_id) for m in await session.scalars(select(Mentorship))] == [
        (first.id, s.ceo.id, s.lead.id)
    ]
    # At capacity, Ceo is no longer suggested to anyone.
    assert (await mentorship.suggest_mentors(session, s.hr, s.vp.id, program.id)).ranked == []


async def test_a_mentorship_logs_sessions_and_ends_with_an_outcome(session, scene):
    s = scene
    program = await rising_managers(session, s)
    await mentorship.join_as_mentor(session, me(session, s.ceo), program.id, [s.coaching.id])
    await mentorship.apply_as_mentee(session, me(session, s.lead), program.id, [s.coaching.id])
    pair = await mentorship.pair(session, s.hr, program.id, s.ceo.id, s.lead.id, today=TODAY)
    logged = await mentorship.log_session(session, me(session, s.lead), pair.id, TODAY, "Practised a hard talk",
                                          [s.coaching.id], today=TODAY)
    assert (logged.held_on, logged.notes, logged.logged_by) == (TODAY, "Practised a hard talk", s.lead.id)
    # HR sees the mentorship but the sessions are the pair's; the future is not a session date.
    await refused(session, ErrorCode.FORBIDDEN, None,
                  mentorship.log_session(session, s.hr, pair.id, TODAY, None, [], today=TODAY))
    await refused(session, ErrorCode.INVALID, ["date"], mentorship.log_session(
        session, me(session, s.ceo), pair.id, TODAY + timedelta(days=1), None, [], today=TODAY))
    ended = await mentorship.end_mentorship(session, me(session, s.ceo), pair.id, "Leads 1:1s with confidence",
                                            today=TODAY)
    assert (ended.status, ended.ended_on, ended.outcome) == ("ENDED", TODAY, "Leads 1:1s with confidence")
    await refused(session, ErrorCode.INVALID_STATE, ["mentorshipId"],
                  mentorship.end_mentorship(session, s.hr, pair.id, "again", today=TODAY))


# --- stretch projects --------------------------------------------------------------------------------


async def test_a_stretch_project_needs_both_approvals_fills_its_seats_and_completes_into_evidence(session, scene):
    s = scene
    project = await stretch.create_project(session, me(session, s.vp), NewProject(
        "Run the hiring loop", TODAY, TODAY + timedelta(days=60), 1, [s.coaching.id, s.delegation.id],
    ))
    applied = await stretch.apply(session, me(session, s.dev), project.id, "I want to lead")
    await refused(session, ErrorCode.DUPLICATE, ["projectId"], stretch.apply(session, me(session, s.dev), project.id, "again"))
    # Dev's manager is Lead, the sponsor is Vp: one approval is not enough.
    await stretch.approve(session, me(session, s.vp), applied.id)
    assert applied.status == "APPLIED" and applied.sponsor_approved_by == s.vp.id
    await refused(session, ErrorCode.INVALID_STATE, ["applicationId"], stretch.approve(session, me(session, s.vp), applied.id))
    await stretch.approve(session, me(session, s.lead), applied.id)
    assert (applied.status, project.status) == ("APPROVED", ProjectStatus.STAFFED)
    # The only seat is taken: a later applicant cannot be approved, and the project no longer takes applications.
    await refused(session, ErrorCode.INVALID_STATE, ["projectId"], stretch.apply(session, me(session, s.expert), project.id, "me"))

    await stretch.start_project(session, me(session, s.vp), project.id)
    done = await stretch.complete_project(session, me(session, s.vp), project.id, [
        OutcomeInput(s.dev.id, s.coaching.id, 3, "Coached two new hires"),
    ], today=TODAY)
    assert (done.status, done.completed_on) == ("COMPLETED", TODAY)
    evidence = await session.scalar(select(CompetencyAssessment).where(
        CompetencyAssessment.employee_id == s.dev.id, CompetencyAssessment.competency_id == s.coaching.id))
    assert (evidence.level, evidence.source, evidence.assessed_by, evidence.note) == (
        3, "EVIDENCE", s.vp.id, "Coached two new hires")
    assert (await session.scalar(select(StretchOutcome))).assessment_id == evidence.id


async def test_stretch_refusals_write_nothing(session, scene):
    s = scene
    await refused(session, ErrorCode.FORBIDDEN, None, stretch.create_project(session, me(session, s.dev), NewProject(
        "Mine", TODAY, TODAY, 1, [s.coaching.id])))  # Dev manages nobody
    project = await stretch.create_project(session, me(session, s.vp), NewProject(
        "Run the offsite", TODAY, TODAY, 2, [s.coaching.id]))
    await refused(session, ErrorCode.INVALID, ["projectId"], stretch.apply(session, me(session, s.vp), project.id, "mine"))
    applied = await stretch.apply(session, me(session, s.dev), project.id, "please")
    # HR and the applicant are neither sponsor nor manager.
    await refused(session, ErrorCode.FORBIDDEN, ["applicationId"], stretch.approve(session, s.hr, applied.id))
    await refused(session, ErrorCode.FORBIDDEN, ["applicationId"], stretch.approve(session, me(session, s.dev), applied.id))
    rejected = await stretch.reject(session, me(session, s.lead), applied.id, "Not this quarter")
    assert (rejected.status, rejected.rejected_by) == ("REJECTED", s.lead.id)
    await refused(session, ErrorCode.INVALID_STATE, ["projectId"], stretch.start_project(session, me(session, s.vp), project.id))
    await refused(session, ErrorCode.INVALID_STATE, ["projectId"], stretch.complete_project(
        session, me(session, s.vp), project.id, [OutcomeInput(s.dev.id, s.coaching.id, 3)], today=TODAY))
    assert await count(session, StretchOutcome) == 0
    assert [a.status for a in await session.scalars(select(StretchApplication))] == ["REJECTED"]


async def test_recommended_projects_rank_by_the_gaps_they_target(session, scene):
    s = scene
    new = lambda title, targets: stretch.create_project(  # noqa: E731
        session, s.hr, NewProject(title, TODAY, TODAY, 2, targets, sponsor_id=s.ceo.id))
    both = await new("Lead the merger", [s.coaching.id, s.delegation.id])
    coaching = await new("Coach interns", [s.coaching.id])
    await new("Sponsor a guild", [s.delegation.id])
    found = await stretch.recommended_projects(session, me(session, s.lead), s.lead.id, 2)
    # Lead's gaps: Coaching 2, Delegation 1.
    assert [(r.item.id, r.score) for r in found] == [(both.id, 3), (coaching.id, 2)]
    assert await stretch.recommended_projects(session, me(session, s.expert), s.lead.id, 5) is None


# --- training -----------------------------------------------------------------------------------------


async def test_training_enrolment_moves_on_and_completion_is_evidence_without_a_level(session, scene):
    s = scene
    course = await training.create_program(session, s.hr, NewTraining(
        "Coaching basics", TrainingFormat.COURSE, Decimal("12.5"), [s.coaching.id]))
    enrolled = await training.enrol(session, me(session, s.vp), course.id, s.lead.id, today=TODAY)  # a manager enrols a report
    await refused(session, ErrorCode.DUPLICATE, ["programId"],
                  training.enrol(session, me(session, s.lead), course.id, None, today=TODAY))
    await refused(session, ErrorCode.FORBIDDEN, ["employeeId"],
                  training.enrol(session, me(session, s.expert), course.id, s.dev.id, today=TODAY))
    await training.update_enrolment(session, me(session, s.lead), enrolled.id, EnrolmentStatus.IN_PROGRESS, None, today=TODAY)
    await refused(session, ErrorCode.INVALID, ["date"], training.update_enrolment(
        session, me(session, s.lead), enrolled.id, EnrolmentStatus.COMPLETED, TODAY + timedelta(days=1), today=TODAY))
    done = await training.update_enrolment(session, me(session, s.lead), enrolled.id, EnrolmentStatus.COMPLETED, None, today=TODAY)
    assert (done.status, done.started_on, done.completed_on) == ("COMPLETED", TODAY, TODAY)
    await refused(session, ErrorCode.INVALID_STATE, ["status"], training.update_enrolment(
        session, me(session, s.lead), enrolled.id, EnrolmentStatus.DROPPED, None, today=TODAY))

    evidence = await training.training_evidence(session, [(s.lead.id, s.coaching.id), (s.lead.id, s.delegation.id)])
    assert [(p.name, day) for p, day in evidence[(s.lead.id, s.coaching.id)]] == [("Coaching basics", TODAY)]
    assert evidence[(s.lead.id, s.delegation.id)] == []
    # No assessment was written: the current level is still the review's 1.
    profile = await competency_profiles(session, [ProfileSubject(s.lead.id, s.lead.job_level_id, False)])
    entry = next(e for e in next(iter(profile.values())) if e.competency.id == s.coaching.id)
    assert (entry.current.level, entry.current.source, entry.gap) == (1, "REVIEW", 2)


async def test_recommended_training_leaves_out_what_the_employee_is_enrolled_in(session, scene):
    s = scene
    new = lambda name, targets: training.create_program(  # noqa: E731
        session, s.hr, NewTraining(name, TrainingFormat.WORKSHOP, Decimal(4), targets))
    both = await new("Leading teams", [s.coaching.id, s.delegation.id])
    delegation = await new("Letting go", [s.delegation.id])
    coaching = await new("Coaching circles", [s.coaching.id])
    found = await training.recommended_training(session, me(session, s.lead), s.lead.id, 10)
    assert [(r.item.name, r.score) for r in found] == [("Leading teams", 3), ("Coaching circles", 2), ("Letting go", 1)]
    await training.enrol(session, me(session, s.lead), both.id, None, today=TODAY)
    found = await training.recommended_training(session, s.hr, s.lead.id, 10)
    assert [r.item.id for r in found] == [coaching.id, delegation.id]


# --- development plans link to the programs -----------------------------------------------------------


async def test_plan_actions_can_link_programs_and_follow_their_status(session, scene):
    s = scene
    course = await training.create_program(session, s.hr, NewTraining("Feedback", TrainingFormat.SELF_PACED, Decimal(1),
                                                                       [s.coaching.id]))
    enrolled = await training.enrol(session, me(session, s.lead), course.id, None, today=TODAY)
    project = await stretch.create_project(session, me(session, s.vp), NewProject("Pilot", TODAY, TODAY, 1, [s.coaching.id]))
    applied = await stretch.apply(session, me(session, s.lead), project.id, "yes")
    for kind, type_name, row_id, status in (
        (PlanActionKind.TRAINING_ENROLMENT, "TrainingEnrolment", enrolled.id, PlanActionStatus.NOT_STARTED),
        (PlanActionKind.STRETCH_PROJECT, "StretchApplication", applied.id, PlanActionStatus.NOT_STARTED),
    ):
        resolver = links.resolver(kind)
        assert resolver.type_name == type_name
        assert await resolver.exists(session, row_id) is True
        assert await resolver.exists(session, s.lead.id) is False  # some other row's id
        assert await links.statuses_of(session, kind, [row_id]) == {row_id: status}
    assert links.resolver(PlanActionKind.MENTORSHIP).type_name == "Mentorship"
    await training.update_enrolment(session, me(session, s.lead), enrolled.id, EnrolmentStatus.COMPLETED, None, today=TODAY)
    assert await links.statuses_of(session, PlanActionKind.TRAINING_ENROLMENT, [enrolled.id]) == {
        enrolled.id: PlanActionStatus.DONE}
    assert await count(session, TrainingEnrolment) == 1
