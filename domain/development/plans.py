"""Development plans: one per employee per period, focus competencies, actions.

The employee and their managers up the chain write a plan; HR admins read it; for anyone
else it does not exist (NOT_FOUND). Plans of one employee never overlap: creating or
moving one locks the employee's row first, so two concurrent requests cannot both pass
the overlap check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import and_, delete, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.framework import competencies_by_ids
from domain.competencies.models import JobLevel
from domain.competencies.profile import ProfileSubject, competency_profiles
from domain.development import links
from domain.development import plan_rules as rules
from domain.development.plan_models import (
    DevelopmentPlan,
    FocusBasis,
    PlanAction,
    PlanActionKind,
    PlanActionStatus,
    PlanFocus,
)
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.goals.queries import get_visible_goal
from domain.goals.visibility import reports_of
from domain.one_on_ones.content import find_action_item
from domain.org.employees import get_active_employee
from domain.org.hierarchy import reporting_chain
from domain.org.models import Employee
from domain.org.rules import check_date_order, clean_text, duplicates
from domain.pagination import Page, PageRequest
from domain.persistence import flush_or_conflict, group_by, session_tenant


@dataclass(slots=True)
class NewPlan:
    employee_id: UUID
    period_start: date
    period_end: date
    focus_competency_ids: list[UUID] | None = None  # None: from the competency gaps


@dataclass(slots=True)
class NewPlanAction:
    plan_id: UUID
    kind: PlanActionKind
    title: str
    linked_id: UUID | None = None
    due_on: date | None = None
    status: PlanActionStatus | None = None


def _overlap() -> DomainError:
    return DomainError(ErrorCode.DUPLICATE, "A development plan of this employee already covers part of this period", ["periodStart"])


def _linked_twice() -> DomainError:
    return DomainError(ErrorCode.DUPLICATE, "This plan already has an action linked to it", ["linkedId"])


async def _managers(session: AsyncSession, employee_id: UUID) -> list[UUID]:
    return [manager.id for manager in await reporting_chain(session, employee_id)]


# --- reading ------------------------------------------------------------------------------


def visible(actor: Actor):
    """Plans the actor may read, as SQL: their own, their reporting subtree's, or all for HR."""
    if actor.is_hr_admin:
        return true()
    reports = reports_of(actor)
    return or_(DevelopmentPlan.employee_id == actor.employee_id, DevelopmentPlan.employee_id.in_(select(reports.c.id)))


async def get_visible_plan(session: AsyncSession, actor: Actor, plan_id: UUID, field: str = "id") -> DevelopmentPlan:
    plan = await session.scalar(select(DevelopmentPlan).where(DevelopmentPlan.id == plan_id, visible(actor)))
    if plan is None:
        raise NotFound("DevelopmentPlan", [field])
    return plan


async def plan_to_change(session: AsyncSession, actor: Actor, plan_id: UUID, field: str = "id") -> DevelopmentPlan:
    plan = await session.get(DevelopmentPlan, (session_tenant(session), plan_id))
    if plan is None:
        raise NotFound("DevelopmentPlan", [field])
    rules.require_edit(actor, plan.employee_id, await _managers(session, plan.employee_id), "DevelopmentPlan", [field])
    return plan


async def visible_plans_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, DevelopmentPlan]:
    rows = await session.scalars(select(DevelopmentPlan).where(DevelopmentPlan.id.in_(list(ids)), visible(actor)))
    return {row.id: row for row in rows}


async def visible_plans_by_employee_ids(
    session: AsyncSession, actor: Actor, ids: Sequence[UUID]
) -> dict[UUID, list[DevelopmentPlan]]:
    """Newest period first."""
    rows = await session.scalars(
        select(DevelopmentPlan)
        .where(DevelopmentPlan.employee_id.in_(list(ids)), visible(actor))
        .order_by(DevelopmentPlan.period_start.desc(), DevelopmentPlan.id)
    )
    return group_by(ids, rows, lambda row: row.employee_id)


async def list_plans(
    session: AsyncSession, actor: Actor, employee_id: UUID | None, page: PageRequest
) -> Page[DevelopmentPlan]:
    """Plans the actor may read, newest period first; keyset on (period_start, id)."""
    conditions = [visible(actor)]
    if employee_id is not None:
        conditions.append(DevelopmentPlan.employee_id == employee_id)
    query = select(DevelopmentPlan).where(*conditions)
    if page.after is not None:
        start, last_id = page.after
        query = query.where(
            or_(DevelopmentPlan.period_start < start, and_(DevelopmentPlan.period_start == start, DevelopmentPlan.id > last_id))
        )
    rows = list(await session.scalars(
        query.order_by(DevelopmentPlan.period_start.desc(), DevelopmentPlan.id).limit(page.first + 1)
    ))
    items = rows[: page.first]
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(DevelopmentPlan).where(*conditions))
    return Page(items, len(rows) > page.first, total, [(p.period_start, p.id) for p in items])


async def focus_by_plan_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[PlanFocus]]:
    rows = await session.scalars(
        select(PlanFocus).where(PlanFocus.plan_id.in_(list(ids))).order_by(PlanFocus.plan_id, PlanFocus.position)
    )
    return group_by(ids, rows, lambda row: row.plan_id)


@dataclass(frozen=True, slots=True)
class ActionView:
    """An action with its status as it stands (following what it links to)."""

    action: PlanAction
    status: PlanActionStatus


async def actions_by_plan_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[ActionView]]:
    """In the plan's order, with effective statuses: one statement, plus one per linked kind present."""
    rows = list(await session.scalars(
        select(PlanAction).where(PlanAction.plan_id.in_(list(ids))).order_by(PlanAction.position, PlanAction.created_at)
    ))
    linked: dict[PlanActionKind, dict[UUID, PlanActionStatus]] = {}
    for kind in {PlanActionKind(row.kind) for row in rows}:
        targets = [row.target_id for row in rows if row.kind == kind and row.target_id is not None]
        linked[kind] = await links.statuses_of(session, kind, targets)
    views = [
        ActionView(row, rules.effective_status(PlanActionStatus(row.status), linked[PlanActionKind(row.kind)].get(row.target_id)))
        for row in rows
    ]
    return group_by(ids, views, lambda view: view.action.plan_id)


async def action_view(session: AsyncSession, action: PlanAction) -> ActionView:
    linked = await _linked_status(session, PlanActionKind(action.kind), action.target_id)
    return ActionView(action, rules.effective_status(PlanActionStatus(action.status), linked))


# --- the default focus --------------------------------------------------------------------


async def _next_level(session: AsyncSession, level: JobLevel) -> JobLevel | None:
    return await session.scalar(
        select(JobLevel).where(JobLevel.track == level.track, JobLevel.rank > level.rank).order_by(JobLevel.rank).limit(1)
    )


async def _gap_lines(session: AsyncSession, employee_id: UUID, level_id: UUID) -> list[rules.GapLine]:
    subject = ProfileSubject(employee_id, level_id, private_goals_visible=False)
    entries = (await competency_profiles(session, [subject]))[subject]
    return [
        rules.GapLine(
            e.competency.id, e.competency.name, e.competency.position, e.expected_level,
            e.current.level if e.current else None, e.gap,
        )
        for e in entries
    ]


async def default_focus(session: AsyncSession, employee: Employee) -> rules.FocusChoice:
    level = await session.get(JobLevel, (employee.tenant_id, employee.job_level_id)) if employee.job_level_id else None
    if level is None:
        return rules.choose_focus(None, [], None, [])
    lines = await _gap_lines(session, employee.id, level.id)
    if rules.largest_gaps(lines):
        return rules.choose_focus(level.name, lines, None, [], level.track)
    following = await _next_level(session, level)
    next_lines = await _gap_lines(session, employee.id, following.id) if following else []
    return rules.choose_focus(level.name, lines, following.name if following else None, next_lines, level.track)


async def _chosen_focus(session: AsyncSession, ids: list[UUID]) -> rules.FocusChoice:
    if len(ids) > rules.MAX_FOCUS:
        raise DomainError(ErrorCode.INVALID, f"At most {rules.MAX_FOCUS} focus competencies", ["focusCompetencyIds"])
    found = await competencies_by_ids(session, ids) if ids else {}
    repeated = duplicates(ids)
    for index, competency_id in enumerate(ids):
        at = ["focusCompetencyIds", str(index)]
        competency = found.get(competency_id)
        if competency is None:
            raise NotFound("Competency", at)
        if competency_id in repeated:
            raise DomainError(ErrorCode.DUPLICATE, "A competency is listed twice", at)
        if not competency.active:
            raise DomainError(ErrorCode.INVALID_STATE, f"{competency.name} is archived", at)
    explanation = "Chosen by the plan's editors." if ids else "No focus competencies chosen."
    return rules.FocusChoice(FocusBasis.CHOSEN, [(i, "Chosen by the plan's editors.") for i in ids], explanation)


async def _set_focus(session: AsyncSession, plan: DevelopmentPlan, choice: rules.FocusChoice) -> None:
    await session.execute(delete(PlanFocus).where(PlanFocus.plan_id == plan.id))
    for position, (competency_id, reason) in enumerate(choice.picks):
        session.add(PlanFocus(tenant_id=plan.tenant_id, plan_id=plan.id, competency_id=competency_id, position=position, reason=reason))
    plan.focus_basis, plan.focus_explanation = choice.basis.value, choice.explanation
    await session.flush()


# --- writing the plan ---------------------------------------------------------------------


async def _check_period(session: AsyncSession, employee_id: UUID, start: date, end: date, other_than: UUID | None) -> None:
    """No other plan of the employee overlaps [start, end]; the employee's row is locked first."""
    await session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())
    query = select(DevelopmentPlan.id).where(
        DevelopmentPlan.employee_id == employee_id, DevelopmentPlan.period_start <= end, DevelopmentPlan.period_end >= start
    )
    if other_than is not None:
        query = query.where(DevelopmentPlan.id != other_than)
    if await session.scalar(query.limit(1)) is not None:
        raise _overlap()


async def create_plan(session: AsyncSession, actor: Actor, data: NewPlan) -> DevelopmentPlan:
    employee = await get_active_employee(session, data.employee_id, "employeeId")
    if not rules.can_edit(actor, employee.id, await _managers(session, employee.id)):
        # The directory is public, so saying so hides nothing.
        raise Forbidden("Only the employee and their managers make a development plan; HR admins read it", ["employeeId"])
    check_date_order(data.period_start, data.period_end, "periodEnd", "period start")
    await _check_period(session, employee.id, data.period_start, data.period_end, None)
    if data.focus_competency_ids is not None:
        choice = await _chosen_focus(session, data.focus_competency_ids)
    else:
        choice = await default_focus(session, employee)
    plan = DevelopmentPlan(
        tenant_id=employee.tenant_id, employee_id=employee.id, period_start=data.period_start,
        period_end=data.period_end, focus_basis=choice.basis.value, focus_explanation=choice.explanation,
        created_by=actor.employee_id,
    )
    session.add(plan)
    await session.flush()
    await _set_focus(session, plan, choice)
    return plan


async def touch(session: AsyncSession, plan: DevelopmentPlan) -> DevelopmentPlan:
    plan.updated_at = func.now()
    await session.flush()
    await session.refresh(plan, ["updated_at"])
    return plan


async def update_plan(session: AsyncSession, actor: Actor, plan_id: UUID, changes: dict[str, Any]) -> DevelopmentPlan:
    """Keys present in `changes` change; focus_competency_ids None re-derives the focus from the gaps."""
    plan = await plan_to_change(session, actor, plan_id)
    start = changes.get("period_start") or plan.period_start
    end = changes.get("period_end") or plan.period_end
    if (start, end) != (plan.period_start, plan.period_end):
        if end < start:
            field = "periodEnd" if "period_end" in changes else "periodStart"
            raise DomainError(ErrorCode.INVALID, "The period must not end before it starts", [field])
        await _check_period(session, plan.employee_id, start, end, plan.id)
        plan.period_start, plan.period_end = start, end
    if "focus_competency_ids" in changes:
        ids = changes["focus_competency_ids"]
        if ids is None:
            employee = await session.get(Employee, (plan.tenant_id, plan.employee_id))
            choice = await default_focus(session, employee)
        else:
            choice = await _chosen_focus(session, ids)
        await _set_focus(session, plan, choice)
    return await touch(session, plan)


# --- actions ------------------------------------------------------------------------------


async def _linked_status(session: AsyncSession, kind: PlanActionKind, target: UUID | None) -> PlanActionStatus | None:
    return (await links.statuses_of(session, kind, [target])).get(target) if target else None


def _check_status(status: PlanActionStatus | None, linked: PlanActionStatus | None, kind: PlanActionKind) -> None:
    """A linked object's state decides the status; by hand, such an action can only be
    dropped, or taken back (by setting the status it follows)."""
    if status is not None and linked is not None and status not in (PlanActionStatus.DROPPED, linked):
        raise DomainError(
            ErrorCode.INVALID, f"The status of a {kind.value} action follows what it links to; it can only be DROPPED by hand",
            ["status"],
        )


async def _check_link(session: AsyncSession, actor: Actor, plan: DevelopmentPlan, kind: PlanActionKind, linked_id: UUID | None) -> None:
    if kind == PlanActionKind.OTHER:
        if linked_id is not None:
            raise DomainError(ErrorCode.INVALID, "An OTHER action links to nothing", ["linkedId"])
        return
    if linked_id is None:
        raise DomainError(ErrorCode.REQUIRED, f"A {kind.value} action links to one", ["linkedId"])
    if kind == PlanActionKind.GOAL:
        goal = await get_visible_goal(session, actor, linked_id, "linkedId")
        if goal.owner_id != plan.employee_id:
            raise DomainError(ErrorCode.INVALID, "A plan links goals its employee owns", ["linkedId"])
        return
    if kind == PlanActionKind.ONE_ON_ONE_ACTION:
        item = await find_action_item(session, actor, linked_id, "linkedId")
        if item.owner_id != plan.employee_id:
            raise DomainError(ErrorCode.INVALID, "A plan links 1:1 action items its employee owns", ["linkedId"])
        return
    found = links.resolver(kind)
    if found is None or not await found.exists(session, linked_id):
        raise NotFound(found.type_name if found else kind.value, ["linkedId"])


async def add_action(session: AsyncSession, actor: Actor, data: NewPlanAction) -> PlanAction:
    plan = await plan_to_change(session, actor, data.plan_id, "planId")
    title = clean_text(data.title, "title", max_length=rules.TITLE_MAX)
    await _check_link(session, actor, plan, data.kind, data.linked_id)
    _check_status(data.status, await _linked_status(session, data.kind, data.linked_id), data.kind)
    position = await session.scalar(select(func.coalesce(func.max(PlanAction.position) + 1, 0)).where(PlanAction.plan_id == plan.id))
    action = PlanAction(
        tenant_id=plan.tenant_id, plan_id=plan.id, kind=data.kind.value, title=title, due_on=data.due_on,
        status=(data.status or PlanActionStatus.NOT_STARTED).value, position=position, created_by=actor.employee_id,
        goal_id=data.linked_id if data.kind == PlanActionKind.GOAL else None,
        action_item_id=data.linked_id if data.kind == PlanActionKind.ONE_ON_ONE_ACTION else None,
        linked_id=data.linked_id if data.kind not in (PlanActionKind.GOAL, PlanActionKind.ONE_ON_ONE_ACTION) else None,
    )
    session.add(action)
    await flush_or_conflict(session, {"development_plan_actions_link_key": _linked_twice()})
    await touch(session, plan)
    return action


async def action_to_change(session: AsyncSession, actor: Actor, action_id: UUID) -> tuple[PlanAction, DevelopmentPlan]:
    action = await session.get(PlanAction, (session_tenant(session), action_id))
    if action is None:
        raise NotFound("PlanAction", ["id"])
    plan = await session.get(DevelopmentPlan, (action.tenant_id, action.plan_id))
    rules.require_edit(actor, plan.employee_id, await _managers(session, plan.employee_id), "PlanAction", ["id"])
    return action, plan


async def update_action(session: AsyncSession, actor: Actor, action_id: UUID, changes: dict[str, Any]) -> PlanAction:
    action, plan = await action_to_change(session, actor, action_id)
    kind = PlanActionKind(action.kind)
    if "title" in changes:
        action.title = clean_text(changes["title"], "title", max_length=rules.TITLE_MAX)
    if "due_on" in changes:
        action.due_on = changes["due_on"]
    if changes.get("status") is not None:
        status = changes["status"]
        _check_status(status, await _linked_status(session, kind, action.target_id), kind)
        action.status = status.value
    action.updated_at = func.now()
    await session.flush()
    await session.refresh(action, ["updated_at"])
    await touch(session, plan)
    return action


async def remove_action(session: AsyncSession, actor: Actor, action_id: UUID) -> DevelopmentPlan:
    action, plan = await action_to_change(session, actor, action_id)
    await session.delete(action)
    await session.flush()
    return await touch(session, plan)
