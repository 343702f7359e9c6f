"""Recommended bonuses for a cycle's eligible employees, and who may see them.

Recommended = target bonus (job level) x multiplier of the final review rating x (people-
managers only) multiplier of their leadership effectiveness index band; see rules.py for
the arithmetic and the rounding rule. Inputs:
- final rating: domain/reviews/calibration.final_ratings (latest calibration adjustment,
  else the manager's overall rating) in the employee's latest review cycle whose results
  are released (RELEASED or CLOSED, by period end);
- leadership: domain/insights/leadership index over that review cycle's period; a manager
  without a score is recommended without the leadership factor, and the explanation says so.

Visibility: HR admins see everyone; a manager sees their direct and indirect reports; the
employee sees nothing here (their approved amount only, via `own_bonus`, once the cycle is
CLOSED). Everyone else: nothing, as if the rows did not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.compensation.formulas import (
    current_formula,
    formula_version,
    targets_by_level,
)
from domain.compensation.models import CompensationCycle
from domain.compensation.rules import Formula, Recommendation, recommend
from domain.insights.index_rules import index_score
from domain.insights.leadership import index_weights, readings
from domain.org.hierarchy import report_counts_by_manager_ids, subtree
from domain.org.models import Employee, EmployeeStatus
from domain.reviews.calibration import final_ratings
from domain.reviews.models import CycleParticipant, CycleStatus, ReviewCycle

RESULTS_OUT = [CycleStatus.RELEASED.value, CycleStatus.CLOSED.value]


@dataclass(frozen=True, slots=True)
class Line:
    employee: Employee
    recommendation: Recommendation


async def eligible_employees(session: AsyncSession, cycle: CompensationCycle, among: Sequence[UUID] | None = None) -> list[Employee]:
    """Active, hired before the cycle's date (if set), on one of its job levels (if any)."""
    query = select(Employee).where(Employee.status == EmployeeStatus.ACTIVE)
    if cycle.hired_before is not None:
        query = query.where(Employee.hire_date < cycle.hired_before)
    if cycle.job_level_ids:
        query = query.where(Employee.job_level_id.in_(list(cycle.job_level_ids)))
    if among is not None:
        query = query.where(Employee.id.in_(list(among)))
    return list(await session.scalars(query.order_by(Employee.name, Employee.id)))


async def visible_employee_ids(session: AsyncSession, actor: Actor) -> set[UUID] | None:
    """None = everyone (HR admins); else the actor's direct and indirect reports."""
    if actor.is_hr_admin:
        return None
    return {employee.id for employee, _ in await subtree(session, actor.employee_id, None)}


async def cycle_formula(session: AsyncSession, cycle: CompensationCycle) -> Formula | None:
    """The pinned version once open; a draft previews with the current formula."""
    if cycle.formula_version is not None:
        return await formula_version(session, cycle.formula_version)
    return await current_formula(session)


async def _released_cycles(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, ReviewCycle]:
    rows = await session.execute(
        select(CycleParticipant.subject_id, ReviewCycle)
        .join(ReviewCycle, ReviewCycle.id == CycleParticipant.cycle_id)
        .where(CycleParticipant.subject_id.in_(list(ids)), ReviewCycle.status.in_(RESULTS_OUT))
        .ext(distinct_on(CycleParticipant.subject_id))
        .order_by(CycleParticipant.subject_id, ReviewCycle.period_end.desc(), ReviewCycle.id.desc())
    )
    return {subject: cycle for subject, cycle in rows}


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything but the formula, so a what-if can apply two formulas to the same inputs."""

    targets: dict[UUID, Decimal | None]
    ratings: dict[UUID, int | None]
    managers: set[UUID]
    leadership: dict[UUID, Decimal | None]


async def gather_inputs(session: AsyncSession, cycle: CompensationCycle, employees: Sequence[Employee]) -> Inputs:
    ids = [e.id for e in employees]
    targets = await targets_by_level(session, [e.job_level_id for e in employees if e.job_level_id])
    released = await _released_cycles(session, ids)
    finals = await final_ratings(session, [(c.id, subject) for subject, c in released.items()])
    counts = await report_counts_by_manager_ids(session, ids)
    managers = {i for i in ids if counts.get(i)}
    weights = await index_weights(session) if managers else {}
    leadership: dict[UUID, Decimal | None] = {}
    for manager in managers:  # one index per manager (the index has no batched form yet)
        review = released.get(manager)
        leadership[manager] = (
            index_score(await readings(session, manager, review.period_start, review.period_end), weights).score
            if review is not None else None
        )

    def target(employee: Employee) -> Decimal | None:
        found = targets.get(employee.job_level_id) if employee.job_level_id else None
        # A target in another currency is not converted: no recommendation rather than a wrong one.
        return Decimal(found.amount) if found is not None and found.currency == cycle.currency else None

    return Inputs(
        {e.id: target(e) for e in employees},
        {i: finals[(released[i].id, i)].rating if i in released else None for i in ids},
        managers, leadership,
    )


def apply(formula: Formula, cycle: CompensationCycle, employees: Sequence[Employee], inputs: Inputs) -> list[Line]:
    return [
        Line(e, recommend(formula, cycle.currency, inputs.targets[e.id], inputs.ratings[e.id], e.id in inputs.managers,
                          inputs.leadership.get(e.id)))
        for e in employees
    ]


async def lines(session: AsyncSession, actor: Actor, cycle: CompensationCycle) -> list[Line]:
    """The eligible employees the actor may see, each with a recommendation."""
    visible = await visible_employee_ids(session, actor)
    employees = await eligible_employees(session, cycle, None if visible is None else sorted(visible))
    formula = await cycle_formula(session, cycle)
    if formula is None:
        return [Line(e, Recommendation(None, None, None, None, None, None, "No recommendation: no bonus formula saved yet."))
                for e in employees]
    return apply(formula, cycle, employees, await gather_inputs(session, cycle, employees))
