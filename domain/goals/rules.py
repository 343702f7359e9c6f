"""Pure goal arithmetic: targets, progress and health, each with its explanation.

Progress is never stored: it is derived from the latest values of the goal's metric or
key results, `baseline -> target` linear and clamped to 0..1, so it can always say how
it was computed. Health compares that progress with the share of the goal's window
that has passed, and the latest check-in's confidence can only make it worse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from domain.errors import DomainError, ErrorCode
from domain.goals.models import Confidence, Direction, Goal, GoalScope, GoalStatus, KeyResult

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
# How far behind the calendar a goal may fall before it is at risk, then off track.
AT_RISK_GAP = Decimal("0.10")
OFF_TRACK_GAP = Decimal("0.25")
# Measures stay far inside what Decimal arithmetic (28 digits) and the explanations handle exactly.
MAX_MAGNITUDE = Decimal("1e15")
WEIGHT_STEP = Decimal("0.01")  # weights are numeric(5, 2)

Path = Sequence[str]


class Health(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    ON_TRACK = "ON_TRACK"
    AT_RISK = "AT_RISK"
    OFF_TRACK = "OFF_TRACK"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


_SEVERITY = {Health.ON_TRACK: 0, Health.AT_RISK: 1, Health.OFF_TRACK: 2}
# Goals cascade company -> department -> team -> individual: a parent is never narrower.
SCOPE_RANK = {GoalScope.INDIVIDUAL: 0, GoalScope.TEAM: 1, GoalScope.DEPARTMENT: 2, GoalScope.COMPANY: 3}
# The goal state machine: everything else is INVALID_STATE.
TRANSITIONS = {
    GoalStatus.DRAFT: {GoalStatus.ACTIVE, GoalStatus.CANCELLED},
    GoalStatus.ACTIVE: {GoalStatus.COMPLETED, GoalStatus.CANCELLED},
    GoalStatus.COMPLETED: set(),
    GoalStatus.CANCELLED: set(),
}
OPEN_STATUSES = {GoalStatus.DRAFT, GoalStatus.ACTIVE}


@dataclass(frozen=True, slots=True)
class Measure:
    """A measurable target: a goal's metric or one key result."""

    baseline: Decimal
    target: Decimal
    current: Decimal | None
    direction: Direction
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Weighted:
    name: str
    measure: Measure
    weight: Decimal  # percent, the weights of one goal sum to 100


@dataclass(frozen=True, slots=True)
class Progress:
    value: Decimal  # 0..1
    explanation: str


@dataclass(frozen=True, slots=True)
class HealthVerdict:
    health: Health
    expected_progress: Decimal | None
    explanation: str


@dataclass(frozen=True, slots=True)
class Target:
    """A target as resolved from the input: absolute, relative, or both (then they agree)."""

    target: Decimal
    direction: Direction
    relative_change_percent: Decimal | None  # as given; None when only an absolute target was


def _fmt(value: Decimal) -> str:
    if value == value.to_integral():
        return format(value.to_integral(), "f")
    return format(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN).normalize(), "f")


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


def clamp(value: Decimal) -> Decimal:
    return min(ONE, max(ZERO, value))


def _error(code: ErrorCode, message: str, at: Path, name: str | None = None) -> DomainError:
    return DomainError(code, message, [*at, name] if name else list(at))


# --- input rules ----------------------------------------------------------------------


def check_magnitude(value: Decimal, at: Path, name: str) -> Decimal:
    if not value.is_finite() or abs(value) >= MAX_MAGNITUDE:
        raise _error(ErrorCode.INVALID, f"{name} must be a finite number below 10^15 in size", at, name)
    return value


def relative_target(baseline: Decimal, percent: Decimal, direction: Direction, at: Path = ()) -> Decimal:
    """`increase by 30%` from 40 is 52; `decrease by 30%` from 40 is 28.

    The change is a share of the baseline's size, so from -10 `increase by 30%` is -7.
    """
    if percent <= ZERO:
        raise _error(ErrorCode.INVALID, "relativeChangePercent must be positive", at, "relativeChangePercent")
    if direction == Direction.DECREASE and percent > HUNDRED:
        raise _error(ErrorCode.INVALID, "A decrease cannot exceed 100%", at, "relativeChangePercent")
    if baseline == ZERO:
        raise _error(ErrorCode.INVALID, "A relative change needs a non-zero baseline", at, "relativeChangePercent")
    change = abs(baseline) * percent / HUNDRED
    return baseline + change if direction == Direction.INCREASE else baseline - change


def resolve_target(
    baseline: Decimal,
    target: Decimal | None,
    percent: Decimal | None,
    direction: Direction | None,
    at: Path = (),
) -> Target:
    """Turn the input's absolute and/or relative target into one target and direction.

    Without a direction, an absolute target implies it; a relative one means INCREASE.
    """
    check_magnitude(baseline, at, "baseline")
    if target is None and percent is None:
        raise _error(ErrorCode.REQUIRED, "Give a target or a relativeChangePercent", at, "target")
    if target is not None:
        check_magnitude(target, at, "target")
    if percent is not None:
        check_magnitude(percent, at, "relativeChangePercent")
    if direction is None:
        direction = Direction.DECREASE if target is not None and target < baseline else Direction.INCREASE
    if percent is None:
        return Target(target, direction, None)
    computed = relative_target(baseline, percent, direction, at)
    if target is not None and target != computed:
        raise _error(
            ErrorCode.INVALID,
            f"target {_fmt(target)} disagrees with {direction.value.lower()} by {_fmt(percent)}% "
            f"from {_fmt(baseline)} ({_fmt(computed)})",
            at,
            "target",
        )
    return Target(computed, direction, percent)


def check_measure(measure: Measure, at: Path | str = ()) -> None:
    at = [at] if isinstance(at, str) else list(at)
    if not measure.unit.strip():
        raise _error(ErrorCode.REQUIRED, "A measurable target needs a unit", at, "unit")
    if measure.target == measure.baseline:
        raise _error(ErrorCode.INVALID, "target must differ from baseline", at, "target")
    rising = measure.target > measure.baseline
    if rising != (measure.direction == Direction.INCREASE):
        raise _error(ErrorCode.INVALID, f"direction {measure.direction} contradicts baseline -> target", at, "direction")


def check_weight(weight: Decimal, at: Path, name: str = "weight") -> Decimal:
    if not weight.is_finite() or weight < ZERO or weight > HUNDRED:
        raise _error(ErrorCode.INVALID, f"{name} must be between 0 and 100", at, name)
    if weight != weight.quantize(WEIGHT_STEP):
        raise _error(ErrorCode.INVALID, f"{name} has at most two decimal places", at, name)
    return weight


def check_weights(weights: Sequence[Decimal], at: Path | str = ("keyResults",)) -> None:
    """Each weight in 0..100 and, when there are any, a sum of exactly 100."""
    at = [at] if isinstance(at, str) else list(at)
    for weight in weights:
        check_weight(weight, at)
    if weights and sum(weights) != HUNDRED:
        raise _error(ErrorCode.INVALID, f"Key-result weights must sum to 100 (they sum to {_fmt(sum(weights))})", at)


def shown_relative_percent(baseline: Decimal, target: Decimal, stored: Decimal | None) -> Decimal | None:
    """The relative change as given, or derived from an absolute target (none from a zero baseline)."""
    if stored is not None:
        return stored
    if baseline == ZERO:
        return None
    return _round(abs(target - baseline) / abs(baseline) * HUNDRED)


def check_transition(current: GoalStatus, wanted: GoalStatus, at: Path = ("id",)) -> None:
    if wanted not in TRANSITIONS[current]:
        raise _error(ErrorCode.INVALID_STATE, f"A {current.value} goal cannot become {wanted.value}", at)


def check_scope_order(parent: GoalScope, child: GoalScope, at: Path) -> None:
    if SCOPE_RANK[parent] < SCOPE_RANK[child]:
        raise _error(ErrorCode.INVALID, f"A {child.value} goal cannot align under a {parent.value} goal", at)


# --- progress ---------------------------------------------------------------------------


def measure_progress(measure: Measure) -> Decimal:
    """Linear from baseline (0) to target (1), clamped; no value yet counts as the baseline."""
    if measure.current is None:
        return ZERO
    return clamp((measure.current - measure.baseline) / (measure.target - measure.baseline))


def _measure_explanation(measure: Measure, label: str) -> str:
    current = measure.baseline if measure.current is None else measure.current
    raw = (current - measure.baseline) / (measure.target - measure.baseline)
    clamped = " (clamped)" if raw != clamp(raw) else ""
    return (
        f"{label}: ({_fmt(current)} - {_fmt(measure.baseline)}) / ({_fmt(measure.target)} - {_fmt(measure.baseline)})"
        f" = {_fmt(_round(clamp(raw)))}{clamped}"
    )


def explained_progress(measure: Measure, label: str) -> Progress:
    return Progress(_round(measure_progress(measure)), _measure_explanation(measure, label))


def metric_progress(measure: Measure) -> Progress:
    return explained_progress(measure, "metric")


def key_result_progress(results: Sequence[Weighted]) -> Progress:
    """The weighted mean of the key results' own progress."""
    if not results:
        return Progress(ZERO, "no measurable target yet")
    total = sum((measure_progress(r.measure) * r.weight / HUNDRED for r in results), ZERO)
    parts = "; ".join(f"{_measure_explanation(r.measure, r.name)} x {_fmt(r.weight)}%" for r in results)
    return Progress(_round(total), f"weighted key results = {_fmt(_round(total))}: {parts}")


def goal_metric(goal: Goal) -> Measure | None:
    if goal.metric_target is None:
        return None
    return Measure(
        goal.metric_baseline, goal.metric_target, goal.metric_current, Direction(goal.metric_direction), goal.metric_unit or ""
    )


def key_result_measure(result: KeyResult) -> Measure:
    return Measure(result.baseline, result.target, result.current, Direction(result.direction), result.unit)


def goal_progress(goal: Goal, key_results: Sequence[KeyResult]) -> Progress:
    """From the key results when there are any, else from the metric."""
    if key_results:
        return key_result_progress([Weighted(r.name, key_result_measure(r), r.weight) for r in key_results])
    metric = goal_metric(goal)
    return metric_progress(metric) if metric is not None else Progress(ZERO, "no measurable target yet")


# --- health -----------------------------------------------------------------------------


def expected_progress(start: date, due: date, today: date) -> Decimal:
    """The share of the goal's window that has passed."""
    if due <= start:
        return ONE if today >= due else ZERO
    return clamp(Decimal((today - start).days) / Decimal((due - start).days))


def _by_time(progress: Decimal, expected: Decimal, start: date, due: date, today: date) -> tuple[Health, str]:
    elapsed = f"{(min(today, due) - start).days} of {(due - start).days} days elapsed, expected {_fmt(expected)}"
    if progress >= ONE:
        return Health.ON_TRACK, f"progress {_fmt(progress)}: the target is reached"
    if today > due:
        return Health.OFF_TRACK, f"past its due date {due.isoformat()} at progress {_fmt(progress)}"
    gap = expected - progress
    if gap <= AT_RISK_GAP:
        return Health.ON_TRACK, f"progress {_fmt(progress)} keeps pace ({elapsed})"
    if gap <= OFF_TRACK_GAP:
        return Health.AT_RISK, f"progress {_fmt(progress)} trails the calendar by {_fmt(gap)} ({elapsed})"
    return Health.OFF_TRACK, f"progress {_fmt(progress)} is {_fmt(gap)} behind the calendar ({elapsed})"


def health(
    status: GoalStatus, progress: Decimal, start: date, due: date, today: date, confidence: Confidence | None
) -> HealthVerdict:
    """Progress against the calendar, made worse (never better) by the latest stated confidence."""
    if status == GoalStatus.COMPLETED:
        return HealthVerdict(Health.COMPLETED, None, "completed")
    if status == GoalStatus.CANCELLED:
        return HealthVerdict(Health.CANCELLED, None, "cancelled")
    if status == GoalStatus.DRAFT:
        return HealthVerdict(Health.NOT_STARTED, ZERO, "a draft: not started yet")
    if today < start:
        return HealthVerdict(Health.NOT_STARTED, ZERO, f"starts on {start.isoformat()}")
    expected = _round(expected_progress(start, due, today))
    by_time, why = _by_time(progress, expected, start, due, today)
    if confidence is not None and _SEVERITY[Health(confidence.value)] > _SEVERITY[by_time]:
        return HealthVerdict(Health(confidence.value), expected, f"{why}; the latest check-in says {confidence.value}")
    return HealthVerdict(by_time, expected, why)


def goal_health(goal: Goal, progress: Progress, confidence: Confidence | None, today: date) -> HealthVerdict:
    return health(GoalStatus(goal.status), progress.value, goal.start_date, goal.due_date, today, confidence)
