"""Setting the promotion criteria of a job level (HR admins; audited)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import require_uuid, to_global_id, uuid_of
from api.graphql.mutation import perform
from api.org.types import Ctx
from domain.errors import NotFound
from domain.insights.readiness import Criteria, set_promotion_criteria


@strawberry.input
class RequiredCompetencyInput:
    competency_id: strawberry.ID
    level: int


@strawberry.input
class SetPromotionCriteriaInput:
    job_level_id: strawberry.ID
    min_final_rating: float | None = None
    min_tenure_months: int | None = None
    required_competencies: list[RequiredCompetencyInput] = strawberry.field(default_factory=list)
    min_leadership_effectiveness: float | None = None


@strawberry.type(name="RequiredCompetency")
class RequiredCompetencyType:
    competency_id: strawberry.ID
    level: int
    by_default: bool = strawberry.field(description="Required because the level is on the MANAGER track.")


@strawberry.type(name="PromotionCriteria")
class PromotionCriteriaType:
    job_level_id: strawberry.ID
    min_final_rating: float | None
    min_tenure_months: int | None
    min_leadership_effectiveness: float | None
    required_competencies: list[RequiredCompetencyType]


def criteria_type(c: Criteria) -> PromotionCriteriaType:
    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return PromotionCriteriaType(
        job_level_id=to_global_id("JobLevel", c.job_level.id), min_final_rating=number(c.min_final_rating),
        min_tenure_months=c.min_tenure_months, min_leadership_effectiveness=number(c.min_leadership_effectiveness),
        required_competencies=[
            RequiredCompetencyType(competency_id=to_global_id("Competency", cid), level=level, by_default=cid in c.defaulted)
            for cid, level in sorted(c.competencies.items(), key=lambda pair: str(pair[0]))
        ],
    )


def _competency(value: strawberry.ID, index: int):
    found = uuid_of(value, "Competency")
    if found is None:
        raise NotFound("Competency", ["requiredCompetencies", str(index), "competencyId"])
    return found


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@strawberry.type
class SetPromotionCriteriaPayload:
    criteria: PromotionCriteriaType | None
    errors: list[UserError]


@strawberry.type
class ReadinessMutations:
    @strawberry.mutation(description="HR admins only. Replaces the level's criteria; omitted minimums are not required.")
    async def set_promotion_criteria(self, info: Ctx, input: SetPromotionCriteriaInput) -> SetPromotionCriteriaPayload:
        async def work(session, actor):
            level = require_uuid(input.job_level_id, "JobLevel", "jobLevelId")
            required = [(_competency(item.competency_id, i), item.level) for i, item in enumerate(input.required_competencies)]
            return await set_promotion_criteria(
                session, actor, level, _decimal(input.min_final_rating), input.min_tenure_months, required,
                _decimal(input.min_leadership_effectiveness),
            )

        saved, errors = await perform(info.context, work)
        return SetPromotionCriteriaPayload(criteria=None if saved is None else criteria_type(saved), errors=errors)
