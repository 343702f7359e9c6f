"""Review cycle mutations: create, participants, launch and the state machine. HR admins only."""

from __future__ import annotations

from datetime import date

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import require_uuid
from api.org.types import Ctx
from api.reviews.mutating import id_or_nothing, perform_fresh
from api.reviews.types import ReviewCycleType, ReviewerKindType
from domain.reviews import cycles
from domain.reviews.cycles import ParticipantFilter
from domain.reviews.rules import CycleSpec


@strawberry.input
class CreateReviewCycleInput:
    name: str
    period_start: date
    period_end: date
    template_id: strawberry.ID
    reviewer_kinds: list[ReviewerKindType]
    peer_min: int = strawberry.field(default=0, description="Fewest peers a subject nominates.")
    peer_max: int = strawberry.field(default=0, description="Most peers a subject nominates (at least 1 with PEER reviews).")
    self_due: date | None = None
    manager_due: date | None = None
    peer_due: date | None = None
    direct_report_due: date | None = None


@strawberry.input(description="Everyone (`all`), or those in a department's subtree and/or at a job level.")
class ParticipantFilterInput:
    department_id: strawberry.ID | None = strawberry.field(default=None, description="The department and those below it.")
    job_level_id: strawberry.ID | None = None
    all: bool = False


@strawberry.input
class AddCycleParticipantsInput:
    cycle_id: strawberry.ID
    filter: ParticipantFilterInput


@strawberry.input
class RemoveCycleParticipantInput:
    cycle_id: strawberry.ID
    employee_id: strawberry.ID


@strawberry.input
class ReviewCycleIdInput:
    id: strawberry.ID


@strawberry.type
class ReviewCyclePayload:
    cycle: ReviewCycleType | None
    errors: list[UserError]


@strawberry.type
class AddCycleParticipantsPayload:
    cycle: ReviewCycleType | None
    added: int = strawberry.field(description="How many joined (those already in are not counted).")
    errors: list[UserError]


def _spec(input: CreateReviewCycleInput) -> CycleSpec:
    return CycleSpec(
        name=input.name, period_start=input.period_start, period_end=input.period_end,
        reviewer_kinds=[kind.value for kind in input.reviewer_kinds], peer_min=input.peer_min, peer_max=input.peer_max,
        self_due=input.self_due, manager_due=input.manager_due, peer_due=input.peer_due,
        direct_report_due=input.direct_report_due,
    )


async def _payload(info: Ctx, work) -> ReviewCyclePayload:
    cycle, errors = await perform_fresh(info, work)
    return ReviewCyclePayload(cycle=cycle, errors=errors)


@strawberry.type
class CycleMutations:
    @strawberry.mutation(description="A DRAFT cycle over a period, with its template, reviewer kinds and deadlines.")
    async def create_review_cycle(self, info: Ctx, input: CreateReviewCycleInput) -> ReviewCyclePayload:
        async def work(session, actor):
            return await cycles.create_cycle(session, actor, _spec(input), require_uuid(input.template_id, "ReviewTemplate", "templateId"))

        return await _payload(info, work)

    @strawberry.mutation(description="Active employees matching the filter join (DRAFT or ACTIVE cycles; in ACTIVE ones "
                         "their reviews are created at once).")
    async def add_cycle_participants(self, info: Ctx, input: AddCycleParticipantsInput) -> AddCycleParticipantsPayload:
        async def work(session, actor):
            criteria = ParticipantFilter(
                department_id=id_or_nothing(input.filter.department_id, "Department"),
                job_level_id=id_or_nothing(input.filter.job_level_id, "JobLevel"),
                all=input.filter.all,
            )
            return await cycles.add_participants(session, actor, require_uuid(input.cycle_id, "ReviewCycle", "cycleId"), criteria)

        result, errors = await perform_fresh(info, work)
        cycle, added = result if result is not None else (None, 0)
        return AddCycleParticipantsPayload(cycle=cycle, added=added, errors=errors)

    @strawberry.mutation(description="Before launch, or while ACTIVE if none of their reviews is submitted.")
    async def remove_cycle_participant(self, info: Ctx, input: RemoveCycleParticipantInput) -> ReviewCyclePayload:
        async def work(session, actor):
            cycle_id = require_uuid(input.cycle_id, "ReviewCycle", "cycleId")
            employee_id = id_or_nothing(input.employee_id, "Employee")
            return await cycles.remove_participant(session, actor, cycle_id, employee_id)

        return await _payload(info, work)

    @strawberry.mutation(description="DRAFT -> ACTIVE: one review per subject and reviewer kind (the manager as of the "
                         "period end, current direct reports, approved peers).")
    async def launch_review_cycle(self, info: Ctx, input: ReviewCycleIdInput) -> ReviewCyclePayload:
        async def work(session, actor):
            return await cycles.launch_cycle(session, actor, require_uuid(input.id, "ReviewCycle", "id"))

        return await _payload(info, work)

    @strawberry.mutation(description="ACTIVE -> CALIBRATION -> RELEASED.")
    async def advance_review_cycle(self, info: Ctx, input: ReviewCycleIdInput) -> ReviewCyclePayload:
        async def work(session, actor):
            return await cycles.advance_cycle(session, actor, require_uuid(input.id, "ReviewCycle", "id"))

        return await _payload(info, work)

    @strawberry.mutation(description="RELEASED -> CLOSED.")
    async def close_review_cycle(self, info: Ctx, input: ReviewCycleIdInput) -> ReviewCyclePayload:
        async def work(session, actor):
            return await cycles.close_cycle(session, actor, require_uuid(input.id, "ReviewCycle", "id"))

        return await _payload(info, work)
