"""Pure 1:1 rules: the pair, and whether a series keeps its cadence (with the numbers).

A series is ON_CADENCE while the days since its last held meeting (or since it started,
before the first one) stay within the cadence plus a grace period, and LATE after that;
NONE when there is no active series to judge. The verdict only ever gets worse as days
pass without a meeting (tests/rules/test_one_on_one_rules.py checks that property).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from domain.errors import DomainError, ErrorCode
from domain.one_on_ones.models import Cadence

# How often a cadence expects a meeting, and the slack before it counts as late: a week's
# meeting may slip to the Wednesday after, a month's by a week.
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 30}
GRACE_DAYS = {Cadence.WEEKLY: 3, Cadence.BIWEEKLY: 4, Cadence.MONTHLY: 7}

BODY_MAX = 2000
NOTE_MAX = 10_000
TITLE_MAX = 200


class CadenceHealth(StrEnum):
    ON_CADENCE = "ON_CADENCE"
    LATE = "LATE"
    NONE = "NONE"


@dataclass(frozen=True, slots=True)
class SeriesFacts:
    """What the health of one series depends on."""

    cadence: Cadence
    started_on: date
    last_held: date | None


@dataclass(frozen=True, slots=True)
class HealthVerdict:
    status: CadenceHealth
    explanation: str
    days_since: int | None = None  # since the last held meeting, or since the start before the first
    allowed_days: int | None = None  # cadence + grace


def pair(a: UUID, b: UUID, field: str = "withEmployeeId") -> tuple[UUID, UUID]:
    """The pair in its stored order. Nobody has a 1:1 with themselves."""
    if a == b:
        raise DomainError(ErrorCode.INVALID, "A 1:1 is between two different people", [field])
    return (a, b) if a < b else (b, a)


def allowed_days(cadence: Cadence) -> int:
    return CADENCE_DAYS[cadence] + GRACE_DAYS[cadence]


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def health(facts: SeriesFacts | None, today: date, none_reason: str = "No active 1:1 series.") -> HealthVerdict:
    """Days since the last held meeting (or the start) against cadence + grace."""
    if facts is None:
        return HealthVerdict(CadenceHealth.NONE, none_reason)
    since = facts.last_held or facts.started_on
    days = max(0, (today - since).days)
    allowed = allowed_days(facts.cadence)
    due = since + timedelta(days=allowed)
    if facts.last_held is not None:
        opening = f"Last 1:1 held on {since.isoformat()}, {_days(days)} ago."
    else:
        opening = f"No 1:1 held yet; the series started on {since.isoformat()}, {_days(days)} ago."
    rule = (
        f"A {facts.cadence.value} cadence expects one every {_days(CADENCE_DAYS[facts.cadence])}, "
        f"with {_days(GRACE_DAYS[facts.cadence])} of grace ({allowed} in all)"
    )
    if days <= allowed:
        verdict = f"{rule}: on cadence, the next is due by {due.isoformat()}."
        return HealthVerdict(CadenceHealth.ON_CADENCE, f"{opening} {verdict}", days, allowed)
    verdict = f"{rule}: late by {_days(days - allowed)} (it was due by {due.isoformat()})."
    return HealthVerdict(CadenceHealth.LATE, f"{opening} {verdict}", days, allowed)
