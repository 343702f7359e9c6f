"""Career level mutations: create, update, and what each level expects."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.competencies.mutating import perform_fresh
from api.competencies.types import Ctx, JobLevelType, TrackType
from api.graphql.errors import UserError
from api.graphql.ids import require_uuid, uuid_of
from domain.competencies import levels
from domain.competencies.levels import ExpectationInput


@strawberry.input
class CreateJobLevelInput:
    name: str
    rank: int = strawberry.field(description="1 to 100, unique within the track; higher is more senior.")
    track: TrackType
    description: str | None = None


@strawberry.input
class UpdateJobLevelInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    rank: int | None = strawberry.UNSET
    track: TrackType | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input
class JobLevelExpectationInput:
    competency_id: strawberry.ID
    expected_level: int = strawberry.field(description="A level of the proficiency scale.")


@strawberry.input
class SetJobLevelExpectationsInput:
    job_level_id: strawberry.ID
    expectations: list[JobLevelExpectationInput] = strawberry.field(
        description="Replaces the level's expectations. A MANAGER level must expect a LEADERSHIP competency."
    )


@strawberry.type
class JobLevelPayload:
    job_level: JobLevelType | None
    errors: list[UserError]


async def _payload(info: Ctx, work) -> JobLevelPayload:
    level, errors = await perform_fresh(info, work)
    return JobLevelPayload(job_level=level, errors=errors)


def _required(value, field: str):
    """`null` for a field that cannot be cleared is the client's error, named."""
    from domain.errors import DomainError, ErrorCode

    if value is None:
        raise DomainError(ErrorCode.REQUIRED, f"{field} cannot be null", [field])
    return value


@strawberry.type
class JobLevelMutations:
    @strawberry.mutation
    async def create_job_level(self, info: Ctx, input: CreateJobLevelInput) -> JobLevelPayload:
        async def work(session, actor):
            return await levels.create_job_level(session, actor, input.name, input.rank, input.track, input.description)

        return await _payload(info, work)

    @strawberry.mutation
    async def update_job_level(self, info: Ctx, input: UpdateJobLevelInput) -> JobLevelPayload:
        async def work(session, actor):
            job_level_id = require_uuid(input.id, "JobLevel", "id")
            changes = {}
            for name in ("name", "rank", "track"):
                if getattr(input, name) is not strawberry.UNSET:
                    changes[name] = _required(getattr(input, name), name)
            if input.description is not strawberry.UNSET:
                changes["description"] = input.description
            return await levels.update_job_level(session, actor, job_level_id, changes)

        return await _payload(info, work)

    @strawberry.mutation
    async def set_job_level_expectations(self, info: Ctx, input: SetJobLevelExpectationsInput) -> JobLevelPayload:
        async def work(session, actor):
            job_level_id = require_uuid(input.job_level_id, "JobLevel", "jobLevelId")
            # A malformed competency ID matches nothing, so the domain names its row.
            expectations = [
                ExpectationInput(uuid_of(item.competency_id, "Competency") or UUID(int=0), item.expected_level)
                for item in input.expectations
            ]
            return await levels.set_job_level_expectations(session, actor, job_level_id, expectations)

        return await _payload(info, work)
