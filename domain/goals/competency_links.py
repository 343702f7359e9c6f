"""Competencies a LEADERSHIP or DEVELOPMENT goal develops.

Completing such a goal is evidence for them: the competency profile reads
goal_competencies joined to goals with status COMPLETED (and completed_on).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.framework import competencies_by_ids, require_active
from domain.errors import DomainError, ErrorCode, NotFound
from domain.goals.goals import COMPETENCY_KINDS, check_open, require_changer, touch
from domain.goals.models import Goal, GoalCompetency
from domain.goals.queries import get_visible_goal

MAX_LINKS = 50


async def _check_competencies(session: AsyncSession, ids: Sequence[UUID]) -> None:
    """Each asked competency exists and is active, checked in input order, so errors name the first bad one."""
    found = await competencies_by_ids(session, ids)
    for i, competency_id in enumerate(ids):
        if competency_id not in found:
            raise NotFound("Competency", ["competencyIds", str(i)])
        require_active(found[competency_id], ["competencyIds", str(i)])


async def link_competencies(session: AsyncSession, actor: Actor, goal_id: UUID, competency_ids: Sequence[UUID]) -> Goal:
    """Set the goal's competencies to exactly these (an empty list unlinks them all)."""
    goal = await get_visible_goal(session, actor, goal_id, "goalId")
    await require_changer(session, actor, goal)
    check_open(goal, "goalId")
    if len(competency_ids) > MAX_LINKS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_LINKS} competencies", ["competencyIds"])
    await _check_competencies(session, competency_ids)
    unique = list(dict.fromkeys(competency_ids))
    if unique and goal.kind not in COMPETENCY_KINDS:
        raise DomainError(ErrorCode.INVALID, "Only LEADERSHIP and DEVELOPMENT goals develop competencies", ["competencyIds"])
    await session.execute(delete(GoalCompetency).where(GoalCompetency.goal_id == goal.id))
    session.add_all(GoalCompetency(tenant_id=goal.tenant_id, goal_id=goal.id, competency_id=c) for c in unique)
    return await touch(session, goal)
