"""Pure parts of the metrics engine: the buckets a series is cut into, and the arithmetic
of a point (value = numerator / denominator, None without a denominator)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from domain.errors import DomainError, ErrorCode
from domain.insights.metrics import Grain

MAX_POINTS = 400  # more than a year of days: bigger asks are a mistake, not a chart
PLACES = Decimal("0.0001")


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _begin(start: date, grain: Grain, index: int) -> date:
    """The i-th window's first day. Months count from `start` (31 Jan, 28 Feb, 31 Mar)."""
    if grain == Grain.DAY:
        return start + timedelta(days=index)
    if grain == Grain.WEEK:
        return start + timedelta(days=7 * index)
    return _add_months(start, index)


def buckets(start: date, end: date, grain: Grain) -> list[tuple[date, date]]:
    """Consecutive inclusive windows [from, to] from `start`, each one grain long, the last
    clipped to `end`. A series has one point per window, dated at its last day."""
    if end < start:
        raise DomainError(ErrorCode.INVALID, "The period ends before it starts", ["to"])
    out: list[tuple[date, date]] = []
    begin = start
    while begin <= end:
        following = _begin(start, grain, len(out) + 1)
        out.append((begin, min(following - timedelta(days=1), end)))
        if len(out) > MAX_POINTS:
            raise DomainError(ErrorCode.INVALID, f"At most {MAX_POINTS} points per series; use a coarser grain", ["grain"])
        begin = following
    return out


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator to 4 places (half-even); None when there is nothing to divide by."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(PLACES, rounding=ROUND_HALF_EVEN)
