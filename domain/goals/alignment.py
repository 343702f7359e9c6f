"""Alignment: a goal hangs under a parent goal (company -> department -> team -> individual).

No cycles, and the parent must be a goal the actor can see (in their own tenant, which
RLS guarantees): anything else is NOT_FOUND, exactly like a goal that does not exist.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.goals.goals import check_open, check_parent, require_changer, touch
from domain.goals.models import Goal, GoalScope
from domain.goals.queries import ancestor_ids, get_visible_goal


async def set_parent(session: AsyncSession, actor: Actor, goal_id: UUID, parent_id: UUID | None) -> Goal:
    goal = await get_visible_goal(session, actor, goal_id, "goalId")
    await require_changer(session, actor, goal)
    check_open(goal, "goalId")
    if parent_id is not None:
        await check_parent(session, actor, parent_id, GoalScope(goal.scope))
        if goal.id in await ancestor_ids(session, parent_id):
            raise DomainError(ErrorCode.CYCLE, "A goal cannot align under itself or a goal aligned under it", ["parentId"])
    goal.parent_id = parent_id
    return await touch(session, goal)
