"""Training queries: the catalogue, enrolments, recommendations; both as Nodes; and the
training evidence shown in competency profiles."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from api.development.program_inputs import id_filter, wants_total
from api.development.program_loaders import resolved
from api.development.stretch_queries import recommendation_count
from api.development.training_types import (
    Completion,
    EnrolmentStatusType,
    TrainingEnrolmentType,
    TrainingEvidenceType,
    TrainingFormatType,
    TrainingProgramType,
    TrainingRecommendationType,
)
from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from api.org.types import Ctx
from domain.competencies.models import Competency
from domain.development import training, training_queries
from domain.development.training_queries import EnrolmentFilter


@strawberry.input
class TrainingEnrolmentFilterInput:
    program_id: strawberry.ID | None = None
    employee_id: strawberry.ID | None = None
    status: EnrolmentStatusType | None = None


async def _program_node(ctx: RequestContext, raw: UUID):
    return await resolved(ctx.programs.training(raw))


async def _enrolment_node(ctx: RequestContext, raw: UUID):
    return await resolved(ctx.programs.enrolment(raw))


register_node("TrainingProgram", _program_node)
register_node("TrainingEnrolment", _enrolment_node)


async def training_evidence(ctx: RequestContext, employee_id: UUID | None, competency: Competency) -> TrainingEvidenceType:
    """For a profile line the viewer already may see (the profile checked it)."""
    found = await ctx.programs.training_evidence.load((employee_id, competency.id)) if employee_id else []
    completions = [Completion(program, day) for program, day in found or []]
    explanation = training.explain_training(competency.name, [(c.program.name, c.completed_on) for c in completions])
    return TrainingEvidenceType(completions=completions, explanation=explanation)


@strawberry.type
class TrainingQuery:
    @strawberry.field(description="The training catalogue, by name.")
    async def training_programs(
        self, info: Ctx, first: int | None = None, after: str | None = None, format: TrainingFormatType | None = None
    ) -> Connection[TrainingProgramType]:
        ctx = info.context
        page = page_request(first, after, (str, UUID), wants_total(info, "trainingPrograms"))
        result = await ctx.run(training_queries.list_programs, format.value if format else None, page)
        ctx.programs.prime(ctx.programs.trainings, result.items)
        return connection(result, after)

    @strawberry.field
    async def training_program(self, info: Ctx, id: strawberry.ID) -> TrainingProgramType | None:
        raw = uuid_of(id, "TrainingProgram")
        return None if raw is None else await _program_node(info.context, raw)

    @strawberry.field(description="Enrolments you may see (yours, your reports' at any depth; HR admins all), oldest first.")
    async def training_enrolments(
        self, info: Ctx, first: int | None = None, after: str | None = None,
        filter: TrainingEnrolmentFilterInput | None = None,
    ) -> Connection[TrainingEnrolmentType]:
        ctx = info.context
        criteria = EnrolmentFilter(
            program_id=id_filter(filter.program_id, "TrainingProgram") if filter else None,
            employee_id=id_filter(filter.employee_id, "Employee") if filter else None,
            status=filter.status.value if filter and filter.status else None,
        )
        page = page_request(first, after, (datetime, UUID), wants_total(info, "trainingEnrolments"))
        result = await ctx.run(training_queries.list_enrolments, ctx.actor, criteria, page)
        ctx.programs.prime(ctx.programs.enrolments, result.items)
        return connection(result, after)

    @strawberry.field
    async def training_enrolment(self, info: Ctx, id: strawberry.ID) -> TrainingEnrolmentType | None:
        raw = uuid_of(id, "TrainingEnrolment")
        return None if raw is None else await _enrolment_node(info.context, raw)

    @strawberry.field(
        description="Training ranked by how many of the employee's gap levels it targets, each with its explanation; "
        "programs they are enrolled in or completed are left out. For the employee, their managers up the chain and "
        "HR admins; null for others."
    )
    async def recommended_training(
        self, info: Ctx, employee_id: strawberry.ID, first: int | None = None
    ) -> list[TrainingRecommendationType] | None:
        ctx = info.context
        size = recommendation_count(first)
        raw = uuid_of(employee_id, "Employee")
        if raw is None:
            return None
        found = await ctx.run(training.recommended_training, ctx.actor, raw, size)
        if found is not None:
            ctx.programs.prime(ctx.programs.trainings, [r.item for r in found])
        return found
