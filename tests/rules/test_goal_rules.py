"""Pure goal rules: targets, progress and health arithmetic, the state machine. No database."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.goals import policy
from domain.goals.models import Confidence, Direction, Goal, GoalScope, GoalStatus, Visibility
from domain.goals.rules import (
    Health,
    Measure,
    Weighted,
    check_measure,
    check_scope_order,
    check_transition,
    check_weight,
    check_weights,
    expected_progress,
    health,
    key_result_progress,
    measure_progress,
    metric_progress,
    relative_target,
    resolve_target,
    shown_relative_percent,
)
from domain.org.models import Role

FAST = settings(max_examples=300, deadline=None)
D = Decimal
START, DUE = date(2026, 1, 1), date(2026, 7, 1)  # 181 days
SEVERITY = {Health.ON_TRACK: 0, Health.AT_RISK: 1, Health.OFF_TRACK: 2}

amounts = st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


def _error(call, *args, **kwargs) -> tuple[ErrorCode, list[str] | None]:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.field


@st.composite
def measures(draw, direction: Direction | None = None) -> Measure:
    baseline, target = draw(amounts), draw(amounts)
    assume(baseline != target)
    if direction is not None:
        assume((target > baseline) == (direction == Direction.INCREASE))
    rising = Direction.INCREASE if target > baseline else Direction.DECREASE
    return Measure(baseline, target, None, rising, "%")


def _at(measure: Measure, value: Decimal | None) -> Measure:
    return Measure(measure.baseline, measure.target, value, measure.direction, measure.unit)


# --- progress: properties -----------------------------------------------------------------


@FAST
@given(measures(Direction.INCREASE), amounts, amounts)
def test_progress_never_falls_as_the_value_rises_for_an_increase(measure, a, b):
    low, high = sorted((a, b))
    assert measure_progress(_at(measure, low)) <= measure_progress(_at(measure, high))


@FAST
@given(measures(Direction.DECREASE), amounts, amounts)
def test_progress_never_rises_as_the_value_rises_for_a_decrease(measure, a, b):
    low, high = sorted((a, b))
    assert measure_progress(_at(measure, low)) >= measure_progress(_at(measure, high))


@FAST
@given(measures(), st.one_of(st.none(), amounts))
def test_progress_is_always_clamped_to_zero_and_one(measure, value):
    progress = metric_progress(_at(measure, value))
    assert D(0) <= progress.value <= D(1)
    assert progress.explanation.startswith("metric: (")


@FAST
@given(measures())
def test_progress_is_zero_at_the_baseline_and_one_at_the_target(measure):
    assert measure_progress(_at(measure, measure.baseline)) == 0
    assert measure_progress(_at(measure, measure.target)) == 1
    assert measure_progress(_at(measure, None)) == 0  # no check-in yet counts as the baseline


@st.composite
def weighted_key_results(draw) -> list[Weighted]:
    """2 to 5 key results at some value, with whole-percent weights summing to 100."""
    count = draw(st.integers(2, 5))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1, max_size=count - 1)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    results = []
    for i, weight in enumerate(weights):
        measure = draw(measures())
        results.append(Weighted(f"kr{i}", _at(measure, draw(st.one_of(st.none(), amounts))), D(weight)))
    return results


@FAST
@given(weighted_key_results())
def test_weighted_key_result_progress_is_a_convex_combination(results):
    parts = [measure_progress(r.measure) for r in results]
    total = key_result_progress(results).value
    exact = sum((p * r.weight / 100 for p, r in zip(parts, results, strict=True)), D(0))
    assert abs(total - exact) <= D("0.00005")  # rounded to 4 places, nothing else
    assert min(parts) - D("0.00005") <= total <= max(parts) + D("0.00005")


def test_weighted_progress_explains_each_part_and_its_weight():
    up = Measure(D(0), D(10), D(5), Direction.INCREASE, "calls")
    down = Measure(D(20), D(10), D(10), Direction.DECREASE, "days")
    progress = key_result_progress([Weighted("calls", up, D(40)), Weighted("lead time", down, D(60))])
    assert progress.value == D("0.8")  # 0.5 * 0.4 + 1 * 0.6
    assert progress.explanation == (
        "weighted key results = 0.8: calls: (5 - 0) / (10 - 0) = 0.5 x 40%; "
        "lead time: (10 - 20) / (10 - 20) = 1 x 60%"
    )


def test_overshooting_the_target_is_clamped_and_says_so():
    progress = metric_progress(Measure(D(40), D(52), D(70), Direction.INCREASE, "%"))
    assert (progress.value, progress.explanation) == (D(1), "metric: (70 - 40) / (52 - 40) = 1 (clamped)")


# --- health -------------------------------------------------------------------------------


@FAST
@given(
    st.decimals(min_value=0, max_value=1, places=4),
    st.integers(0, 250),
    st.sampled_from(list(Confidence)),
)
def test_health_is_never_better_than_the_stated_confidence(progress, day, confidence):
    today = START + timedelta(days=day)
    verdict = health(GoalStatus.ACTIVE, progress, START, DUE, today, confidence)
    without = health(GoalStatus.ACTIVE, progress, START, DUE, today, None)
    assert SEVERITY[verdict.health] >= SEVERITY[Health(confidence.value)]
    # ...and confidence only ever worsens the calendar's verdict, never improves it.
    assert SEVERITY[verdict.health] == max(SEVERITY[without.health], SEVERITY[Health(confidence.value)])


@FAST
@given(st.integers(-30, 250))
def test_expected_progress_is_the_share_of_the_window_elapsed_clamped(day):
    today = START + timedelta(days=day)
    expected = expected_progress(START, DUE, today)
    assert expected == max(D(0), min(D(1), D(day) / D(181)))


@pytest.mark.parametrize(
    ("day", "progress", "verdict"),
    [
        (0, "0", Health.ON_TRACK),  # nothing expected yet
        (60, "0.2315", Health.ON_TRACK),  # 0.3315 expected: 0.1 behind is still on track
        (60, "0.2314", Health.AT_RISK),  # just past 0.1 behind
        (60, "0.0815", Health.AT_RISK),  # 0.25 behind: the last at-risk gap
        (60, "0.0814", Health.OFF_TRACK),
        (181, "0.99", Health.ON_TRACK),  # due today, 0.01 short
        (182, "0.99", Health.OFF_TRACK),  # past due and not there
        (182, "1", Health.ON_TRACK),  # past due but reached
    ],
)
def test_health_thresholds(day, progress, verdict):
    assert health(GoalStatus.ACTIVE, D(progress), START, DUE, START + timedelta(days=day), None).health == verdict


def test_health_explains_progress_against_the_calendar():
    at_risk = health(GoalStatus.ACTIVE, D("0.2"), START, DUE, date(2026, 3, 2), None)
    assert at_risk.expected_progress == D("0.3315")
    assert at_risk.explanation == "progress 0.2 trails the calendar by 0.1315 (60 of 181 days elapsed, expected 0.3315)"
    worse = health(GoalStatus.ACTIVE, D("0.2"), START, DUE, date(2026, 3, 2), Confidence.OFF_TRACK)
    assert worse.health == Health.OFF_TRACK
    assert worse.explanation == at_risk.explanation + "; the latest check-in says OFF_TRACK"
    late = health(GoalStatus.ACTIVE, D("0.5"), START, DUE, date(2026, 7, 2), None)
    assert late.explanation == "past its due date 2026-07-01 at progress 0.5"


@pytest.mark.parametrize(
    ("status", "today", "verdict"),
    [
        (GoalStatus.DRAFT, date(2026, 3, 1), Health.NOT_STARTED),
        (GoalStatus.ACTIVE, date(2025, 12, 31), Health.NOT_STARTED),  # before its start
        (GoalStatus.COMPLETED, date(2027, 1, 1), Health.COMPLETED),
        (GoalStatus.CANCELLED, date(2026, 3, 1), Health.CANCELLED),
    ],
)
def test_health_outside_the_active_window_follows_the_status(status, today, verdict):
    # Even an OFF_TRACK check-in does not turn a completed goal off track.
    assert health(status, D(0), START, DUE, today, Confidence.OFF_TRACK).health == verdict


# --- targets ------------------------------------------------------------------------------


def test_relative_targets_are_a_share_of_the_baseline():
    assert relative_target(D(40), D(30), Direction.INCREASE) == D(52)
    assert relative_target(D(40), D(30), Direction.DECREASE) == D(28)
    assert relative_target(D(-10), D(30), Direction.INCREASE) == D(-7)  # up by 30% of its size
    assert relative_target(D(40), D(100), Direction.DECREASE) == D(0)


@pytest.mark.parametrize(
    ("baseline", "percent", "direction", "message"),
    [
        ("40", "0", Direction.INCREASE, "relativeChangePercent must be positive"),
        ("40", "-30", Direction.INCREASE, "relativeChangePercent must be positive"),
        ("40", "101", Direction.DECREASE, "A decrease cannot exceed 100%"),
        ("0", "30", Direction.INCREASE, "A relative change needs a non-zero baseline"),
    ],
)
def test_impossible_relative_targets_name_the_percentage(baseline, percent, direction, message):
    with pytest.raises(DomainError) as caught:
        relative_target(D(baseline), D(percent), direction, ["metric"])
    assert (caught.value.code, caught.value.field, caught.value.message) == (
        ErrorCode.INVALID, ["metric", "relativeChangePercent"], message,
    )


def test_a_target_given_both_ways_must_agree():
    both = resolve_target(D(40), D(52), D(30), None, ["metric"])
    assert (both.target, both.direction, both.relative_change_percent) == (D(52), Direction.INCREASE, D(30))
    with pytest.raises(DomainError) as caught:
        resolve_target(D(40), D(50), D(30), None, ["metric"])
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, ["metric", "target"])
    assert caught.value.message == "target 50 disagrees with increase by 30% from 40 (52)"


def test_the_direction_is_implied_when_not_given():
    assert resolve_target(D(40), D(20), None, None).direction == Direction.DECREASE
    assert resolve_target(D(40), D(60), None, None).direction == Direction.INCREASE
    assert resolve_target(D(40), None, D(25), None).target == D(50)  # relative alone: an increase
    assert resolve_target(D(40), None, D(25), Direction.DECREASE).target == D(30)
    assert _error(resolve_target, D(40), None, None, None, ["metric"]) == (ErrorCode.REQUIRED, ["metric", "target"])


@pytest.mark.parametrize("bad", ["1e15", "-1e16", "Infinity", "NaN"])
def test_numbers_beyond_exact_arithmetic_are_refused(bad):
    assert _error(resolve_target, D(bad), D(1), None, None, ["metric"]) == (ErrorCode.INVALID, ["metric", "baseline"])


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        (Measure(D(40), D(40), None, Direction.INCREASE, "%"), (ErrorCode.INVALID, ["metric", "target"])),
        (Measure(D(40), D(52), None, Direction.DECREASE, "%"), (ErrorCode.INVALID, ["metric", "direction"])),
        (Measure(D(40), D(30), None, Direction.INCREASE, "%"), (ErrorCode.INVALID, ["metric", "direction"])),
        (Measure(D(40), D(52), None, Direction.INCREASE, "  "), (ErrorCode.REQUIRED, ["metric", "unit"])),
    ],
)
def test_measures_that_cannot_be_followed_are_refused(measure, expected):
    assert _error(check_measure, measure, ["metric"]) == expected


def test_derived_relative_percent_is_shown_for_absolute_targets():
    assert shown_relative_percent(D(40), D(50), None) == D(25)
    assert shown_relative_percent(D(40), D(30), None) == D(25)  # a decrease by 25%
    assert shown_relative_percent(D(30), D(40), None) == D("33.3333")
    assert shown_relative_percent(D(0), D(5), None) is None  # no share of nothing
    assert shown_relative_percent(D(40), D(52), D(30)) == D(30)  # as given


# --- weights ------------------------------------------------------------------------------


@pytest.mark.parametrize("weight", ["-0.01", "100.01", "33.333"])
def test_a_weight_is_between_0_and_100_with_two_decimals(weight):
    assert _error(check_weight, D(weight), ["keyResults", "1"]) == (ErrorCode.INVALID, ["keyResults", "1", "weight"])


def test_key_result_weights_sum_to_100():
    check_weights([D("33.33"), D("33.33"), D("33.34")])
    check_weights([])  # nothing to weigh yet
    with pytest.raises(DomainError) as caught:
        check_weights([D(50), D(40)], ["keyResults"])
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, ["keyResults"])
    assert caught.value.message == "Key-result weights must sum to 100 (they sum to 90)"


# --- the state machine and alignment ------------------------------------------------------

ALLOWED = {
    (GoalStatus.DRAFT, GoalStatus.ACTIVE),
    (GoalStatus.DRAFT, GoalStatus.CANCELLED),
    (GoalStatus.ACTIVE, GoalStatus.COMPLETED),
    (GoalStatus.ACTIVE, GoalStatus.CANCELLED),
}


@pytest.mark.parametrize("current", list(GoalStatus))
@pytest.mark.parametrize("wanted", list(GoalStatus))
def test_only_the_four_transitions_are_allowed(current, wanted):
    if (current, wanted) in ALLOWED:
        check_transition(current, wanted)
    else:
        assert _error(check_transition, current, wanted) == (ErrorCode.INVALID_STATE, ["id"])


def test_goals_cascade_from_broad_to_narrow_scopes():
    check_scope_order(GoalScope.COMPANY, GoalScope.DEPARTMENT, ["parentId"])
    check_scope_order(GoalScope.TEAM, GoalScope.TEAM, ["parentId"])
    check_scope_order(GoalScope.DEPARTMENT, GoalScope.INDIVIDUAL, ["parentId"])
    assert _error(check_scope_order, GoalScope.TEAM, GoalScope.DEPARTMENT, ["parentId"]) == (
        ErrorCode.INVALID, ["parentId"],
    )


# --- who sees and changes a goal -------------------------------------------------------------

TENANT = uuid.uuid4()
OWNER, MANAGER, PEER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
CHAIN = [OWNER, MANAGER]  # the owner and everyone above


def _actor(employee: uuid.UUID, *roles: Role) -> Actor:
    return Actor(TENANT, employee, frozenset({Role.EMPLOYEE, *roles}))


@pytest.mark.parametrize(
    ("visibility", "seen_by"),
    [
        (Visibility.PUBLIC, {"owner", "manager", "peer", "hr"}),
        (Visibility.MANAGER_CHAIN, {"owner", "manager", "hr"}),
        (Visibility.PRIVATE, {"owner", "hr"}),
    ],
)
def test_visibility_per_role(visibility, seen_by):
    goal = Goal(tenant_id=TENANT, title="g", owner_id=OWNER, kind="PERFORMANCE", scope="INDIVIDUAL", status="ACTIVE",
                visibility=visibility.value, start_date=START, due_date=DUE)
    actors = {
        "owner": _actor(OWNER), "manager": _actor(MANAGER), "peer": _actor(PEER),
        "hr": _actor(uuid.uuid4(), Role.HR_ADMIN),
    }
    assert {name for name, actor in actors.items() if policy.can_see(actor, goal, CHAIN)} == seen_by


def test_only_the_owner_the_chain_and_hr_change_a_goal():
    assert policy.can_change(_actor(OWNER), CHAIN)
    assert policy.can_change(_actor(MANAGER), CHAIN)
    assert policy.can_change(_actor(uuid.uuid4(), Role.TENANT_ADMIN), CHAIN)
    assert not policy.can_change(_actor(PEER), CHAIN)
    assert _error(policy.require_change, _actor(PEER), CHAIN) == (ErrorCode.FORBIDDEN, None)
