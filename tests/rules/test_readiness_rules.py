"""Promotion readiness verdicts from criteria results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from domain.insights.readiness_rules import (
    Verdict,
    competency_criterion,
    leadership_criterion,
    months_between,
    rating_criterion,
    tenure_criterion,
    verdict,
)

TODAY = date(2026, 11, 23)


def test_every_criterion_met_is_ready():
    result = verdict([rating_criterion(Decimal(3), 4, "x"), tenure_criterion(12, date(2024, 1, 1), TODAY)])
    assert result.verdict == Verdict.READY


def test_one_unmet_criterion_of_any_size_is_nearly():
    result = verdict([rating_criterion(Decimal(3), 1, "x"), tenure_criterion(12, date(2024, 1, 1), TODAY)])
    assert result.verdict == Verdict.NEARLY
    assert "all criteria but one" in result.explanation.lower()


def test_two_unmet_criteria_that_are_each_close_are_nearly():
    result = verdict([
        rating_criterion(Decimal("3.5"), 3, "x"),
        competency_criterion(uuid4(), 4, 3, TODAY, "x"),
        tenure_criterion(12, date(2024, 1, 1), TODAY),
    ])
    assert result.verdict == Verdict.NEARLY


def test_two_unmet_criteria_one_far_is_not_yet():
    result = verdict([
        competency_criterion(uuid4(), 4, 2, TODAY, "x"),  # two levels short
        competency_criterion(uuid4(), 3, 2, TODAY, "x"),
    ])
    assert result.verdict == Verdict.NOT_YET


def test_missing_evidence_is_unmet_and_never_close():
    no_rating = rating_criterion(Decimal(3), None, "none")
    never_assessed = competency_criterion(uuid4(), 1, None, None, "none")
    assert (no_rating.met, no_rating.close, never_assessed.met, never_assessed.close) == (False, False, False, False)
    assert verdict([no_rating, never_assessed]).verdict == Verdict.NOT_YET


def test_leadership_minimum_needs_a_score():
    assert leadership_criterion(Decimal(60), None, "x").met is False
    assert leadership_criterion(Decimal(60), Decimal("60.00"), "x").met is True


def test_tenure_counts_whole_months():
    assert months_between(date(2025, 11, 24), TODAY) == 11
    assert months_between(date(2025, 11, 23), TODAY) == 12
    assert tenure_criterion(12, date(2025, 11, 24), TODAY).met is False
    assert tenure_criterion(12, None, TODAY).met is False


def test_no_criteria_at_all_is_ready():
    assert verdict([]).verdict == Verdict.READY
