"""Pure development-plan rules: who sees and edits a plan, which competencies it focuses
on by default, what an action's status is, and the plan's progress, each explained.

Progress is unweighted: DONE actions / (all actions - DROPPED ones). An action counts the
same whatever its size, and only finished work counts: IN_PROGRESS is not half-done,
because nothing says how far along it is. Dropped actions leave the denominator, so
dropping what no longer fits does not punish the plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from uuid import UUID

from domain.actor import Actor
from domain.development.plan_models import FocusBasis, PlanActionStatus
from domain.errors import Forbidden, NotFound
from domain.goals.models import GoalStatus

MAX_DEFAULT_FOCUS = 3  # the largest gaps a new plan starts from
MAX_FOCUS = 10
TITLE_MAX = 200

# A linked goal's own state is the action's.
GOAL_STATUS = {
    GoalStatus.DRAFT: PlanActionStatus.NOT_STARTED,
    GoalStatus.ACTIVE: PlanActionStatus.IN_PROGRESS,
    GoalStatus.COMPLETED: PlanActionStatus.DONE,
    GoalStatus.CANCELLED: PlanActionStatus.DROPPED,
}


def action_item_status(done: bool) -> PlanActionStatus:
    return PlanActionStatus.DONE if done else PlanActionStatus.NOT_STARTED


def effective_status(stored: PlanActionStatus, linked: PlanActionStatus | None) -> PlanActionStatus:
    """The linked object's state when it has one, unless the action was dropped by hand."""
    if stored == PlanActionStatus.DROPPED or linked is None:
        return stored
    return linked


# --- who --------------------------------------------------------------------------------


def can_see(actor: Actor, employee_id: UUID, managers: Collection[UUID]) -> bool:
    """The employee, their managers up the chain, HR admins."""
    return actor.employee_id == employee_id or actor.employee_id in managers or actor.is_hr_admin


def can_edit(actor: Actor, employee_id: UUID, managers: Collection[UUID]) -> bool:
    """The employee and their managers up the chain; HR admins read only."""
    return actor.employee_id == employee_id or actor.employee_id in managers


def require_edit(actor: Actor, employee_id: UUID, managers: Collection[UUID], what: str, field: Sequence[str]) -> None:
    if not can_see(actor, employee_id, managers):
        raise NotFound(what, field)
    if not can_edit(actor, employee_id, managers):
        raise Forbidden("Only the employee and their managers change a development plan; HR admins read it", field)


# --- progress ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    value: Decimal
    explanation: str


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def progress(statuses: Sequence[PlanActionStatus]) -> Progress:
    counts = Counter(statuses)
    dropped = counts[PlanActionStatus.DROPPED]
    counted = len(statuses) - dropped
    done = counts[PlanActionStatus.DONE]
    if not statuses:
        return Progress(Decimal(0), "No actions yet, so nothing is done.")
    if counted == 0:
        return Progress(Decimal(0), f"All {_plural(dropped, 'action')} were dropped; nothing is left to count.")
    value = (Decimal(done) / Decimal(counted)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
    parts = [f"{done} of {_plural(counted, 'action')} done ({round(value * 100)}%)."]
    open_ = [f"{counts[s]} {s.value.lower().replace('_', ' ')}" for s in (PlanActionStatus.IN_PROGRESS, PlanActionStatus.NOT_STARTED) if counts[s]]
    if open_:
        parts.append(f"Not done yet: {' and '.join(open_)}.")
    if dropped:
        parts.append(f"{_plural(dropped, 'dropped action')} not counted.")
    return Progress(value, " ".join(parts))


# --- the default focus ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GapLine:
    competency_id: UUID
    name: str
    position: int
    expected: int | None
    current: int | None
    gap: int | None


@dataclass(frozen=True, slots=True)
class FocusChoice:
    basis: FocusBasis
    picks: list[tuple[UUID, str]]  # competency, why
    explanation: str


def largest_gaps(lines: Sequence[GapLine], limit: int = MAX_DEFAULT_FOCUS) -> list[GapLine]:
    """Known positive gaps, largest first, then in the framework's order."""
    gaps = [line for line in lines if line.gap is not None and line.gap > 0]
    return sorted(gaps, key=lambda line: (-line.gap, line.position, line.name))[:limit]


def gap_reason(line: GapLine, level_name: str) -> str:
    return f"At {level_name}: expected level {line.expected}, current {line.current}, a gap of {line.gap}."


def _listing(lines: Sequence[GapLine]) -> str:
    return "; ".join(f"{line.name} (gap {line.gap})" for line in lines)


def _unassessed(lines: Sequence[GapLine]) -> int:
    return sum(1 for line in lines if line.expected is not None and line.current is None)


def _unassessed_note(lines: Sequence[GapLine]) -> str:
    count = _unassessed(lines)
    return f" {_plural(count, 'expected competency')} not assessed yet, so without a known gap." if count else ""


def choose_focus(
    level: str | None,
    lines: Sequence[GapLine],
    next_level: str | None,
    next_lines: Sequence[GapLine],
    track: str | None = None,
) -> FocusChoice:
    """The largest gaps for the current job level; if there are none, for the next level on
    the same track; else nothing, with the reason."""
    if level is None:
        return FocusChoice(FocusBasis.NONE, [], "No job level is set, so there are no gaps to start from; choose the focus competencies.")
    current = largest_gaps(lines)
    if current:
        picks = [(line.competency_id, gap_reason(line, level)) for line in current]
        return FocusChoice(
            FocusBasis.CURRENT_LEVEL_GAPS, picks,
            f"The {_plural(len(current), 'largest gap')} for {level}: {_listing(current)}.",
        )
    no_gaps = f"No known gaps at {level}.{_unassessed_note(lines)}"
    if next_level is None:
        return FocusChoice(
            FocusBasis.NONE, [], f"{no_gaps} There is no higher level on the {track or 'same'} track; choose the focus competencies."
        )
    following = largest_gaps(next_lines)
    if not following:
        return FocusChoice(
            FocusBasis.NONE, [],
            f"{no_gaps} No known gaps for the next level, {next_level}, either; choose the focus competencies.",
        )
    picks = [(line.competency_id, gap_reason(line, next_level)) for line in following]
    return FocusChoice(
        FocusBasis.NEXT_LEVEL_GAPS, picks,
        f"{no_gaps} So the {_plural(len(following), 'largest gap')} for the next level on the same track, "
        f"{next_level}: {_listing(following)}.",
    )
