"""Pure competency rules and policy: no database, examples plus hypothesis properties."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.actor import Actor
from domain.competencies import policy
from domain.competencies.models import AssessmentSource, Track
from domain.competencies.rules import (
    CATEGORY_MAX,
    DEFAULT_SCALE,
    LevelText,
    ProfileFacts,
    ScaleLevel,
    check_level_texts,
    check_manager_expectations,
    check_on_scale,
    check_scale,
    clean_category,
    current_and_self,
    explain,
    gap,
    level_label,
    reorder,
)
from domain.competencies.starter import SCALE_SIZE, STARTER_COMPETENCIES, STARTER_JOB_LEVELS
from domain.errors import DomainError, ErrorCode
from domain.org.models import Role

FAST = settings(max_examples=200, deadline=None)
TENANT = uuid.uuid4()
DAY = date(2026, 6, 1)
SOURCES = list(AssessmentSource)


def _error(call, *args, **kwargs) -> tuple[ErrorCode, list[str] | None]:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.field


@dataclass(frozen=True)
class Rating:
    level: int
    source: str
    assessed_on: date
    recorded_at: datetime | None


# --- the scale ---------------------------------------------------------------------------------


def test_the_default_scale_is_a_valid_five_level_scale():
    assert check_scale(DEFAULT_SCALE) == list(DEFAULT_SCALE)
    assert [s.name for s in DEFAULT_SCALE] == ["Beginner", "Developing", "Proficient", "Advanced", "Expert"]


@FAST
@given(st.integers(2, 10).flatmap(lambda n: st.permutations(range(1, n + 1))))
def test_any_order_of_levels_1_to_n_is_accepted_and_sorted(order):
    levels = [ScaleLevel(level, f"Name {level}") for level in order]
    assert [s.level for s in check_scale(levels)] == sorted(order)


@FAST
@given(st.lists(st.integers(-3, 14), min_size=2, max_size=10))
def test_levels_that_are_not_exactly_1_to_n_are_refused(numbers):
    levels = [ScaleLevel(level, f"Name {i}") for i, level in enumerate(numbers)]
    if sorted(numbers) == list(range(1, len(numbers) + 1)):
        assert len(check_scale(levels)) == len(numbers)
    else:
        code, field = _error(check_scale, levels)
        assert code in (ErrorCode.INVALID, ErrorCode.DUPLICATE) and field[0] == "levels" and field[2] == "level"


@pytest.mark.parametrize("size", [0, 1, 11])
def test_a_scale_has_two_to_ten_levels(size):
    levels = [ScaleLevel(i, f"L{i}") for i in range(1, size + 1)]
    assert _error(check_scale, levels) == (ErrorCode.INVALID, ["levels"])


def test_level_names_are_unique_ignoring_case_and_trimmed():
    levels = [ScaleLevel(1, " Good "), ScaleLevel(2, "GOOD")]
    assert _error(check_scale, levels) == (ErrorCode.DUPLICATE, ["levels", "1", "name"])
    assert check_scale([ScaleLevel(2, " Two "), ScaleLevel(1, "One", "  ")]) == [ScaleLevel(1, "One"), ScaleLevel(2, "Two")]


def test_a_level_must_be_on_the_scale_and_labels_name_it():
    assert check_on_scale(3, {1, 2, 3}, ["level"]) == 3
    assert _error(check_on_scale, 4, {1, 2, 3}, ["expectations", "0", "expectedLevel"]) == (
        ErrorCode.INVALID, ["expectations", "0", "expectedLevel"],
    )
    assert level_label(3, DEFAULT_SCALE) == "Proficient (3)"
    assert level_label(7, DEFAULT_SCALE) == "Level 7 (7)"


# --- categories and level texts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("leadership", "LEADERSHIP"), ("  sales   &  marketing ", "SALES & MARKETING"), ("r/d-2_x", "R/D-2_X"),
     ("straße", "STRASSE"), ("C" * 50, "C" * 50)],
)
def test_categories_are_stored_upper_case_with_single_spaces(raw, clean):
    assert clean_category(raw) == clean


@pytest.mark.parametrize(
    ("raw", "code"),
    [("", ErrorCode.REQUIRED), ("   ", ErrorCode.REQUIRED), ("C" * 51, ErrorCode.TOO_LONG),
     ("CORE;", ErrorCode.INVALID), ("a\x00b", ErrorCode.INVALID), ("emoji 🙂", ErrorCode.INVALID)],
)
def test_bad_categories_are_refused_naming_the_field(raw, code):
    assert _error(clean_category, raw) == (code, ["category"])


@FAST
@given(st.text(max_size=80))
def test_a_clean_category_is_upper_case_short_and_stable(raw):
    try:
        cleaned = clean_category(raw)
    except DomainError as error:
        assert error.field == ["category"]
        return
    assert 1 <= len(cleaned) <= CATEGORY_MAX
    assert cleaned == cleaned.upper() and cleaned == cleaned.strip() and "  " not in cleaned
    assert clean_category(cleaned) == cleaned


def test_level_texts_name_the_offending_level_and_indicator():
    scale = {1, 2, 3, 4, 5}
    assert _error(check_level_texts, [LevelText(6, "x")], scale) == (ErrorCode.INVALID, ["levels", "0", "level"])
    assert _error(check_level_texts, [LevelText(2, "a"), LevelText(2, "b")], scale) == (
        ErrorCode.DUPLICATE, ["levels", "1", "level"],
    )
    assert _error(check_level_texts, [LevelText(2, "d", ("ok", " "))], scale) == (
        ErrorCode.REQUIRED, ["levels", "0", "indicators", "1"],
    )
    assert _error(check_level_texts, [LevelText(2, "d", ("i",) * 11)], scale) == (
        ErrorCode.INVALID, ["levels", "0", "indicators"],
    )
    cleaned = check_level_texts([LevelText(3, " Three ", (" a ",)), LevelText(1, "One")], scale)
    assert cleaned == [LevelText(1, "One"), LevelText(3, "Three", ("a",))]


# --- reordering ------------------------------------------------------------------------------


@FAST
@given(st.lists(st.integers(0, 1000), unique=True, max_size=30).flatmap(
    lambda items: st.tuples(st.just(items), st.lists(st.sampled_from(items), unique=True) if items else st.just([]))
    .flatmap(lambda pair: st.tuples(st.just(pair[0]), st.permutations(pair[1])))
))
def test_reorder_is_a_permutation_that_only_moves_the_listed_items(case):
    current, moved = case
    result = reorder(current, list(moved))
    assert sorted(result) == sorted(current)
    assert [item for item in result if item in set(moved)] == list(moved)
    assert all(result[i] == item for i, item in enumerate(current) if item not in set(moved))


# --- current level and gap ----------------------------------------------------------------------


def _rating(level: int, source: AssessmentSource, days_ago: int, minute: int = 0) -> Rating:
    recorded = datetime(2026, 6, 1, 12, minute, tzinfo=UTC) - timedelta(days=days_ago)
    return Rating(level, source.value, DAY - timedelta(days=days_ago), recorded)


ratings = st.lists(
    st.builds(_rating, st.integers(1, 5), st.sampled_from(SOURCES), st.integers(0, 30), st.integers(0, 59)), max_size=12
)


@FAST
@given(ratings)
def test_the_current_level_is_the_latest_by_someone_else_else_the_latest_self_assessment(items):
    current, own = current_and_self(items)
    others = [r for r in items if r.source != AssessmentSource.SELF]
    selves = [r for r in items if r.source == AssessmentSource.SELF]

    def newest(group):
        return max(group, key=lambda r: (r.assessed_on, r.recorded_at), default=None)

    assert own is newest(selves)
    assert current is (newest(others) if others else newest(selves))
    if current is not None and others:
        assert current.source != AssessmentSource.SELF  # a self-assessment never overrides a manager's


def test_a_later_day_wins_over_a_later_recording_and_the_same_day_goes_by_recording():
    older_day = _rating(4, AssessmentSource.MANAGER, days_ago=2, minute=59)
    newer_day = _rating(2, AssessmentSource.REVIEW, days_ago=1, minute=0)
    assert current_and_self([newer_day, older_day])[0] is newer_day
    first, second = _rating(3, AssessmentSource.MANAGER, 0, 1), _rating(1, AssessmentSource.MANAGER, 0, 2)
    assert current_and_self([second, first])[0] is second


@FAST
@given(st.one_of(st.none(), st.integers(1, 10)), st.one_of(st.none(), st.integers(1, 10)))
def test_the_gap_is_expected_minus_current_and_unknown_when_either_is(expected, current):
    result = gap(expected, current)
    if expected is None or current is None:
        assert result is None
    else:
        assert result == expected - current and (result > 0) == (current < expected)


def test_the_explanation_says_where_each_number_comes_from():
    manager = Rating(2, "MANAGER", date(2026, 5, 1), datetime(2026, 5, 1, tzinfo=UTC))
    own = Rating(4, "SELF", date(2026, 4, 1), datetime(2026, 4, 1, tzinfo=UTC))
    facts = ProfileFacts("IC2", 3, manager, own, evidence=2)
    assert explain(facts, DEFAULT_SCALE) == (
        "Expected at IC2: Proficient (3). Current: Developing (2), from a MANAGER assessment on 2026-05-01, "
        "1 level below the expectation. Self-assessed Advanced (4) on 2026-04-01. 2 completed goals as evidence."
    )
    above = ProfileFacts("IC2", 3, Rating(5, "REVIEW", date(2026, 5, 1), None), None, 0)
    assert "2 levels above the expectation" in explain(above, DEFAULT_SCALE)
    meets = ProfileFacts("M1", 3, own.__class__(3, "SELF", date(2026, 4, 1), None), None, 0)
    assert explain(meets, DEFAULT_SCALE) == (
        "Expected at M1: Proficient (3). Current: Proficient (3), from a self-assessment on 2026-04-01, "
        "which meets the expectation (no manager, review or evidence assessment yet)."
    )
    assert explain(ProfileFacts("M1", None, None, None, 0), DEFAULT_SCALE) == (
        "Not an expectation of M1. Not assessed yet, so there is no gap."
    )


# --- manager levels and policy --------------------------------------------------------------------


def test_a_manager_level_needs_a_leadership_competency_an_individual_level_does_not():
    assert _error(check_manager_expectations, Track.MANAGER, ["CORE", "TECHNICAL"]) == (ErrorCode.INVALID, ["expectations"])
    assert _error(check_manager_expectations, Track.MANAGER, []) == (ErrorCode.INVALID, ["expectations"])
    check_manager_expectations(Track.MANAGER, ["CORE", "LEADERSHIP"])
    check_manager_expectations(Track.INDIVIDUAL_CONTRIBUTOR, ["CORE"])


def _actor(*roles: Role, employee_id: uuid.UUID | None = None) -> Actor:
    return Actor(TENANT, employee_id or uuid.uuid4(), frozenset({Role.EMPLOYEE, *roles}))


EMPLOYEE, MANAGER, SKIP = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
CHAIN = [MANAGER, SKIP]


@pytest.mark.parametrize(
    ("actor", "source", "refusal"),
    [
        (_actor(employee_id=EMPLOYEE), AssessmentSource.SELF, None),
        (_actor(employee_id=EMPLOYEE), AssessmentSource.MANAGER, ["source"]),
        (_actor(Role.HR_ADMIN, employee_id=EMPLOYEE), AssessmentSource.REVIEW, ["source"]),
        (_actor(employee_id=MANAGER), AssessmentSource.MANAGER, None),
        (_actor(employee_id=SKIP), AssessmentSource.MANAGER, None),
        (_actor(employee_id=SKIP), AssessmentSource.EVIDENCE, ["source"]),
        (_actor(), AssessmentSource.MANAGER, ["employeeId"]),
        (_actor(), AssessmentSource.SELF, ["employeeId"]),
        (_actor(Role.HR_ADMIN), AssessmentSource.SELF, None),
        (_actor(Role.TENANT_ADMIN), AssessmentSource.EVIDENCE, None),
    ],
    ids=["self-self", "self-manager", "hr-self-review", "manager", "skip-level", "skip-level-evidence", "peer",
         "peer-self", "hr-for-someone", "tenant-admin"],
)
def test_who_may_assess_with_which_source(actor, source, refusal):
    if refusal is None:
        policy.require_assessor(actor, EMPLOYEE, source, CHAIN)
    else:
        assert _error(policy.require_assessor, actor, EMPLOYEE, source, CHAIN) == (ErrorCode.FORBIDDEN, refusal)


def test_development_data_is_for_the_person_their_chain_and_hr():
    assert policy.can_see_development(_actor(employee_id=EMPLOYEE), EMPLOYEE, CHAIN)
    assert policy.can_see_development(_actor(employee_id=SKIP), EMPLOYEE, CHAIN)
    assert policy.can_see_development(_actor(Role.HR_ADMIN), EMPLOYEE, CHAIN)
    assert not policy.can_see_development(_actor(), EMPLOYEE, CHAIN)
    assert not policy.can_see_private_goals(_actor(employee_id=MANAGER), EMPLOYEE)
    assert policy.can_see_private_goals(_actor(Role.HR_ADMIN), EMPLOYEE)


# --- the starter framework's data -------------------------------------------------------------------


def test_every_starter_competency_describes_each_level_with_two_or_three_behaviours():
    assert [c.category for c in STARTER_COMPETENCIES].count("LEADERSHIP") == 8
    assert [c.category for c in STARTER_COMPETENCIES].count("CORE") == 5
    scale = set(range(1, SCALE_SIZE + 1))
    for competency in STARTER_COMPETENCIES:
        assert check_level_texts(competency.levels, scale) == list(competency.levels), competency.name
        assert [t.level for t in competency.levels] == sorted(scale), competency.name
        assert all(2 <= len(t.indicators) <= 3 for t in competency.levels), competency.name
    every_indicator = [i for c in STARTER_COMPETENCIES for t in c.levels for i in t.indicators]
    assert len(every_indicator) == len(set(every_indicator))  # written for each level, not copied


def test_starter_job_levels_expect_known_competencies_and_managers_lead_more_as_rank_rises():
    names = {c.name: c.category for c in STARTER_COMPETENCIES}
    for level in STARTER_JOB_LEVELS:
        assert set(level.expects) <= set(names), level.name
        assert all(1 <= expected <= SCALE_SIZE for expected in level.expects.values())
        check_manager_expectations(level.track, [names[n] for n in level.expects])
    managers = sorted((lvl for lvl in STARTER_JOB_LEVELS if lvl.track == Track.MANAGER), key=lambda lvl: lvl.rank)
    leadership = [{n: e for n, e in lvl.expects.items() if names[n] == "LEADERSHIP"} for lvl in managers]
    assert all(len(expected) == 8 for expected in leadership)
    for lower, higher in zip(leadership, leadership[1:]):
        assert all(lower[n] <= higher[n] for n in lower) and sum(lower.values()) < sum(higher.values())
    individuals = sorted((lvl for lvl in STARTER_JOB_LEVELS if lvl.track == Track.INDIVIDUAL_CONTRIBUTOR), key=lambda lvl: lvl.rank)
    assert [lvl.name for lvl in individuals] == ["IC1", "IC2", "IC3", "IC4"]
    assert [lvl.name for lvl in managers] == ["M1", "M2", "M3"]
