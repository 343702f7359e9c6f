"""Compensation types. Money is the `Decimal` scalar (a string on the wire), never a float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from api.graphql.ids import to_global_id
from api.org.types import Ctx, DepartmentType, EmployeeType
from domain.compensation import proposals, recommendations
from domain.compensation.models import BonusProposal, CompensationCycle
from domain.compensation.rules import Formula, Recommendation
from domain.errors import Forbidden


@strawberry.type(name="RatingMultiplier")
class RatingMultiplierType:
    rating: int
    multiplier: Decimal


@strawberry.type(name="LeadershipBand")
class LeadershipBandType:
    min_score: Decimal = strawberry.field(description="Leadership effectiveness scores from here (inclusive) to the next band.")
    multiplier: Decimal


@strawberry.type(name="BonusFormula")
class BonusFormulaType:
    version: int
    rating_multipliers: list[RatingMultiplierType]
    leadership_bands: list[LeadershipBandType]


def formula_type(formula: Formula) -> BonusFormulaType:
    return BonusFormulaType(
        version=formula.version,
        rating_multipliers=[RatingMultiplierType(rating=r, multiplier=m) for r, m in sorted(formula.rating_multipliers.items())],
        leadership_bands=[LeadershipBandType(min_score=b.min_score, multiplier=b.multiplier) for b in formula.leadership_bands],
    )


@strawberry.type(name="BonusRecommendation", description="target x rating multiplier (x leadership multiplier for "
                 "people-managers), rounded once, half-even, to the currency's minor unit.")
class BonusRecommendationType:
    amount: Decimal | None
    target: Decimal | None
    rating: int | None
    rating_multiplier: Decimal | None
    leadership_score: Decimal | None
    leadership_multiplier: Decimal | None
    explanation: str


def recommendation_type(found: Recommendation) -> BonusRecommendationType:
    return BonusRecommendationType(
        amount=found.amount, target=found.target, rating=found.rating, rating_multiplier=found.rating_multiplier,
        leadership_score=found.leadership_score, leadership_multiplier=found.leadership_multiplier,
        explanation=found.explanation,
    )


@strawberry.type(name="BonusProposal")
class BonusProposalType:
    amount: Decimal
    note: str | None
    status: str
    decision_reason: str | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, BonusProposal)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("BonusProposal", self.id)

    @strawberry.field
    def employee(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.employee_id)


@strawberry.type(name="BonusLine")
class BonusLineType:
    employee: EmployeeType
    recommendation: BonusRecommendationType
    proposal: BonusProposalType | None


@strawberry.type(name="DepartmentBudget", description="Sums over the department's whole subtree.")
class DepartmentBudgetType:
    department: DepartmentType
    recommended: Decimal
    proposed: Decimal
    approved: Decimal
    explanation: str


@strawberry.type(name="CompensationCycle", description="Visible to HR admins and people-managers.")
class CompensationCycleType:
    name: str
    budget: Decimal
    currency: str
    status: str
    hired_before: date | None
    formula_version: int | None = strawberry.field(description="Pinned when the cycle opens.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, CompensationCycle)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("CompensationCycle", self.id)

    @strawberry.field(description="The eligible employees you may see (HR: all; managers: their direct and indirect "
                      "reports), each with a recommendation and any proposal.")
    async def bonuses(self, info: Ctx) -> list[BonusLineType]:
        ctx = info.context
        found = await ctx.run(recommendations.lines, ctx.actor, self)
        made = await ctx.run(proposals.proposals_by_employee, self.id, [line.employee.id for line in found])
        return [BonusLineType(employee=line.employee, recommendation=recommendation_type(line.recommendation),
                              proposal=made.get(line.employee.id)) for line in found]

    @strawberry.field(description="HR admins only (null for others).")
    async def budget_roll_up(self, info: Ctx) -> list[DepartmentBudgetType] | None:
        ctx = info.context
        try:
            rows = await ctx.run(proposals.budget_roll_up, ctx.actor, self.id)
        except Forbidden:
            return None
        return [DepartmentBudgetType(department=r.department, recommended=r.recommended, proposed=r.proposed,
                                     approved=r.approved, explanation=r.explanation) for r in rows]


@strawberry.type(name="FormulaPreviewLine")
class FormulaPreviewLineType:
    employee: EmployeeType
    old: BonusRecommendationType | None
    new: BonusRecommendationType


@strawberry.type(name="FormulaPreview", description="What-if: nothing is saved.")
class FormulaPreviewType:
    version: int
    lines: list[FormulaPreviewLineType]
    old_total: Decimal
    new_total: Decimal
