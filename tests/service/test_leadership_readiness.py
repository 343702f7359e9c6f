"""The leadership effectiveness index and promotion readiness on a small tenant with known data.

Scene: manager M (under boss S) leads A, B, C, D in department Team; everyone hired 2025-01-01.
Period: March 2026; the previous period of equal length is 29 Jan .. 28 Feb.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select, text

from domain.audit import AuditEntry
from domain.competencies.scale import ensure_scale
from domain.errors import DomainError, ErrorCode
from domain.insights.index_rules import DEFAULT_WEIGHTS, Component
from domain.insights.leadership import (
    index_weights,
    leadership_effectiveness,
    set_index_weights,
)
from domain.insights.readiness import (
    promotion_candidates,
    promotion_readiness,
    set_promotion_criteria,
)
from domain.insights.readiness_rules import CriterionKind, Verdict
from domain.persistence import session_tenant
from tests.factories import hr_admin, make_department, make_employee, plain_employee

MARCH, MARCH_END = date(2026, 3, 1), date(2026, 3, 31)
HIRED = date(2025, 1, 1)
TODAY = date(2026, 6, 1)


async def _sql(session, statement: str, **params) -> None:
    await session.execute(text(statement), {"t": session_tenant(session), **params})


@pytest.fixture
async def scene(session):
    team = await make_department(session, "Leadership Team")
    s = await make_employee(session, name="S", department=team, hire_date=HIRED)
    m = await make_employee(session, name="M", department=team, manager=s, hire_date=HIRED)
    people = {"team": team, "s": s, "m": m}
    for name in "ABCD":
        people[name.lower()] = await make_employee(session, name=name, department=team, manager=m, hire_date=HIRED)
    people["outsider"] = await make_employee(session, name="O", hire_date=HIRED)
    leadership = uuid.uuid4()
    await _sql(session, "INSERT INTO competencies (tenant_id, id, name, category) VALUES (:t, :id, 'Coaching', 'LEADERSHIP')",
               id=leadership)
    people["leadership"] = leadership
    await ensure_scale(session)  # assessments and expectations point at the proficiency scale
    # A and B give feedback in March: participation 2/4 at 31 March; nobody in the previous period.
    for giver in (people["a"], people["b"]):
        await _sql(session, "INSERT INTO feedback (tenant_id, id, giver_id, receiver_id, body, kind, visibility, created_at) "
                            "VALUES (:t, :id, :g, :r, 'x', 'PRAISE', 'PRIVATE', '2026-03-20 12:00+00')",
                   id=uuid.uuid4(), g=giver.id, r=m.id)
    return people


async def _released_cycle(session, period_end: str = "2026-03-31") -> uuid.UUID:
    template, cycle = uuid.uuid4(), uuid.uuid4()
    await _sql(session, "INSERT INTO review_templates (tenant_id, id, name) VALUES (:t, :id, :name)", id=template, name=f"T {template}")
    await _sql(session, "INSERT INTO review_cycles (tenant_id, id, name, period_start, period_end, status, reviewer_kinds, "
                        "template_id) VALUES (:t, :id, 'H1', '2026-01-01', :end, 'RELEASED', "
                        "ARRAY['SELF', 'MANAGER', 'DIRECT_REPORT'], :tpl)",
               id=cycle, end=date.fromisoformat(period_end), tpl=template)
    return cycle


async def _upward(session, cycle, manager, ratings: list, competency) -> None:
    """Submitted DIRECT_REPORT reviews of the manager, one leadership answer each."""
    await _sql(session, "INSERT INTO cycle_participants (tenant_id, cycle_id, subject_id) VALUES (:t, :c, :s)", c=cycle, s=manager.id)
    for reviewer, rating in ratings:
        review = uuid.uuid4()
        await _sql(session, "INSERT INTO reviews (tenant_id, id, cycle_id, subject_id, reviewer_id, kind, status, submitted_at) "
                            "VALUES (:t, :id, :c, :s, :r, 'DIRECT_REPORT', 'SUBMITTED', '2026-03-20 12:00+00')", id=review, c=cycle, s=manager.id,
                   r=reviewer.id)
        await _sql(session, "INSERT INTO review_answers (tenant_id, id, review_id, competency_id, rating) "
                            "VALUES (:t, :id, :rv, :comp, :rating)", id=uuid.uuid4(), rv=review, comp=competency, rating=rating)


async def _assess(session, employee, competency, level: int, day: str, source: str = "MANAGER") -> None:
    await _sql(session, "INSERT INTO competency_assessments (tenant_id, id, employee_id, competency_id, level, source, assessed_on) "
                        "VALUES (:t, :id, :e, :c, :l, :s, :d)", id=uuid.uuid4(), e=employee.id, c=competency, l=level,
               s=source, d=date.fromisoformat(day))


def _components(result):
    return {p.component: p for p in result.index.components}


# --- the index ---------------------------------------------------------------------------


async def test_the_index_leaves_components_without_data_out_and_renormalises_the_rest(session, scene):
    result = await leadership_effectiveness(session, hr_admin(session), scene["m"].id, MARCH, MARCH_END)
    parts = _components(result)
    # Present: feedback 2/4, cadence 0/4 (no series: a real zero), retention 4/4; weights 15+15+10 = 40.
    assert (parts[Component.FEEDBACK_PARTICIPATION].value, parts[Component.FEEDBACK_PARTICIPATION].rests_on) == (D("0.5"), 4)
    assert (parts[Component.ONE_ON_ONE_CADENCE].value, parts[Component.ONE_ON_ONE_CADENCE].present) == (D(0), True)
    assert parts[Component.RETENTION].value == D(1)
    assert parts[Component.RETENTION].effective_weight == D(25)
    for missing in (Component.UPWARD_RATINGS, Component.GOAL_ATTAINMENT, Component.COMPETENCY_GROWTH):
        assert (parts[missing].present, parts[missing].effective_weight, parts[missing].rests_on) == (False, D(0), 0)
    # 0.5 x 37.5 + 0 x 37.5 + 1 x 25
    assert result.index.score == D("43.75")
    # Previous period (29 Jan .. 28 Feb): feedback 0/4, cadence 0/4, retention 4/4 -> 25.
    assert (result.previous_start, result.previous_end) == (date(2026, 1, 29), date(2026, 2, 28))
    assert result.previous.score == D("25.00")
    assert result.trend == D("18.75")
    assert "Left out for lack of data" in result.explanation and "Trend +18.75" in result.explanation


async def test_the_index_with_every_component_present_uses_the_default_weights(session, scene):
    s = scene
    cycle = await _released_cycle(session)
    await _upward(session, cycle, s["m"], [(s["a"], 4), (s["b"], 4), (s["c"], 5)], s["leadership"])
    await _sql(session, "INSERT INTO goals (tenant_id, id, title, owner_id, kind, scope, status, visibility, start_date, due_date) "
                        "VALUES (:t, :id, 'g', :o, 'PERFORMANCE', 'INDIVIDUAL', 'COMPLETED', 'PUBLIC', '2026-01-01', '2026-03-10')",
               id=uuid.uuid4(), o=s["a"].id)
    await _assess(session, s["a"], s["leadership"], 2, "2026-02-01")
    await _assess(session, s["a"], s["leadership"], 3, "2026-03-15")
    series = uuid.uuid4()
    low, high = sorted([s["m"].id, s["a"].id])
    await _sql(session, "INSERT INTO one_on_ones (tenant_id, id, first_id, second_id, cadence, started_on) "
                        "VALUES (:t, :id, :a, :b, 'WEEKLY', '2026-03-01')", id=series, a=low, b=high)
    await _sql(session, "INSERT INTO one_on_one_meetings (tenant_id, id, one_on_one_id, scheduled_on, held_on, status) "
                        "VALUES (:t, :id, :s, '2026-03-28', '2026-03-28', 'HELD')", id=uuid.uuid4(), s=series)
    result = await leadership_effectiveness(session, hr_admin(session), s["m"].id, MARCH, MARCH_END)
    parts = _components(result)
    assert all(p.present for p in parts.values())
    # Upward: average 4.33 of 3 answers on 1..5 -> (4.33 - 1) / 4 = 0.8325.
    assert (parts[Component.UPWARD_RATINGS].raw, parts[Component.UPWARD_RATINGS].value) == (D("4.33"), D("0.8325"))
    assert parts[Component.UPWARD_RATINGS].rests_on == 3
    assert parts[Component.GOAL_ATTAINMENT].value == D(1)
    assert parts[Component.ONE_ON_ONE_CADENCE].value == D("0.25")
    assert (parts[Component.COMPETENCY_GROWTH].raw, parts[Component.COMPETENCY_GROWTH].value) == (D(1), D(1))
    assert [parts[c].effective_weight for c in Component] == [D(w) for w in DEFAULT_WEIGHTS.values()]
    # 0.8325x30 + 1x20 + 0.5x15 + 0.25x15 + 1x10 + 1x10 = 76.225 -> 76.22 (half-even)
    assert result.index.score == D("76.22")


async def test_upward_ratings_from_fewer_people_than_the_threshold_are_left_out_not_zero(session, scene):
    s = scene
    cycle = await _released_cycle(session)
    await _upward(session, cycle, s["m"], [(s["a"], 1), (s["b"], 1)], s["leadership"])  # 2 < threshold 3
    result = await leadership_effectiveness(session, hr_admin(session), s["m"].id, MARCH, MARCH_END)
    upward = _components(result)[Component.UPWARD_RATINGS]
    assert (upward.present, upward.value, upward.rests_on) == (False, None, 0)
    assert result.index.score == D("43.75")  # exactly as with no answers at all


async def test_the_index_is_visible_to_the_manager_their_managers_and_hr_only(session, scene):
    s = scene
    seen = {}
    for who in ("m", "s", "a", "outsider"):
        seen[who] = await leadership_effectiveness(session, plain_employee(session, s[who].id), s["m"].id, MARCH, MARCH_END)
    assert seen["m"].index.score == seen["s"].index.score == D("43.75")
    assert seen["a"] is None and seen["outsider"] is None
    # Someone without reports has no index at all, even for HR.
    assert await leadership_effectiveness(session, hr_admin(session), s["a"].id, MARCH, MARCH_END) is None


async def test_changing_the_weights_is_for_hr_and_audited(session, scene):
    s = scene
    weights = {**DEFAULT_WEIGHTS, Component.RETENTION: 0}
    with pytest.raises(DomainError) as refused:
        await set_index_weights(session, plain_employee(session, s["m"].id), weights)
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert await index_weights(session) == DEFAULT_WEIGHTS
    await set_index_weights(session, hr_admin(session, s["s"].id), weights)
    assert await index_weights(session) == weights
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "leadership_index.weights_changed"))
    assert (entry.before["RETENTION"], entry.after["RETENTION"], entry.actor_employee_id) == (10, 0, s["s"].id)
    # Retention now weighs nothing: feedback 0.5 and cadence 0 at 50 each.
    result = await leadership_effectiveness(session, hr_admin(session), s["m"].id, MARCH, MARCH_END)
    assert result.index.score == D("25.00")


# --- promotion readiness -------------------------------------------------------------------


async def _levels(session, leadership) -> tuple[uuid.UUID, uuid.UUID]:
    senior, lead = uuid.uuid4(), uuid.uuid4()
    await _sql(session, "INSERT INTO job_levels (tenant_id, id, name, rank, track) VALUES "
                        "(:t, :s, 'Senior', 3, 'INDIVIDUAL_CONTRIBUTOR'), (:t, :l, 'Team lead', 1, 'MANAGER')", s=senior, l=lead)
    await _sql(session, "INSERT INTO job_level_expectations (tenant_id, job_level_id, competency_id, expected_level) "
                        "VALUES (:t, :l, :c, 3)", l=lead, c=leadership)
    return senior, lead


async def _final(session, cycle, subject, rating: int, adjuster) -> None:
    await _sql(session, "INSERT INTO cycle_participants (tenant_id, cycle_id, subject_id) VALUES (:t, :c, :s)", c=cycle, s=subject.id)
    await _sql(session, "INSERT INTO calibration_adjustments (tenant_id, id, cycle_id, subject_id, previous_rating, rating, reason, "
                        "adjusted_by) VALUES (:t, :id, :c, :s, 3, :r, 'calibrated', :by)",
               id=uuid.uuid4(), c=cycle, s=subject.id, r=rating, by=adjuster.id)


@pytest.fixture
async def readiness_scene(session, scene):
    s = scene
    senior, lead = await _levels(session, s["leadership"])
    await _sql(session, "UPDATE employees SET job_level_id = :l WHERE id = ANY(:ids)", l=lead, ids=[s["m"].id, s["s"].id])
    await _sql(session, "UPDATE employees SET hire_date = '2026-01-01' WHERE id = :id", id=s["d"].id)
    for who in ("m", "s", "d"):
        await session.refresh(s[who])  # the raw updates above bypass the identity map
    cycle = await _released_cycle(session)
    for who, rating in (("a", 4), ("b", 3), ("d", 4)):
        await _final(session, cycle, s[who], rating, s["s"])
    await _assess(session, s["a"], s["leadership"], 3, "2026-04-01")
    await _assess(session, s["b"], s["leadership"], 2, "2026-04-01")
    await _assess(session, s["c"], s["leadership"], 5, "2026-04-01", source="SELF")  # self-assessments are no evidence
    await _assess(session, s["d"], s["leadership"], 3, "2026-04-01")
    await set_promotion_criteria(session, hr_admin(session, s["s"].id), lead, D("3.5"), 12, [], None)
    return {**s, "lead": lead, "senior": senior, "cycle": cycle}


async def test_readiness_lists_each_criterion_with_evidence_and_defaults_leadership_for_manager_levels(session, readiness_scene):
    s = readiness_scene
    ready = await promotion_readiness(session, hr_admin(session), s["a"].id, s["lead"], TODAY)
    assert ready.verdict == Verdict.READY
    by_kind = {c.kind: c for c in ready.criteria}
    assert set(by_kind) == {CriterionKind.FINAL_RATING, CriterionKind.TENURE, CriterionKind.COMPETENCY}
    assert (by_kind[CriterionKind.FINAL_RATING].actual, by_kind[CriterionKind.FINAL_RATING].required) == (D(4), D("3.5"))
    assert "H1" in by_kind[CriterionKind.FINAL_RATING].evidence
    assert by_kind[CriterionKind.TENURE].actual == D(17)
    competency = by_kind[CriterionKind.COMPETENCY]
    assert (competency.competency_id, competency.required, competency.actual) == (s["leadership"], D(3), D(3))
    assert "required by default for a manager-track level" in competency.evidence


async def test_readiness_verdicts_for_close_one_short_and_far_candidates(session, readiness_scene):
    s = readiness_scene
    verdicts = {
        who: (await promotion_readiness(session, hr_admin(session), s[who].id, s["lead"], TODAY)).verdict
        for who in "abcd"
    }
    # B: rating 3 (0.5 short) and level 2 (one short): both close. C: no rating, only a self-assessment.
    # D: everything but tenure (5 months of 12).
    assert verdicts == {"a": Verdict.READY, "b": Verdict.NEARLY, "c": Verdict.NOT_YET, "d": Verdict.NEARLY}


async def test_an_individual_contributor_level_has_no_default_leadership_requirement(session, readiness_scene):
    s = readiness_scene
    await set_promotion_criteria(session, hr_admin(session, s["s"].id), s["senior"], None, None, [(s["leadership"], 4)], None)
    result = await promotion_readiness(session, hr_admin(session), s["a"].id, s["senior"], TODAY)
    assert [(c.kind, c.required, c.actual, c.met) for c in result.criteria] == [(CriterionKind.COMPETENCY, D(4), D(3), False)]
    assert result.verdict == Verdict.NEARLY


async def test_readiness_is_visible_to_the_employee_their_managers_and_hr_only(session, readiness_scene):
    s = readiness_scene
    for who in ("a", "m", "s"):
        assert (await promotion_readiness(session, plain_employee(session, s[who].id), s["a"].id, s["lead"], TODAY)) is not None
    for who in ("b", "outsider"):
        assert (await promotion_readiness(session, plain_employee(session, s[who].id), s["a"].id, s["lead"], TODAY)) is None


async def test_candidates_are_ordered_by_verdict_and_only_for_hr(session, readiness_scene):
    s = readiness_scene
    found = await promotion_candidates(session, hr_admin(session), s["team"].id, s["lead"], TODAY)
    # M and S are already team leads: not candidates.
    assert [(e.name, r.verdict) for e, r in found] == [
        ("A", Verdict.READY), ("B", Verdict.NEARLY), ("D", Verdict.NEARLY), ("C", Verdict.NOT_YET)
    ]
    with pytest.raises(DomainError) as refused:
        await promotion_candidates(session, plain_employee(session, s["m"].id), s["team"].id, s["lead"], TODAY)
    assert refused.value.code == ErrorCode.FORBIDDEN


async def test_setting_criteria_checks_competencies_and_is_audited(session, readiness_scene):
    s = readiness_scene
    with pytest.raises(DomainError) as wrong:
        await set_promotion_criteria(session, hr_admin(session), s["lead"], None, None, [(uuid.uuid4(), 3)], None)
    assert (wrong.value.code, wrong.value.field) == (ErrorCode.NOT_FOUND, ["requiredCompetencies", "0", "competencyId"])
    with pytest.raises(DomainError) as off_scale:
        await set_promotion_criteria(session, hr_admin(session), s["lead"], None, None, [(s["leadership"], 9)], None)
    assert off_scale.value.code == ErrorCode.INVALID
    entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "promotion_criteria.set")))
    assert [(e.subject_id, e.after["minFinalRating"], e.after["minTenureMonths"]) for e in entries] == [(s["lead"], "3.50", 12)]
