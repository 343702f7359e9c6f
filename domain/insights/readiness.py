"""Promotion readiness against the criteria of a target job level.

Criteria per job level are a tenant setting (`set_promotion_criteria`, HR admins, audited).
For a move into a MANAGER-track level, the LEADERSHIP competencies that level expects
(job_level_expectations) are required by default at their expected level, unless the
criteria name that competency explicitly.

Evidence:
- final rating: domain/reviews/calibration.final_ratings for the latest RELEASED/CLOSED
  cycle the employee took part in (by period end): latest adjustment else the manager's
  overall rating;
- tenure: whole months from the hire date to today;
- competencies: the latest assessment that is not a self-assessment;
- leadership effectiveness: the index over the twelve months ending today.
The verdict rule is in domain/insights/readiness_rules.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from domain import audit
from domain.actor import Actor
from domain.columns import timestamp_column
from domain.competencies.framework import competencies_by_ids
from domain.competencies.levels import get_job_level
from domain.competencies.models import (
    AssessmentSource,
    Competency,
    CompetencyAssessment,
    CompetencyCategory,
    JobLevel,
    JobLevelExpectation,
    Track,
)
from domain.competencies.scale import scale_levels
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.insights.index_rules import index_score
from domain.insights.leadership import index_weights, readings
from domain.insights.readiness_rules import (
    CriterionResult,
    Readiness,
    check_minimums,
    competency_criterion,
    leadership_criterion,
    rating_criterion,
    tenure_criterion,
    verdict,
)
from domain.org.departments import get_department
from domain.org.employees import get_employee
from domain.org.hierarchy import ancestor_ids
from domain.org.models import Department, Employee, EmployeeStatus
from domain.persistence import session_tenant
from domain.reviews.calibration import final_ratings
from domain.reviews.models import CycleParticipant, ReviewCycle
from domain.reviews.results import RELEASED

LEADERSHIP_WINDOW_DAYS = 365
CANDIDATES_MAX = 500


class PromotionCriteria(SQLModel, table=True):
    __tablename__ = "promotion_criteria"

    tenant_id: UUID = Field(primary_key=True)
    job_level_id: UUID = Field(primary_key=True)
    min_final_rating: Decimal | None = None
    min_tenure_months: int | None = None
    min_leadership_effectiveness: Decimal | None = None
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class PromotionCriteriaCompetency(SQLModel, table=True):
    __tablename__ = "promotion_criteria_competencies"

    tenant_id: UUID = Field(primary_key=True)
    job_level_id: UUID = Field(primary_key=True)
    competency_id: UUID = Field(primary_key=True)
    level: int


@dataclass(frozen=True, slots=True)
class Criteria:
    job_level: JobLevel
    min_final_rating: Decimal | None
    min_tenure_months: int | None
    min_leadership_effectiveness: Decimal | None
    competencies: dict[UUID, int]  # explicit and, for manager levels, the default leadership ones
    defaulted: frozenset[UUID]  # competencies required only by the manager-track default


# --- criteria ----------------------------------------------------------------------------


async def set_promotion_criteria(
    session: AsyncSession, actor: Actor, job_level_id: UUID, min_final_rating: Decimal | None,
    min_tenure_months: int | None, required: Sequence[tuple[UUID, int]], min_leadership: Decimal | None,
) -> Criteria:
    if not actor.is_hr_admin:
        raise Forbidden("Only HR admins set promotion criteria", ["jobLevelId"])
    await get_job_level(session, job_level_id, "jobLevelId")
    check_minimums(min_final_rating, min_tenure_months, min_leadership)
    await _check_competencies(session, required)
    before = await criteria_for(session, job_level_id)
    tenant_id = session_tenant(session)
    values = {"min_final_rating": min_final_rating, "min_tenure_months": min_tenure_months,
              "min_leadership_effectiveness": min_leadership}
    await session.execute(
        upsert(PromotionCriteria).values(tenant_id=tenant_id, job_level_id=job_level_id, **values)
        .on_conflict_do_update(index_elements=["tenant_id", "job_level_id"], set_=values)
    )
    await session.execute(delete(PromotionCriteriaCompetency).where(PromotionCriteriaCompetency.job_level_id == job_level_id))
    if required:
        await session.execute(upsert(PromotionCriteriaCompetency).values([
            {"tenant_id": tenant_id, "job_level_id": job_level_id, "competency_id": c, "level": level} for c, level in required
        ]))
    after = await criteria_for(session, job_level_id)
    await audit.record(session, actor, "promotion_criteria.set", "job_level", job_level_id, _as_json(before), _as_json(after))
    return after


async def _check_competencies(session: AsyncSession, required: Sequence[tuple[UUID, int]]) -> None:
    ids = [c for c, _ in required]
    if len(set(ids)) != len(ids):
        raise DomainError(ErrorCode.DUPLICATE, "A competency is listed twice", ["requiredCompetencies"])
    found = await competencies_by_ids(session, ids)
    levels = await scale_levels(session)
    for index, (competency_id, level) in enumerate(required):
        path = ["requiredCompetencies", str(index)]
        if competency_id not in found:
            raise NotFound("Competency", [*path, "competencyId"])
        if level not in levels:
            raise DomainError(ErrorCode.INVALID, f"The level must be on the proficiency scale {sorted(levels)}", [*path, "level"])


def _as_json(criteria: Criteria) -> dict:
    return {
        "minFinalRating": str(criteria.min_final_rating) if criteria.min_final_rating is not None else None,
        "minTenureMonths": criteria.min_tenure_months,
        "minLeadershipEffectiveness": (
            str(criteria.min_leadership_effectiveness) if criteria.min_leadership_effectiveness is not None else None
        ),
        "requiredCompetencies": {str(c): level for c, level in sorted(criteria.competencies.items(), key=str)},
    }


async def criteria_for(session: AsyncSession, job_level_id: UUID) -> Criteria:
    level = await get_job_level(session, job_level_id, "targetLevelId")
    stored = await session.scalar(
        select(PromotionCriteria).where(PromotionCriteria.job_level_id == job_level_id)
        .execution_options(populate_existing=True)
    )
    explicit = dict((await session.execute(
        select(PromotionCriteriaCompetency.competency_id, PromotionCriteriaCompetency.level)
        .where(PromotionCriteriaCompetency.job_level_id == job_level_id)
    )).all())
    defaults: dict[UUID, int] = {}
    if level.track == Track.MANAGER.value:
        defaults = dict((await session.execute(
            select(JobLevelExpectation.competency_id, JobLevelExpectation.expected_level)
            .join(Competency, Competency.id == JobLevelExpectation.competency_id)
            .where(JobLevelExpectation.job_level_id == job_level_id,
                   Competency.category == CompetencyCategory.LEADERSHIP.value)
        )).all())
    return Criteria(
        level,
        stored.min_final_rating if stored else None,
        stored.min_tenure_months if stored else None,
        stored.min_leadership_effectiveness if stored else None,
        {**defaults, **explicit},
        frozenset(set(defaults) - set(explicit)),
    )


# --- evidence, batched -------------------------------------------------------------------


async def _latest_released(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, ReviewCycle]:
    rows = await session.execute(
        select(CycleParticipant.subject_id, ReviewCycle)
        .join(ReviewCycle, ReviewCycle.id == CycleParticipant.cycle_id)
        .where(CycleParticipant.subject_id.in_(list(ids)), ReviewCycle.status.in_([s.value for s in RELEASED]))
        .ext(distinct_on(CycleParticipant.subject_id))
        .order_by(CycleParticipant.subject_id, ReviewCycle.period_end.desc(), ReviewCycle.id)
    )
    return {subject_id: cycle for subject_id, cycle in rows}


async def _levels(session: AsyncSession, ids: Sequence[UUID], competency_ids: Sequence[UUID]) -> dict[tuple[UUID, UUID], CompetencyAssessment]:
    if not competency_ids:
        return {}
    rows = await session.scalars(
        select(CompetencyAssessment)
        .where(CompetencyAssessment.employee_id.in_(list(ids)), CompetencyAssessment.competency_id.in_(list(competency_ids)),
               CompetencyAssessment.source != AssessmentSource.SELF.value)
        .ext(distinct_on(CompetencyAssessment.employee_id, CompetencyAssessment.competency_id))
        .order_by(CompetencyAssessment.employee_id, CompetencyAssessment.competency_id,
                  CompetencyAssessment.assessed_on.desc(), CompetencyAssessment.recorded_at.desc())
    )
    return {(row.employee_id, row.competency_id): row for row in rows}


async def _evaluate(session: AsyncSession, criteria: Criteria, employees: Sequence[Employee], today: date) -> dict[UUID, Readiness]:
    ids = [e.id for e in employees]
    cycles = await _latest_released(session, ids) if criteria.min_final_rating is not None else {}
    finals = await final_ratings(session, [(c.id, s) for s, c in cycles.items()]) if cycles else {}
    assessed = await _levels(session, ids, list(criteria.competencies))
    names = {c.id: c.name for c in (await competencies_by_ids(session, list(criteria.competencies))).values()}
    weights = await index_weights(session) if criteria.min_leadership_effectiveness is not None else {}
    found = {}
    for employee in employees:
        results: list[CriterionResult] = []
        if criteria.min_final_rating is not None:
            cycle = cycles.get(employee.id)
            final = finals.get((cycle.id, employee.id)) if cycle else None
            evidence = (f"Final rating of cycle '{cycle.name}' (period ending {cycle.period_end}): {final.explanation}"
                        if cycle and final else "No final rating in a released review cycle.")
            results.append(rating_criterion(criteria.min_final_rating, final.rating if final else None, evidence))
        if criteria.min_tenure_months is not None:
            results.append(tenure_criterion(criteria.min_tenure_months, employee.hire_date, today))
        for competency_id, level in criteria.competencies.items():
            row = assessed.get((employee.id, competency_id))
            why = " (required by default for a manager-track level)" if competency_id in criteria.defaulted else ""
            evidence = (f"{names.get(competency_id)}: level {row.level} ({row.source} assessment on {row.assessed_on}){why}."
                        if row else f"{names.get(competency_id)}: never assessed by anyone but the employee{why}.")
            results.append(competency_criterion(competency_id, level, row.level if row else None,
                                                row.assessed_on if row else None, evidence))
        if criteria.min_leadership_effectiveness is not None:
            start = date.fromordinal(today.toordinal() - LEADERSHIP_WINDOW_DAYS + 1)
            score = index_score(await readings(session, employee.id, start, today), weights)
            results.append(leadership_criterion(
                criteria.min_leadership_effectiveness, score.score,
                f"Leadership effectiveness over {start}..{today}: {score.explanation}",
            ))
        found[employee.id] = verdict(results)
    return found


# --- queries -----------------------------------------------------------------------------


async def promotion_readiness(
    session: AsyncSession, actor: Actor, employee_id: UUID, target_level_id: UUID, today: date
) -> Readiness | None:
    """Seen by the employee, their managers up the chain and HR admins; others get None."""
    employee = await get_employee(session, employee_id)
    if not (actor.is_hr_admin or actor.employee_id in await ancestor_ids(session, employee_id)):
        return None
    criteria = await criteria_for(session, target_level_id)
    return (await _evaluate(session, criteria, [employee], today))[employee.id]


async def promotion_candidates(
    session: AsyncSession, actor: Actor, department_id: UUID, target_level_id: UUID, today: date
) -> list[tuple[Employee, Readiness]]:
    """HR admins only: active employees of the department subtree not already at the
    target level, READY first, then NEARLY, then NOT_YET, by name. The statements do not
    depend on the number of employees, except one leadership index per employee when the
    level sets a leadership minimum."""
    if not actor.is_hr_admin:
        raise Forbidden("Only HR admins list promotion candidates", ["departmentId"])
    await get_department(session, department_id, "departmentId")
    criteria = await criteria_for(session, target_level_id)
    tree = select(Department.id).where(Department.id == department_id).cte("dept_tree", recursive=True)
    tree = tree.union_all(select(Department.id).where(Department.parent_id == tree.c.id))
    employees = list(await session.scalars(
        select(Employee)
        .where(Employee.department_id.in_(select(tree.c.id)), Employee.status == EmployeeStatus.ACTIVE,
               Employee.job_level_id.is_distinct_from(target_level_id))
        .order_by(Employee.name, Employee.id).limit(CANDIDATES_MAX)
    ))
    found = await _evaluate(session, criteria, employees, today)
    order = {"READY": 0, "NEARLY": 1, "NOT_YET": 2}
    return sorted(((e, found[e.id]) for e in employees), key=lambda pair: order[pair[1].verdict.value])
