"""The leadership index arithmetic: renormalisation and the score's bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.insights.index_rules import (
    DEFAULT_WEIGHTS,
    Component,
    Reading,
    check_weights,
    growth_normalise,
    index_score,
    renormalise,
    scale_normalise,
    trend,
)

weights_st = st.fixed_dictionaries({c: st.integers(0, 100) for c in Component}).filter(lambda w: sum(w.values()) > 0)
values_st = st.fixed_dictionaries({
    c: st.one_of(st.none(), st.decimals(0, 1, places=4, allow_nan=False, allow_infinity=False)) for c in Component
})


def _readings(values):
    return [Reading(c, v, 3 if v is not None else 0) for c, v in values.items()]


@given(weights_st, st.sets(st.sampled_from(list(Component)), min_size=1))
def test_effective_weights_of_present_components_always_sum_to_100(weights, present):
    effective = renormalise(weights, present)
    if sum(weights[c] for c in present) == 0:
        assert set(effective.values()) == {Decimal(0)}
    else:
        assert sum(effective[c] for c in present) == pytest.approx(Decimal(100))
        assert all(effective[c] == 0 for c in Component if c not in present)


@given(weights_st, values_st)
def test_the_score_lies_between_0_and_100(weights, values):
    score = index_score(_readings(values), weights).score
    assert score is None or Decimal(0) <= score <= Decimal(100)


@given(weights_st, values_st, st.sampled_from(list(Component)))
def test_a_component_without_data_counts_exactly_like_a_zero_weight_not_like_a_zero_value(weights, values, missing):
    absent = {**values, missing: None}
    zero_weight = {**weights, missing: 0}
    # Absence equals taking the component out of the weights entirely...
    assert index_score(_readings(absent), weights).score == index_score(_readings(values), zero_weight).score
    # ...and a present zero (with positive weight) is a different thing: it can only pull the score down.
    zero_value = {**values, missing: Decimal(0)}
    with_zero = index_score(_readings(zero_value), weights).score
    without = index_score(_readings(absent), weights).score
    if with_zero is not None and without is not None:
        assert with_zero <= without


def test_defaults_with_every_component_present_weigh_as_documented():
    values = {c: Decimal("0.5") for c in Component}
    values[Component.UPWARD_RATINGS] = Decimal(1)
    result = index_score(_readings(values), DEFAULT_WEIGHTS)
    # 30 x 1 + 70 x 0.5
    assert result.score == Decimal("65.00")
    assert [p.effective_weight for p in result.components] == [Decimal(w) for w in (30, 20, 15, 15, 10, 10)]


def test_missing_upward_ratings_scale_the_other_weights_up_to_100():
    values = {c: Decimal("0.5") for c in Component}
    values[Component.UPWARD_RATINGS] = None
    values[Component.GOAL_ATTAINMENT] = Decimal(1)
    result = index_score(_readings(values), DEFAULT_WEIGHTS)
    # remaining weights total 70: goal 20/70 x 100 = 28.5714..; 28.5714 x 1 + 71.4286 x 0.5 = 64.29
    assert result.score == Decimal("64.29")
    upward = result.components[0]
    assert (upward.present, upward.effective_weight, upward.contribution) == (False, Decimal(0), Decimal(0))
    assert "Left out for lack of data" in result.explanation and "UPWARD_RATINGS" in result.explanation


def test_no_data_at_all_gives_no_score_rather_than_zero():
    result = index_score(_readings({c: None for c in Component}), DEFAULT_WEIGHTS)
    assert result.score is None
    assert result.explanation.startswith("No component has data")


def test_normalisations_are_clamped_to_0_1():
    assert scale_normalise(Decimal(3), 1, 5) == Decimal("0.5")
    assert scale_normalise(Decimal(5), 1, 5) == Decimal(1)
    assert growth_normalise(Decimal(0)) == Decimal("0.5")
    assert growth_normalise(Decimal(3)) == Decimal(1)
    assert growth_normalise(Decimal(-2)) == Decimal(0)


def test_trend_needs_both_scores():
    assert trend(Decimal("60.5"), Decimal(50)) == Decimal("10.5")
    assert trend(Decimal(60), None) is None


def test_weights_must_cover_every_component_and_not_all_be_zero():
    with pytest.raises(DomainError):
        check_weights({Component.RETENTION: 10})
    with pytest.raises(DomainError):
        check_weights({c: 0 for c in Component})
    with pytest.raises(DomainError):
        check_weights({**DEFAULT_WEIGHTS, Component.RETENTION: -1})
    assert check_weights(DEFAULT_WEIGHTS) == DEFAULT_WEIGHTS
