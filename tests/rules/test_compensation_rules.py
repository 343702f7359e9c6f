"""Pure bonus arithmetic: Decimal throughout, one half-even rounding to the minor unit."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.compensation.rules import (
    Band,
    Formula,
    check_formula,
    far_from,
    parse_amount,
    proposal_warnings,
    recommend,
    roll_up,
    round_money,
)
from domain.errors import DomainError, ErrorCode

D = Decimal
SCALE = [1, 2, 3, 4, 5]
FORMULA = check_formula(
    1, {1: D("0"), 2: D("0.5"), 3: D("1"), 4: D("1.25"), 5: D("1.5")},
    [Band(D("80"), D("1.2")), Band(D("0"), D("0.9")), Band(D("60"), D("1"))], SCALE,
)


def test_a_non_manager_gets_target_times_rating_multiplier():
    result = recommend(FORMULA, "EUR", D("10000.00"), 4, False, None)
    assert result.amount == D("12500.00") and result.leadership_multiplier is None
    assert result.explanation == (
        "Formula v1: target bonus 10000.00 EUR x rating 4 multiplier 1.25 x leadership factor not applied "
        "(not a people-manager) = 12500.00 EUR (rounded half-even to the minor unit)."
    )


def test_a_manager_gets_the_multiplier_of_the_highest_band_their_score_reaches():
    assert recommend(FORMULA, "EUR", D("1000"), 3, True, D("80")).amount == D("1200.00")
    assert recommend(FORMULA, "EUR", D("1000"), 3, True, D("79.99")).amount == D("1000.00")
    assert recommend(FORMULA, "EUR", D("1000"), 3, True, D("10")).amount == D("900.00")


def test_a_manager_without_an_index_score_is_recommended_without_the_leadership_factor():
    result = recommend(FORMULA, "EUR", D("1000"), 5, True, None)
    assert result.amount == D("1500.00")
    assert "leadership factor skipped (no leadership effectiveness score available)" in result.explanation


def test_rounding_is_once_half_even_to_the_currency_minor_unit():
    # 333.33 x 1.25 = 416.6625 -> 416.66; 0.125 -> 0.12 (half to even), JPY has no minor unit.
    assert recommend(FORMULA, "EUR", D("333.33"), 4, False, None).amount == D("416.66")
    assert round_money(D("0.125"), "EUR") == D("0.12") and round_money(D("0.135"), "EUR") == D("0.14")
    assert round_money(D("2.5"), "JPY") == D("2") and round_money(D("1.0005"), "KWD") == D("1.000")


def test_missing_inputs_give_no_amount_and_say_why():
    assert recommend(FORMULA, "EUR", None, 3, False, None).explanation.startswith("No recommendation: the employee's job")
    assert recommend(FORMULA, "EUR", D("1000"), None, False, None).amount is None


@pytest.mark.parametrize(("text", "code"), [("abc", ErrorCode.INVALID), ("-1", ErrorCode.INVALID), ("NaN", ErrorCode.INVALID),
                                            ("Infinity", ErrorCode.INVALID)])
def test_bad_amounts_are_refused(text, code):
    with pytest.raises(DomainError) as caught:
        parse_amount(text, "EUR", ["input", "amount"])
    assert (caught.value.code, caught.value.field) == (code, ["input", "amount"])


def test_a_formula_must_cover_the_scale_and_reward_better_ratings_at_least_as_much():
    with pytest.raises(DomainError) as caught:
        check_formula(2, {1: D("0"), 2: D("1")}, [], SCALE)
    assert (caught.value.code, caught.value.field) == (ErrorCode.REQUIRED, ["ratingMultipliers"])
    with pytest.raises(DomainError) as caught:
        check_formula(2, {r: D(6 - r) for r in SCALE}, [], SCALE)
    assert caught.value.code == ErrorCode.INVALID
    with pytest.raises(DomainError) as caught:
        check_formula(2, {r: D(r) for r in SCALE}, [Band(D(5), D(1)), Band(D(5), D(2))], SCALE)
    assert (caught.value.code, caught.value.field) == (ErrorCode.DUPLICATE, ["leadershipBands", "1", "minScore"])


def test_a_formula_survives_its_json_form_exactly():
    assert Formula.from_json(FORMULA.as_json()) == FORMULA


def test_warnings_flag_over_budget_and_far_from_the_recommendation():
    assert proposal_warnings(D("100"), D("100"), D("900"), D("1000"), D("100"), D("200")) == []
    warnings = proposal_warnings(D("121"), D("100"), D("1001"), D("1000"), D("300"), D("200"))
    assert len(warnings) == 3
    assert not far_from(D("120"), D("100")) and far_from(D("79.99"), D("100"))


multipliers = st.lists(st.decimals(min_value=0, max_value=5, places=2), min_size=5, max_size=5).map(sorted)


@settings(max_examples=60, deadline=None)
@given(values=multipliers, target=st.decimals(min_value=0, max_value=10**7, places=2),
       score=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1)), manager=st.booleans())
def test_the_recommendation_never_decreases_as_the_rating_improves(values, target, score, manager):
    formula = check_formula(1, dict(zip(SCALE, values)), [Band(D(0), D("0.8")), Band(D(70), D("1.3"))], SCALE)
    amounts = [recommend(formula, "EUR", target, r, manager, score).amount for r in SCALE]
    assert amounts == sorted(amounts)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_roll_up_equals_the_sum_of_its_parts(data):
    ids = [uuid.uuid4() for _ in range(data.draw(st.integers(1, 8)))]
    # Each department's parent comes earlier in the list: a forest, never a cycle.
    parents = {d: (ids[data.draw(st.integers(0, i - 1))] if i and data.draw(st.booleans()) else None) for i, d in enumerate(ids)}
    own = {d: data.draw(st.decimals(min_value=0, max_value=10**6, places=2)) for d in ids}
    totals = roll_up(parents, own)
    roots = [d for d in ids if parents[d] is None]
    assert sum(totals[r] for r in roots) == sum(own.values())
    for d in ids:
        assert totals[d] == own[d] + sum(totals[c] for c in ids if parents[c] == d)
