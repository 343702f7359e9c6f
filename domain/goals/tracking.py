"""Goals tracked live: a goal's metric bound to a platform metric and scope.

The value of a tracked metric on a day d is the platform metric over the 30 days up to d
(`metric_value(d - 29, d)`: for point-in-time metrics such as feedback participation, simply
its value at d). The baseline is that value on the goal's start date, captured once when the
metric is bound. Refreshing a goal (on read, see api/goals/queries.py `goal`) sets its
current value to the value on min(today, due date) and records it as the AUTOMATIC check-in
of that day: one row per goal and day (a unique index), updated in place when refreshed
again, so the check-in history builds itself. Manual check-ins and notes stay allowed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.goals.models import Goal, GoalStatus
from domain.insights.metrics import MetricName, Scope, ScopeKind, metric_value
from domain.insights.queries import may_see_scope, scope_exists

WINDOW_DAYS = 30
UNTRACKABLE = {MetricName.REVIEW_COMPLETION_RATE}  # per review cycle, not a running value


async def value_on(session: AsyncSession, source: MetricName, scope: Scope, day: date) -> Decimal | None:
    point = await metric_value(session, source, scope, day - timedelta(days=WINDOW_DAYS - 1), day)
    return point.value


async def baseline(session: AsyncSession, actor: Actor, source: MetricName, scope: Scope | None, start: date) -> Decimal:
    """The metric's value on the start date, once the actor may bind this scope."""
    if source in UNTRACKABLE:
        raise DomainError(ErrorCode.INVALID, f"{source.value} is per review cycle and cannot be tracked", ["metric", "source"])
    if scope is None or not await scope_exists(session, scope):
        department = scope is not None and scope.kind == ScopeKind.DEPARTMENT
        raise NotFound("Department" if department else "Employee", ["metric", "scope", "departmentId" if department else "managerId"])
    if not await may_see_scope(session, actor, scope):
        raise Forbidden("You can track metrics of your own reporting subtree only", ["metric", "scope"])
    value = await value_on(session, source, scope, start)
    if value is None:
        raise DomainError(ErrorCode.INVALID, "The metric has no data on the start date to measure from", ["metric", "source"])
    return value


def bind(goal: Goal, source: MetricName | None, scope: Scope | None) -> None:
    goal.metric_source = source.value if source else None
    goal.metric_scope_kind = scope.kind.value if source and scope else None
    goal.metric_scope_id = scope.id if source and scope else None


def scope_of(goal: Goal) -> Scope | None:
    if goal.metric_source is None:
        return None
    return Scope(ScopeKind(goal.metric_scope_kind), goal.metric_scope_id)


async def refresh(session: AsyncSession, goal: Goal, today: date) -> None:
    """Bring a tracked, active goal's current value and today's automatic check-in up to date."""
    scope = scope_of(goal)
    day = min(today, goal.due_date)
    if scope is None or goal.status != GoalStatus.ACTIVE or day < goal.start_date:
        return
    value = await value_on(session, MetricName(goal.metric_source), scope, day)
    if value is None:
        return
    goal.metric_current = value
    await session.execute(
        text(
            "INSERT INTO goal_check_ins (tenant_id, id, goal_id, value, confidence, note, checked_in_on, automatic) "
            "VALUES (:t, gen_random_uuid(), :g, :v, 'ON_TRACK', 'Measured automatically', :d, true) "
            "ON CONFLICT (tenant_id, goal_id, checked_in_on) WHERE automatic "
            "DO UPDATE SET value = EXCLUDED.value, recorded_at = clock_timestamp()"
        ),
        {"t": goal.tenant_id, "g": goal.id, "v": value, "d": day},
    )
    await session.flush()
