"""Training mutations: the catalogue, enrolling, moving an enrolment on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from api.development.program_inputs import id_list
from api.development.program_loaders import perform_fresh
from api.development.training_types import (
    EnrolmentStatusType,
    TrainingEnrolmentType,
    TrainingFormatType,
    TrainingProgramType,
)
from api.graphql.errors import UserError
from api.graphql.ids import optional_uuid, require_uuid
from api.org.types import Ctx
from domain.development import training
from domain.development.training import NewTraining


@strawberry.input
class CreateTrainingProgramInput:
    name: str
    format: TrainingFormatType
    duration_hours: float = strawberry.field(description="Above 0, at most 10000, in tenths of an hour.")
    target_competency_ids: list[strawberry.ID] = strawberry.field(description="At least one.")
    description: str | None = None


@strawberry.input
class EnrolInTrainingInput:
    program_id: strawberry.ID
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to you; managers enrol their reports, HR admins anyone."
    )


@strawberry.input
class UpdateEnrolmentInput:
    enrolment_id: strawberry.ID
    status: EnrolmentStatusType
    date: date | None = strawberry.field(default=None, description="When it happened; defaults to today.")


@strawberry.type
class TrainingProgramPayload:
    program: TrainingProgramType | None
    errors: list[UserError]


@strawberry.type
class TrainingEnrolmentPayload:
    enrolment: TrainingEnrolmentType | None
    errors: list[UserError]


@strawberry.type
class TrainingMutations:
    @strawberry.mutation(description="HR admins add a training program to the catalogue.")
    async def create_training_program(self, info: Ctx, input: CreateTrainingProgramInput) -> TrainingProgramPayload:
        async def work(session, actor):
            data = NewTraining(
                name=input.name, format=input.format, duration_hours=Decimal(repr(float(input.duration_hours))),
                target_competency_ids=id_list(input.target_competency_ids, "Competency"), description=input.description,
            )
            return await training.create_program(session, actor, data)

        program, errors = await perform_fresh(info, work)
        return TrainingProgramPayload(program=program, errors=errors)

    @strawberry.mutation(description="Enrol yourself, a report, or (HR admins) anyone; once per program.")
    async def enrol_in_training(self, info: Ctx, input: EnrolInTrainingInput) -> TrainingEnrolmentPayload:
        async def work(session, actor):
            program_id = require_uuid(input.program_id, "TrainingProgram", "programId")
            employee_id = optional_uuid(input.employee_id, "Employee", "employeeId")
            return await training.enrol(session, actor, program_id, employee_id, today=info.context.today)

        enrolment, errors = await perform_fresh(info, work)
        return TrainingEnrolmentPayload(enrolment=enrolment, errors=errors)

    @strawberry.mutation(description="Move an enrolment on (started, completed, dropped, re-opened), dated.")
    async def update_enrolment(self, info: Ctx, input: UpdateEnrolmentInput) -> TrainingEnrolmentPayload:
        async def work(session, actor):
            enrolment_id = require_uuid(input.enrolment_id, "TrainingEnrolment", "enrolmentId")
            return await training.update_enrolment(
                session, actor, enrolment_id, input.status, input.date, today=info.context.today
            )

        enrolment, errors = await perform_fresh(info, work)
        return TrainingEnrolmentPayload(enrolment=enrolment, errors=errors)
