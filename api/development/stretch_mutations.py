"""Stretch project mutations: offer, apply, approve or reject, start, complete."""

from __future__ import annotations

from datetime import date

import strawberry

from api.development.program_inputs import NO_MATCH, id_list
from api.development.program_loaders import perform_fresh
from api.development.stretch_types import StretchApplicationType, StretchProjectType
from api.graphql.errors import UserError
from api.graphql.ids import optional_uuid, require_uuid, uuid_of
from api.org.types import Ctx
from domain.development import stretch
from domain.development.stretch import NewProject, OutcomeInput


@strawberry.input
class CreateStretchProjectInput:
    title: str
    start_date: date
    end_date: date
    seats: int = strawberry.field(description="1 to 100 participants.")
    target_competency_ids: list[strawberry.ID] = strawberry.field(description="At least one.")
    description: str | None = None
    sponsor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to you; only HR admins name someone else."
    )


@strawberry.input
class ApplyToStretchProjectInput:
    project_id: strawberry.ID
    motivation: str


@strawberry.input
class StretchApplicationDecisionInput:
    application_id: strawberry.ID


@strawberry.input
class RejectStretchApplicationInput:
    application_id: strawberry.ID
    reason: str | None = None


@strawberry.input
class StretchProjectIdInput:
    project_id: strawberry.ID


@strawberry.input(description="A participant's level in one target competency, as the sponsor saw it.")
class StretchOutcomeInput:
    employee_id: strawberry.ID
    competency_id: strawberry.ID
    level: int
    note: str | None = None


@strawberry.input
class CompleteStretchProjectInput:
    project_id: strawberry.ID
    outcomes: list[StretchOutcomeInput] = strawberry.field(
        default_factory=list, description="Each becomes an EVIDENCE assessment of the participant."
    )


@strawberry.type
class StretchProjectPayload:
    project: StretchProjectType | None
    errors: list[UserError]


@strawberry.type
class StretchApplicationPayload:
    application: StretchApplicationType | None
    errors: list[UserError]


def _outcomes(rows: list[StretchOutcomeInput]) -> list[OutcomeInput]:
    return [
        OutcomeInput(uuid_of(row.employee_id, "Employee") or NO_MATCH, uuid_of(row.competency_id, "Competency") or NO_MATCH,
                     row.level, row.note)
        for row in rows
    ]


@strawberry.type
class StretchMutations:
    @strawberry.mutation(description="Managers and HR admins offer a stretch project; it opens for applications at once.")
    async def create_stretch_project(self, info: Ctx, input: CreateStretchProjectInput) -> StretchProjectPayload:
        async def work(session, actor):
            data = NewProject(
                title=input.title, start_date=input.start_date, end_date=input.end_date, seats=input.seats,
                target_competency_ids=id_list(input.target_competency_ids, "Competency"), description=input.description,
                sponsor_id=optional_uuid(input.sponsor_id, "Employee", "sponsorId"),
            )
            return await stretch.create_project(session, actor, data)

        project, errors = await perform_fresh(info, work)
        return StretchProjectPayload(project=project, errors=errors)

    @strawberry.mutation(description="Apply to an OPEN project, once.")
    async def apply_to_stretch_project(self, info: Ctx, input: ApplyToStretchProjectInput) -> StretchApplicationPayload:
        async def work(session, actor):
            project_id = require_uuid(input.project_id, "StretchProject", "projectId")
            return await stretch.apply(session, actor, project_id, input.motivation)

        application, errors = await perform_fresh(info, work)
        return StretchApplicationPayload(application=application, errors=errors)

    @strawberry.mutation(description="The sponsor or the applicant's manager approves; with both, the applicant takes a seat.")
    async def approve_stretch_application(
        self, info: Ctx, input: StretchApplicationDecisionInput
    ) -> StretchApplicationPayload:
        async def work(session, actor):
            application_id = require_uuid(input.application_id, "StretchApplication", "applicationId")
            return await stretch.approve(session, actor, application_id)

        application, errors = await perform_fresh(info, work)
        return StretchApplicationPayload(application=application, errors=errors)

    @strawberry.mutation(description="The sponsor or the applicant's manager rejects a pending application.")
    async def reject_stretch_application(self, info: Ctx, input: RejectStretchApplicationInput) -> StretchApplicationPayload:
        async def work(session, actor):
            application_id = require_uuid(input.application_id, "StretchApplication", "applicationId")
            return await stretch.reject(session, actor, application_id, input.reason)

        application, errors = await perform_fresh(info, work)
        return StretchApplicationPayload(application=application, errors=errors)

    @strawberry.mutation(description="The sponsor or HR starts an OPEN or STAFFED project with someone approved.")
    async def start_stretch_project(self, info: Ctx, input: StretchProjectIdInput) -> StretchProjectPayload:
        async def work(session, actor):
            project_id = require_uuid(input.project_id, "StretchProject", "projectId")
            return await stretch.start_project(session, actor, project_id)

        project, errors = await perform_fresh(info, work)
        return StretchProjectPayload(project=project, errors=errors)

    @strawberry.mutation(description="The sponsor completes an IN_PROGRESS project, recording outcomes as evidence.")
    async def complete_stretch_project(self, info: Ctx, input: CompleteStretchProjectInput) -> StretchProjectPayload:
        async def work(session, actor):
            project_id = require_uuid(input.project_id, "StretchProject", "projectId")
            return await stretch.complete_project(
                session, actor, project_id, _outcomes(input.outcomes), today=info.context.today
            )

        project, errors = await perform_fresh(info, work)
        return StretchProjectPayload(project=project, errors=errors)
