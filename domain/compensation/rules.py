"""Bonus arithmetic, pure and in Decimal (never float).

Rounding rule: the recommendation is computed exactly (target x rating multiplier x
leadership multiplier, no intermediate rounding) and rounded ONCE, half to even
(banker's rounding, ROUND_HALF_EVEN), to the currency's minor unit (2 decimals unless
the currency has another, e.g. JPY 0, KWD 3). Proposed amounts are rounded the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from uuid import UUID

from domain.errors import DomainError, ErrorCode

MINOR_UNITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3}
FAR_OFF = Decimal("0.20")  # a proposal more than 20% away from the recommendation is flagged
MAX_MULTIPLIER = Decimal(10)
ONE = Decimal(1)


def check_currency(code: str, field: list[str]) -> str:
    cleaned = (code or "").strip().upper()
    if len(cleaned) != 3 or not cleaned.isalpha() or not cleaned.isascii():
        raise DomainError(ErrorCode.INVALID, "A currency is a three-letter ISO 4217 code", field)
    return cleaned


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_EVEN)


def parse_amount(text: str | Decimal, currency: str, field: list[str]) -> Decimal:
    """A non-negative finite decimal, rounded to the currency's minor unit."""
    try:
        value = text if isinstance(text, Decimal) else Decimal(str(text).strip())
    except InvalidOperation:
        raise DomainError(ErrorCode.INVALID, "An amount is a decimal number such as 1234.50", field) from None
    if not value.is_finite() or value < 0:
        raise DomainError(ErrorCode.INVALID, "An amount is a finite, non-negative decimal number", field)
    if value >= Decimal("1e13"):
        raise DomainError(ErrorCode.INVALID, "The amount is too large", field)
    return round_money(value, currency)


# --- the formula ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Band:
    """Leadership effectiveness scores from `min_score` (inclusive) up to the next band."""

    min_score: Decimal
    multiplier: Decimal


@dataclass(frozen=True, slots=True)
class Formula:
    version: int
    rating_multipliers: Mapping[int, Decimal]
    leadership_bands: tuple[Band, ...]

    def rating_multiplier(self, rating: int) -> Decimal | None:
        return self.rating_multipliers.get(rating)

    def leadership_multiplier(self, score: Decimal) -> Band | None:
        """The highest band whose floor the score reaches; None below every band."""
        reached = [band for band in self.leadership_bands if score >= band.min_score]
        return max(reached, key=lambda band: band.min_score) if reached else None

    def as_json(self) -> dict:
        return {
            "version": self.version,
            "ratingMultipliers": {str(r): str(m) for r, m in sorted(self.rating_multipliers.items())},
            "leadershipBands": [{"minScore": str(b.min_score), "multiplier": str(b.multiplier)} for b in self.leadership_bands],
        }

    @staticmethod
    def from_json(data: Mapping) -> Formula:
        return Formula(
            int(data["version"]),
            {int(r): Decimal(m) for r, m in data["ratingMultipliers"].items()},
            tuple(Band(Decimal(b["minScore"]), Decimal(b["multiplier"])) for b in data["leadershipBands"]),
        )


def _multiplier(value: Decimal, field: list[str]) -> Decimal:
    if not value.is_finite() or value < 0 or value > MAX_MULTIPLIER:
        raise DomainError(ErrorCode.INVALID, f"A multiplier is between 0 and {MAX_MULTIPLIER}", field)
    return value


def check_formula(
    version: int, rating_multipliers: Mapping[int, Decimal], bands: Sequence[Band], scale: Sequence[int]
) -> Formula:
    """Every rating on the scale has a multiplier, and a better rating never earns less (so
    the recommendation is monotonic in the rating); bands have distinct floors in 0..100."""
    missing = sorted(set(scale) - set(rating_multipliers))
    if missing:
        raise DomainError(ErrorCode.REQUIRED, f"Every rating needs a multiplier (missing {missing})", ["ratingMultipliers"])
    extra = sorted(set(rating_multipliers) - set(scale))
    if extra:
        raise DomainError(ErrorCode.INVALID, f"Ratings {extra} are not on the rating scale", ["ratingMultipliers"])
    checked = {r: _multiplier(m, ["ratingMultipliers", str(r)]) for r, m in sorted(rating_multipliers.items())}
    values = list(checked.values())
    if any(low > high for low, high in itertools.pairwise(values)):
        raise DomainError(ErrorCode.INVALID, "A better rating never earns a smaller multiplier", ["ratingMultipliers"])
    floors: set[Decimal] = set()
    for i, band in enumerate(bands):
        if not band.min_score.is_finite() or not 0 <= band.min_score <= 100:
            raise DomainError(ErrorCode.INVALID, "A band starts at a score from 0 to 100", ["leadershipBands", str(i), "minScore"])
        if band.min_score in floors:
            raise DomainError(ErrorCode.DUPLICATE, "Two bands start at the same score", ["leadershipBands", str(i), "minScore"])
        floors.add(band.min_score)
        _multiplier(band.multiplier, ["leadershipBands", str(i), "multiplier"])
    return Formula(version, checked, tuple(sorted(bands, key=lambda band: band.min_score)))


# --- the recommendation -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recommendation:
    amount: Decimal | None
    target: Decimal | None
    rating: int | None
    rating_multiplier: Decimal | None
    leadership_score: Decimal | None
    leadership_multiplier: Decimal | None
    explanation: str


def recommend(
    formula: Formula, currency: str, target: Decimal | None, rating: int | None,
    is_manager: bool, leadership_score: Decimal | None,
) -> Recommendation:
    """target x rating multiplier (x leadership multiplier for people-managers with an index
    score), rounded once. Missing inputs give no amount and say why; they never count as zero."""
    if target is None:
        return Recommendation(None, None, rating, None, leadership_score, None,
                              "No recommendation: the employee's job level has no target bonus.")
    if rating is None:
        return Recommendation(None, target, None, None, leadership_score, None,
                              "No recommendation: no final rating in the latest released review cycle.")
    multiplier = formula.rating_multiplier(rating)
    if multiplier is None:
        return Recommendation(None, target, rating, None, leadership_score, None,
                              f"No recommendation: formula v{formula.version} has no multiplier for rating {rating}.")
    parts = [f"target bonus {target} {currency}", f"rating {rating} multiplier {multiplier}"]
    leadership = ONE
    if not is_manager:
        parts.append("leadership factor not applied (not a people-manager)")
    elif leadership_score is None:
        parts.append("leadership factor skipped (no leadership effectiveness score available), counted as 1")
    else:
        band = formula.leadership_multiplier(leadership_score)
        leadership = band.multiplier if band is not None else ONE
        parts.append(
            f"leadership score {leadership_score} multiplier {leadership}"
            + (f" (band from {band.min_score})" if band is not None else " (below every band, counted as 1)")
        )
    amount = round_money(target * multiplier * leadership, currency)
    return Recommendation(
        amount, target, rating, multiplier, leadership_score, leadership if is_manager and leadership_score is not None else None,
        f"Formula v{formula.version}: " + " x ".join(parts) + f" = {amount} {currency} (rounded half-even to the minor unit).",
    )


# --- proposals and budgets --------------------------------------------------------------------


def proposal_warnings(
    amount: Decimal, recommended: Decimal | None, cycle_total: Decimal, budget: Decimal,
    department_total: Decimal | None, department_budget: Decimal | None,
) -> list[str]:
    """Warnings, never errors: `*_total` are the proposed sums including this amount."""
    warnings = []
    if cycle_total > budget:
        warnings.append(f"Proposals total {cycle_total}, over the cycle budget of {budget}.")
    if department_total is not None and department_budget is not None and department_total > department_budget:
        warnings.append(f"The department's proposals total {department_total}, over its share {department_budget}.")
    if recommended is not None and far_from(amount, recommended):
        warnings.append(f"{amount} is more than 20% away from the recommended {recommended}.")
    return warnings


def far_from(amount: Decimal, recommended: Decimal) -> bool:
    if recommended == 0:
        return amount != 0
    return abs(amount - recommended) > FAR_OFF * recommended


def roll_up(parents: Mapping[UUID, UUID | None], own: Mapping[UUID, Decimal]) -> dict[UUID, Decimal]:
    """Each department's total = its own amounts + every descendant's (the subtree sum)."""
    totals = {department: Decimal(0) for department in parents}
    for department, amount in own.items():
        seen: set[UUID] = set()
        node: UUID | None = department
        while node is not None and node not in seen:
            seen.add(node)
            totals[node] = totals.get(node, Decimal(0)) + amount
            node = parents.get(node)
    return totals
