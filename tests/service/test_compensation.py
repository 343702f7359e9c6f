"""Compensation services on real PostgreSQL, as the restricted request role, in the
`session` fixture's rolled-back transaction. Review scenes come from the results tests:
boss > manager > subjects (in Platform), with the manager's overall rating as given."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from domain.audit import AuditEntry
from domain.compensation import cycles, formulas, proposals, recommendations
from domain.compensation.cycles import CycleSpec
from domain.compensation.models import BonusFormulaVersion, BonusProposal
from domain.compensation.rules import Band
from domain.competencies.models import JobLevel
from domain.errors import DomainError, ErrorCode
from domain.persistence import session_tenant
from domain.reviews.calibration import CalibrationAdjustment
from domain.reviews.models import CycleStatus
from tests.factories import hr_admin, make_department, make_employee, plain_employee
from tests.service.test_review_results import add_subject, make_scene, move_to

D = Decimal
MULTIPLIERS = {1: D("0"), 2: D("0.5"), 3: D("1"), 4: D("1.25"), 5: D("1.5")}
BANDS = [Band(D("0"), D("1")), Band(D("75"), D("1.2"))]


async def refused(code, field, pending) -> None:
    with pytest.raises(DomainError) as caught:
        await pending
    assert (caught.value.code, caught.value.field) == (code, field), caught.value.message


async def audit_actions(session) -> list[str]:
    return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.occurred_at, AuditEntry.action)))


async def world(session, ratings=(3, 4), budget="3000"):
    """A released review cycle; subjects on a job level with a 1000.00 EUR target; an OPEN cycle."""
    scene = await make_scene(session)
    parent = await make_department(session, "Company")
    scene.department.parent_id = parent.id
    level = JobLevel(tenant_id=session_tenant(session), name="Engineer", rank=2, track="INDIVIDUAL_CONTRIBUTOR")
    session.add(level)
    await session.flush()
    for rating in ratings:
        subject = await add_subject(session, scene, manager=(4, "Solid", rating))
        subject.job_level_id = level.id
    await session.flush()
    await move_to(session, scene, CycleStatus.RELEASED)
    hr = hr_admin(session, scene.hr.id)
    await formulas.set_bonus_target(session, hr, level.id, "1000", "eur")
    await formulas.save_formula(session, hr, MULTIPLIERS, BANDS)
    cycle = await cycles.create_cycle(session, hr, CycleSpec("2026 bonus", budget, "EUR"))
    cycle = await cycles.advance_cycle(session, hr, cycle.id)
    return scene, hr, cycle, parent


async def test_a_recommendation_is_target_times_the_final_rating_multiplier_and_says_so(session):
    scene, hr, cycle, _ = await world(session)
    first, second = scene.subjects
    # Calibration moved the first subject from 3 to 5: the final rating counts, not the manager's.
    session.add(CalibrationAdjustment(tenant_id=session_tenant(session), cycle_id=scene.cycle.id, subject_id=first.id,
                                      previous_rating=3, rating=5, reason="Impact", adjusted_by=scene.hr.id))
    await session.flush()
    found = {line.employee.id: line.recommendation for line in await recommendations.lines(session, hr, cycle)}
    assert (found[first.id].amount, found[second.id].amount) == (D("1500.00"), D("1250.00"))
    assert found[second.id].explanation == (
        "Formula v1: target bonus 1000.00 EUR x rating 4 multiplier 1.25 x leadership factor not applied "
        "(not a people-manager) = 1250.00 EUR (rounded half-even to the minor unit)."
    )
    # The manager has no released rating: listed without an amount, never as zero.
    assert found[scene.manager.id].amount is None


async def test_only_hr_and_the_management_chain_see_recommendations(session):
    scene, _hr, cycle, _ = await world(session)
    boss_view = await recommendations.lines(session, plain_employee(session, scene.boss.id), cycle)
    assert {line.employee.id for line in boss_view} == {scene.manager.id, *[s.id for s in scene.subjects]}
    manager_view = await recommendations.lines(session, plain_employee(session, scene.manager.id), cycle)
    assert {line.employee.id for line in manager_view} == {s.id for s in scene.subjects}
    # A subject has no reports: the cycle itself is not found for them, like a missing one.
    await refused(ErrorCode.NOT_FOUND, ["cycleId"], cycles.get_cycle(session, plain_employee(session, scene.subjects[0].id),
                                                                    cycle.id))


async def test_a_formula_change_after_opening_leaves_the_cycle_on_its_pinned_version(session):
    scene, hr, cycle, _ = await world(session)
    await formulas.save_formula(session, hr, {**MULTIPLIERS, 4: D("1.5")}, BANDS)
    assert cycle.formula_version == 1
    amounts = [line.recommendation.amount for line in await recommendations.lines(session, hr, cycle)
               if line.employee.id == scene.subjects[1].id]
    assert amounts == [D("1250.00")]
    later = await cycles.create_cycle(session, hr, CycleSpec("Later", "10", "EUR"))
    assert (await cycles.advance_cycle(session, hr, later.id)).formula_version == 2
    changes = sorted(await session.scalars(select(AuditEntry).where(AuditEntry.action == "bonus_formula.changed")),
                     key=lambda entry: entry.after["version"])
    assert [c.after["version"] for c in changes] == [1, 2] and changes[1].before["ratingMultipliers"]["4"] == "1.25"


async def test_a_what_if_preview_shows_old_and_new_and_saves_nothing(session):
    scene, hr, cycle, _ = await world(session)
    before = (await session.scalar(select(func.count()).select_from(BonusFormulaVersion)),
              await session.scalar(select(func.count()).select_from(AuditEntry)))
    preview = await proposals.preview_formula(session, hr, cycle.id, {**MULTIPLIERS, 4: D("1.5")}, BANDS)
    assert (preview.version, preview.old_total, preview.new_total) == (2, D("2250.00"), D("2500.00"))
    assert (await session.scalar(select(func.count()).select_from(BonusFormulaVersion)),
            await session.scalar(select(func.count()).select_from(AuditEntry))) == before
    await refused(ErrorCode.FORBIDDEN, None, proposals.preview_formula(
        session, plain_employee(session, scene.boss.id), cycle.id, MULTIPLIERS, BANDS))


async def test_a_skip_level_manager_proposes_with_warnings_and_the_proposal_is_audited(session):
    scene, _hr, cycle, _ = await world(session, budget="1000")
    subject = scene.subjects[0]  # recommended 1000.00
    boss = plain_employee(session, scene.boss.id)
    made = await proposals.propose_bonus(session, boss, cycle.id, subject.id, "1300.004", "Shipped the launch")
    assert (made.proposal.amount, made.proposal.status, made.proposal.department_id) == (
        D("1300.00"), "PROPOSED", scene.department.id)
    assert made.warnings == [
        "Proposals total 1300.00, over the cycle budget of 1000.00.",
        "1300.00 is more than 20% away from the recommended 1000.00.",
    ]  # the department's share (2250.00 recommended in Platform) is not exceeded
    [entry] = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "bonus.proposed")))
    assert (entry.actor_employee_id, entry.subject_id, entry.before) == (scene.boss.id, made.proposal.id, None)
    assert entry.after["amount"] == "1300.00"


async def test_peers_the_employee_and_hr_do_not_propose_and_nothing_is_written(session):
    scene, hr, cycle, _ = await world(session)
    first, second = scene.subjects
    await refused(ErrorCode.NOT_FOUND, ["cycleId"], proposals.propose_bonus(
        session, plain_employee(session, first.id), cycle.id, second.id, "10", None))
    await refused(ErrorCode.FORBIDDEN, ["employeeId"], proposals.propose_bonus(session, hr, cycle.id, first.id, "10", None))
    # A manager of another team learns nothing about this employee.
    other = await make_employee(session)
    await make_employee(session, manager=other)
    await refused(ErrorCode.NOT_FOUND, ["employeeId"], proposals.propose_bonus(
        session, plain_employee(session, other.id), cycle.id, first.id, "10", None))
    await refused(ErrorCode.INVALID, ["amount"], proposals.propose_bonus(
        session, plain_employee(session, scene.manager.id), cycle.id, first.id, "-5", None))
    assert await session.scalar(select(func.count()).select_from(BonusProposal)) == 0
    assert "bonus.proposed" not in await audit_actions(session)


async def test_hr_approves_or_sends_back_and_an_approved_bonus_is_final(session):
    scene, hr, cycle, _ = await world(session)
    manager = plain_employee(session, scene.manager.id)
    first = (await proposals.propose_bonus(session, manager, cycle.id, scene.subjects[0].id, "1000", None)).proposal
    second = (await proposals.propose_bonus(session, manager, cycle.id, scene.subjects[1].id, "900", None)).proposal
    await refused(ErrorCode.FORBIDDEN, None, proposals.approve_proposal(session, manager, first.id))
    await refused(ErrorCode.REQUIRED, ["reason"], proposals.send_back_proposal(session, hr, second.id, " "))
    assert (await proposals.approve_proposal(session, hr, first.id)).status == "APPROVED"
    back = await proposals.send_back_proposal(session, hr, second.id, "Below the recommendation without a note")
    assert (back.status, back.decision_reason, back.decided_by) == ("SENT_BACK", "Below the recommendation without a note", scene.hr.id)
    await refused(ErrorCode.INVALID_STATE, ["employeeId"], proposals.propose_bonus(
        session, manager, cycle.id, scene.subjects[0].id, "2000", None))
    again = await proposals.propose_bonus(session, manager, cycle.id, scene.subjects[1].id, "1250", "Fixed")
    assert (again.proposal.id, again.proposal.status, again.warnings) == (second.id, "PROPOSED", [])
    sent_back = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "bonus.sent_back"))).one()
    assert (sent_back.before["status"], sent_back.after["status"], sent_back.after["reason"]) == (
        "PROPOSED", "SENT_BACK", "Below the recommendation without a note")
    assert (await session.scalars(select(AuditEntry).where(AuditEntry.action == "bonus.approved"))).one().actor_employee_id == scene.hr.id


async def test_budgets_roll_up_department_subtrees(session):
    scene, hr, cycle, company = await world(session)
    manager = plain_employee(session, scene.manager.id)
    first = (await proposals.propose_bonus(session, manager, cycle.id, scene.subjects[0].id, "1000", None)).proposal
    await proposals.propose_bonus(session, manager, cycle.id, scene.subjects[1].id, "1100.50", None)
    await proposals.approve_proposal(session, hr, first.id)
    rows = {b.department.id: (b.recommended, b.proposed, b.approved) for b in await proposals.budget_roll_up(session, hr, cycle.id)}
    assert rows[scene.department.id] == (D("2250.00"), D("2100.50"), D("1000.00"))
    assert rows[company.id] == rows[scene.department.id]  # the parent sums its subtree
    await refused(ErrorCode.FORBIDDEN, None, proposals.budget_roll_up(session, manager, cycle.id))


async def test_every_cycle_transition_is_audited_and_a_closed_cycle_stays_closed(session):
    scene, hr, cycle, _ = await world(session)
    await cycles.advance_cycle(session, hr, cycle.id)
    closed = await cycles.advance_cycle(session, hr, cycle.id)
    assert closed.status == "CLOSED"
    await refused(ErrorCode.INVALID_STATE, ["cycleId"], cycles.advance_cycle(session, hr, cycle.id))
    await refused(ErrorCode.FORBIDDEN, None, cycles.advance_cycle(session, plain_employee(session, scene.boss.id), cycle.id))
    entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.subject_id == cycle.id)))
    assert sorted((e.action, e.before and e.before["status"]) for e in entries) == [
        ("compensation_cycle.approval", "OPEN"), ("compensation_cycle.closed", "APPROVAL"),
        ("compensation_cycle.created", None), ("compensation_cycle.open", "DRAFT"),
    ]


async def test_an_employee_sees_their_bonus_only_once_approved_and_the_cycle_closed(session):
    scene, hr, cycle, _ = await world(session)
    subject = scene.subjects[0]
    made = (await proposals.propose_bonus(session, plain_employee(session, scene.manager.id), cycle.id, subject.id, "1000", None)).proposal
    await proposals.approve_proposal(session, hr, made.id)
    me = plain_employee(session, subject.id)
    assert await proposals.own_bonus(session, me, cycle.id) is None
    await cycles.advance_cycle(session, hr, cycle.id)
    await cycles.advance_cycle(session, hr, cycle.id)
    assert (await proposals.own_bonus(session, me, cycle.id)).amount == D("1000.00")


async def test_a_managers_recommendation_uses_the_band_of_their_leadership_index(session):
    scene, hr, cycle, _ = await world(session)
    # The manager was a subject of the released cycle too, calibrated to 4. Their index over
    # that cycle's period rests on whatever team data exists (here: 25.00).
    from domain.reviews.models import CycleParticipant

    scene.manager.job_level_id = scene.subjects[0].job_level_id
    session.add(CycleParticipant(tenant_id=session_tenant(session), cycle_id=scene.cycle.id, subject_id=scene.manager.id))
    await session.flush()
    session.add(CalibrationAdjustment(tenant_id=session_tenant(session), cycle_id=scene.cycle.id,
                                      subject_id=scene.manager.id, previous_rating=None, rating=4, reason="Team grew",
                                      adjusted_by=scene.hr.id))
    await session.flush()
    [line] = [line for line in await recommendations.lines(session, hr, cycle) if line.employee.id == scene.manager.id]
    assert (line.recommendation.amount, line.recommendation.leadership_score) == (D("1250.00"), D("25.00"))
    assert "x leadership score 25.00 multiplier 1 (band from 0) = 1250.00 EUR" in line.recommendation.explanation
    # A band from 20 would lift it by 1.2: the what-if shows it, the cycle keeps its formula.
    preview = await proposals.preview_formula(session, hr, cycle.id, MULTIPLIERS, [Band(D(0), D(1)), Band(D(20), D("1.2"))])
    [row] = [row for row in preview.lines if row.employee.id == scene.manager.id]
    assert (row.old.amount, row.new.amount, row.new.leadership_multiplier) == (D("1250.00"), D("1500.00"), D("1.2"))
