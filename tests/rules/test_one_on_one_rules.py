"""Pure 1:1 and development-plan rules: cadence health, the pair, plan progress, the default
focus and plan/1:1 policies. No database; examples plus hypothesis properties."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.actor import Actor
from domain.development import plan_rules
from domain.development.plan_models import FocusBasis, PlanActionStatus
from domain.development.plan_rules import GapLine, choose_focus, effective_status, largest_gaps, progress
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.goals.models import GoalStatus
from domain.one_on_ones import policy
from domain.one_on_ones.models import Cadence, OneOnOne
from domain.one_on_ones.rules import CadenceHealth, SeriesFacts, allowed_days, health, pair
from domain.org.models import Role

FAST = settings(max_examples=300, deadline=None)
TODAY = date(2026, 6, 1)
SEVERITY = {CadenceHealth.ON_CADENCE: 0, CadenceHealth.LATE: 1}
TENANT = uuid.uuid4()


def actor(employee_id: uuid.UUID, *roles: Role) -> Actor:
    return Actor(TENANT, employee_id, frozenset({Role.EMPLOYEE, *roles}))


def held(days_ago: int, cadence: Cadence = Cadence.BIWEEKLY) -> SeriesFacts:
    return SeriesFacts(cadence, TODAY - timedelta(days=400), TODAY - timedelta(days=days_ago))


# --- cadence health ----------------------------------------------------------------------


def test_a_biweekly_series_is_on_cadence_up_to_fourteen_days_plus_four_of_grace():
    on_time = health(held(18), TODAY)
    assert (on_time.status, on_time.days_since, on_time.allowed_days) == (CadenceHealth.ON_CADENCE, 18, 18)
    assert on_time.explanation == (
        "Last 1:1 held on 2026-05-14, 18 days ago. A BIWEEKLY cadence expects one every 14 days, "
        "with 4 days of grace (18 in all): on cadence, the next is due by 2026-06-01."
    )
    late = health(held(19), TODAY)
    assert (late.status, late.days_since) == (CadenceHealth.LATE, 19)
    assert late.explanation.endswith("(18 in all): late by 1 day (it was due by 2026-05-31).")


@pytest.mark.parametrize(("cadence", "allowed"), [(Cadence.WEEKLY, 10), (Cadence.BIWEEKLY, 18), (Cadence.MONTHLY, 37)])
def test_each_cadence_allows_its_interval_plus_grace(cadence, allowed):
    assert allowed_days(cadence) == allowed
    assert health(held(allowed, cadence), TODAY).status == CadenceHealth.ON_CADENCE
    assert health(held(allowed + 1, cadence), TODAY).status == CadenceHealth.LATE


def test_before_the_first_meeting_the_clock_runs_from_the_start_of_the_series():
    fresh = health(SeriesFacts(Cadence.WEEKLY, TODAY - timedelta(days=3), None), TODAY)
    assert (fresh.status, fresh.days_since) == (CadenceHealth.ON_CADENCE, 3)
    assert fresh.explanation.startswith("No 1:1 held yet; the series started on 2026-05-29, 3 days ago.")
    stale = health(SeriesFacts(Cadence.WEEKLY, TODAY - timedelta(days=11), None), TODAY)
    assert stale.status == CadenceHealth.LATE


def test_no_series_is_none_with_the_callers_reason():
    verdict = health(None, TODAY, "No active 1:1 series with their manager.")
    assert (verdict.status, verdict.explanation, verdict.days_since) == (
        CadenceHealth.NONE, "No active 1:1 series with their manager.", None,
    )


@FAST
@given(
    st.sampled_from(list(Cadence)),
    st.integers(min_value=0, max_value=1000),
    st.integers(min_value=0, max_value=1000),
    st.booleans(),
)
def test_health_only_gets_worse_as_days_pass_without_a_meeting(cadence, fewer, more, ever_held):
    fewer, more = sorted((fewer, more))
    start = TODAY - timedelta(days=2000)

    def at(days: int):
        since = TODAY - timedelta(days=days)
        facts = SeriesFacts(cadence, start, since) if ever_held else SeriesFacts(cadence, since, None)
        return health(facts, TODAY)

    earlier, later = at(fewer), at(more)
    assert SEVERITY[earlier.status] <= SEVERITY[later.status]
    assert later.days_since - earlier.days_since == more - fewer
    # The explanation states the numbers the verdict rests on.
    assert f"{more} day" in later.explanation and f"({allowed_days(cadence)} in all)" in later.explanation


@FAST
@given(st.sampled_from(list(Cadence)), st.integers(min_value=0, max_value=500))
def test_late_exactly_when_the_days_exceed_cadence_plus_grace(cadence, days):
    verdict = health(held(days, cadence), TODAY)
    assert (verdict.status == CadenceHealth.LATE) == (days > allowed_days(cadence))


def test_a_meeting_dated_after_today_counts_as_zero_days():
    assert health(held(-3), TODAY).days_since == 0


# --- the pair and 1:1 policy ------------------------------------------------------------


def test_a_pair_is_stored_in_one_order_and_nobody_meets_themselves():
    a, b = sorted((uuid.uuid4(), uuid.uuid4()))
    assert pair(a, b) == pair(b, a) == (a, b)
    with pytest.raises(DomainError) as refused:
        pair(a, a)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, ["withEmployeeId"])


def test_hr_sees_a_series_exists_but_may_not_work_in_it_and_others_do_not_find_it():
    a, b = sorted((uuid.uuid4(), uuid.uuid4()))
    series = OneOnOne(tenant_id=TENANT, first_id=a, second_id=b, cadence="WEEKLY", started_on=TODAY)
    hr, stranger = actor(uuid.uuid4(), Role.HR_ADMIN), actor(uuid.uuid4())
    assert policy.require_participant(actor(a), series, "OneOnOne", ["id"]) is series
    assert (policy.can_see(hr, series), policy.is_participant(hr, series)) == (True, False)
    with pytest.raises(Forbidden):
        policy.require_participant(hr, series, "OneOnOne", ["id"])
    with pytest.raises(NotFound):
        policy.require_participant(stranger, series, "OneOnOne", ["id"])
    # Contents: HR is no different from a stranger.
    for outsider in (hr, stranger):
        with pytest.raises(NotFound):
            policy.require_content_access(outsider, series, "OneOnOneNote", ["id"])


# --- plan progress and statuses -----------------------------------------------------------

S = PlanActionStatus


def test_progress_is_done_over_all_but_dropped_and_says_so():
    found = progress([S.DONE, S.DONE, S.IN_PROGRESS, S.NOT_STARTED, S.DROPPED])
    assert found.value == Decimal("0.5")
    assert found.explanation == (
        "2 of 4 actions done (50%). Not done yet: 1 in progress and 1 not started. 1 dropped action not counted."
    )


def test_progress_without_countable_actions_is_zero_with_the_reason():
    assert progress([]) == plan_rules.Progress(Decimal(0), "No actions yet, so nothing is done.")
    assert progress([S.DROPPED, S.DROPPED]).explanation == "All 2 actions were dropped; nothing is left to count."


@FAST
@given(st.lists(st.sampled_from(list(PlanActionStatus)), max_size=30))
def test_progress_stays_within_zero_and_one_and_dropping_an_open_action_never_lowers_it(statuses):
    found = progress(statuses)
    assert Decimal(0) <= found.value <= Decimal(1)
    for i, status in enumerate(statuses):
        if status in (S.IN_PROGRESS, S.NOT_STARTED):
            dropped = [*statuses[:i], S.DROPPED, *statuses[i + 1:]]
            assert progress(dropped).value >= found.value


def test_a_linked_status_wins_unless_the_action_was_dropped_by_hand():
    assert effective_status(S.NOT_STARTED, S.DONE) == S.DONE
    assert effective_status(S.DROPPED, S.IN_PROGRESS) == S.DROPPED
    assert effective_status(S.IN_PROGRESS, None) == S.IN_PROGRESS
    assert plan_rules.GOAL_STATUS == {
        GoalStatus.DRAFT: S.NOT_STARTED, GoalStatus.ACTIVE: S.IN_PROGRESS, GoalStatus.COMPLETED: S.DONE,
        GoalStatus.CANCELLED: S.DROPPED,
    }
    assert (plan_rules.action_item_status(True), plan_rules.action_item_status(False)) == (S.DONE, S.NOT_STARTED)


def test_the_employee_and_their_managers_edit_a_plan_hr_reads_it_others_do_not_find_it():
    employee, manager, skip = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    chain = [manager, skip]
    for who in (employee, manager, skip):
        plan_rules.require_edit(actor(who), employee, chain, "DevelopmentPlan", ["id"])
    hr = actor(uuid.uuid4(), Role.HR_ADMIN)
    assert (plan_rules.can_see(hr, employee, chain), plan_rules.can_edit(hr, employee, chain)) == (True, False)
    with pytest.raises(Forbidden):
        plan_rules.require_edit(hr, employee, chain, "DevelopmentPlan", ["id"])
    with pytest.raises(NotFound):
        plan_rules.require_edit(actor(uuid.uuid4()), employee, chain, "DevelopmentPlan", ["id"])


# --- the default focus ------------------------------------------------------------------


def line(name: str, position: int, expected: int | None, current: int | None) -> GapLine:
    gap = None if expected is None or current is None else expected - current
    return GapLine(uuid.uuid5(TENANT, name), name, position, expected, current, gap)


def test_the_largest_known_gaps_come_first_then_the_framework_order():
    lines = [line("A", 0, 3, 2), line("B", 1, 4, 1), line("C", 2, 3, 1), line("D", 3, 3, None), line("E", 4, 2, 3),
             line("F", 5, 3, 1)]
    assert [g.name for g in largest_gaps(lines)] == ["B", "C", "F"]


def test_focus_comes_from_the_current_level_when_it_has_gaps():
    choice = choose_focus("Engineer", [line("Listening", 0, 4, 2), line("Coaching", 1, 3, 3)], "Senior", [])
    assert choice.basis == FocusBasis.CURRENT_LEVEL_GAPS
    assert choice.explanation == "The 1 largest gap for Engineer: Listening (gap 2)."
    assert choice.picks == [(uuid.uuid5(TENANT, "Listening"), "At Engineer: expected level 4, current 2, a gap of 2.")]


def test_without_gaps_at_the_current_level_focus_comes_from_the_next_one():
    met = [line("Listening", 0, 3, 3), line("Coaching", 1, 2, None)]
    following = [line("Listening", 0, 4, 3), line("Strategy", 2, 3, 1)]
    choice = choose_focus("Engineer", met, "Senior", following, "INDIVIDUAL_CONTRIBUTOR")
    assert choice.basis == FocusBasis.NEXT_LEVEL_GAPS
    assert [p[0] for p in choice.picks] == [uuid.uuid5(TENANT, "Strategy"), uuid.uuid5(TENANT, "Listening")]
    assert choice.explanation == (
        "No known gaps at Engineer. 1 expected competency not assessed yet, so without a known gap. "
        "So the 2 largest gaps for the next level on the same track, Senior: Strategy (gap 2); Listening (gap 1)."
    )


@pytest.mark.parametrize(
    ("level", "next_level", "expected"),
    [
        (None, None, "No job level is set, so there are no gaps to start from; choose the focus competencies."),
        ("M3", None, "No known gaps at M3. There is no higher level on the MANAGER track; choose the focus competencies."),
        ("M2", "M3", "No known gaps at M2. No known gaps for the next level, M3, either; choose the focus competencies."),
    ],
)
def test_no_focus_is_chosen_when_no_gap_is_known_and_the_reason_says_why(level, next_level, expected):
    choice = choose_focus(level, [line("Listening", 0, 3, 3)], next_level, [line("Listening", 0, 3, 3)], "MANAGER")
    assert (choice.basis, choice.picks, choice.explanation) == (FocusBasis.NONE, [], expected)
