"""The windows a metric series is cut into, and a point's arithmetic."""

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import DomainError, ErrorCode
from domain.insights.metric_rules import MAX_POINTS, buckets, ratio
from domain.insights.metrics import Grain


def test_weekly_windows_start_on_the_first_day_and_the_last_is_clipped_to_the_end():
    assert buckets(date(2026, 3, 1), date(2026, 3, 17), Grain.WEEK) == [
        (date(2026, 3, 1), date(2026, 3, 7)),
        (date(2026, 3, 8), date(2026, 3, 14)),
        (date(2026, 3, 15), date(2026, 3, 17)),
    ]


def test_monthly_windows_count_from_the_start_day_without_drifting_after_a_short_month():
    assert buckets(date(2026, 1, 31), date(2026, 4, 30), Grain.MONTH) == [
        (date(2026, 1, 31), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2026, 3, 30)),
        (date(2026, 3, 31), date(2026, 4, 29)),
        (date(2026, 4, 30), date(2026, 4, 30)),
    ]


def test_a_single_day_period_has_one_daily_point():
    assert buckets(date(2026, 5, 5), date(2026, 5, 5), Grain.DAY) == [(date(2026, 5, 5), date(2026, 5, 5))]


def test_a_period_ending_before_it_starts_is_invalid():
    with pytest.raises(DomainError) as error:
        buckets(date(2026, 5, 5), date(2026, 5, 4), Grain.DAY)
    assert (error.value.code, error.value.field) == (ErrorCode.INVALID, ["to"])


def test_too_many_points_ask_for_a_coarser_grain():
    with pytest.raises(DomainError) as error:
        buckets(date(2020, 1, 1), date(2026, 1, 1), Grain.DAY)
    assert (error.value.code, error.value.field) == (ErrorCode.INVALID, ["grain"])
    assert MAX_POINTS >= 366  # a year of days is always allowed


def test_a_point_without_a_denominator_has_no_value_rather_than_zero():
    assert ratio(Decimal(0), Decimal(0)) is None
    assert ratio(Decimal(2), Decimal(3)) == Decimal("0.6667")
    assert ratio(Decimal(1), Decimal(8)) == Decimal("0.1250")  # 4 places, half-even
