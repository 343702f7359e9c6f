"""Every metric on a small scene with known data: exact numerators, denominators and points.

The scene (all in department Root or its child Sub; boss M manages A, B, C and T; A manages D;
T leaves on 15 March; X is outside every scope):
    Root: M, A          Sub: B, C, D, T
Scopes used: manager M's subtree = {A, B, C, D, T}; department Root's subtree = {M, A, B, C, D, T}.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import text

from domain.errors import DomainError, ErrorCode
from domain.insights.metrics import (
    Grain,
    MetricName,
    Scope,
    metric_series,
    metric_value,
)
from domain.persistence import session_tenant
from tests.factories import make_department, make_employee

MARCH, MARCH_END = date(2026, 3, 1), date(2026, 3, 31)


async def _sql(session, statement: str, **params) -> None:
    await session.execute(text(statement), {"t": session_tenant(session), **params})


@pytest.fixture
async def scene(session):
    root = await make_department(session, "Metrics Root")
    sub = await make_department(session, "Metrics Sub", parent=root)
    hired = date(2025, 1, 1)
    m = await make_employee(session, name="M", department=root, hire_date=hired)
    a = await make_employee(session, name="A", department=root, manager=m, hire_date=hired)
    b = await make_employee(session, name="B", department=sub, manager=m, hire_date=hired)
    c = await make_employee(session, name="C", department=sub, manager=m, hire_date=hired)
    d = await make_employee(session, name="D", department=sub, manager=a, hire_date=date(2026, 3, 10))
    t = await make_employee(session, name="T", department=sub, manager=m, hire_date=hired)
    x = await make_employee(session, name="X", hire_date=hired)
    await _sql(session, "UPDATE employees SET termination_date = '2026-03-15', status = 'TERMINATED' WHERE id = :id", id=t.id)
    return {"root": root, "sub": sub, "m": m, "a": a, "b": b, "c": c, "d": d, "t": t, "x": x}


def _values(series):
    return [(p.at, p.value, p.numerator, p.denominator) for p in series.points]


async def test_feedback_participation_counts_givers_and_requesters_in_the_trailing_30_days(session, scene):
    s = scene
    gives = [(s["a"], "2026-02-10"), (s["c"], "2026-03-20"), (s["x"], "2026-03-20"), (s["t"], "2026-03-01")]
    for giver, day in gives:
        await _sql(
            session,
            "INSERT INTO feedback (tenant_id, id, giver_id, receiver_id, body, kind, visibility, created_at) "
            "VALUES (:t, :id, :g, :r, 'x', 'PRAISE', 'PRIVATE', CAST(:day AS date) + time '12:00')",
            id=uuid.uuid4(), g=giver.id, r=s["m"].id, day=date.fromisoformat(day),
        )
    await _sql(
        session,
        "INSERT INTO feedback_requests (tenant_id, id, requester_id, subject_id, question, due_date, visibility, created_at) "
        "VALUES (:t, :id, :b, :b, 'q', '2026-04-01', 'PRIVATE', '2026-03-10 09:00+00')",
        id=uuid.uuid4(), b=s["b"].id,
    )
    series = await metric_series(session, MetricName.FEEDBACK_PARTICIPATION_RATE, Scope.manager(s["m"].id), MARCH, MARCH_END, Grain.WEEK)
    # D is hired on 10 March (not active on the 7th); T leaves on the 15th (not active from the 21st).
    assert _values(series) == [
        (date(2026, 3, 7), D("0.5"), 2, 4),  # A (10 Feb), T (1 Mar) of A, B, C, T
        (date(2026, 3, 14), D("0.4"), 2, 5),  # B (request), T of A, B, C, D, T
        (date(2026, 3, 21), D("0.5"), 2, 4),  # B, C
        (date(2026, 3, 28), D("0.5"), 2, 4),
        (date(2026, 3, 31), D("0.5"), 2, 4),
    ]
    assert series.unit == "RATIO" and "trailing 30 days" in series.definition
    single = await metric_value(session, MetricName.FEEDBACK_PARTICIPATION_RATE, Scope.manager(s["m"].id), MARCH, MARCH_END)
    assert (single.value, single.numerator, single.denominator) == (D("0.5"), 2, 4)


async def test_review_completion_counts_submitted_over_assigned_for_subjects_in_scope(session, scene):
    s = scene
    template, cycle = uuid.uuid4(), uuid.uuid4()
    await _sql(session, "INSERT INTO review_templates (tenant_id, id, name) VALUES (:t, :id, 'Metrics template')", id=template)
    await _sql(
        session,
        "INSERT INTO review_cycles (tenant_id, id, name, period_start, period_end, reviewer_kinds, template_id, status) "
        "VALUES (:t, :id, 'Metrics cycle', '2026-01-01', '2026-03-31', ARRAY['SELF','MANAGER'], :tpl, 'ACTIVE')",
        id=cycle, tpl=template,
    )
    reviews = [  # subject, reviewer, kind, submitted on
        (s["a"], s["a"], "SELF", "2026-03-05"), (s["a"], s["m"], "MANAGER", "2026-03-20"),
        (s["b"], s["b"], "SELF", None), (s["b"], s["m"], "MANAGER", "2026-03-06"),
        (s["x"], s["x"], "SELF", "2026-03-01"),  # outside the scope
    ]
    for subject in {r[0].id for r in reviews}:
        await _sql(session, "INSERT INTO cycle_participants (tenant_id, cycle_id, subject_id) VALUES (:t, :c, :s)", c=cycle, s=subject)
    for subject, reviewer, kind, day in reviews:
        await _sql(
            session,
            "INSERT INTO reviews (tenant_id, id, cycle_id, subject_id, reviewer_id, kind, status, submitted_at) "
            "VALUES (:t, :id, :c, :s, :r, :k, CASE WHEN CAST(:day AS date) IS NULL THEN 'NOT_STARTED' ELSE 'SUBMITTED' END, "
            "CAST(:day AS date) + time '10:00')",
            id=uuid.uuid4(), c=cycle, s=subject.id, r=reviewer.id, k=kind, day=date.fromisoformat(day) if day else None,
        )
    series = await metric_series(
        session, MetricName.REVIEW_COMPLETION_RATE, Scope.manager(s["m"].id), MARCH, MARCH_END, Grain.MONTH, cycle_id=cycle
    )
    assert _values(series) == [(MARCH_END, D("0.75"), 3, 4)]
    weekly = await metric_series(
        session, MetricName.REVIEW_COMPLETION_RATE, Scope.manager(s["m"].id), MARCH, date(2026, 3, 14), Grain.WEEK, cycle_id=cycle
    )
    assert _values(weekly) == [(date(2026, 3, 7), D("0.5"), 2, 4), (date(2026, 3, 14), D("0.5"), 2, 4)]
    with pytest.raises(DomainError) as missing:
        await metric_value(session, MetricName.REVIEW_COMPLETION_RATE, Scope.manager(s["m"].id), MARCH, MARCH_END)
    assert (missing.value.code, missing.value.field) == (ErrorCode.REQUIRED, ["cycleId"])


async def _goal(session, owner, due: str, status: str = "ACTIVE", target=None, direction="INCREASE") -> uuid.UUID:
    goal_id = uuid.uuid4()
    await _sql(
        session,
        "INSERT INTO goals (tenant_id, id, title, owner_id, kind, scope, status, visibility, start_date, due_date, "
        "metric_name, metric_baseline, metric_target, metric_direction) VALUES (:t, :id, 'g', :o, 'PERFORMANCE', "
        "'INDIVIDUAL', :st, 'PUBLIC', '2026-01-01', :due, CASE WHEN CAST(:target AS numeric) IS NULL THEN NULL ELSE 'n' END, "
        "CASE WHEN CAST(:target AS numeric) IS NULL THEN NULL ELSE 0 END, :target, "
        "CASE WHEN CAST(:target AS numeric) IS NULL THEN NULL ELSE :dir END)",
        id=goal_id, o=owner.id, st=status, due=date.fromisoformat(due), target=target, dir=direction,
    )
    return goal_id


async def _check_in(session, goal_id, value, day: str) -> None:
    await _sql(
        session,
        "INSERT INTO goal_check_ins (tenant_id, id, goal_id, value, confidence, checked_in_on) "
        "VALUES (:t, :id, :g, :v, 'ON_TRACK', :day)",
        id=uuid.uuid4(), g=goal_id, v=value, day=date.fromisoformat(day),
    )


async def test_goal_attainment_counts_completed_goals_and_targets_reached_by_the_due_date(session, scene):
    s = scene
    await _goal(session, s["a"], "2026-03-10", status="COMPLETED")  # attained
    reached = await _goal(session, s["b"], "2026-03-12", target=D(10))
    await _check_in(session, reached, D(11), "2026-03-11")  # attained
    late = await _goal(session, s["c"], "2026-03-25", target=D(10))
    await _check_in(session, late, D(12), "2026-03-26")  # reached after its due date: not attained
    await _check_in(session, late, D(5), "2026-03-20")
    lower = await _goal(session, s["d"], "2026-03-28", target=D(3), direction="DECREASE")
    await _check_in(session, lower, D(3), "2026-03-01")  # attained (3 <= 3)
    await _goal(session, s["b"], "2026-03-29", status="CANCELLED")  # not counted
    await _goal(session, s["x"], "2026-03-29", status="COMPLETED")  # outside the scope
    await _goal(session, s["a"], "2026-04-02", status="COMPLETED")  # due after the period
    series = await metric_series(session, MetricName.GOAL_ATTAINMENT_RATE, Scope.manager(s["m"].id), MARCH, MARCH_END, Grain.WEEK)
    assert _values(series) == [
        (date(2026, 3, 7), None, 0, 0),  # nothing due: no value, not zero
        (date(2026, 3, 14), D(1), 2, 2),
        (date(2026, 3, 21), None, 0, 0),
        (date(2026, 3, 28), D("0.5"), 1, 2),
        (date(2026, 3, 31), None, 0, 0),
    ]
    whole = await metric_value(session, MetricName.GOAL_ATTAINMENT_RATE, Scope.manager(s["m"].id), MARCH, MARCH_END)
    assert (whole.value, whole.numerator, whole.denominator) == (D("0.75"), 3, 4)


async def test_one_on_one_cadence_judges_each_report_with_the_cadence_rules(session, scene):
    s = scene

    async def series_with(first, second, cadence: str, started: str, held: list[str]) -> None:
        sid = uuid.uuid4()
        low, high = sorted([first.id, second.id])
        await _sql(
            session,
            "INSERT INTO one_on_ones (tenant_id, id, first_id, second_id, cadence, started_on) VALUES (:t, :id, :a, :b, :c, :s)",
            id=sid, a=low, b=high, c=cadence, s=date.fromisoformat(started),
        )
        for day in held:
            await _sql(
                session,
                "INSERT INTO one_on_one_meetings (tenant_id, id, one_on_one_id, scheduled_on, held_on, status) "
                "VALUES (:t, :id, :s, :d, :d, 'HELD')",
                id=uuid.uuid4(), s=sid, d=date.fromisoformat(day),
            )

    # WEEKLY allows 10 days since the last held 1:1, MONTHLY 37.
    await series_with(s["m"], s["a"], "WEEKLY", "2026-01-01", ["2026-03-01", "2026-03-15"])
    await series_with(s["m"], s["b"], "MONTHLY", "2026-02-05", [])
    await series_with(s["b"], s["c"], "WEEKLY", "2026-02-01", ["2026-03-10"])  # B is not C's manager: ignored
    series = await metric_series(
        session, MetricName.ONE_ON_ONE_CADENCE_RATE, Scope.department(s["root"].id), date(2026, 3, 5), date(2026, 3, 25), Grain.WEEK
    )
    # Reports in Root's subtree: A, B, C, T, and D from 10 March; T leaves on the 15th; M has no manager.
    assert _values(series) == [
        (date(2026, 3, 11), D("0.4"), 2, 5),  # A (10 days since 1 Mar), B (34 days since its start)
        (date(2026, 3, 18), D("0.25"), 1, 4),  # A (3 days); B late (41 > 37)
        (date(2026, 3, 25), D("0.25"), 1, 4),  # A (10 days)
    ]


async def test_recognition_rate_is_recognitions_given_per_active_employee_per_month(session, scene):
    s = scene
    given = [(s["a"], "2026-03-02"), (s["a"], "2026-03-29"), (s["b"], "2026-03-15"), (s["c"], "2026-03-16"),
             (s["t"], "2026-03-05"), (s["x"], "2026-03-05"), (s["a"], "2026-02-28")]
    for giver, day in given:
        await _sql(
            session,
            "INSERT INTO recognitions (tenant_id, id, giver_id, message, kind, visibility, created_at) "
            "VALUES (:t, :id, :g, 'thanks', 'KUDOS', 'PUBLIC', CAST(:day AS date) + time '08:00')",
            id=uuid.uuid4(), g=giver.id, day=date.fromisoformat(day),
        )
    series = await metric_series(session, MetricName.RECOGNITION_RATE, Scope.manager(s["m"].id), MARCH, date(2026, 3, 30), Grain.MONTH)
    # 5 given in March by A, A, B, C and T (before leaving); 4 active on 30 March x 30/30 months.
    assert _values(series) == [(date(2026, 3, 30), D("1.25"), 5, 4)]
    assert series.unit == "PER_EMPLOYEE_PER_MONTH"


async def test_retention_is_the_share_of_those_active_at_the_start_still_active_at_the_end(session, scene):
    s = scene
    await _sql(session, "UPDATE employees SET termination_date = '2026-04-20' WHERE id = :id", id=s["c"].id)
    series = await metric_series(session, MetricName.RETENTION_RATE, Scope.manager(s["m"].id), MARCH, date(2026, 4, 30), Grain.MONTH)
    assert _values(series) == [
        (MARCH_END, D("0.75"), 3, 4),  # A, B, C, T active on 1 Mar (D hired later); T left
        (date(2026, 4, 30), D("0.75"), 3, 4),  # A, B, C, D on 1 Apr; C left
    ]


async def test_competency_growth_averages_level_changes_of_pairs_with_a_prior_level(session, scene):
    s = scene
    for level in range(1, 6):
        await _sql(session, "INSERT INTO proficiency_levels (tenant_id, level, name) VALUES (:t, :l, :n) ON CONFLICT DO NOTHING",
                   l=level, n=f"metrics level {level}")
    k1, k2 = uuid.uuid4(), uuid.uuid4()
    for kid, name in ((k1, "Metrics K1"), (k2, "Metrics K2")):
        await _sql(session, "INSERT INTO competencies (tenant_id, id, name, category) VALUES (:t, :id, :n, 'CORE')", id=kid, n=name)
    assessments = [
        (s["a"], k1, 2, "2026-01-10", "MANAGER"), (s["a"], k1, 4, "2026-03-15", "MANAGER"),  # +2
        (s["a"], k2, 3, "2026-03-05", "MANAGER"),  # first time: not counted
        (s["b"], k1, 3, "2026-02-01", "REVIEW"), (s["b"], k1, 2, "2026-03-20", "MANAGER"),  # -1
        (s["b"], k2, 2, "2026-02-01", "EVIDENCE"), (s["b"], k2, 3, "2026-03-03", "MANAGER"), (s["b"], k2, 4, "2026-03-25", "MANAGER"),
        (s["c"], k1, 1, "2026-01-01", "MANAGER"), (s["c"], k1, 5, "2026-03-10", "SELF"),  # self-assessments are ignored
        (s["x"], k1, 1, "2026-01-01", "MANAGER"), (s["x"], k1, 5, "2026-03-10", "MANAGER"),  # outside the scope
    ]
    for who, competency, level, day, source in assessments:
        await _sql(
            session,
            "INSERT INTO competency_assessments (tenant_id, id, employee_id, competency_id, level, source, assessed_on) "
            "VALUES (:t, :id, :e, :c, :l, :s, :d)",
            id=uuid.uuid4(), e=who.id, c=competency, l=level, s=source, d=date.fromisoformat(day),
        )
    month = await metric_value(session, MetricName.COMPETENCY_GROWTH, Scope.manager(s["m"].id), MARCH, MARCH_END)
    assert (month.value, month.numerator, month.denominator) == (D(1), 3, 3)  # (+2 - 1 + 2) / 3 pairs
    weekly = await metric_series(session, MetricName.COMPETENCY_GROWTH, Scope.manager(s["m"].id), MARCH, date(2026, 3, 14), Grain.WEEK)
    assert _values(weekly) == [
        (date(2026, 3, 7), D(1), 1, 1),  # B/K2: 2 -> 3 (A/K2 is a first assessment)
        (date(2026, 3, 14), None, 0, 0),
    ]


async def test_a_department_scope_covers_its_whole_subtree_and_nothing_else(session, scene):
    s = scene
    series = await metric_series(session, MetricName.RETENTION_RATE, Scope.department(s["sub"].id), MARCH, MARCH_END, Grain.MONTH)
    assert _values(series) == [(MARCH_END, D("0.6667"), 2, 3)]  # B, C, T on 1 Mar; T left
    root = await metric_value(session, MetricName.RETENTION_RATE, Scope.department(s["root"].id), MARCH, MARCH_END)
    assert (root.numerator, root.denominator) == (4, 5)  # M and A as well
