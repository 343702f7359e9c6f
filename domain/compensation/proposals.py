"""Managers propose bonuses for their direct and indirect reports; HR admins approve or
send back; budgets roll up per department subtree; a what-if previews a formula change.

Warnings, never errors: a proposal over the cycle budget, over its department's share, or
more than 20% away from the recommendation is saved and flagged. A department's share is
the sum of the recommendations in its subtree (what the formula would spend there).
Every proposal, approval and send-back writes an audit entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit
from domain.actor import Actor
from domain.compensation import recommendations as recs
from domain.compensation.cycles import get_cycle
from domain.compensation.formulas import candidate_formula, require_hr
from domain.compensation.models import (
    BonusProposal,
    CompensationCycle,
    CycleStatus,
    ProposalStatus,
)
from domain.compensation.rules import (
    Band,
    Recommendation,
    parse_amount,
    proposal_warnings,
    roll_up,
    round_money,
)
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.org.employees import get_employee
from domain.org.hierarchy import ancestor_ids
from domain.org.models import Department, Employee
from domain.persistence import session_tenant

NOTE_MAX = 2000
PROPOSING = (CycleStatus.OPEN.value, CycleStatus.APPROVAL.value)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Proposed:
    proposal: BonusProposal
    recommendation: Recommendation
    warnings: list[str]


def _json(proposal: BonusProposal | None) -> dict | None:
    if proposal is None:
        return None
    return {"cycleId": str(proposal.cycle_id), "amount": str(proposal.amount), "status": proposal.status,
            "note": proposal.note, "reason": proposal.decision_reason}


async def may_see_employee(session: AsyncSession, actor: Actor, employee_id: UUID) -> bool:
    """HR admins and the employee's management chain (not the employee, not peers)."""
    return actor.is_hr_admin or actor.employee_id in (await ancestor_ids(session, employee_id))[1:]


async def _department_parents(session: AsyncSession) -> dict[UUID, UUID | None]:
    return {d: p for d, p in await session.execute(select(Department.id, Department.parent_id))}


def _subtree(parents: Mapping[UUID, UUID | None], root: UUID) -> set[UUID]:
    found = {root}
    changed = True
    while changed:
        grown = found | {d for d, p in parents.items() if p in found}
        changed, found = grown != found, grown
    return found


async def _proposed_sum(session: AsyncSession, cycle_id: UUID, departments: set[UUID] | None = None) -> Decimal:
    query = select(func.coalesce(func.sum(BonusProposal.amount), 0)).where(BonusProposal.cycle_id == cycle_id)
    if departments is not None:
        query = query.where(BonusProposal.department_id.in_(list(departments)))
    return Decimal(await session.scalar(query))


async def _one_line(session: AsyncSession, cycle: CompensationCycle, employee: Employee) -> Recommendation:
    eligible = await recs.eligible_employees(session, cycle, [employee.id])
    if not eligible:
        raise DomainError(ErrorCode.INVALID, "This employee is not eligible in this cycle", ["employeeId"])
    formula = await recs.cycle_formula(session, cycle)
    return recs.apply(formula, cycle, eligible, await recs.gather_inputs(session, cycle, eligible))[0].recommendation


async def _department_share(session: AsyncSession, cycle: CompensationCycle, departments: set[UUID]) -> Decimal:
    employees = [e for e in await recs.eligible_employees(session, cycle) if e.department_id in departments]
    formula = await recs.cycle_formula(session, cycle)
    found = recs.apply(formula, cycle, employees, await recs.gather_inputs(session, cycle, employees))
    return sum((line.recommendation.amount or ZERO for line in found), ZERO)


async def propose_bonus(
    session: AsyncSession, actor: Actor, cycle_id: UUID, employee_id: UUID, amount: str, note: str | None
) -> Proposed:
    cycle = await get_cycle(session, actor, cycle_id, lock=True)
    employee = await get_employee(session, employee_id, "employeeId")
    if actor.employee_id not in (await ancestor_ids(session, employee_id))[1:]:
        # HR admins know the employee exists, but only the management chain proposes;
        # anyone else learns nothing about them.
        if actor.is_hr_admin:
            raise Forbidden("Only the employee's managers propose their bonus", ["employeeId"])
        raise NotFound("Employee", ["employeeId"])
    if cycle.status not in PROPOSING:
        raise DomainError(ErrorCode.INVALID_STATE,
                          f"Bonuses are proposed while a cycle is OPEN or in APPROVAL (it is {cycle.status})", ["cycleId"])
    value = parse_amount(amount, cycle.currency, ["amount"])
    cleaned = (note or "").strip() or None
    if cleaned and len(cleaned) > NOTE_MAX:
        raise DomainError(ErrorCode.TOO_LONG, f"At most {NOTE_MAX} characters", ["note"])
    recommendation = await _one_line(session, cycle, employee)
    existing = await session.scalar(
        select(BonusProposal).where(BonusProposal.cycle_id == cycle.id, BonusProposal.employee_id == employee.id)
        .with_for_update().execution_options(populate_existing=True)
    )
    if existing is not None and existing.status == ProposalStatus.APPROVED:
        raise DomainError(ErrorCode.INVALID_STATE, "An approved bonus is final", ["employeeId"])
    before = _json(existing)
    proposal = existing or BonusProposal(tenant_id=session_tenant(session), cycle_id=cycle.id, employee_id=employee.id,
                                         amount=value)
    proposal.amount, proposal.note, proposal.status = value, cleaned, ProposalStatus.PROPOSED.value
    proposal.department_id, proposal.proposed_by, proposal.proposed_at = employee.department_id, actor.employee_id, func.now()
    proposal.decided_by = proposal.decided_at = proposal.decision_reason = None
    session.add(proposal)
    await session.flush()
    await session.refresh(proposal)
    await audit.record(session, actor, "bonus.proposed", "BonusProposal", proposal.id, before, _json(proposal))
    return Proposed(proposal, recommendation, await _warnings(session, cycle, proposal, recommendation))


async def _warnings(session: AsyncSession, cycle: CompensationCycle, proposal: BonusProposal, rec: Recommendation) -> list[str]:
    cycle_total = await _proposed_sum(session, cycle.id)
    department_total = share = None
    if proposal.department_id is not None:
        departments = _subtree(await _department_parents(session), proposal.department_id)
        department_total = await _proposed_sum(session, cycle.id, departments)
        share = await _department_share(session, cycle, departments)
    return proposal_warnings(Decimal(proposal.amount), rec.amount, cycle_total, Decimal(cycle.budget), department_total, share)


async def get_proposal(session: AsyncSession, actor: Actor, proposal_id: UUID, field: str = "proposalId") -> BonusProposal:
    """NOT_FOUND for a missing proposal and for one the actor may not see."""
    proposal = await session.scalar(
        select(BonusProposal).where(BonusProposal.id == proposal_id).with_for_update().execution_options(populate_existing=True)
    )
    if proposal is None or not await may_see_employee(session, actor, proposal.employee_id):
        raise NotFound("BonusProposal", [field])
    return proposal


async def _decide(session: AsyncSession, actor: Actor, proposal_id: UUID, status: ProposalStatus, reason: str | None) -> BonusProposal:
    proposal = await get_proposal(session, actor, proposal_id)
    require_hr(actor)
    cycle = await get_cycle(session, actor, proposal.cycle_id, lock=True)
    if cycle.status not in PROPOSING:
        raise DomainError(ErrorCode.INVALID_STATE, f"The cycle is {cycle.status}", ["proposalId"])
    if proposal.status != ProposalStatus.PROPOSED:
        raise DomainError(ErrorCode.INVALID_STATE, f"Only a PROPOSED bonus is decided (it is {proposal.status})", ["proposalId"])
    before = _json(proposal)
    proposal.status, proposal.decided_by, proposal.decided_at = status.value, actor.employee_id, func.now()
    proposal.decision_reason = reason
    await session.flush()
    await session.refresh(proposal)
    action = "bonus.approved" if status == ProposalStatus.APPROVED else "bonus.sent_back"
    await audit.record(session, actor, action, "BonusProposal", proposal.id, before, _json(proposal))
    return proposal


async def approve_proposal(session: AsyncSession, actor: Actor, proposal_id: UUID) -> BonusProposal:
    return await _decide(session, actor, proposal_id, ProposalStatus.APPROVED, None)


async def send_back_proposal(session: AsyncSession, actor: Actor, proposal_id: UUID, reason: str) -> BonusProposal:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise DomainError(ErrorCode.REQUIRED, "Say why the proposal goes back", ["reason"])
    if len(cleaned) > NOTE_MAX:
        raise DomainError(ErrorCode.TOO_LONG, f"At most {NOTE_MAX} characters", ["reason"])
    return await _decide(session, actor, proposal_id, ProposalStatus.SENT_BACK, cleaned)


async def proposals_by_employee(session: AsyncSession, cycle_id: UUID, ids: Sequence[UUID]) -> dict[UUID, BonusProposal]:
    rows = await session.scalars(
        select(BonusProposal).where(BonusProposal.cycle_id == cycle_id, BonusProposal.employee_id.in_(list(ids)))
    )
    return {row.employee_id: row for row in rows}


async def own_bonus(session: AsyncSession, actor: Actor, cycle_id: UUID) -> BonusProposal | None:
    """The employee's own bonus: only once approved AND the cycle is CLOSED (decisions final)."""
    cycle = await session.get(CompensationCycle, (session_tenant(session), cycle_id))
    if cycle is None or cycle.status != CycleStatus.CLOSED:
        return None
    proposal = (await proposals_by_employee(session, cycle_id, [actor.employee_id])).get(actor.employee_id)
    return proposal if proposal is not None and proposal.status == ProposalStatus.APPROVED else None


# --- budget roll-up ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DepartmentBudget:
    department: Department
    recommended: Decimal
    proposed: Decimal
    approved: Decimal
    explanation: str


# Every (ancestor, descendant) pair of departments, then proposals summed per ancestor: one
# statement whatever the size of the tree. RLS keeps it inside the tenant.
ROLL_UP = text("""
WITH RECURSIVE tree (ancestor, id) AS (
    SELECT id, id FROM departments
    UNION ALL
    SELECT tree.ancestor, d.id FROM departments d JOIN tree ON d.parent_id = tree.id
)
SELECT tree.ancestor,
       coalesce(sum(p.amount), 0) AS proposed,
       coalesce(sum(p.amount) FILTER (WHERE p.status = 'APPROVED'), 0) AS approved
FROM tree JOIN bonus_proposals p ON p.department_id = tree.id AND p.cycle_id = :cycle_id
GROUP BY tree.ancestor
""")


async def budget_roll_up(session: AsyncSession, actor: Actor, cycle_id: UUID) -> list[DepartmentBudget]:
    """HR admins: per department, the subtree's recommended, proposed and approved totals."""
    require_hr(actor)
    cycle = await get_cycle(session, actor, cycle_id)
    departments = list(await session.scalars(select(Department).order_by(Department.name, Department.id)))
    sums = {row.ancestor: (Decimal(row.proposed), Decimal(row.approved))
            for row in await session.execute(ROLL_UP, {"cycle_id": cycle.id})}
    lines = await recs.lines(session, actor, cycle)
    own: dict[UUID, Decimal] = {}
    for line in lines:
        if line.employee.department_id is not None:
            own[line.employee.department_id] = own.get(line.employee.department_id, ZERO) + (line.recommendation.amount or ZERO)
    recommended = roll_up({d.id: d.parent_id for d in departments}, own)
    return [
        DepartmentBudget(d, *(round_money(v, cycle.currency) for v in (recommended[d.id], *sums.get(d.id, (ZERO, ZERO)))),
                         f"Sums over {d.name} and every department below it, in {cycle.currency}.")
        for d in departments
    ]


# --- what-if --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreviewLine:
    employee: Employee
    old: Recommendation | None
    new: Recommendation


@dataclass(frozen=True, slots=True)
class Preview:
    version: int
    lines: list[PreviewLine]
    old_total: Decimal
    new_total: Decimal


async def preview_formula(
    session: AsyncSession, actor: Actor, cycle_id: UUID, rating_multipliers: Mapping[int, Decimal], bands: Sequence[Band]
) -> Preview:
    """The cycle's recommendations under its formula and under a candidate; nothing is saved."""
    require_hr(actor)
    cycle = await get_cycle(session, actor, cycle_id)
    candidate = await candidate_formula(session, rating_multipliers, bands)
    employees = await recs.eligible_employees(session, cycle)
    inputs = await recs.gather_inputs(session, cycle, employees)
    current = await recs.cycle_formula(session, cycle)
    old = recs.apply(current, cycle, employees, inputs) if current is not None else [None] * len(employees)
    new = recs.apply(candidate, cycle, employees, inputs)
    rows = [PreviewLine(n.employee, o.recommendation if o else None, n.recommendation) for o, n in zip(old, new)]
    total = lambda found: round_money(sum((r.amount or ZERO for r in found if r is not None), ZERO), cycle.currency)
    return Preview(candidate.version, rows, total([r.old for r in rows]), total([r.new for r in rows]))
