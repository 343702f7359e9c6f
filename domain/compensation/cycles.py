"""Compensation cycles: DRAFT -> OPEN (pins the formula) -> APPROVAL -> CLOSED, by HR admins.

Who sees a cycle: HR admins and people-managers (they propose in it); anyone else gets
NOT_FOUND, exactly as for a missing cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit
from domain.actor import Actor
from domain.compensation.formulas import current_formula, require_hr
from domain.compensation.models import CompensationCycle, CycleStatus
from domain.compensation.rules import check_currency, parse_amount
from domain.competencies.models import JobLevel
from domain.errors import DomainError, ErrorCode, NotFound
from domain.org.models import Employee, EmployeeStatus
from domain.persistence import session_tenant

NAME_MAX = 200
NEXT = {CycleStatus.DRAFT: CycleStatus.OPEN, CycleStatus.OPEN: CycleStatus.APPROVAL, CycleStatus.APPROVAL: CycleStatus.CLOSED}


@dataclass(frozen=True, slots=True)
class CycleSpec:
    name: str
    budget: str
    currency: str
    hired_before: date | None = None
    job_level_ids: tuple[UUID, ...] = ()


async def is_people_manager(session: AsyncSession, employee_id: UUID) -> bool:
    reports = select(Employee.id).where(Employee.manager_id == employee_id, Employee.status == EmployeeStatus.ACTIVE)
    return bool(await session.scalar(select(reports.exists())))


async def may_see_cycles(session: AsyncSession, actor: Actor) -> bool:
    return actor.is_hr_admin or await is_people_manager(session, actor.employee_id)


async def get_cycle(session: AsyncSession, actor: Actor, cycle_id: UUID, field: str = "cycleId", *, lock: bool = False) -> CompensationCycle:
    if not await may_see_cycles(session, actor):
        raise NotFound("CompensationCycle", [field])
    query = select(CompensationCycle).where(CompensationCycle.id == cycle_id).execution_options(populate_existing=True)
    cycle = await session.scalar(query.with_for_update() if lock else query)
    if cycle is None:
        raise NotFound("CompensationCycle", [field])
    return cycle


async def list_cycles(session: AsyncSession, actor: Actor) -> list[CompensationCycle]:
    if not await may_see_cycles(session, actor):
        return []
    return list(await session.scalars(select(CompensationCycle).order_by(CompensationCycle.created_at.desc(), CompensationCycle.id)))


async def create_cycle(session: AsyncSession, actor: Actor, spec: CycleSpec) -> CompensationCycle:
    require_hr(actor)
    name = (spec.name or "").strip()
    if not name:
        raise DomainError(ErrorCode.REQUIRED, "A cycle needs a name", ["name"])
    if len(name) > NAME_MAX:
        raise DomainError(ErrorCode.TOO_LONG, f"At most {NAME_MAX} characters", ["name"])
    currency = check_currency(spec.currency, ["currency"])
    budget = parse_amount(spec.budget, currency, ["budget"])
    levels = list(dict.fromkeys(spec.job_level_ids))
    if levels:
        found = set(await session.scalars(select(JobLevel.id).where(JobLevel.id.in_(levels))))
        for i, level in enumerate(levels):
            if level not in found:
                raise NotFound("JobLevel", ["jobLevelIds", str(i)])
    cycle = CompensationCycle(tenant_id=session_tenant(session), name=name, budget=budget, currency=currency,
                              hired_before=spec.hired_before, job_level_ids=levels)
    session.add(cycle)
    await session.flush()
    await session.refresh(cycle)
    await audit.record(session, actor, "compensation_cycle.created", "CompensationCycle", cycle.id, None,
                       {"name": name, "budget": str(budget), "currency": currency, "status": cycle.status})
    return cycle


async def advance_cycle(session: AsyncSession, actor: Actor, cycle_id: UUID) -> CompensationCycle:
    """One step forward. Opening pins the current formula version for good."""
    require_hr(actor)
    cycle = await get_cycle(session, actor, cycle_id, lock=True)
    status = CycleStatus(cycle.status)
    if status not in NEXT:
        raise DomainError(ErrorCode.INVALID_STATE, "A closed cycle stays closed", ["cycleId"])
    before = {"status": cycle.status, "formulaVersion": cycle.formula_version}
    if status == CycleStatus.DRAFT:
        formula = await current_formula(session)
        if formula is None:
            raise DomainError(ErrorCode.INVALID_STATE, "Save a bonus formula before opening a cycle", ["cycleId"])
        cycle.formula_version = formula.version
    cycle.status = NEXT[status].value
    cycle.updated_at = func.now()
    await session.flush()
    await session.refresh(cycle)
    await audit.record(session, actor, f"compensation_cycle.{cycle.status.lower()}", "CompensationCycle", cycle.id, before,
                       {"status": cycle.status, "formulaVersion": cycle.formula_version})
    return cycle


def budget_of(cycle: CompensationCycle) -> Decimal:
    return Decimal(cycle.budget)
