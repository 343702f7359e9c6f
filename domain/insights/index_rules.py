"""Pure rules of the leadership effectiveness index. No database.

Each component arrives already normalised to 0..1 (how is stated per component, see
`NORMALISATIONS`), or as None when there is no data for it. Components without data are
left out and the weights of the others scaled up so the effective weights again sum to
100: a missing component is never read as a zero. The score is the sum of value x
effective weight, so it lies in 0..100, rounded half-even to two places at the end only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from domain.errors import DomainError, ErrorCode

TWO_PLACES = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
HUNDRED = Decimal(100)
MAX_WEIGHT = 1000


class Component(StrEnum):
    UPWARD_RATINGS = "UPWARD_RATINGS"
    GOAL_ATTAINMENT = "GOAL_ATTAINMENT"
    FEEDBACK_PARTICIPATION = "FEEDBACK_PARTICIPATION"
    ONE_ON_ONE_CADENCE = "ONE_ON_ONE_CADENCE"
    RETENTION = "RETENTION"
    COMPETENCY_GROWTH = "COMPETENCY_GROWTH"


DEFAULT_WEIGHTS: dict[Component, int] = {
    Component.UPWARD_RATINGS: 30, Component.GOAL_ATTAINMENT: 20, Component.FEEDBACK_PARTICIPATION: 15,
    Component.ONE_ON_ONE_CADENCE: 15, Component.RETENTION: 10, Component.COMPETENCY_GROWTH: 10,
}

NORMALISATIONS: dict[Component, str] = {
    Component.UPWARD_RATINGS: "average direct-report rating on leadership competencies, (average - lowest) / "
                              "(highest - lowest) of the rating scale",
    Component.GOAL_ATTAINMENT: "share of the team's goals due in the period that reached their target (already 0..1)",
    Component.FEEDBACK_PARTICIPATION: "share of the team active in feedback in the trailing 30 days at the period's "
                                      "end (already 0..1)",
    Component.ONE_ON_ONE_CADENCE: "share of reports whose 1:1s are on cadence (already 0..1)",
    Component.RETENTION: "share of the team retained over the period (already 0..1)",
    Component.COMPETENCY_GROWTH: "average change of assessed levels: -1 level or less is 0, no change 0.5, "
                                 "+1 level or more 1 ((change + 1) / 2, clamped)",
}


@dataclass(frozen=True, slots=True)
class Reading:
    """One component's input: its normalised value (None = no data) and how many things it rests on."""

    component: Component
    value: Decimal | None
    rests_on: int
    raw: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ComponentScore:
    component: Component
    value: Decimal | None
    raw: Decimal | None
    weight: int
    effective_weight: Decimal
    contribution: Decimal
    rests_on: int
    normalisation: str
    present: bool


@dataclass(frozen=True, slots=True)
class IndexScore:
    score: Decimal | None
    components: tuple[ComponentScore, ...]
    explanation: str


def check_weights(weights: Mapping[Component, int]) -> dict[Component, int]:
    """Every component gets a whole weight 0..1000; at least one is positive."""
    missing = [c for c in Component if c not in weights]
    if missing:
        raise DomainError(ErrorCode.REQUIRED, f"Weights are missing for {', '.join(missing)}", ["weights"])
    for component, weight in weights.items():
        if not 0 <= weight <= MAX_WEIGHT:
            raise DomainError(ErrorCode.INVALID, f"The weight of {component} must be 0..{MAX_WEIGHT}", ["weights"])
    if sum(weights.values()) <= 0:
        raise DomainError(ErrorCode.INVALID, "At least one weight must be positive", ["weights"])
    return {c: int(weights[c]) for c in Component}


def clamp01(value: Decimal) -> Decimal:
    return min(Decimal(1), max(Decimal(0), value))


def scale_normalise(average: Decimal, lowest: int, highest: int) -> Decimal:
    if highest <= lowest:
        raise ValueError("a rating scale needs two levels")
    return clamp01((average - lowest) / Decimal(highest - lowest))


def growth_normalise(change: Decimal) -> Decimal:
    return clamp01((change + 1) / 2)


def renormalise(weights: Mapping[Component, int], present: set[Component]) -> dict[Component, Decimal]:
    """Effective weights: the present components' weights scaled to sum to 100, absent ones 0."""
    total = sum(weights[c] for c in present)
    if total == 0:
        return {c: Decimal(0) for c in weights}
    return {c: (Decimal(weights[c]) * HUNDRED / total if c in present else Decimal(0)) for c in weights}


def index_score(readings: Sequence[Reading], weights: Mapping[Component, int]) -> IndexScore:
    by_component = {r.component: r for r in readings}
    present = {c for c, r in by_component.items() if r.value is not None and weights.get(c, 0) > 0}
    effective = renormalise(weights, present)
    parts = []
    for component in Component:
        reading = by_component.get(component, Reading(component, None, 0))
        share = effective.get(component, Decimal(0))
        value = clamp01(reading.value) if reading.value is not None else None
        contribution = value * share if component in present and value is not None else Decimal(0)
        parts.append(ComponentScore(
            component, value, reading.raw, weights.get(component, 0), share.quantize(FOUR_PLACES, ROUND_HALF_EVEN),
            contribution.quantize(FOUR_PLACES, ROUND_HALF_EVEN), reading.rests_on, NORMALISATIONS[component],
            component in present,
        ))
    if not present:
        return IndexScore(None, tuple(parts), "No component has data for this period, so there is no score.")
    raw_score = sum((p.value * effective[p.component] for p in parts if p.present and p.value is not None), Decimal(0))
    score = raw_score.quantize(TWO_PLACES, ROUND_HALF_EVEN)
    return IndexScore(score, tuple(parts), _explain(score, parts, weights, present))


def _explain(score: Decimal, parts: Sequence[ComponentScore], weights: Mapping[Component, int], present: set[Component]) -> str:
    used = ", ".join(f"{p.component} {p.value:.2f} x {p.effective_weight:.2f}" for p in parts if p.present)
    left_out = [p.component.value for p in parts if not p.present]
    text = f"Score {score} of 100 = sum of value x effective weight ({used})."
    if left_out:
        kept = sum(weights[c] for c in present)
        text += (f" Left out for lack of data (or zero weight): {', '.join(left_out)}; the remaining weights "
                 f"(total {kept}) were scaled to 100.")
    return text


def trend(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Change against the previous period of equal length; None when either has no score."""
    if current is None or previous is None:
        return None
    return current - previous
