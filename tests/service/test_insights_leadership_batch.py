"""The leadership index for many managers at once equals the index asked one manager at a time.

Scene (everyone hired 2025-01-01 unless said otherwise), department Batch:
  S heads M1, M2, M3 and E (E has no reports);
  M1 leads A1, A2 and M4 (a nested manager); M4 leads B1, B2;
  M2 leads C1 and had C2, who left on 2026-03-10 (the line survives only in manager_assignments);
  M3 leads D1, D2, D3 (D3 hired 2026-03-15).
Subtrees overlap (S holds everyone, M1 holds M4's team), so a batch that mixed scopes up would show.
Data in both March 2026 and the previous period (29 Jan .. 28 Feb): feedback, goals, 1:1s,
assessments and upward reviews, some under the anonymity threshold.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import text

from domain.competencies.scale import ensure_scale
from domain.errors import DomainError, ErrorCode
from domain.insights.leadership import leadership_effectiveness, leadership_effectiveness_many
from domain.persistence import session_tenant
from tests.factories import hr_admin, make_department, make_employee, plain_employee

MARCH, MARCH_END = date(2026, 3, 1), date(2026, 3, 31)
HIRED = date(2025, 1, 1)


async def _sql(session, statement: str, **params) -> None:
    await session.execute(text(statement), {"t": session_tenant(session), **params})


async def _feedback(session, giver, receiver, at: str) -> None:
    await _sql(session, "INSERT INTO feedback (tenant_id, id, giver_id, receiver_id, body, kind, visibility, created_at) "
                        "VALUES (:t, :id, :g, :r, 'x', 'PRAISE', 'PRIVATE', :at)",
               id=uuid.uuid4(), g=giver.id, r=receiver.id, at=datetime.fromisoformat(at))


async def _goal(session, owner, status: str, due: str, target: int | None = None, check_in: int | None = None) -> None:
    goal = uuid.uuid4()
    await _sql(session, "INSERT INTO goals (tenant_id, id, title, owner_id, kind, scope, status, visibility, start_date, due_date, "
                        "metric_name, metric_unit, metric_baseline, metric_target, metric_direction) VALUES (:t, :id, 'g', :o, "
                        "'PERFORMANCE', 'INDIVIDUAL', :st, 'PUBLIC', '2026-01-01', :due, :mn, :mu, :mb, :mt, :md)",
               id=goal, o=owner.id, st=status, due=date.fromisoformat(due), mn="n" if target else None, mu="u" if target else None,
               mb=0 if target else None, mt=target, md="INCREASE" if target else None)
    if check_in is not None:
        await _sql(session, "INSERT INTO goal_check_ins (tenant_id, id, goal_id, value, confidence, checked_in_on) "
                            "VALUES (:t, :id, :g, :v, 'ON_TRACK', CAST(:due AS date) - 1)", id=uuid.uuid4(), g=goal, v=check_in,
                   due=date.fromisoformat(due))


async def _one_on_one(session, manager, report, cadence: str, started: str, held: list[str]) -> None:
    series = uuid.uuid4()
    low, high = sorted([manager.id, report.id])
    await _sql(session, "INSERT INTO one_on_ones (tenant_id, id, first_id, second_id, cadence, started_on) "
                        "VALUES (:t, :id, :a, :b, :c, :s)", id=series, a=low, b=high, c=cadence,
               s=date.fromisoformat(started))
    for day in held:
        await _sql(session, "INSERT INTO one_on_one_meetings (tenant_id, id, one_on_one_id, scheduled_on, held_on, status) "
                            "VALUES (:t, :id, :s, :d, :d, 'HELD')", id=uuid.uuid4(), s=series,
                   d=date.fromisoformat(day))


async def _assess(session, employee, competency, level: int, day: str, source: str = "MANAGER") -> None:
    await _sql(session, "INSERT INTO competency_assessments (tenant_id, id, employee_id, competency_id, level, source, assessed_on) "
                        "VALUES (:t, :id, :e, :c, :l, :s, :d)", id=uuid.uuid4(), e=employee.id, c=competency,
               l=level, s=source, d=date.fromisoformat(day))


async def _released_cycle(session, period_end: str) -> uuid.UUID:
    template, cycle = uuid.uuid4(), uuid.uuid4()
    await _sql(session, "INSERT INTO review_templates (tenant_id, id, name) VALUES (:t, :id, :name)", id=template, name=f"T {template}")
    await _sql(session, "INSERT INTO review_cycles (tenant_id, id, name, period_start, period_end, status, reviewer_kinds, "
                        "template_id) VALUES (:t, :id, :name, '2025-10-01', :end, 'RELEASED', "
                        "ARRAY['SELF', 'MANAGER', 'DIRECT_REPORT'], :tpl)", id=cycle, name=f"Cycle {cycle}",
               end=date.fromisoformat(period_end), tpl=template)
    return cycle


async def _upward(session, cycle, manager, ratings: list, competency) -> None:
    await _sql(session, "INSERT INTO cycle_participants (tenant_id, cycle_id, subject_id) VALUES (:t, :c, :s)", c=cycle, s=manager.id)
    for reviewer, rating in ratings:
        review = uuid.uuid4()
        await _sql(session, "INSERT INTO reviews (tenant_id, id, cycle_id, subject_id, reviewer_id, kind, status, submitted_at) "
                            "VALUES (:t, :id, :c, :s, :r, 'DIRECT_REPORT', 'SUBMITTED', '2026-03-20 12:00+00')",
                   id=review, c=cycle, s=manager.id, r=reviewer.id)
        await _sql(session, "INSERT INTO review_answers (tenant_id, id, review_id, competency_id, rating) "
                            "VALUES (:t, :id, :rv, :comp, :rating)", id=uuid.uuid4(), rv=review, comp=competency, rating=rating)


@pytest.fixture
async def org(session) -> dict:
    dept = await make_department(session, "Batch")
    p: dict = {}

    async def person(name: str, manager: str | None = None, hired: date = HIRED) -> None:
        p[name] = await make_employee(session, name=name, department=dept, manager=p.get(manager), hire_date=hired)

    await person("S")
    for name in ("M1", "M2", "M3", "E"):
        await person(name, "S")
    for name, manager in (("A1", "M1"), ("A2", "M1"), ("M4", "M1"), ("B1", "M4"), ("B2", "M4"), ("C1", "M2"), ("C2", "M2"),
                          ("D1", "M3"), ("D2", "M3")):
        await person(name, manager)
    await person("D3", "M3", date(2026, 3, 15))
    await person("O")
    # C2 left: their current line is cleared, as termination does.
    await _sql(session, "UPDATE employees SET termination_date = '2026-03-10', status = 'TERMINATED', manager_id = NULL "
                        "WHERE id = :id", id=p["C2"].id)
    await session.refresh(p["C2"])
    return p


@pytest.fixture
async def varied(session, org) -> dict:
    p = org
    coaching, craft = uuid.uuid4(), uuid.uuid4()
    await _sql(session, "INSERT INTO competencies (tenant_id, id, name, category) VALUES (:t, :a, 'Coach', 'LEADERSHIP'), "
                        "(:t, :b, 'Craft', 'CRAFT')", a=coaching, b=craft)
    await ensure_scale(session)
    for giver, receiver, at in (("A1", "M1", "2026-03-20 12:00+00"), ("B1", "M4", "2026-03-02 08:00+00"),
                                ("B2", "A1", "2026-02-10 08:00+00"), ("C1", "M2", "2026-02-25 08:00+00"),
                                ("D1", "M3", "2026-03-30 23:30+00"), ("D2", "D1", "2026-01-05 10:00+00"),
                                ("M4", "M1", "2026-03-15 10:00+00")):
        await _feedback(session, p[giver], p[receiver], at)
    await _goal(session, p["A1"], "COMPLETED", "2026-03-10")
    await _goal(session, p["A2"], "ACTIVE", "2026-03-20", target=10, check_in=12)
    await _goal(session, p["B1"], "ACTIVE", "2026-03-25", target=10, check_in=3)
    await _goal(session, p["B2"], "COMPLETED", "2026-02-14")
    await _goal(session, p["C1"], "ACTIVE", "2026-02-20")
    await _goal(session, p["D2"], "DRAFT", "2026-03-05")
    await _goal(session, p["M4"], "COMPLETED", "2026-03-28")
    await _one_on_one(session, p["M1"], p["A1"], "WEEKLY", "2026-02-01", ["2026-02-20", "2026-03-27"])
    await _one_on_one(session, p["M4"], p["B1"], "MONTHLY", "2026-01-01", ["2026-02-01", "2026-03-05"])
    await _one_on_one(session, p["M3"], p["D1"], "BIWEEKLY", "2026-03-01", [])
    await _one_on_one(session, p["S"], p["M2"], "WEEKLY", "2025-12-01", ["2026-03-29"])
    for who, level, day in (("A1", 2, "2026-01-10"), ("A1", 3, "2026-03-12"), ("B1", 4, "2026-01-20"), ("B1", 3, "2026-03-01"),
                            ("B2", 1, "2026-02-01"), ("B2", 2, "2026-02-20"), ("D1", 3, "2026-03-03")):
        await _assess(session, p[who], craft, level, day)
    await _assess(session, p["D2"], craft, 5, "2026-03-04", source="SELF")
    march, february = await _released_cycle(session, "2026-03-31"), await _released_cycle(session, "2026-02-15")
    await _upward(session, march, p["M1"], [(p["A1"], 4), (p["A2"], 5), (p["M4"], 3)], coaching)
    await _upward(session, march, p["M4"], [(p["B1"], 2), (p["B2"], 2)], coaching)  # under the threshold of 3
    await _upward(session, february, p["M3"], [(p["D1"], 5), (p["D2"], 4), (p["D3"], 4)], coaching)
    await _upward(session, march, p["M3"], [(p["D1"], 3), (p["D2"], 3), (p["D3"], 2)], coaching)
    return p


MANAGERS = ("S", "M1", "M2", "M3", "M4", "E", "A1", "O")


def _outcome(result) -> tuple | None:
    """Every number and word the index reports, as plain data."""
    if result is None:
        return None
    return (result.manager_id, result.start, result.end, result.index, result.previous, result.previous_start,
            result.previous_end, result.trend, result.explanation)


@pytest.mark.parametrize("who", ["hr", "S", "M1", "A1"])
async def test_the_batch_equals_one_manager_at_a_time(session, varied, who):
    p = varied
    actor = hr_admin(session) if who == "hr" else plain_employee(session, p[who].id)
    ids = [p[name].id for name in MANAGERS]
    one_by_one = {i: _outcome(await leadership_effectiveness(session, actor, i, MARCH, MARCH_END)) for i in ids}
    batched = {i: _outcome(r) for i, r in (await leadership_effectiveness_many(session, actor, ids, MARCH, MARCH_END)).items()}
    assert batched == one_by_one
    assert sum(r is not None for r in batched.values()) == {"hr": 5, "S": 5, "M1": 2, "A1": 0}[who]


async def test_the_batch_keeps_the_scores_of_the_one_at_a_time_implementation(session, varied):
    """Scores (March, previous period) as computed before batching; every component has data for someone."""
    p = varied
    ids = [p[name].id for name in MANAGERS]
    found = await leadership_effectiveness_many(session, hr_admin(session), ids, MARCH, MARCH_END)
    scores = {name: (str(r.index.score), str(r.previous.score)) for name in MANAGERS if (r := found[p[name].id])}
    assert scores == {"S": ("53.30", "41.35"), "M1": ("67.50", "65.00"), "M2": ("12.50", "29.17"),
                      "M3": ("39.32", "49.96"), "M4": ("35.71", "75.00")}
    present = {part.component for r in found.values() if r for index in (r.index, r.previous)
               for part in index.components if part.present}
    assert len(present) == 6


async def test_unknown_managers_and_bad_periods(session, varied):
    p = varied
    unknown = uuid.uuid4()
    found = await leadership_effectiveness_many(session, hr_admin(session), [p["M1"].id, unknown], MARCH, MARCH_END)
    assert found[unknown] is None and found[p["M1"].id] is not None
    assert await leadership_effectiveness_many(session, hr_admin(session), [], MARCH, MARCH_END) == {}
    for start, end, message in ((MARCH_END, MARCH, "end on or after"), (date(2010, 1, 1), MARCH_END, "ten years")):
        with pytest.raises(DomainError) as wrong:
            await leadership_effectiveness_many(session, hr_admin(session), [p["M1"].id], start, end)
        assert (wrong.value.code, wrong.value.field) == (ErrorCode.INVALID, ["period", "to"])
        assert message in wrong.value.message
