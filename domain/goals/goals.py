"""The goal aggregate: create, change, and move through DRAFT -> ACTIVE -> COMPLETED | CANCELLED.

A goal measures either a metric or weighted key results; a non-draft goal always has
one of them. Services check visibility first (an invisible goal is NOT_FOUND), then
who may change it (FORBIDDEN), then the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.goals import policy, rules, tracking
from domain.goals.models import (
    Direction,
    Goal,
    GoalCompetency,
    GoalKind,
    GoalScope,
    GoalStatus,
    KeyResult,
    Visibility,
)
from domain.goals.queries import get_visible_goal, key_results_by_goal_ids
from domain.org.departments import get_department
from domain.org.employees import get_active_employee
from domain.org.hierarchy import ancestor_ids as owner_chain
from domain.org.models import Department, Employee, Role
from domain.org.rules import check_date_order, clean_text
from domain.persistence import session_tenant

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
MEASURE_NAME_MAX = 200
UNIT_MAX = 40
COMPETENCY_KINDS = {GoalKind.LEADERSHIP.value, GoalKind.DEVELOPMENT.value}


@dataclass(slots=True)
class MeasureSpec:
    """A metric, or a key result when it has a weight."""

    name: str
    unit: str
    baseline: Decimal
    target: Decimal | None = None
    relative_change_percent: Decimal | None = None
    direction: Direction | None = None
    weight: Decimal | None = None
    source: Any = None  # a MetricName: the goal's metric is tracked live (domain/goals/tracking.py)
    tracked_scope: Any = None  # its Scope; None with a source means an unknown scope


@dataclass(slots=True)
class NewGoal:
    title: str
    due_date: date
    description: str | None = None
    owner_id: UUID | None = None  # defaults to the actor
    kind: GoalKind = GoalKind.PERFORMANCE
    scope: GoalScope = GoalScope.INDIVIDUAL
    department_id: UUID | None = None
    status: GoalStatus = GoalStatus.DRAFT
    visibility: Visibility = Visibility.MANAGER_CHAIN
    start_date: date | None = None  # defaults to today
    parent_id: UUID | None = None
    weight: Decimal | None = None
    metric: MeasureSpec | None = None
    key_results: list[MeasureSpec] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CleanMeasure:
    name: str
    unit: str
    baseline: Decimal
    target: rules.Target


# --- shared checks ----------------------------------------------------------------------


def _text(value: str | None, at: list[str], name: str, max_length: int, required: bool = True) -> str | None:
    """clean_text names bare fields; root its errors under `at` (e.g. ["keyResults", "2"])."""
    try:
        return clean_text(value, name, required=required, max_length=max_length)
    except DomainError as error:
        error.field = [*at, *(error.field or [])]
        raise


def clean_measure(spec: MeasureSpec, at: list[str]) -> CleanMeasure:
    """Name, unit, baseline and target (absolute and/or relative), checked with paths under `at`."""
    name = _text(spec.name, at, "name", MEASURE_NAME_MAX)
    unit = _text(spec.unit, at, "unit", UNIT_MAX, required=False)
    if not unit:
        raise DomainError(ErrorCode.REQUIRED, "A measurable target needs a unit", [*at, "unit"])
    target = rules.resolve_target(spec.baseline, spec.target, spec.relative_change_percent, spec.direction, at)
    rules.check_measure(rules.Measure(spec.baseline, target.target, None, target.direction, unit), at)
    return CleanMeasure(name, unit, spec.baseline, target)


def apply_metric(goal: Goal, measure: CleanMeasure | None) -> None:
    goal.metric_name = measure.name if measure else None
    goal.metric_unit = measure.unit if measure else None
    goal.metric_baseline = measure.baseline if measure else None
    goal.metric_target = measure.target.target if measure else None
    goal.metric_direction = measure.target.direction.value if measure else None
    goal.metric_relative_change_percent = measure.target.relative_change_percent if measure else None
    if measure is None:
        goal.metric_current = None


def check_open(goal: Goal, field_name: str = "id") -> None:
    if goal.status not in rules.OPEN_STATUSES:
        raise DomainError(ErrorCode.INVALID_STATE, f"A {goal.status} goal can no longer change", [field_name])


async def require_changer(session: AsyncSession, actor: Actor, goal: Goal) -> None:
    policy.require_change(actor, await owner_chain(session, goal.owner_id))


async def _heads(session: AsyncSession, owner: Employee, department_id: UUID | None) -> bool:
    """Does the owner head `department_id` or a department above it (any department if None)?"""
    if department_id is None:
        return bool(await session.scalar(select(exists().where(Department.head_id == owner.id))))
    up = select(Department.id, Department.parent_id, literal_column("0").label("depth")).where(
        Department.id == department_id
    ).cte("department_chain", recursive=True)
    up = up.union_all(
        select(Department.id, Department.parent_id, (up.c.depth + 1).label("depth")).where(
            Department.id == up.c.parent_id, up.c.depth < 10_000
        )
    )
    headed = select(Department.id).join(up, up.c.id == Department.id).where(Department.head_id == owner.id)
    return bool(await session.scalar(select(exists(headed))))


async def check_owner_for_scope(
    session: AsyncSession, owner: Employee, scope: GoalScope, department_id: UUID | None
) -> None:
    """Individual and team goals belong to any employee; department and company goals to a
    department head (of that department or one above it) or an HR or tenant admin."""
    if scope == GoalScope.DEPARTMENT and department_id is None:
        raise DomainError(ErrorCode.REQUIRED, "A DEPARTMENT goal names its department", ["departmentId"])
    if scope in (GoalScope.INDIVIDUAL, GoalScope.TEAM):
        return
    if owner.has_role(Role.HR_ADMIN) or owner.has_role(Role.TENANT_ADMIN):
        return
    if await _heads(session, owner, department_id if scope == GoalScope.DEPARTMENT else None):
        return
    where = "that department or one above it" if scope == GoalScope.DEPARTMENT else "a department"
    raise DomainError(
        ErrorCode.INVALID, f"A {scope.value} goal is owned by the head of {where} or an HR admin", ["ownerId"]
    )


async def check_parent(session: AsyncSession, actor: Actor, parent_id: UUID, scope: GoalScope) -> Goal:
    parent = await get_visible_goal(session, actor, parent_id, "parentId")
    if parent.status == GoalStatus.CANCELLED:
        raise DomainError(ErrorCode.INVALID_STATE, "A goal cannot align under a cancelled goal", ["parentId"])
    rules.check_scope_order(GoalScope(parent.scope), scope, ["parentId"])
    return parent


def check_weight(value: Decimal | None, field_name: str = "weight") -> Decimal | None:
    return None if value is None else rules.check_weight(value, [], field_name)


# --- create -------------------------------------------------------------------------------


def _check_new_status(status: GoalStatus) -> None:
    if status not in (GoalStatus.DRAFT, GoalStatus.ACTIVE):
        raise DomainError(ErrorCode.INVALID, "A new goal is a DRAFT or ACTIVE", ["status"])


def _new_key_results(data: NewGoal) -> list[tuple[CleanMeasure, Decimal]]:
    cleaned = []
    for i, spec in enumerate(data.key_results):
        at = ["keyResults", str(i)]
        measure = clean_measure(spec, at)
        if spec.weight is None:
            raise DomainError(ErrorCode.REQUIRED, "A key result needs a weight", [*at, "weight"])
        cleaned.append((measure, rules.check_weight(spec.weight, at)))
    if data.status == GoalStatus.ACTIVE:
        rules.check_weights([weight for _, weight in cleaned], ["keyResults"])
    return cleaned


async def create_goal(session: AsyncSession, actor: Actor, data: NewGoal, today: date) -> Goal:
    title = clean_text(data.title, "title", max_length=TITLE_MAX)
    description = clean_text(data.description, "description", required=False, max_length=DESCRIPTION_MAX)
    _check_new_status(data.status)
    owner = await get_active_employee(session, data.owner_id or actor.employee_id, "ownerId")
    named = ["ownerId"] if data.owner_id is not None else None
    policy.require_change(actor, await owner_chain(session, owner.id), "this employee's goals", named)
    if data.department_id is not None:
        await get_department(session, data.department_id, "departmentId")
    await check_owner_for_scope(session, owner, data.scope, data.department_id)
    start = data.start_date or today
    check_date_order(start, data.due_date, "dueDate", "start date")
    weight = check_weight(data.weight)
    if data.metric is not None and data.key_results:
        raise DomainError(ErrorCode.INVALID, "A goal measures a metric or key results, not both", ["keyResults"])
    if data.metric is not None and data.metric.source is not None:
        data.metric.baseline = await tracking.baseline(session, actor, data.metric.source, data.metric.tracked_scope, start)
    metric = clean_measure(data.metric, ["metric"]) if data.metric is not None else None
    key_results = _new_key_results(data)
    if data.status == GoalStatus.ACTIVE and metric is None and not key_results:
        raise DomainError(ErrorCode.REQUIRED, "An active goal needs a measurable target: a metric or key results", ["metric"])
    if data.parent_id is not None:
        await check_parent(session, actor, data.parent_id, data.scope)
    goal = Goal(
        tenant_id=session_tenant(session), title=title, description=description, owner_id=owner.id,
        kind=data.kind.value, scope=data.scope.value, department_id=data.department_id, status=data.status.value,
        visibility=data.visibility.value, start_date=start, due_date=data.due_date, parent_id=data.parent_id,
        weight=weight, created_by=actor.employee_id,
    )
    apply_metric(goal, metric)
    _track(goal, data.metric)
    session.add(goal)
    await session.flush()
    for position, (measure, kr_weight) in enumerate(key_results):
        session.add(new_key_result(goal, measure, kr_weight, position))
    await session.flush()
    return goal


def new_key_result(goal: Goal, measure: CleanMeasure, weight: Decimal, position: int) -> KeyResult:
    return KeyResult(
        tenant_id=goal.tenant_id, goal_id=goal.id, name=measure.name, unit=measure.unit, baseline=measure.baseline,
        target=measure.target.target, direction=measure.target.direction.value,
        relative_change_percent=measure.target.relative_change_percent, weight=weight, position=position,
    )


# --- update -------------------------------------------------------------------------------


async def touch(session: AsyncSession, goal: Goal) -> Goal:
    goal.updated_at = func.now()
    await session.flush()
    await session.refresh(goal, ["updated_at"])
    return goal


async def _change_kind(session: AsyncSession, goal: Goal, kind: GoalKind) -> None:
    if kind.value not in COMPETENCY_KINDS:
        linked = await session.scalar(select(exists().where(GoalCompetency.goal_id == goal.id)))
        if linked:
            raise DomainError(
                ErrorCode.INVALID, "Unlink the competencies before making this a PERFORMANCE goal", ["kind"]
            )
    goal.kind = kind.value


async def _change_ownership(session: AsyncSession, actor: Actor, goal: Goal, changes: dict[str, Any]) -> None:
    owner_id = changes.get("owner_id", goal.owner_id)
    scope = GoalScope(changes.get("scope", goal.scope))
    department_id = changes.get("department_id", goal.department_id)
    owner = await get_active_employee(session, owner_id, "ownerId")
    if owner_id != goal.owner_id:
        # Handing a goal over takes the right to change the new owner's goals too.
        policy.require_change(actor, await owner_chain(session, owner_id), "this employee's goals", ["ownerId"])
    if "department_id" in changes and department_id is not None:
        await get_department(session, department_id, "departmentId")
    await check_owner_for_scope(session, owner, scope, department_id)
    if scope.value != goal.scope:
        await _check_scope_fits_alignment(session, actor, goal, scope)
    goal.owner_id, goal.scope, goal.department_id = owner_id, scope.value, department_id


async def _check_scope_fits_alignment(session: AsyncSession, actor: Actor, goal: Goal, scope: GoalScope) -> None:
    if goal.parent_id is not None:
        parent = await session.get(Goal, (goal.tenant_id, goal.parent_id))
        rules.check_scope_order(GoalScope(parent.scope), scope, ["scope"])
    children = await session.scalars(select(Goal.scope).where(Goal.parent_id == goal.id))
    for child_scope in set(children):
        rules.check_scope_order(scope, GoalScope(child_scope), ["scope"])


def _change_dates(goal: Goal, changes: dict[str, Any]) -> None:
    start = changes.get("start_date") or goal.start_date
    due = changes.get("due_date") or goal.due_date
    if "due_date" in changes:
        check_date_order(start, due, "dueDate", "start date")
    else:
        check_date_order(start, due, "startDate", "due date", field_is_start=True)
    goal.start_date, goal.due_date = start, due


def _track(goal: Goal, spec: MeasureSpec | None) -> None:
    """Bind (or unbind) the platform metric; a tracked metric starts at its baseline."""
    source = spec.source if spec is not None else None
    tracking.bind(goal, source, spec.tracked_scope if spec is not None else None)
    if source is not None:
        goal.metric_current = goal.metric_baseline


async def _change_metric(session: AsyncSession, actor: Actor, goal: Goal, spec: MeasureSpec | None) -> None:
    if spec is None:
        if goal.status == GoalStatus.ACTIVE:
            raise DomainError(ErrorCode.INVALID, "An active goal keeps its measurable target", ["metric"])
        apply_metric(goal, None)
        _track(goal, None)
        return
    if (await key_results_by_goal_ids(session, [goal.id]))[goal.id]:
        raise DomainError(ErrorCode.INVALID, "A goal measures a metric or key results, not both", ["metric"])
    if spec.source is not None:
        spec.baseline = await tracking.baseline(session, actor, spec.source, spec.tracked_scope, goal.start_date)
    apply_metric(goal, clean_measure(spec, ["metric"]))
    _track(goal, spec)


async def update_goal(session: AsyncSession, actor: Actor, goal_id: UUID, changes: dict[str, Any]) -> Goal:
    """Only the keys present in `changes` change; the metric keeps its current value."""
    goal = await get_visible_goal(session, actor, goal_id)
    await require_changer(session, actor, goal)
    check_open(goal)
    if "title" in changes:
        goal.title = clean_text(changes["title"], "title", max_length=TITLE_MAX)
    if "description" in changes:
        goal.description = clean_text(changes["description"], "description", required=False, max_length=DESCRIPTION_MAX)
    if changes.get("kind") is not None:
        await _change_kind(session, goal, changes["kind"])
    if changes.get("visibility") is not None:
        goal.visibility = changes["visibility"].value
    if {"owner_id", "scope", "department_id"} & changes.keys():
        await _change_ownership(session, actor, goal, changes)
    if {"start_date", "due_date"} & changes.keys():
        _change_dates(goal, changes)
    if "weight" in changes:
        goal.weight = check_weight(changes["weight"])
    if "metric" in changes:
        await _change_metric(session, actor, goal, changes["metric"])
    return await touch(session, goal)


# --- the state machine ----------------------------------------------------------------------


async def _transition(session: AsyncSession, actor: Actor, goal_id: UUID, wanted: GoalStatus) -> Goal:
    goal = await get_visible_goal(session, actor, goal_id)
    await require_changer(session, actor, goal)
    rules.check_transition(GoalStatus(goal.status), wanted)
    goal.status = wanted.value
    return goal


async def activate_goal(session: AsyncSession, actor: Actor, goal_id: UUID) -> Goal:
    """A goal goes live only with a measurable target whose key-result weights sum to 100."""
    goal = await _transition(session, actor, goal_id, GoalStatus.ACTIVE)
    key_results = (await key_results_by_goal_ids(session, [goal.id]))[goal.id]
    if not key_results and not goal.has_metric:
        raise DomainError(ErrorCode.INVALID, "An active goal needs a measurable target: a metric or key results", ["id"])
    rules.check_weights([r.weight for r in key_results], ["id"])
    return await touch(session, goal)


async def complete_goal(session: AsyncSession, actor: Actor, goal_id: UUID, today: date) -> Goal:
    """Completion dates the goal: a completed LEADERSHIP or DEVELOPMENT goal is competency evidence."""
    goal = await _transition(session, actor, goal_id, GoalStatus.COMPLETED)
    goal.completed_on = today
    return await touch(session, goal)


async def cancel_goal(session: AsyncSession, actor: Actor, goal_id: UUID) -> Goal:
    goal = await _transition(session, actor, goal_id, GoalStatus.CANCELLED)
    return await touch(session, goal)
