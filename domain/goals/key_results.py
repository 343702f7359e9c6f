"""Key results of a goal: add, change, remove, rebalance.

Weights are percentages of the goal's progress. A draft may hold any weights while it
is being written; an active goal's weights sum to 100 after every change, so adding a
key result to a live goal goes with weight 0, then `set_weights` rebalances them all at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode, NotFound
from domain.goals import rules
from domain.goals.goals import MeasureSpec, check_open, clean_measure, new_key_result, require_changer
from domain.goals.models import Direction, Goal, GoalCheckIn, GoalStatus, KeyResult
from domain.goals.queries import find_visible_goal, get_key_result, get_visible_goal, key_results_by_goal_ids


@dataclass(frozen=True, slots=True)
class WeightChange:
    key_result_id: UUID
    weight: Decimal


async def _editable_goal(session: AsyncSession, actor: Actor, goal_id: UUID, field_name: str) -> Goal:
    goal = await get_visible_goal(session, actor, goal_id, field_name)
    await require_changer(session, actor, goal)
    check_open(goal, field_name)
    return goal


async def _editable_key_result(session: AsyncSession, actor: Actor, key_result_id: UUID) -> tuple[KeyResult, Goal]:
    """A key result of a goal the actor cannot see is as missing as one that does not exist."""
    result = await get_key_result(session, key_result_id)
    goal = await find_visible_goal(session, actor, result.goal_id)
    if goal is None:
        raise NotFound("KeyResult", ["id"])
    await require_changer(session, actor, goal)
    check_open(goal)
    return result, goal


def _check_live_weights(goal: Goal, results: Sequence[KeyResult], at: list[str]) -> None:
    if goal.status == GoalStatus.ACTIVE:
        rules.check_weights([r.weight for r in results], at)


async def add_key_result(session: AsyncSession, actor: Actor, goal_id: UUID, spec: MeasureSpec) -> KeyResult:
    goal = await _editable_goal(session, actor, goal_id, "goalId")
    if goal.has_metric:
        raise DomainError(ErrorCode.INVALID, "This goal measures a metric; clear it before adding key results", ["goalId"])
    measure = clean_measure(spec, [])
    if spec.weight is None:
        raise DomainError(ErrorCode.REQUIRED, "A key result needs a weight", ["weight"])
    weight = rules.check_weight(spec.weight, [])
    existing = (await key_results_by_goal_ids(session, [goal.id]))[goal.id]
    result = new_key_result(goal, measure, weight, max((r.position for r in existing), default=-1) + 1)
    _check_live_weights(goal, [*existing, result], ["weight"])
    session.add(result)
    await session.flush()
    return result


_MEASURE_FIELDS = {"name", "unit", "baseline", "target", "relative_change_percent", "direction"}


def _measure_spec(result: KeyResult, changes: dict[str, Any]) -> MeasureSpec:
    """The key result's measure with the changes applied.

    A relative target stays relative: a new baseline re-derives the target, unless an
    absolute target is given (which then replaces the percentage).
    """
    if "target" in changes and "relative_change_percent" not in changes:
        target, percent = changes["target"], None
    elif changes.get("relative_change_percent") is None and "relative_change_percent" in changes:
        target, percent = changes.get("target", result.target), None  # made absolute where it stands
    elif "relative_change_percent" in changes:
        target, percent = changes.get("target"), changes["relative_change_percent"]
    elif result.relative_change_percent is not None:
        target, percent = None, result.relative_change_percent
    else:
        target, percent = result.target, None
    return MeasureSpec(
        name=changes.get("name", result.name),
        unit=changes.get("unit", result.unit),
        baseline=changes.get("baseline", result.baseline),
        target=target,
        relative_change_percent=percent,
        direction=changes.get("direction") or Direction(result.direction),
    )


async def update_key_result(session: AsyncSession, actor: Actor, key_result_id: UUID, changes: dict[str, Any]) -> KeyResult:
    """Only the keys present change; the current value stays."""
    result, goal = await _editable_key_result(session, actor, key_result_id)
    if changes.keys() & _MEASURE_FIELDS:
        measure = clean_measure(_measure_spec(result, changes), [])
        result.name, result.unit, result.baseline = measure.name, measure.unit, measure.baseline
        result.target, result.direction = measure.target.target, measure.target.direction.value
        result.relative_change_percent = measure.target.relative_change_percent
    if "weight" in changes:
        result.weight = rules.check_weight(changes["weight"], [])
        siblings = (await key_results_by_goal_ids(session, [goal.id]))[goal.id]
        _check_live_weights(goal, [result if r.id == result.id else r for r in siblings], ["weight"])
    await session.flush()
    return result


async def remove_key_result(session: AsyncSession, actor: Actor, key_result_id: UUID) -> Goal:
    """Its check-ins go with it; an active goal keeps at least one key result, weights summing to 100."""
    result, goal = await _editable_key_result(session, actor, key_result_id)
    remaining = [r for r in (await key_results_by_goal_ids(session, [goal.id]))[goal.id] if r.id != result.id]
    if goal.status == GoalStatus.ACTIVE and not remaining:
        raise DomainError(ErrorCode.INVALID, "An active goal keeps at least one key result", ["id"])
    if goal.status == GoalStatus.ACTIVE and sum(r.weight for r in remaining) != rules.HUNDRED:
        raise DomainError(
            ErrorCode.INVALID, "The other key results' weights must sum to 100: rebalance with setKeyResultWeights first", ["id"]
        )
    await session.execute(delete(GoalCheckIn).where(GoalCheckIn.key_result_id == result.id))
    await session.delete(result)
    await session.flush()
    return goal


async def set_weights(session: AsyncSession, actor: Actor, goal_id: UUID, changes: Sequence[WeightChange]) -> Goal:
    """Set several weights at once: the way to rebalance an active goal."""
    goal = await _editable_goal(session, actor, goal_id, "goalId")
    results = {r.id: r for r in (await key_results_by_goal_ids(session, [goal.id]))[goal.id]}
    seen: set[UUID] = set()
    for i, change in enumerate(changes):
        at = ["weights", str(i)]
        if change.key_result_id not in results:
            raise NotFound("KeyResult", [*at, "keyResultId"])
        if change.key_result_id in seen:
            raise DomainError(ErrorCode.DUPLICATE, "Each key result appears once", [*at, "keyResultId"])
        seen.add(change.key_result_id)
        results[change.key_result_id].weight = rules.check_weight(change.weight, at)
    _check_live_weights(goal, list(results.values()), ["weights"])
    await session.flush()
    return goal
