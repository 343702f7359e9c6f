"""Who may see a metric for which scope, then the metric itself.

HR admins see any scope; a manager sees their own reporting subtree and the subtree of
anyone below them; nobody else sees metrics (FORBIDDEN). A scope or cycle that does not
exist (or is another tenant's) answers None for HR admins; for everyone else it is simply
not theirs, so it answers FORBIDDEN exactly like someone else's team.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.errors import Forbidden
from domain.insights.metrics import (
    Grain,
    MetricName,
    MetricSeries,
    Scope,
    ScopeKind,
    metric_series,
)
from domain.org.hierarchy import ancestor_ids


async def may_see_scope(session: AsyncSession, actor: Actor, scope: Scope) -> bool:
    if actor.is_hr_admin:
        return True
    if scope.kind != ScopeKind.MANAGER or scope.id is None:
        return False
    return scope.id == actor.employee_id or actor.employee_id in await ancestor_ids(session, scope.id)


async def _exists(session: AsyncSession, table: str, raw: UUID) -> bool:
    return bool((await session.execute(text(f"SELECT 1 FROM {table} WHERE id = :id"), {"id": raw})).first())


async def scope_exists(session: AsyncSession, scope: Scope) -> bool:
    if scope.kind == ScopeKind.TENANT:
        return True
    if scope.id is None:
        return False
    return await _exists(session, "departments" if scope.kind == ScopeKind.DEPARTMENT else "employees", scope.id)


async def visible_metric(
    session: AsyncSession,
    actor: Actor,
    name: MetricName,
    scope: Scope | None,
    start: date,
    end: date,
    grain: Grain,
    cycle_id: UUID | None = None,
    cycle_given: bool = False,
) -> MetricSeries | None:
    """`scope` None means an ID that was malformed or of the wrong type (not found)."""
    if scope is None or not await may_see_scope(session, actor, scope):
        if not actor.is_hr_admin:
            raise Forbidden("Metrics are for HR admins, and for managers about their own reporting subtree", ["scope"])
        return None
    if not await scope_exists(session, scope):
        return None
    if cycle_given and (cycle_id is None or not await _exists(session, "review_cycles", cycle_id)):
        return None
    return await metric_series(session, name, scope, start, end, grain, cycle_id)
