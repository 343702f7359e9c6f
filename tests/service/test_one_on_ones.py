"""1:1 and development-plan services on real PostgreSQL, as the restricted request role.

Each test runs in the `session` fixture's transaction (tenant A, rolled back afterwards).
Refused calls run in a savepoint, as the API runs every mutation, and negative cases
re-read the rows to show nothing changed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.actor import Actor
from domain.competencies.models import Competency, CompetencyAssessment, JobLevel, JobLevelExpectation
from domain.competencies.scale import ensure_scale
from domain.development import plans
from domain.development.plan_models import DevelopmentPlan, FocusBasis, PlanAction, PlanActionKind, PlanActionStatus
from domain.development.plans import NewPlan, NewPlanAction
from domain.errors import DomainError, ErrorCode
from domain.goals.models import Goal
from domain.one_on_ones import content, queries, series
from domain.one_on_ones.content import NewActionItem
from domain.one_on_ones.models import ActionItem, AgendaItem, Cadence, Meeting, OneOnOne
from domain.one_on_ones.rules import CadenceHealth, health
from domain.org.models import Employee, Role
from domain.persistence import session_tenant
from tests.factories import TODAY, hr_admin, make_employee, plain_employee


@dataclass
class Org:
    """boss > manager > (report, peer); hr aside."""

    boss: Employee
    manager: Employee
    report: Employee
    peer: Employee
    hr: Employee

    def actor(self, who: str, session) -> Actor:
        person = getattr(self, who)
        return hr_admin(session, person.id) if who == "hr" else plain_employee(session, person.id)


@pytest.fixture
async def org(session) -> Org:
    boss = await make_employee(session, name="Boss")
    manager = await make_employee(session, name="Manager", manager=boss)
    report = await make_employee(session, name="Report", manager=manager)
    peer = await make_employee(session, name="Peer", manager=manager)
    hr = await make_employee(session, name="HR", roles=[Role.HR_ADMIN])
    return Org(boss, manager, report, peer, hr)


async def refused(session, work) -> DomainError:
    """Run `work` in a savepoint that must fail with a DomainError (as the API does)."""
    with pytest.raises(DomainError) as caught:
        async with session.begin_nested():
            await work
    return caught.value


async def count(session, model, *where) -> int:
    return await session.scalar(select(func.count()).select_from(model).where(*where))


async def started(session, org: Org, cadence: Cadence = Cadence.WEEKLY) -> OneOnOne:
    return await series.start_one_on_one(session, org.actor("manager", session), org.report.id, cadence, TODAY)


# --- the series -------------------------------------------------------------------------


async def test_a_series_is_one_per_pair_whoever_starts_it(session, org):
    made = await started(session, org)
    assert made.participants == tuple(sorted((org.manager.id, org.report.id)))
    again = await refused(session, series.start_one_on_one(session, org.actor("report", session), org.manager.id, Cadence.MONTHLY, TODAY))
    assert (again.code, again.field) == (ErrorCode.DUPLICATE, ["withEmployeeId"])
    # Once it ends, the pair may start afresh.
    await series.end_one_on_one(session, org.actor("report", session), made.id, TODAY)
    fresh = await series.start_one_on_one(session, org.actor("report", session), org.manager.id, Cadence.MONTHLY, TODAY)
    assert (fresh.id != made.id, fresh.cadence) == (True, "MONTHLY")
    assert await count(session, OneOnOne) == 2


async def test_nobody_has_a_one_on_one_with_themselves_or_a_stranger(session, org):
    me = await refused(session, series.start_one_on_one(session, org.actor("report", session), org.report.id, Cadence.WEEKLY, TODAY))
    assert (me.code, me.field) == (ErrorCode.INVALID, ["withEmployeeId"])
    nobody = await refused(session, series.start_one_on_one(session, org.actor("report", session), uuid.uuid4(), Cadence.WEEKLY, TODAY))
    assert (nobody.code, nobody.field) == (ErrorCode.NOT_FOUND, ["withEmployeeId"])
    assert await count(session, OneOnOne) == 0


async def test_hr_is_forbidden_to_work_in_a_series_and_a_skip_level_manager_does_not_find_it(session, org):
    made = await started(session, org)
    hr = await refused(session, series.schedule_meeting(session, org.actor("hr", session), made.id, TODAY))
    assert (hr.code, hr.field) == (ErrorCode.FORBIDDEN, ["oneOnOneId"])
    boss = await refused(session, series.schedule_meeting(session, org.actor("boss", session), made.id, TODAY))
    assert (boss.code, boss.field) == (ErrorCode.NOT_FOUND, ["oneOnOneId"])
    assert await count(session, Meeting) == 0


# --- meetings and the agenda --------------------------------------------------------------


async def test_undiscussed_items_move_to_the_next_meeting_or_wait_for_one(session, org):
    made = await started(session, org)
    manager, report = org.actor("manager", session), org.actor("report", session)
    first = await series.schedule_meeting(session, manager, made.id, TODAY - timedelta(days=7))
    talked = await content.add_agenda_item(session, report, made.id, "Promotion path")
    skipped = await content.add_agenda_item(session, manager, made.id, "Team offsite")
    await content.update_agenda_item(session, manager, talked.id, {"discussed": True})

    await series.hold_meeting(session, report, first.id, TODAY - timedelta(days=7), TODAY)
    await session.refresh(skipped)
    await session.refresh(talked)
    # No meeting scheduled yet: the item waits, and the next meeting scheduled takes it in.
    assert (skipped.meeting_id, skipped.carried_over, talked.meeting_id) == (None, 1, first.id)
    second = await series.schedule_meeting(session, manager, made.id, TODAY)
    await session.refresh(skipped)
    assert skipped.meeting_id == second.id

    # A third meeting already scheduled: holding the second moves the item straight on.
    third = await series.schedule_meeting(session, manager, made.id, TODAY + timedelta(days=7))
    await series.hold_meeting(session, manager, second.id, TODAY, TODAY)
    await session.refresh(skipped)
    assert (skipped.meeting_id, skipped.carried_over) == (third.id, 2)
    agenda = await queries.agenda_by_meeting_ids(session, [first.id, second.id, third.id])
    assert {k: [i.body for i in v] for k, v in agenda.items()} == {
        first.id: ["Promotion path"], second.id: [], third.id: ["Team offsite"],
    }


async def test_a_held_meeting_cannot_be_held_again_nor_its_agenda_changed(session, org):
    made = await started(session, org)
    manager = org.actor("manager", session)
    meeting = await series.schedule_meeting(session, manager, made.id, TODAY)
    item = await content.add_agenda_item(session, manager, made.id, "Feedback", meeting.id)
    await content.update_agenda_item(session, manager, item.id, {"discussed": True})
    await series.hold_meeting(session, manager, meeting.id, TODAY, TODAY)
    twice = await refused(session, series.hold_meeting(session, manager, meeting.id, TODAY, TODAY))
    assert (twice.code, twice.field) == (ErrorCode.INVALID_STATE, ["meetingId"])
    late = await refused(session, content.add_agenda_item(session, manager, made.id, "Late", meeting.id))
    assert (late.code, late.field) == (ErrorCode.INVALID_STATE, ["meetingId"])
    untick = await refused(session, content.update_agenda_item(session, manager, item.id, {"discussed": False}))
    assert untick.code == ErrorCode.INVALID_STATE
    assert await count(session, AgendaItem) == 1


async def test_a_meeting_cannot_be_held_in_the_future(session, org):
    made = await started(session, org)
    manager = org.actor("manager", session)
    meeting = await series.schedule_meeting(session, manager, made.id, TODAY + timedelta(days=2))
    early = await refused(session, series.hold_meeting(session, manager, meeting.id, TODAY + timedelta(days=1), TODAY))
    assert (early.code, early.field) == (ErrorCode.INVALID, ["heldOn"])
    await session.refresh(meeting)
    assert (meeting.status, meeting.held_on) == ("SCHEDULED", None)


# --- notes --------------------------------------------------------------------------------


async def test_a_private_note_is_read_and_found_by_its_author_only(session, org):
    made = await started(session, org)
    manager, report = org.actor("manager", session), org.actor("report", session)
    meeting = await series.schedule_meeting(session, manager, made.id, TODAY)
    shared = await content.add_note(session, manager, meeting.id, "We agreed on a plan", private=False)
    secret = await content.add_note(session, manager, meeting.id, "Seems tired lately", private=True)

    as_report = (await queries.notes_by_meeting_ids(session, report, [meeting.id]))[meeting.id]
    as_manager = (await queries.notes_by_meeting_ids(session, manager, [meeting.id]))[meeting.id]
    assert [n.body for n in as_report] == ["We agreed on a plan"]
    assert [n.body for n in as_manager] == ["We agreed on a plan", "Seems tired lately"]

    hidden = await refused(session, content.update_note(session, report, secret.id, "Rewritten"))
    assert (hidden.code, hidden.field) == (ErrorCode.NOT_FOUND, ["id"])
    not_theirs = await refused(session, content.update_note(session, report, shared.id, "Rewritten"))
    assert not_theirs.code == ErrorCode.FORBIDDEN
    await session.refresh(secret)
    assert secret.body == "Seems tired lately"


# --- action items -------------------------------------------------------------------------


async def test_an_action_item_is_owned_by_one_of_the_two_and_done_dates_itself(session, org):
    made = await started(session, org)
    manager = org.actor("manager", session)
    outside = await refused(session, content.add_action_item(
        session, manager, NewActionItem(made.id, "Book a course", org.peer.id)
    ))
    assert (outside.code, outside.field) == (ErrorCode.INVALID, ["ownerId"])
    assert await count(session, ActionItem) == 0
    item = await content.add_action_item(session, manager, NewActionItem(made.id, "Book a course", org.report.id, TODAY))
    done = await content.update_action_item(session, org.actor("report", session), item.id, {"done": True}, TODAY)
    assert (done.done, done.done_on) == (True, TODAY)
    reopened = await content.update_action_item(session, manager, item.id, {"done": False}, TODAY)
    assert (reopened.done, reopened.done_on) == (False, None)


# --- health with managers ---------------------------------------------------------------


async def test_facts_with_managers_read_the_last_held_meeting_of_the_active_series(session, org):
    made = await started(session, org, Cadence.BIWEEKLY)
    manager = org.actor("manager", session)
    for days in (30, 20):
        meeting = await series.schedule_meeting(session, manager, made.id, TODAY - timedelta(days=days))
        await series.hold_meeting(session, manager, meeting.id, TODAY - timedelta(days=days), TODAY)
    await series.schedule_meeting(session, manager, made.id, TODAY + timedelta(days=1))  # not held: does not count
    pairs = [(org.report.id, org.manager.id), (org.peer.id, org.manager.id)]
    found = await queries.facts_with_managers(session, pairs)
    assert found[pairs[0]].last_held == TODAY - timedelta(days=20)
    assert found[pairs[1]] is None
    verdict = health(found[pairs[0]], TODAY)
    assert (verdict.status, verdict.days_since) == (CadenceHealth.LATE, 20)


# --- development plans ----------------------------------------------------------------------


async def _framework(session, report: Employee) -> tuple[dict[str, Competency], JobLevel, JobLevel]:
    """Engineer (rank 1) expects A 3, B 2; Senior (rank 2) expects A 4, B 4, C 3. The report is
    an Engineer assessed A 3, B 2, C 1: no gap at Engineer; at Senior, B 2 and C 2 and A 1."""
    tenant = session_tenant(session)
    await ensure_scale(session)
    competencies = {}
    for position, name in enumerate(("A", "B", "C")):
        competency = Competency(tenant_id=tenant, name=f"Comp {name}", category="LEADERSHIP", position=position)
        session.add(competency)
        competencies[name] = competency
    engineer = JobLevel(tenant_id=tenant, name="Engineer", rank=1, track="INDIVIDUAL_CONTRIBUTOR")
    senior = JobLevel(tenant_id=tenant, name="Senior", rank=2, track="INDIVIDUAL_CONTRIBUTOR")
    session.add_all([engineer, senior])
    await session.flush()
    for level, expectations in ((engineer, {"A": 3, "B": 2}), (senior, {"A": 4, "B": 4, "C": 3})):
        for name, expected in expectations.items():
            session.add(JobLevelExpectation(tenant_id=tenant, job_level_id=level.id,
                                            competency_id=competencies[name].id, expected_level=expected))
    for name, level in (("A", 3), ("B", 2), ("C", 1)):
        session.add(CompetencyAssessment(tenant_id=tenant, employee_id=report.id, competency_id=competencies[name].id,
                                         level=level, source="MANAGER", assessed_on=TODAY))
    report.job_level_id = engineer.id
    await session.flush()
    return competencies, engineer, senior


async def test_without_gaps_at_their_level_a_plan_focuses_on_the_next_levels_largest_gaps(session, org):
    competencies, _, _ = await _framework(session, org.report)
    plan = await plans.create_plan(
        session, org.actor("manager", session), NewPlan(org.report.id, TODAY, TODAY + timedelta(days=180))
    )
    focus = (await plans.focus_by_plan_ids(session, [plan.id]))[plan.id]
    assert plan.focus_basis == FocusBasis.NEXT_LEVEL_GAPS
    assert [f.competency_id for f in focus] == [competencies["B"].id, competencies["C"].id, competencies["A"].id]
    assert focus[0].reason == "At Senior: expected level 4, current 2, a gap of 2."
    assert plan.focus_explanation.endswith("Senior: Comp B (gap 2); Comp C (gap 2); Comp A (gap 1).")


async def test_plans_of_one_employee_never_overlap(session, org):
    manager = org.actor("manager", session)
    first = await plans.create_plan(session, manager, NewPlan(org.report.id, TODAY, TODAY + timedelta(days=90), []))
    overlapping = await refused(session, plans.create_plan(
        session, org.actor("report", session), NewPlan(org.report.id, TODAY + timedelta(days=90), TODAY + timedelta(days=200), [])
    ))
    assert (overlapping.code, overlapping.field) == (ErrorCode.DUPLICATE, ["periodStart"])
    after = await plans.create_plan(session, manager, NewPlan(org.report.id, TODAY + timedelta(days=91), TODAY + timedelta(days=200), []))
    moved = await refused(session, plans.update_plan(session, manager, after.id, {"period_start": TODAY + timedelta(days=10)}))
    assert moved.code == ErrorCode.DUPLICATE
    assert await count(session, DevelopmentPlan) == 2
    assert (first.focus_basis, first.focus_explanation) == ("CHOSEN", "No focus competencies chosen.")


async def test_a_goal_action_follows_the_goal_and_only_the_employees_own_goals_link(session, org):
    manager = org.actor("manager", session)
    plan = await plans.create_plan(session, manager, NewPlan(org.report.id, TODAY, TODAY + timedelta(days=90), []))
    tenant = session_tenant(session)
    own, other = (
        Goal(tenant_id=tenant, title=title, owner_id=owner.id, kind="DEVELOPMENT", scope="INDIVIDUAL", status="ACTIVE",
             visibility="MANAGER_CHAIN", start_date=TODAY, due_date=TODAY + timedelta(days=30))
        for title, owner in (("Own", org.report), ("Peer's", org.peer))
    )
    session.add_all([own, other])
    await session.flush()
    wrong = await refused(session, plans.add_action(session, manager, NewPlanAction(plan.id, PlanActionKind.GOAL, "x", other.id)))
    assert (wrong.code, wrong.field) == (ErrorCode.INVALID, ["linkedId"])
    action = await plans.add_action(session, manager, NewPlanAction(plan.id, PlanActionKind.GOAL, "Grow", own.id))
    assert (await plans.action_view(session, action)).status == PlanActionStatus.IN_PROGRESS
    by_hand = await refused(session, plans.update_action(session, manager, action.id, {"status": PlanActionStatus.DONE}))
    assert (by_hand.code, by_hand.field) == (ErrorCode.INVALID, ["status"])
    own.status = "COMPLETED"
    await session.flush()
    views = (await plans.actions_by_plan_ids(session, [plan.id]))[plan.id]
    assert [(v.action.title, v.status) for v in views] == [("Grow", PlanActionStatus.DONE)]
    twice = await refused(session, plans.add_action(session, manager, NewPlanAction(plan.id, PlanActionKind.GOAL, "Again", own.id)))
    assert (twice.code, twice.field) == (ErrorCode.DUPLICATE, ["linkedId"])
    assert await count(session, PlanAction) == 1


async def test_hr_reads_a_plan_but_may_not_change_it_and_a_peer_does_not_find_it(session, org):
    plan = await plans.create_plan(
        session, org.actor("report", session), NewPlan(org.report.id, TODAY, TODAY + timedelta(days=90), [])
    )
    assert (await plans.get_visible_plan(session, org.actor("hr", session), plan.id)).id == plan.id
    hr = await refused(session, plans.add_action(session, org.actor("hr", session), NewPlanAction(plan.id, PlanActionKind.OTHER, "x")))
    assert (hr.code, hr.field) == (ErrorCode.FORBIDDEN, ["planId"])
    peer = await refused(session, plans.add_action(session, org.actor("peer", session), NewPlanAction(plan.id, PlanActionKind.OTHER, "x")))
    assert (peer.code, peer.field) == (ErrorCode.NOT_FOUND, ["planId"])
    boss = await plans.add_action(session, org.actor("boss", session), NewPlanAction(plan.id, PlanActionKind.OTHER, "Read a book"))
    assert boss.status == "NOT_STARTED"
    assert await count(session, PlanAction) == 1
