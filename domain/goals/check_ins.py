"""Check-ins: a new current value for the goal's metric or one key result, with a confidence.

Each check-in is kept (the goal's history); the value also becomes the measure's
`current`, from which progress is derived. Only active goals take check-ins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode, NotFound
from domain.goals import rules
from domain.goals.goals import require_changer
from domain.goals.models import Confidence, Goal, GoalCheckIn, GoalStatus, KeyResult
from domain.goals.queries import get_visible_goal, key_results_by_goal_ids
from domain.org.rules import clean_text

NOTE_MAX = 2000


@dataclass(slots=True)
class NewCheckIn:
    goal_id: UUID
    value: Decimal
    confidence: Confidence
    key_result_id: UUID | None = None
    note: str | None = None


async def _measured(session: AsyncSession, goal: Goal, key_result_id: UUID | None) -> KeyResult | None:
    """The key result the value is for, or None for the goal's metric."""
    results = {r.id: r for r in (await key_results_by_goal_ids(session, [goal.id]))[goal.id]}
    if key_result_id is not None:
        if key_result_id not in results:
            raise NotFound("KeyResult", ["keyResultId"])
        return results[key_result_id]
    if results:
        raise DomainError(ErrorCode.REQUIRED, "This goal measures key results: name the one checked in", ["keyResultId"])
    return None


async def check_in(session: AsyncSession, actor: Actor, data: NewCheckIn, today: date) -> GoalCheckIn:
    goal = await get_visible_goal(session, actor, data.goal_id, "goalId")
    await require_changer(session, actor, goal)
    key_result = await _measured(session, goal, data.key_result_id)
    if goal.status != GoalStatus.ACTIVE:
        raise DomainError(ErrorCode.INVALID_STATE, f"A {goal.status} goal takes no check-ins", ["goalId"])
    value = rules.check_magnitude(data.value, [], "value")
    note = clean_text(data.note, "note", required=False, max_length=NOTE_MAX)
    if key_result is not None:
        key_result.current = value
    else:
        goal.metric_current = value
    entry = GoalCheckIn(
        tenant_id=goal.tenant_id, goal_id=goal.id, key_result_id=key_result.id if key_result else None, value=value,
        confidence=data.confidence.value, note=note, author_id=actor.employee_id, checked_in_on=today,
        # The wall clock, not the transaction's: several check-ins in one transaction keep their order.
        recorded_at=func.clock_timestamp(),
    )
    session.add(entry)
    await session.flush()
    await session.refresh(entry, ["recorded_at"])
    return entry
