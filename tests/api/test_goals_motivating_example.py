"""The issue's motivating example, entered exactly and followed over time.

"Increase employee feedback participation by 30% within six months": a LEADERSHIP goal
of a manager, baseline 40 %, a relative 30% target (52), a six-month window.

The API half runs against the server's clock (UTC today), so the window is placed
relative to it: the goal started 60 days ago. The service half injects `today` and walks
the calendar (start, a third, two thirds, past due) without progress, showing health
worsen with time, and confidence make it worse but never better.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from domain.goals import check_ins, goals, queries
from domain.goals.check_ins import NewCheckIn
from domain.goals.goals import MeasureSpec, NewGoal
from domain.goals.models import Confidence, GoalKind, GoalStatus, Visibility
from domain.goals.rules import Health
from tests.factories import make_employee, plain_employee
from tests.support import clock

TITLE = "Increase employee feedback participation by 30% within six months"


def six_months_after(day: date) -> date:
    month = day.month + 6
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def share(part: int, whole: int) -> str:
    """How the expected progress is shown: days elapsed / days in the window, 4 places."""
    value = (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
    return format(value.normalize(), "f")


GOAL = """fragment state on Goal {
  title kind status startDate dueDate owner { name }
  metric { name unit baseline target relativeChangePercent direction current }
  progress { value explanation } health { status expectedProgress explanation }
  latestCheckIn { value confidence note }
}"""

CREATE = GOAL + """
mutation($input: CreateGoalInput!) { createGoal(input: $input) { goal { id ...state } errors { code field message } } }"""

CHECK_IN = GOAL + """
mutation($input: CheckInGoalInput!) { checkInGoal(input: $input) {
  checkIn { value confidence note author { name } checkedInOn } goal { ...state } errors { code field message } } }"""


async def test_the_feedback_participation_goal_followed_through_check_ins(tenant):
    today = clock.TODAY  # the server judges health on its (pinned) UTC date
    start = today - timedelta(days=60)
    due = six_months_after(start)
    window = (due - start).days
    expected = share(60, window)
    (manager,) = await tenant.import_rows([{"email": f"maria@{tenant.slug}.test", "name": "Maria Manager"}])
    token = tenant.token_for(f"maria@{tenant.slug}.test")

    created = await tenant.gql(CREATE, {"input": {
        "title": TITLE, "kind": "LEADERSHIP", "status": "ACTIVE", "visibility": "PUBLIC",
        "startDate": start.isoformat(), "dueDate": due.isoformat(),
        "metric": {"name": "Employee feedback participation", "unit": "%", "baseline": 40, "relativeChangePercent": 30},
    }}, token=token)
    payload = created.data["createGoal"]
    assert payload["errors"] == []
    goal = payload["goal"]
    assert {k: goal[k] for k in ("title", "kind", "status", "startDate", "dueDate", "owner")} == {
        "title": TITLE, "kind": "LEADERSHIP", "status": "ACTIVE", "startDate": start.isoformat(),
        "dueDate": due.isoformat(), "owner": {"name": "Maria Manager"},
    }
    assert goal["metric"] == {
        "name": "Employee feedback participation", "unit": "%", "baseline": 40, "target": 52,
        "relativeChangePercent": 30, "direction": "INCREASE", "current": None,
    }
    # Sixty days in and nothing measured yet: a third of the time gone, no progress.
    assert goal["progress"] == {"value": 0, "explanation": "metric: (40 - 40) / (52 - 40) = 0"}
    assert goal["health"] == {
        "status": "OFF_TRACK", "expectedProgress": float(expected),
        "explanation": f"progress 0 is {expected} behind the calendar (60 of {window} days elapsed, expected {expected})",
    }

    async def check_in(value: float, confidence: str, note: str) -> dict:
        result = await tenant.gql(CHECK_IN, {"input": {
            "goalId": goal["id"], "value": value, "confidence": confidence, "note": note,
        }}, token=token)
        body = result.data["checkInGoal"]
        assert body["errors"] == []
        assert body["checkIn"] == {
            "value": value, "confidence": confidence, "note": note, "author": {"name": "Maria Manager"},
            "checkedInOn": today.isoformat(),
        }
        assert body["goal"]["metric"]["current"] == value
        assert body["goal"]["latestCheckIn"] == {"value": value, "confidence": confidence, "note": note}
        return body["goal"]

    after = await check_in(43, "ON_TRACK", "first pulse survey")
    assert after["progress"] == {"value": 0.25, "explanation": "metric: (43 - 40) / (52 - 40) = 0.25"}
    assert after["health"]["status"] == "ON_TRACK"  # 0.25 is within 0.1 of the calendar
    assert after["health"]["explanation"] == f"progress 0.25 keeps pace (60 of {window} days elapsed, expected {expected})"

    after = await check_in(42, "AT_RISK", "survey fatigue")
    gap = format((Decimal(expected) - Decimal("0.1667")).normalize(), "f")
    assert after["progress"] == {"value": 0.1667, "explanation": "metric: (42 - 40) / (52 - 40) = 0.1667"}
    assert after["health"] == {
        "status": "AT_RISK", "expectedProgress": float(expected),
        "explanation": f"progress 0.1667 trails the calendar by {gap} (60 of {window} days elapsed, expected {expected})",
    }

    after = await check_in(46, "OFF_TRACK", "two teams stopped answering")
    assert after["progress"]["value"] == 0.5
    # Ahead of the calendar, but the owner says otherwise: the worse of the two wins.
    assert after["health"] == {
        "status": "OFF_TRACK", "expectedProgress": float(expected),
        "explanation": f"progress 0.5 keeps pace (60 of {window} days elapsed, expected {expected}); "
        "the latest check-in says OFF_TRACK",
    }

    after = await check_in(53, "ON_TRACK", "target beaten")
    assert after["progress"] == {"value": 1, "explanation": "metric: (53 - 40) / (52 - 40) = 1 (clamped)"}
    assert after["health"]["status"] == "ON_TRACK"
    assert after["health"]["explanation"] == "progress 1: the target is reached"

    history = await tenant.gql(
        """query($id: ID!) { goal(id: $id) { checkIns(first: 10) { edges { node { value confidence } } } } }""",
        {"id": goal["id"]}, token=token,
    )
    assert [e["node"] for e in history.data["goal"]["checkIns"]["edges"]] == [
        {"value": 53, "confidence": "ON_TRACK"}, {"value": 46, "confidence": "OFF_TRACK"},
        {"value": 42, "confidence": "AT_RISK"}, {"value": 43, "confidence": "ON_TRACK"},
    ]

    completed = await tenant.gql(
        """mutation($input: GoalIdInput!) { completeGoal(input: $input) {
             goal { status completedOn health { status expectedProgress explanation } } errors { code } } }""",
        {"input": {"id": goal["id"]}}, token=token,
    )
    assert completed.data["completeGoal"] == {
        "goal": {"status": "COMPLETED", "completedOn": today.isoformat(),
                 "health": {"status": "COMPLETED", "expectedProgress": None, "explanation": "completed"}},
        "errors": [],
    }


# --- the same goal on chosen dates (service level, injected clock) ----------------------------

START = date(2026, 1, 1)
DUE = six_months_after(START)  # 2026-07-01: 181 days
THIRD, TWO_THIRDS, LATE = START + timedelta(days=60), START + timedelta(days=121), DUE + timedelta(days=1)


async def test_without_progress_health_slides_from_on_track_to_off_track_as_time_passes(session):
    manager = await make_employee(session, name="Maria Manager")
    actor = plain_employee(session, manager.id)
    goal = await goals.create_goal(session, actor, NewGoal(
        title=TITLE, kind=GoalKind.LEADERSHIP, status=GoalStatus.ACTIVE, visibility=Visibility.PUBLIC,
        start_date=START, due_date=DUE,
        metric=MeasureSpec(name="Employee feedback participation", unit="%", baseline=Decimal(40),
                           relative_change_percent=Decimal(30)),
    ), START)
    assert (goal.metric_target, goal.metric_relative_change_percent) == (Decimal(52), Decimal(30))
    await check_ins.check_in(session, actor, NewCheckIn(goal.id, Decimal(42), Confidence.ON_TRACK), START)

    def judged(on: date, latest) -> queries.rules.HealthVerdict:
        return queries.health_of(goal, [], latest, on)

    latest = (await queries.latest_check_ins(session, [goal.id]))[goal.id]
    progress = queries.rules.goal_progress(goal, [])
    assert (progress.value, progress.explanation) == (Decimal("0.1667"), "metric: (42 - 40) / (52 - 40) = 0.1667")
    walk = [(on, judged(on, latest)) for on in (START - timedelta(days=1), START, THIRD, TWO_THIRDS, LATE)]
    assert [(on, v.health, v.expected_progress) for on, v in walk] == [
        (START - timedelta(days=1), Health.NOT_STARTED, Decimal(0)),
        (START, Health.ON_TRACK, Decimal(0)),
        (THIRD, Health.AT_RISK, Decimal("0.3315")),
        (TWO_THIRDS, Health.OFF_TRACK, Decimal("0.6685")),
        (LATE, Health.OFF_TRACK, Decimal(1)),
    ]
    assert [v.explanation for _, v in walk] == [
        "starts on 2026-01-01",
        "progress 0.1667 keeps pace (0 of 181 days elapsed, expected 0)",
        "progress 0.1667 trails the calendar by 0.1648 (60 of 181 days elapsed, expected 0.3315)",
        "progress 0.1667 is 0.5018 behind the calendar (121 of 181 days elapsed, expected 0.6685)",
        "past its due date 2026-07-01 at progress 0.1667",
    ]


async def test_confidence_makes_health_worse_but_never_better(session):
    manager = await make_employee(session, name="Maria Manager")
    actor = plain_employee(session, manager.id)
    goal = await goals.create_goal(session, actor, NewGoal(
        title=TITLE, kind=GoalKind.LEADERSHIP, status=GoalStatus.ACTIVE, start_date=START, due_date=DUE,
        metric=MeasureSpec(name="participation", unit="%", baseline=Decimal(40), relative_change_percent=Decimal(30)),
    ), START)

    async def stated(value: int, confidence: Confidence, on: date) -> Health:
        await check_ins.check_in(session, actor, NewCheckIn(goal.id, Decimal(value), confidence), on)
        latest = (await queries.latest_check_ins(session, [goal.id]))[goal.id]
        return queries.health_of(goal, [], latest, on).health

    # On track by the calendar, but the owner is worried: worse.
    assert await stated(42, Confidence.AT_RISK, START) == Health.AT_RISK
    assert await stated(42, Confidence.OFF_TRACK, START) == Health.OFF_TRACK
    # Off track by the calendar, and the owner is confident: still off track.
    assert await stated(42, Confidence.ON_TRACK, TWO_THIRDS) == Health.OFF_TRACK
    # Caught up: the calendar agrees with the stated confidence again.
    assert await stated(50, Confidence.ON_TRACK, TWO_THIRDS) == Health.ON_TRACK
