"""Recording a competency assessment (the history is append-only)."""

from __future__ import annotations

import strawberry

from api.competencies.mutating import perform_fresh
from api.competencies.types import AssessmentSourceType, CompetencyAssessmentType, Ctx
from api.graphql.errors import UserError
from api.graphql.ids import require_uuid
from domain.competencies import assessments
from domain.competencies.assessments import NewAssessment


@strawberry.input
class AssessCompetencyInput:
    employee_id: strawberry.ID
    competency_id: strawberry.ID
    level: int = strawberry.field(description="A level of the proficiency scale.")
    source: AssessmentSourceType = strawberry.field(
        description="SELF for yourself; MANAGER for your reports (any depth); HR admins record any source for others."
    )
    note: str | None = None


@strawberry.type
class AssessCompetencyPayload:
    assessment: CompetencyAssessmentType | None
    errors: list[UserError]


@strawberry.type
class AssessmentMutations:
    @strawberry.mutation(description="Records a dated assessment; earlier ones are kept, the latest counts.")
    async def assess_competency(self, info: Ctx, input: AssessCompetencyInput) -> AssessCompetencyPayload:
        async def work(session, actor):
            data = NewAssessment(
                employee_id=require_uuid(input.employee_id, "Employee", "employeeId"),
                competency_id=require_uuid(input.competency_id, "Competency", "competencyId"),
                level=input.level,
                source=input.source,
                note=input.note,
            )
            return await assessments.assess_competency(session, actor, data, today=info.context.today)

        assessment, errors = await perform_fresh(info, work)
        return AssessCompetencyPayload(assessment=assessment, errors=errors)
