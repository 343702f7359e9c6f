"""GraphQL types, the Employee field and the HR query of promotion readiness."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.graphql.ids import to_global_id, uuid_of
from api.org.types import Ctx, EmployeeType
from domain.errors import DomainError, ErrorCode
from domain.insights.readiness import promotion_candidates, promotion_readiness
from domain.insights.readiness_rules import (
    CriterionKind,
    CriterionResult,
    Readiness,
    Verdict,
)
from domain.org.models import Employee

VerdictType = strawberry.enum(Verdict, name="PromotionVerdict", description=(
    "READY: every criterion met. NEARLY: exactly one unmet, or every unmet one is close (a competency one level "
    "short, a final rating at most 0.5 below the minimum). NOT_YET: otherwise; missing evidence is unmet, never close."
))
CriterionKindType = strawberry.enum(CriterionKind, name="PromotionCriterionKind")


@strawberry.type(name="PromotionCriterion")
class PromotionCriterionType:
    kind: CriterionKindType
    competency_id: strawberry.ID | None
    required: float
    actual: float | None
    met: bool
    close: bool = strawberry.field(description="Unmet but within one competency level or 0.5 rating.")
    evidence: str = strawberry.field(description="The values, dates and sources the verdict rests on.")
    as_of: date | None


def criterion_type(c: CriterionResult) -> PromotionCriterionType:
    return PromotionCriterionType(
        kind=c.kind, competency_id=to_global_id("Competency", c.competency_id) if c.competency_id else None,
        required=float(c.required), actual=None if c.actual is None else float(c.actual), met=c.met, close=c.close,
        evidence=c.evidence, as_of=c.as_of,
    )


@strawberry.type(name="PromotionReadiness")
class PromotionReadinessType:
    verdict: VerdictType
    criteria: list[PromotionCriterionType]
    explanation: str


def readiness_type(result: Readiness) -> PromotionReadinessType:
    return PromotionReadinessType(verdict=result.verdict, criteria=[criterion_type(c) for c in result.criteria],
                                  explanation=result.explanation)


@strawberry.type(name="PromotionCandidate")
class PromotionCandidateType:
    employee: Annotated[EmployeeType, strawberry.lazy("api.org.types")]
    readiness: PromotionReadinessType


async def _or_none_when_missing(work):
    """Another tenant's, a malformed or a missing ID answers null, as everywhere in queries."""
    try:
        return await work
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            return None
        raise


async def employee_promotion_readiness(info: Ctx, employee: Employee, target_level_id: strawberry.ID) -> PromotionReadinessType | None:
    ctx = info.context
    target = uuid_of(target_level_id, "JobLevel")
    if target is None:
        return None
    found = await _or_none_when_missing(ctx.run(promotion_readiness, ctx.actor, employee.id, target, ctx.today))
    return None if found is None else readiness_type(found)


@strawberry.type
class ReadinessQuery:
    @strawberry.field(description=(
        "HR admins only: active employees of the department and its sub-departments not already at the target "
        "level, READY first, then NEARLY, then NOT_YET (at most 500). Null for an unknown department or level."
    ))
    async def promotion_candidates(
        self, info: Ctx, department_id: strawberry.ID, target_level_id: strawberry.ID
    ) -> list[PromotionCandidateType] | None:
        ctx = info.context
        department, target = uuid_of(department_id, "Department"), uuid_of(target_level_id, "JobLevel")
        if department is None or target is None:
            return None
        found = await _or_none_when_missing(ctx.run(promotion_candidates, ctx.actor, department, target, ctx.today))
        if found is None:
            return None
        ctx.org.prime_employees([employee for employee, _ in found])  # their manager and department resolve from the page
        return [PromotionCandidateType(employee=employee, readiness=readiness_type(r)) for employee, r in found]
