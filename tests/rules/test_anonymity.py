"""Pure k-anonymity rules: what a cell of anonymous answers reveals, and what it never does."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import DomainError, ErrorCode
from domain.reviews.anonymity import (
    Bucket,
    check_threshold,
    combine,
    hidden_ratings,
    hidden_texts,
    not_enough_message,
    summarize_ratings,
    summarize_texts,
)

FAST = settings(max_examples=300, deadline=None)
SCALE = [1, 2, 3, 4, 5]
KEY = b"cycle:question"

thresholds = st.integers(min_value=2, max_value=8)
ratings = st.integers(min_value=1, max_value=5)
texts = st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != "")


@st.composite
def below_threshold(draw, values):
    """A threshold and up to threshold - 1 distinct authors, some answering more than once."""
    threshold = draw(thresholds)
    authors = draw(st.integers(min_value=0, max_value=threshold - 1))
    answers = [(f"author-{i}", draw(values)) for i in range(authors)]
    repeats = draw(st.lists(st.integers(min_value=0, max_value=max(authors - 1, 0)), max_size=3)) if authors else []
    answers += [(f"author-{i}", draw(values)) for i in repeats]
    return threshold, answers


@st.composite
def at_or_above_threshold(draw, values):
    threshold = draw(thresholds)
    count = draw(st.integers(min_value=threshold, max_value=threshold + 12))
    return threshold, [(f"author-{i}", draw(values)) for i in range(count)]


@FAST
@given(below_threshold(ratings))
def test_any_ratings_below_the_threshold_look_exactly_like_no_ratings(case):
    threshold, answers = case
    # The same value whether nobody, one person or threshold - 1 people answered, whatever they said.
    assert summarize_ratings(answers, SCALE, threshold, "peer") == summarize_ratings([], SCALE, threshold, "peer")
    assert summarize_ratings(answers, SCALE, threshold, "peer") == hidden_ratings(threshold)


@FAST
@given(below_threshold(texts))
def test_any_texts_below_the_threshold_look_exactly_like_no_texts(case):
    threshold, answers = case
    assert summarize_texts(answers, threshold, KEY, "peer") == summarize_texts([], threshold, KEY, "peer")
    assert summarize_texts(answers, threshold, KEY, "peer") == hidden_texts(threshold)


def test_the_hidden_answer_carries_no_count_nor_average():
    hidden = hidden_ratings(3)
    assert (hidden.shown, hidden.average, hidden.responses, hidden.distribution) == (False, None, None, ())
    assert hidden.explanation == not_enough_message(3)
    assert "3 people" in hidden.explanation  # the setting, which is no secret, not the number who answered


@FAST
@given(at_or_above_threshold(ratings))
def test_at_or_above_the_threshold_the_average_and_distribution_are_exact(case):
    threshold, answers = case
    values = [value for _, value in answers]
    summary = summarize_ratings(answers, SCALE, threshold, "peer")
    exact = Fraction(sum(values), len(values))
    assert summary.shown
    assert summary.average == (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )
    assert summary.responses == len(values)
    assert summary.distribution == tuple(Bucket(level, values.count(level)) for level in SCALE)
    assert f"of {len(values)} peer answers on the 1-5 scale" in summary.explanation


def test_a_small_example_reads_plainly():
    summary = summarize_ratings([("a", 4), ("b", 5), ("c", 2)], SCALE, 3, "direct report")
    assert summary.average == Decimal("3.67")
    assert [b.count for b in summary.distribution] == [0, 1, 0, 1, 1]
    assert summary.explanation == "Average 3.67 of 3 direct report answers on the 1-5 scale."


def test_the_threshold_counts_people_not_answers():
    # Two people answering three times between them are still two people.
    twice = [("a", 3), ("a", 4), ("b", 5)]
    assert summarize_ratings(twice, SCALE, 3, "peer") == hidden_ratings(3)
    assert summarize_ratings([*twice, ("c", 1)], SCALE, 3, "peer").responses == 4


@FAST
@given(at_or_above_threshold(texts), st.randoms(use_true_random=False))
def test_text_order_does_not_depend_on_submission_order(case, shuffler):
    threshold, answers = case
    shuffled = list(answers)
    shuffler.shuffle(shuffled)
    # Authors renamed too: the order is a function of the texts alone.
    renamed = [(f"someone-{i}", text) for i, (_, text) in enumerate(shuffled)]
    first = summarize_texts(answers, threshold, KEY, "peer")
    assert first.shown
    assert first == summarize_texts(renamed, threshold, KEY, "peer")
    assert sorted(first.texts) == sorted(text.strip() for _, text in answers)


def test_text_order_is_neither_submission_order_nor_its_reverse():
    answers = [(f"p{i}", f"Answer number {i:02d}") for i in range(12)]
    shown = summarize_texts(answers, 3, KEY, "peer").texts
    submitted = tuple(text for _, text in answers)
    assert shown != submitted and shown != tuple(reversed(submitted))
    # Stable: the same cell reads the same every time, however it is fed.
    assert summarize_texts(random.sample(answers, len(answers)), 3, KEY, "peer").texts == shown


def test_blank_texts_do_not_count_towards_the_threshold():
    answers = [("a", "Clear goals"), ("b", "   "), ("c", "Listens")]
    assert summarize_texts(answers, 3, KEY, "peer") == hidden_texts(3)
    assert len(summarize_texts([*answers, ("d", "Kind")], 3, KEY, "peer").texts) == 3


@FAST
@given(st.lists(st.lists(ratings, max_size=8), min_size=1, max_size=6), thresholds)
def test_a_combined_aggregate_is_the_sum_of_the_shown_cells_only(cells_values, threshold):
    cells = [summarize_ratings([(f"s{s}-{i}", v) for i, v in enumerate(values)], SCALE, threshold, "peer")
             for s, values in enumerate(cells_values)]
    shown_values = [v for values in cells_values if len(values) >= threshold for v in values]
    combined = combine(cells, SCALE, threshold, "peer")
    if not shown_values:
        assert combined == hidden_ratings(threshold)
    else:
        assert combined.responses == len(shown_values)
        assert combined.distribution == tuple(Bucket(level, shown_values.count(level)) for level in SCALE)


@FAST
@given(st.lists(st.lists(ratings, max_size=6), min_size=2, max_size=6), thresholds, st.data())
def test_the_difference_of_two_aggregates_never_isolates_fewer_than_threshold_people(cells_values, threshold, data):
    # Any slice is a set of subjects; subtracting slice B from a superset A leaves whole cells,
    # each shown on its own, so the difference is 0 or at least `threshold` answers.
    cells = [summarize_ratings([(f"s{s}-{i}", v) for i, v in enumerate(values)], SCALE, threshold, "peer")
             for s, values in enumerate(cells_values)]
    a = data.draw(st.sets(st.integers(0, len(cells) - 1), min_size=1))
    b = data.draw(st.sets(st.sampled_from(sorted(a))))
    whole = combine([cells[i] for i in a], SCALE, threshold, "peer")
    part = combine([cells[i] for i in b], SCALE, threshold, "peer")
    difference = (whole.responses or 0) - (part.responses or 0)
    assert difference == 0 or difference >= threshold


@pytest.mark.parametrize("value", [-1, 0, 1, 51])
def test_a_threshold_below_two_or_absurdly_high_is_invalid(value):
    with pytest.raises(DomainError) as caught:
        check_threshold(value)
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, ["anonymityThreshold"])


def test_ratings_off_the_scale_are_a_programming_error_not_a_silent_drop():
    with pytest.raises(ValueError):
        summarize_ratings([("a", 9), ("b", 1), ("c", 1)], SCALE, 3, "peer")
