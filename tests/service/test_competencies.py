"""Competency services on real PostgreSQL, as the restricted request role.

Each test runs in the `session` fixture's transaction (tenant A, rolled back afterwards),
so the tenant starts with no scale rows, no competencies and no job levels.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from domain.competencies import assessments, framework, install, levels, profile, scale
from domain.competencies.assessments import NewAssessment
from domain.competencies.framework import NewCompetency
from domain.competencies.levels import ExpectationInput
from domain.competencies.models import (
    AssessmentSource,
    CompetencyAssessment,
    CompetencyIndicator,
    JobLevelExpectation,
    ProficiencyLevel,
    Track,
)
from domain.competencies.profile import ProfileSubject
from domain.competencies.rules import DEFAULT_SCALE, LevelText, ScaleLevel
from domain.errors import DomainError, ErrorCode
from domain.goals.models import Goal, GoalCompetency
from domain.persistence import session_tenant
from tests.factories import TODAY, admin, hr_admin, make_employee, plain_employee


@contextmanager
def counted_statements(session):
    """The SQL statements sent through the session's engine while the block runs."""
    engine = session.bind.sync_engine
    sent: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", _record)


async def count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def refused(code: ErrorCode, field: list[str] | None, pending) -> None:
    """Await `pending`, which must fail with `code` naming `field`."""
    with pytest.raises(DomainError) as caught:
        await pending
    assert (caught.value.code, caught.value.field) == (code, field), caught.value.message


async def hr(session):
    """An HR admin who exists (assessments name their author)."""
    return hr_admin(session, (await make_employee(session, roles=["HR_ADMIN"])).id)


async def competency(session, name: str, category: str = "CORE", texts: list[LevelText] | None = None):
    return await framework.create_competency(session, admin(session), NewCompetency(name, category, None, texts or []))


async def job_level(session, name: str, rank: int, track: Track = Track.INDIVIDUAL_CONTRIBUTOR, expects=()):
    level = await levels.create_job_level(session, admin(session), name, rank, track)
    if expects:
        await levels.set_job_level_expectations(
            session, admin(session), level.id, [ExpectationInput(c.id, expected) for c, expected in expects]
        )
    return level


async def assess(session, actor, employee, competency_, level: int, source: AssessmentSource, day: date = TODAY):
    data = NewAssessment(employee.id, competency_.id, level, source)
    return await assessments.assess_competency(session, actor, data, today=day)


# --- the scale -------------------------------------------------------------------------------


async def test_the_default_scale_is_read_without_rows_and_written_on_first_reference(session):
    assert await scale.current_scale(session) == list(DEFAULT_SCALE)
    await competency(session, "Plain")  # no level texts: nothing refers to a level yet
    assert await count(session, ProficiencyLevel) == 0
    await competency(session, "Described", texts=[LevelText(2, "Two")])
    assert await count(session, ProficiencyLevel) == 5
    await scale.ensure_scale(session)  # idempotent
    assert await scale.current_scale(session) == list(DEFAULT_SCALE)


async def test_setting_a_scale_renames_in_place_and_drops_removed_levels_with_their_texts(session):
    described = await competency(session, "Listening", texts=[LevelText(1, "One"), LevelText(4, "Four")])
    new = [ScaleLevel(1, "Expert"), ScaleLevel(2, "Beginner", "Starting out"), ScaleLevel(3, "Developing")]
    assert await scale.set_proficiency_scale(session, admin(session), new) == new
    assert await scale.current_scale(session) == new
    texts = (await framework.indicators_by_competency_ids(session, [described.id]))[described.id]
    assert [(t.level, t.description) for t in texts] == [(1, "One")]


async def test_the_scale_is_pinned_by_assessments_and_by_expectations(session):
    employee = await make_employee(session)
    listening = await competency(session, "Listening")
    await assess(session, plain_employee(session, employee.id), employee, listening, 2, AssessmentSource.SELF)
    await refused(
        ErrorCode.INVALID_STATE, ["levels"],
        scale.set_proficiency_scale(session, admin(session), [ScaleLevel(1, "A"), ScaleLevel(2, "B")]),
    )
    assert await scale.ratings_on_scale(session) == (1, 0)
    assert await scale.current_scale(session) == list(DEFAULT_SCALE)


async def test_only_framework_admins_set_the_scale(session):
    employee = await make_employee(session)
    await refused(
        ErrorCode.FORBIDDEN, None,
        scale.set_proficiency_scale(session, plain_employee(session, employee.id), list(DEFAULT_SCALE)),
    )
    assert await count(session, ProficiencyLevel) == 0
    assert await scale.set_proficiency_scale(session, hr_admin(session), list(DEFAULT_SCALE[:2])) == list(DEFAULT_SCALE[:2])


# --- competencies ------------------------------------------------------------------------------


async def test_new_competencies_go_to_the_end_and_reorder_keeps_unlisted_slots(session):
    made = [await competency(session, name) for name in ("A", "B", "C", "D")]
    assert [c.position for c in made] == [0, 1, 2, 3]
    ordered = await framework.reorder_competencies(session, admin(session), [made[3].id, made[0].id])
    assert [c.name for c in ordered] == ["D", "B", "C", "A"]
    assert [c.position for c in ordered] == [0, 1, 2, 3]
    await refused(
        ErrorCode.NOT_FOUND, ["ids", "1"],
        framework.reorder_competencies(session, admin(session), [made[0].id, uuid.uuid4()]),
    )


async def test_level_texts_are_replaced_as_a_whole(session):
    listening = await competency(session, "Listening", texts=[LevelText(1, "One", ("a", "b")), LevelText(2, "Two")])
    await framework.update_competency(session, admin(session), listening.id, {"levels": [LevelText(3, "Three", ("c",))]})
    rows = list(await session.scalars(select(CompetencyIndicator).where(CompetencyIndicator.competency_id == listening.id)))
    assert [(r.level, r.description, r.indicators) for r in rows] == [(3, "Three", ["c"])]
    await framework.update_competency(session, admin(session), listening.id, {"levels": []})
    assert await count(session, CompetencyIndicator) == 0


async def test_archiving_twice_is_an_invalid_state_and_restoring_brings_it_back(session):
    listening = await competency(session, "Listening")
    archived = await framework.set_active(session, admin(session), listening.id, False)
    assert archived.active is False
    await refused(ErrorCode.INVALID_STATE, ["id"], framework.set_active(session, admin(session), listening.id, False))
    assert (await framework.set_active(session, admin(session), listening.id, True)).active is True


# --- career levels -----------------------------------------------------------------------------


async def test_expectations_replace_the_previous_set(session):
    a, b = await competency(session, "A"), await competency(session, "B")
    level = await job_level(session, "E1", 1, expects=[(a, 2), (b, 3)])
    await levels.set_job_level_expectations(session, admin(session), level.id, [ExpectationInput(b.id, 4)])
    rows = (await levels.expectations_by_job_level_ids(session, [level.id]))[level.id]
    assert [(r.competency_id, r.expected_level) for r in rows] == [(b.id, 4)]


async def test_a_level_with_core_expectations_cannot_move_to_the_manager_track(session):
    core = await competency(session, "Ownership")
    level = await job_level(session, "E1", 1, expects=[(core, 2)])
    await refused(
        ErrorCode.INVALID, ["track"],
        levels.update_job_level(session, admin(session), level.id, {"track": Track.MANAGER}),
    )
    lead = await competency(session, "Coaching", "LEADERSHIP")
    await levels.set_job_level_expectations(session, admin(session), level.id, [ExpectationInput(lead.id, 2)])
    moved = await levels.update_job_level(session, admin(session), level.id, {"track": Track.MANAGER})
    assert moved.track == "MANAGER"


async def test_employee_counts_only_count_active_employees_at_the_level(session):
    level = await job_level(session, "E1", 1)
    here, gone = await make_employee(session), await make_employee(session)
    here.job_level_id = gone.job_level_id = level.id
    gone.status = "TERMINATED"
    await session.flush()
    nowhere = uuid.uuid4()
    assert await levels.employee_counts_by_job_level_ids(session, [level.id, nowhere]) == {level.id: 1, nowhere: 0}


# --- assessments -------------------------------------------------------------------------------


async def test_assessments_are_dated_by_the_given_day_and_ordered_by_recording(session):
    employee = await make_employee(session)
    boss = await make_employee(session, manager=None)
    employee.manager_id = boss.id
    await session.flush()
    listening = await competency(session, "Listening")
    reviewer = await hr(session)
    first = await assess(session, reviewer, employee, listening, 2, AssessmentSource.REVIEW, TODAY)
    second = await assess(session, reviewer, employee, listening, 3, AssessmentSource.REVIEW, TODAY)
    older = await assess(session, reviewer, employee, listening, 5, AssessmentSource.EVIDENCE, TODAY - timedelta(days=9))
    assert (first.assessed_on, older.assessed_on) == (TODAY, TODAY - timedelta(days=9))
    assert first.recorded_at < second.recorded_at  # wall clock, even inside one transaction
    history = (await assessments.assessment_histories(session, [(employee.id, listening.id)]))[(employee.id, listening.id)]
    assert [a.level for a in history] == [3, 2, 5]
    assert await count(session, CompetencyAssessment) == 3


async def test_a_manager_two_levels_up_may_assess_but_not_a_former_manager(session):
    top = await make_employee(session, name="Top")
    middle = await make_employee(session, name="Middle", manager=top)
    person = await make_employee(session, name="Person", manager=middle)
    listening = await competency(session, "Listening")
    made = await assess(session, plain_employee(session, top.id), person, listening, 3, AssessmentSource.MANAGER)
    assert made.assessed_by == top.id
    person.manager_id = None  # they no longer report to anyone
    await session.flush()
    await refused(
        ErrorCode.FORBIDDEN, ["employeeId"],
        assess(session, plain_employee(session, middle.id), person, listening, 3, AssessmentSource.MANAGER),
    )
    assert await count(session, CompetencyAssessment) == 1


# --- the profile ----------------------------------------------------------------------------------


async def _goal(session, owner, competency_, *, status="COMPLETED", kind="LEADERSHIP", visibility="PUBLIC", title="G"):
    goal = Goal(
        tenant_id=session_tenant(session), title=title, owner_id=owner.id, kind=kind, scope="INDIVIDUAL", status=status,
        visibility=visibility, start_date=date(2026, 1, 1), due_date=date(2026, 3, 31),
        completed_on=date(2026, 3, 1) if status == "COMPLETED" else None,
    )
    session.add(goal)
    await session.flush()
    session.add(GoalCompetency(tenant_id=goal.tenant_id, goal_id=goal.id, competency_id=competency_.id))
    await session.flush()
    return goal


async def test_completed_leadership_and_development_goals_are_evidence_private_ones_only_when_allowed(session):
    person = await make_employee(session)
    coaching = await competency(session, "Coaching", "LEADERSHIP")
    await _goal(session, person, coaching, title="Run a mentoring circle")
    await _goal(session, person, coaching, kind="DEVELOPMENT", visibility="PRIVATE", title="Private course")
    await _goal(session, person, coaching, status="ACTIVE", title="Still running")
    await _goal(session, person, coaching, kind="PERFORMANCE", title="Hit quota")
    open_view = ProfileSubject(person.id, None, private_goals_visible=True)
    manager_view = ProfileSubject(person.id, None, private_goals_visible=False)
    found = await profile.competency_profiles(session, [open_view, manager_view])
    assert [g.title for g in found[open_view][0].evidence] == ["Private course", "Run a mentoring circle"]
    assert [g.title for g in found[manager_view][0].evidence] == ["Run a mentoring circle"]
    # Evidence alone puts the competency on the profile, without a level or a gap.
    entry = found[manager_view][0]
    assert (entry.competency.name, entry.expected_level, entry.current, entry.gap) == ("Coaching", None, None, None)
    assert entry.explanation == (
        "No job level is set, so nothing is expected. Not assessed yet, so there is no gap. 1 completed goal as evidence."
    )


async def test_archived_competencies_leave_the_profile_but_not_the_history(session):
    person = await make_employee(session)
    listening = await competency(session, "Listening")
    level = await job_level(session, "E1", 1, expects=[(listening, 3)])
    person.job_level_id = level.id
    await session.flush()
    await assess(session, await hr(session), person, listening, 2, AssessmentSource.REVIEW)
    subject = ProfileSubject(person.id, level.id, True)
    assert [e.gap for e in (await profile.competency_profiles(session, [subject]))[subject]] == [1]
    await framework.set_active(session, admin(session), listening.id, False)
    assert (await profile.competency_profiles(session, [subject]))[subject] == []
    assert await count(session, CompetencyAssessment) == 1 and await count(session, JobLevelExpectation) == 1


async def test_a_batch_of_profiles_costs_five_statements_whatever_its_size(session):
    listening, coaching = await competency(session, "Listening"), await competency(session, "Coaching", "LEADERSHIP")
    level = await job_level(session, "M1", 1, Track.MANAGER, expects=[(listening, 3), (coaching, 3)])
    people = [await make_employee(session) for _ in range(30)]
    reviewer = await hr(session)
    for number, person in enumerate(people):
        person.job_level_id = level.id
        await assess(session, reviewer, person, (listening, coaching)[number % 2], 1 + number % 5,
                     AssessmentSource.REVIEW)
    await session.flush()
    subjects = [ProfileSubject(p.id, p.job_level_id, False) for p in people]
    with counted_statements(session) as few:
        small = await profile.competency_profiles(session, subjects[:3])
    with counted_statements(session) as many:
        large = await profile.competency_profiles(session, subjects)
    assert len(few) == len(many) == 5
    assert len(small) == 3 and len(large) == 30
    gaps = {p.id: [e.gap for e in large[s]] for p, s in zip(people, subjects, strict=True)}
    assert gaps[people[0].id] == [2, None] and gaps[people[1].id] == [None, 1] and gaps[people[4].id] == [-2, None]


# --- the starter framework ------------------------------------------------------------------------


async def test_the_starter_framework_skips_a_level_whose_rank_is_taken(session):
    await job_level(session, "Junior", 1)
    installed = await install.install_starter_framework(session, admin(session))
    assert len(installed.competencies) == 13
    assert [j.name for j in installed.job_levels] == ["IC2", "IC3", "IC4", "M1", "M2", "M3"]
    assert installed.skipped == ["job level IC1: rank 1 of INDIVIDUAL_CONTRIBUTOR is Junior"]
    assert await count(session, ProficiencyLevel) == 5


async def test_the_starter_framework_needs_a_five_level_scale(session):
    await scale.set_proficiency_scale(session, admin(session), [ScaleLevel(1, "Low"), ScaleLevel(2, "High")])
    await refused(ErrorCode.INVALID_STATE, None, install.install_starter_framework(session, admin(session)))
    assert await count(session, CompetencyIndicator) == 0


async def test_competencies_only_leaves_career_levels_alone(session):
    installed = await install.install_starter_framework(session, admin(session), job_levels=False)
    assert len(installed.competencies) == 13 and installed.job_levels == []
    assert await levels.list_job_levels(session) == []
