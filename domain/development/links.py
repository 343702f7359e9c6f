"""What a development plan action links to: a registry of resolvers, one per kind.

A plan action is `kind` + the linked object's id. Goals and 1:1 action items live in
tables of migration 0006 or earlier, so their ids are real foreign keys (`goal_id`,
`action_item_id`); the development programs' tables (0007: training enrolments,
mentorships, stretch-project applications) come later, so their id is kept in
`linked_id` without a foreign key and checked here, at write time, through the resolver
their context registers.

Tenant safety does not depend on the resolvers being careful: every query runs in the
request's tenant-bound session, so row-level security hides other tenants' rows, and an
id that exists only in another tenant reads as missing (NOT_FOUND, like any unknown id).

Extending it (the programs context), at import time of your module:

    links.register(
        PlanActionKind.MENTORSHIP,
        type_name="Mentorship",                 # the global ID type clients send as linkedId
        exists=mentorship_exists,               # async (session, id) -> bool
        statuses=mentorship_statuses,           # optional: async (session, ids) -> {id: PlanActionStatus}
    )

and add the module's name to PROVIDER_MODULES below, so it is imported before first use.
`statuses`, when given, makes the action's status follow the linked object (an action may
still be DROPPED by hand); without it the status is whatever the plan's editors set.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.development.plan_models import PlanActionKind, PlanActionStatus
from domain.development.plan_rules import GOAL_STATUS, action_item_status
from domain.goals.models import Goal, GoalStatus
from domain.one_on_ones.models import ActionItem

Exists = Callable[[AsyncSession, UUID], Awaitable[bool]]
Statuses = Callable[[AsyncSession, Sequence[UUID]], Awaitable[dict[UUID, PlanActionStatus]]]

# Modules that call `register` when imported (e.g. "domain.development.programs_links").
PROVIDER_MODULES: tuple[str, ...] = ("domain.development.programs_links",)


@dataclass(frozen=True, slots=True)
class LinkResolver:
    kind: PlanActionKind
    type_name: str
    exists: Exists
    statuses: Statuses | None = None


_RESOLVERS: dict[PlanActionKind, LinkResolver] = {}
_loaded = False


def register(kind: PlanActionKind, *, type_name: str, exists: Exists, statuses: Statuses | None = None) -> None:
    _RESOLVERS[kind] = LinkResolver(kind, type_name, exists, statuses)


def resolver(kind: PlanActionKind) -> LinkResolver | None:
    """None for OTHER, and for a kind whose context has not registered yet."""
    global _loaded
    if not _loaded:
        for name in PROVIDER_MODULES:
            importlib.import_module(name)
        _loaded = True
    return _RESOLVERS.get(kind)


async def statuses_of(session: AsyncSession, kind: PlanActionKind, ids: Sequence[UUID]) -> dict[UUID, PlanActionStatus]:
    """The linked objects' own states as action statuses; empty when the kind has none."""
    found = resolver(kind)
    if found is None or found.statuses is None or not ids:
        return {}
    return await found.statuses(session, ids)


# --- the kinds of this context and earlier ones ----------------------------------------


async def _goal_exists(session: AsyncSession, goal_id: UUID) -> bool:
    return await session.scalar(select(Goal.id).where(Goal.id == goal_id)) is not None


async def _goal_statuses(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, PlanActionStatus]:
    rows = await session.execute(select(Goal.id, Goal.status).where(Goal.id.in_(list(ids))))
    return {goal_id: GOAL_STATUS[GoalStatus(status)] for goal_id, status in rows}


async def _action_item_exists(session: AsyncSession, item_id: UUID) -> bool:
    return await session.scalar(select(ActionItem.id).where(ActionItem.id == item_id)) is not None


async def _action_item_statuses(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, PlanActionStatus]:
    rows = await session.execute(select(ActionItem.id, ActionItem.done).where(ActionItem.id.in_(list(ids))))
    return {item_id: action_item_status(done) for item_id, done in rows}


register(PlanActionKind.GOAL, type_name="Goal", exists=_goal_exists, statuses=_goal_statuses)
register(
    PlanActionKind.ONE_ON_ONE_ACTION, type_name="OneOnOneActionItem", exists=_action_item_exists,
    statuses=_action_item_statuses,
)
