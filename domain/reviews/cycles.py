"""Review cycles: participants, launch (the review assignments), and the state machine.

Launching writes every assignment of the cycle in a fixed number of set-based
statements, whatever the number of participants: the manager as of the period end,
whether the subject leads people (then the LEADERSHIP competencies expected at their
job level join their reviews), and one review per subject and reviewer kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Date, Text, bindparam, func, literal, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.models import JobLevel
from domain.errors import DomainError, ErrorCode, NotFound
from domain.org.models import Department, Employee, EmployeeStatus
from domain.pagination import Page, PageRequest
from domain.persistence import flush_or_conflict, session_tenant
from domain.reviews import policy
from domain.reviews.models import CycleParticipant, CycleStatus, Review, ReviewCycle, ReviewStatus
from domain.reviews.rules import CycleAction, CycleSpec, accepts_participants, check_cycle, next_status, require
from domain.reviews.templates import get_template

_DUPLICATE_NAME = DomainError(ErrorCode.DUPLICATE, "A review cycle already has this name", ["name"])


@dataclass(frozen=True, slots=True)
class ParticipantFilter:
    """Who joins: everyone (`all`), or those in a department's subtree and/or at a job level."""

    department_id: UUID | None = None
    job_level_id: UUID | None = None
    all: bool = False


# --- reading ----------------------------------------------------------------------------


async def get_cycle(session: AsyncSession, cycle_id: UUID, field_name: str = "id", *, lock: bool = False) -> ReviewCycle:
    """The cycle; `lock` serialises transitions and launches of one cycle (FOR UPDATE)."""
    query = select(ReviewCycle).where(ReviewCycle.id == cycle_id)
    if lock:
        query = query.with_for_update()
    cycle = (await session.scalars(query.execution_options(populate_existing=True))).first()
    if cycle is None:
        raise NotFound("ReviewCycle", [field_name])
    return cycle


async def cycles_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, ReviewCycle]:
    rows = await session.scalars(select(ReviewCycle).where(ReviewCycle.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def list_cycles(session: AsyncSession, status: CycleStatus | None, page: PageRequest) -> Page[ReviewCycle]:
    """Latest period first; keyset on (period_end desc, id)."""
    conditions = [ReviewCycle.status == status.value] if status is not None else []
    query = select(ReviewCycle).where(*conditions)
    if page.after is not None:
        period_end, last_id = page.after
        query = query.where(
            (ReviewCycle.period_end < period_end) | ((ReviewCycle.period_end == period_end) & (ReviewCycle.id > last_id))
        )
    rows = list(await session.scalars(query.order_by(ReviewCycle.period_end.desc(), ReviewCycle.id).limit(page.first + 1)))
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(ReviewCycle).where(*conditions))
    items = rows[: page.first]
    return Page(items, len(rows) > page.first, total, [(c.period_end, c.id) for c in items])


async def get_participant(session: AsyncSession, cycle_id: UUID, subject_id: UUID, field_name: str) -> CycleParticipant:
    participant = await session.get(CycleParticipant, (session_tenant(session), cycle_id, subject_id))
    if participant is None:
        raise NotFound("Participant", [field_name])
    return participant


async def list_participants(session: AsyncSession, cycle_id: UUID, page: PageRequest) -> Page[tuple[CycleParticipant, Employee]]:
    """By name; keyset on (name, id). The employee comes in the same statement."""
    conditions = [CycleParticipant.cycle_id == cycle_id]
    query = select(CycleParticipant, Employee).join(Employee, Employee.id == CycleParticipant.subject_id).where(*conditions)
    if page.after is not None:
        query = query.where(tuple_(Employee.name, Employee.id) > tuple(page.after))
    rows = (await session.execute(query.order_by(Employee.name, Employee.id).limit(page.first + 1))).all()
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(CycleParticipant).where(*conditions))
    items = [(participant, employee) for participant, employee in rows[: page.first]]
    return Page(items, len(rows) > page.first, total, [(e.name, e.id) for _, e in items])


# --- creating and filling a cycle --------------------------------------------------------


async def create_cycle(session: AsyncSession, actor: Actor, spec: CycleSpec, template_id: UUID) -> ReviewCycle:
    policy.require_review_admin(actor)
    name, kinds = check_cycle(spec)
    await get_template(session, template_id, "templateId")
    if await session.scalar(select(ReviewCycle.id).where(func.lower(ReviewCycle.name) == name.lower()).limit(1)):
        raise _DUPLICATE_NAME
    cycle = ReviewCycle(
        tenant_id=session_tenant(session), name=name, period_start=spec.period_start, period_end=spec.period_end,
        reviewer_kinds=kinds, template_id=template_id, peer_min=spec.peer_min, peer_max=spec.peer_max,
        self_due=spec.self_due, manager_due=spec.manager_due, peer_due=spec.peer_due,
        direct_report_due=spec.direct_report_due, created_by=actor.employee_id,
    )
    session.add(cycle)
    await flush_or_conflict(session, {"review_cycles_name_key": _DUPLICATE_NAME})
    return cycle


def _department_subtree(department_id: UUID):
    tree = select(Department.id).where(Department.id == department_id).cte("subtree", recursive=True)
    return tree.union_all(select(Department.id).where(Department.parent_id == tree.c.id))


async def _check_filter(session: AsyncSession, criteria: ParticipantFilter) -> None:
    chosen = criteria.department_id is not None or criteria.job_level_id is not None
    if criteria.all and chosen:
        raise DomainError(ErrorCode.INVALID, "`all` cannot be combined with other criteria", ["filter", "all"])
    if not criteria.all and not chosen:
        raise DomainError(ErrorCode.REQUIRED, "Choose a department, a job level, or all", ["filter"])
    tenant_id = session_tenant(session)
    if criteria.department_id is not None and await session.get(Department, (tenant_id, criteria.department_id)) is None:
        raise NotFound("Department", ["filter", "departmentId"])
    if criteria.job_level_id is not None and await session.get(JobLevel, (tenant_id, criteria.job_level_id)) is None:
        raise NotFound("JobLevel", ["filter", "jobLevelId"])


async def add_participants(session: AsyncSession, actor: Actor, cycle_id: UUID, criteria: ParticipantFilter) -> tuple[ReviewCycle, int]:
    """Active employees matching the filter (hired by the period end) join once; in an
    ACTIVE cycle their reviews are created at once. Returns how many joined."""
    policy.require_review_admin(actor)
    cycle = await get_cycle(session, cycle_id, "cycleId", lock=True)
    require(accepts_participants(cycle.status), f"A {cycle.status} cycle takes no new participants", ["cycleId"])
    await _check_filter(session, criteria)
    conditions: list[Any] = [
        Employee.status == EmployeeStatus.ACTIVE.value,
        (Employee.hire_date.is_(None)) | (Employee.hire_date <= cycle.period_end),
    ]
    if criteria.department_id is not None:
        subtree = _department_subtree(criteria.department_id)
        conditions.append(Employee.department_id.in_(select(subtree.c.id)))
    if criteria.job_level_id is not None:
        conditions.append(Employee.job_level_id == criteria.job_level_id)
    source = select(
        literal(session_tenant(session), PgUUID(as_uuid=True)), literal(cycle.id, PgUUID(as_uuid=True)),
        Employee.id, Employee.department_id, Employee.job_level_id,
    ).where(*conditions)
    statement = (
        insert(CycleParticipant)
        .from_select(["tenant_id", "cycle_id", "subject_id", "department_id", "job_level_id"], source)
        .on_conflict_do_nothing()
        .returning(CycleParticipant.subject_id)
    )
    added = list(await session.scalars(statement))
    if cycle.status == CycleStatus.ACTIVE and added:
        await create_reviews(session, cycle, added)
    return cycle, len(added)


async def remove_participant(session: AsyncSession, actor: Actor, cycle_id: UUID, subject_id: UUID) -> ReviewCycle:
    """Before launch, or while ACTIVE if nobody has submitted a review of them yet (their
    draft reviews, nominations and answers go with them)."""
    policy.require_review_admin(actor)
    cycle = await get_cycle(session, cycle_id, "cycleId", lock=True)
    require(accepts_participants(cycle.status), f"Participants of a {cycle.status} cycle stay", ["cycleId"])
    participant = await get_participant(session, cycle.id, subject_id, "employeeId")
    submitted = await session.scalar(
        select(func.count()).select_from(Review).where(
            Review.cycle_id == cycle.id, Review.subject_id == subject_id, Review.status == ReviewStatus.SUBMITTED.value
        )
    )
    require(not submitted, "Reviews of this participant are already submitted", ["employeeId"])
    await session.delete(participant)
    await session.flush()
    return cycle


# --- launching: the assignments -------------------------------------------------------------

# The manager as of the period end (the effective-dated history), or the current manager
# when that person has left or no line covers the day; and whether the subject leads people now.
_SNAPSHOT = """
UPDATE cycle_participants p SET
    manager_id = coalesce(
        (SELECT m.id FROM manager_assignments a JOIN employees m ON m.id = a.manager_id AND m.status = 'ACTIVE'
         WHERE a.employee_id = p.subject_id AND a.effective_from <= :period_end
           AND (a.effective_to IS NULL OR a.effective_to > :period_end)
         ORDER BY a.effective_from DESC LIMIT 1),
        (SELECT m.id FROM employees s JOIN employees m ON m.id = s.manager_id AND m.status = 'ACTIVE'
         WHERE s.id = p.subject_id)),
    leads_people = EXISTS (SELECT 1 FROM employees r WHERE r.manager_id = p.subject_id AND r.status = 'ACTIVE')
WHERE p.cycle_id = :cycle_id AND p.subject_id = ANY(:subjects)
"""

# LEADERSHIP competencies expected at a people-manager's job level that the template does not rate.
_LEADERSHIP = """
INSERT INTO participant_competencies (tenant_id, cycle_id, subject_id, competency_id, expected_level, position)
SELECT p.tenant_id, p.cycle_id, p.subject_id, e.competency_id, e.expected_level, c.position
FROM cycle_participants p
JOIN job_level_expectations e ON e.job_level_id = p.job_level_id
JOIN competencies c ON c.id = e.competency_id AND c.category = 'LEADERSHIP' AND c.active
WHERE p.cycle_id = :cycle_id AND p.subject_id = ANY(:subjects) AND p.leads_people
  AND NOT EXISTS (SELECT 1 FROM template_questions q WHERE q.template_id = :template_id AND q.competency_id = e.competency_id)
ON CONFLICT DO NOTHING
"""

# One review per subject and reviewer kind the cycle asks for; reviewers who have left get none.
_REVIEWS = """
INSERT INTO reviews (tenant_id, id, cycle_id, subject_id, reviewer_id, kind)
SELECT p.tenant_id, gen_random_uuid(), p.cycle_id, p.subject_id, x.reviewer_id, x.kind
FROM cycle_participants p
JOIN employees s ON s.id = p.subject_id AND s.status = 'ACTIVE'
CROSS JOIN LATERAL (
    SELECT p.subject_id AS reviewer_id, 'SELF' AS kind WHERE 'SELF' = ANY(:kinds)
    UNION ALL
    SELECT p.manager_id, 'MANAGER' WHERE 'MANAGER' = ANY(:kinds) AND p.manager_id IS NOT NULL
    UNION ALL
    SELECT r.id, 'DIRECT_REPORT' FROM employees r
    WHERE 'DIRECT_REPORT' = ANY(:kinds) AND r.manager_id = p.subject_id AND r.status = 'ACTIVE'
    UNION ALL
    SELECT n.peer_id, 'PEER' FROM peer_nominations n JOIN employees pe ON pe.id = n.peer_id AND pe.status = 'ACTIVE'
    WHERE 'PEER' = ANY(:kinds) AND n.cycle_id = p.cycle_id AND n.subject_id = p.subject_id AND n.status = 'APPROVED'
) x
WHERE p.cycle_id = :cycle_id AND p.subject_id = ANY(:subjects)
ON CONFLICT DO NOTHING
"""

_PARAMS = (
    bindparam("subjects", type_=ARRAY(PgUUID(as_uuid=True))),
    bindparam("kinds", type_=ARRAY(Text)),
    bindparam("period_end", type_=Date),
    bindparam("cycle_id", type_=PgUUID(as_uuid=True)),
    bindparam("template_id", type_=PgUUID(as_uuid=True)),
)


def _statement(sql: str):
    return text(sql).bindparams(*(p for p in _PARAMS if f":{p.key}" in sql))


async def create_reviews(session: AsyncSession, cycle: ReviewCycle, subject_ids: Sequence[UUID]) -> None:
    """Three statements for any number of subjects. Existing assignments are kept, so
    running it again for a subject adds only what is missing."""
    params = {
        "subjects": list(subject_ids), "kinds": list(cycle.reviewer_kinds), "period_end": cycle.period_end,
        "cycle_id": cycle.id, "template_id": cycle.template_id,
    }
    for sql in (_SNAPSHOT, _LEADERSHIP, _REVIEWS):
        await session.execute(_statement(sql), {k: v for k, v in params.items() if f":{k}" in sql})


async def participant_ids(session: AsyncSession, cycle_id: UUID) -> list[UUID]:
    return list(await session.scalars(select(CycleParticipant.subject_id).where(CycleParticipant.cycle_id == cycle_id)))


# --- the state machine ------------------------------------------------------------------


_STAMPS = {
    CycleStatus.ACTIVE: "launched_at",
    CycleStatus.CALIBRATION: "calibration_started_at",
    CycleStatus.RELEASED: "released_at",
    CycleStatus.CLOSED: "closed_at",
}


async def _transition(session: AsyncSession, actor: Actor, cycle_id: UUID, action: CycleAction) -> ReviewCycle:
    policy.require_review_admin(actor)
    cycle = await get_cycle(session, cycle_id, lock=True)
    target = next_status(cycle.status, action)
    if action == CycleAction.LAUNCH:
        subjects = await participant_ids(session, cycle.id)
        require(bool(subjects), "Add participants before launching the cycle", ["id"])
        await create_reviews(session, cycle, subjects)
    cycle.status = target.value
    setattr(cycle, _STAMPS[target], func.now())
    cycle.updated_at = func.now()
    await session.flush()
    await session.refresh(cycle)
    return cycle


async def launch_cycle(session: AsyncSession, actor: Actor, cycle_id: UUID) -> ReviewCycle:
    """DRAFT -> ACTIVE: every participant's reviews are assigned."""
    return await _transition(session, actor, cycle_id, CycleAction.LAUNCH)


async def advance_cycle(session: AsyncSession, actor: Actor, cycle_id: UUID) -> ReviewCycle:
    """ACTIVE -> CALIBRATION -> RELEASED."""
    return await _transition(session, actor, cycle_id, CycleAction.ADVANCE)


async def close_cycle(session: AsyncSession, actor: Actor, cycle_id: UUID) -> ReviewCycle:
    """RELEASED -> CLOSED."""
    return await _transition(session, actor, cycle_id, CycleAction.CLOSE)

