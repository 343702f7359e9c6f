"""Pure rules of promotion readiness. No database.

Each criterion is met or not, with its evidence. The verdict:
- READY: every criterion is met;
- NEARLY: exactly one criterion is unmet, or every unmet criterion is close (a competency
  one level short, a final rating at most 0.5 below the minimum);
- NOT_YET: otherwise. A criterion without any evidence (no released rating, no
  assessment, no index) is unmet and never close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError, ErrorCode

RATING_SLACK = Decimal("0.5")
LEVEL_SLACK = 1


class Verdict(StrEnum):
    READY = "READY"
    NEARLY = "NEARLY"
    NOT_YET = "NOT_YET"


class CriterionKind(StrEnum):
    FINAL_RATING = "FINAL_RATING"
    TENURE = "TENURE"
    COMPETENCY = "COMPETENCY"
    LEADERSHIP_EFFECTIVENESS = "LEADERSHIP_EFFECTIVENESS"


@dataclass(frozen=True, slots=True)
class CriterionResult:
    kind: CriterionKind
    required: Decimal
    actual: Decimal | None
    met: bool
    close: bool
    evidence: str
    competency_id: object = None
    as_of: date | None = None


@dataclass(frozen=True, slots=True)
class Readiness:
    verdict: Verdict
    criteria: tuple[CriterionResult, ...]
    explanation: str


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (a month counts once its day is reached)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - 1 if end.day < start.day else months


def check_minimums(min_final_rating: Decimal | None, min_tenure_months: int | None, min_leadership: Decimal | None) -> None:
    if min_final_rating is not None and min_final_rating < 0:
        raise DomainError(ErrorCode.INVALID, "The minimum final rating cannot be negative", ["minFinalRating"])
    if min_tenure_months is not None and not 0 <= min_tenure_months <= 600:
        raise DomainError(ErrorCode.INVALID, "The minimum tenure must be 0..600 months", ["minTenureMonths"])
    if min_leadership is not None and not 0 <= min_leadership <= 100:
        raise DomainError(ErrorCode.INVALID, "The minimum leadership effectiveness must be 0..100",
                          ["minLeadershipEffectiveness"])


def rating_criterion(required: Decimal, actual: int | None, evidence: str) -> CriterionResult:
    if actual is None:
        return CriterionResult(CriterionKind.FINAL_RATING, required, None, False, False, evidence)
    met = Decimal(actual) >= required
    return CriterionResult(CriterionKind.FINAL_RATING, required, Decimal(actual), met,
                           not met and required - actual <= RATING_SLACK, evidence)


def tenure_criterion(required: int, hired_on: date | None, today: date) -> CriterionResult:
    if hired_on is None:
        return CriterionResult(CriterionKind.TENURE, Decimal(required), None, False, False, "No hire date recorded.")
    months = months_between(hired_on, today)
    return CriterionResult(CriterionKind.TENURE, Decimal(required), Decimal(months), months >= required, False,
                           f"Hired on {hired_on.isoformat()}: {months} whole months on {today.isoformat()}.", as_of=hired_on)


def competency_criterion(competency_id, required: int, actual: int | None, assessed_on: date | None, evidence: str) -> CriterionResult:
    if actual is None:
        return CriterionResult(CriterionKind.COMPETENCY, Decimal(required), None, False, False, evidence, competency_id)
    met = actual >= required
    return CriterionResult(CriterionKind.COMPETENCY, Decimal(required), Decimal(actual), met,
                           not met and required - actual <= LEVEL_SLACK, evidence, competency_id, assessed_on)


def leadership_criterion(required: Decimal, actual: Decimal | None, evidence: str) -> CriterionResult:
    met = actual is not None and actual >= required
    return CriterionResult(CriterionKind.LEADERSHIP_EFFECTIVENESS, required, actual, met, False, evidence)


def verdict(criteria: Sequence[CriterionResult]) -> Readiness:
    unmet = [c for c in criteria if not c.met]
    if not unmet:
        return Readiness(Verdict.READY, tuple(criteria), f"All {len(criteria)} criteria are met.")
    if len(unmet) == 1:
        return Readiness(Verdict.NEARLY, tuple(criteria),
                         f"All criteria but one are met; missing: {_name(unmet[0])}.")
    if all(c.close for c in unmet):
        return Readiness(Verdict.NEARLY, tuple(criteria),
                         f"{len(unmet)} criteria are unmet but each is within one competency level or 0.5 rating: "
                         f"{', '.join(_name(c) for c in unmet)}.")
    return Readiness(Verdict.NOT_YET, tuple(criteria),
                     f"{len(unmet)} of {len(criteria)} criteria are unmet: {', '.join(_name(c) for c in unmet)}.")


def _name(criterion: CriterionResult) -> str:
    if criterion.kind == CriterionKind.COMPETENCY:
        return f"competency {criterion.competency_id} at level {criterion.required}"
    return f"{criterion.kind.value} {criterion.required}"
