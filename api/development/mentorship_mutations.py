"""Mentorship mutations: programs, joining, pairing, sessions, ending."""

from __future__ import annotations

from datetime import date

import strawberry

from api.competencies.types import TrackType
from api.development.mentorship_types import (
    MentorshipParticipantType,
    MentorshipProgramType,
    MentorshipSessionType,
    MentorshipType,
    ProgramStatusType,
)
from api.development.program_inputs import id_list
from api.development.program_loaders import perform_fresh
from api.graphql.errors import UserError
from api.graphql.ids import optional_uuid, require_uuid
from api.org.types import Ctx
from domain.development import mentorship
from domain.development.mentorship import NewProgram
from domain.development.program_models import ProgramStatus


@strawberry.input
class CreateMentorshipProgramInput:
    name: str
    start_date: date
    end_date: date
    focus_competency_ids: list[strawberry.ID] = strawberry.field(description="At least one; mentors and mentees choose among them.")
    capacity_per_mentor: int = strawberry.field(default=2, description="1 to 50 active mentees per mentor.")
    description: str | None = None
    status: ProgramStatusType = strawberry.field(default=ProgramStatus.DRAFT, description="DRAFT or OPEN.")
    min_mentor_job_level_rank: int | None = strawberry.field(
        default=None, description="Mentors need a job level of at least this rank."
    )
    mentor_track: TrackType | None = strawberry.field(default=None, description="Mentors need a job level on this track.")
    mentees_must_be_managers: bool = strawberry.field(default=False, description="Mentees need direct reports.")
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Who runs it with HR; defaults to you.")


@strawberry.input(description="Fields left out stay as they are.")
class UpdateMentorshipProgramInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    start_date: date | None = strawberry.UNSET
    end_date: date | None = strawberry.UNSET
    capacity_per_mentor: int | None = strawberry.UNSET
    status: ProgramStatusType | None = strawberry.field(default=strawberry.UNSET, description="DRAFT -> OPEN -> CLOSED.")
    min_mentor_job_level_rank: int | None = strawberry.UNSET
    mentor_track: TrackType | None = strawberry.UNSET
    mentees_must_be_managers: bool | None = strawberry.UNSET
    focus_competency_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the set; people who joined keep what they chose."
    )


@strawberry.input
class JoinMentorshipProgramInput:
    program_id: strawberry.ID
    competency_ids: list[strawberry.ID] = strawberry.field(description="Focus competencies of the program.")


@strawberry.input
class PairMentorshipInput:
    program_id: strawberry.ID
    mentor_id: strawberry.ID
    mentee_id: strawberry.ID


@strawberry.input
class EndMentorshipInput:
    mentorship_id: strawberry.ID
    outcome: str = strawberry.field(description="What came of it.")


@strawberry.input
class LogMentorshipSessionInput:
    mentorship_id: strawberry.ID
    date: date
    notes: str | None = None
    competency_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="Competencies worked on.")


@strawberry.type
class MentorshipProgramPayload:
    program: MentorshipProgramType | None
    errors: list[UserError]


@strawberry.type
class MentorshipParticipantPayload:
    participant: MentorshipParticipantType | None
    errors: list[UserError]


@strawberry.type
class MentorshipPayload:
    mentorship: MentorshipType | None
    errors: list[UserError]


@strawberry.type
class MentorshipSessionPayload:
    session: MentorshipSessionType | None
    errors: list[UserError]


_PLAIN = ("name", "description", "start_date", "end_date", "capacity_per_mentor", "status", "min_mentor_job_level_rank",
          "mentor_track", "mentees_must_be_managers")


def _changes(input: UpdateMentorshipProgramInput) -> dict:
    changes = {name: getattr(input, name) for name in _PLAIN if getattr(input, name) is not strawberry.UNSET}
    if input.focus_competency_ids is not strawberry.UNSET:
        changes["focus_competency_ids"] = (
            None if input.focus_competency_ids is None else id_list(input.focus_competency_ids, "Competency")
        )
    return changes


@strawberry.type
class MentorshipMutations:
    @strawberry.mutation(description="HR admins create a program.")
    async def create_mentorship_program(self, info: Ctx, input: CreateMentorshipProgramInput) -> MentorshipProgramPayload:
        async def work(session, actor):
            data = NewProgram(
                name=input.name, start_date=input.start_date, end_date=input.end_date,
                focus_competency_ids=id_list(input.focus_competency_ids, "Competency"),
                capacity_per_mentor=input.capacity_per_mentor, description=input.description, status=input.status,
                min_mentor_job_level_rank=input.min_mentor_job_level_rank, mentor_track=input.mentor_track,
                mentees_must_be_managers=input.mentees_must_be_managers,
                owner_id=optional_uuid(input.owner_id, "Employee", "ownerId"),
            )
            return await mentorship.create_program(session, actor, data)

        program, errors = await perform_fresh(info, work)
        return MentorshipProgramPayload(program=program, errors=errors)

    @strawberry.mutation(description="HR admins change a program.")
    async def update_mentorship_program(self, info: Ctx, input: UpdateMentorshipProgramInput) -> MentorshipProgramPayload:
        async def work(session, actor):
            program_id = require_uuid(input.id, "MentorshipProgram", "id")
            return await mentorship.update_program(session, actor, program_id, _changes(input))

        program, errors = await perform_fresh(info, work)
        return MentorshipProgramPayload(program=program, errors=errors)

    @strawberry.mutation(description="Opt in as a mentor of an OPEN program, with the competencies you can mentor.")
    async def join_as_mentor(self, info: Ctx, input: JoinMentorshipProgramInput) -> MentorshipParticipantPayload:
        async def work(session, actor):
            program_id = require_uuid(input.program_id, "MentorshipProgram", "programId")
            return await mentorship.join_as_mentor(session, actor, program_id, id_list(input.competency_ids, "Competency"))

        participant, errors = await perform_fresh(info, work)
        return MentorshipParticipantPayload(participant=participant, errors=errors)

    @strawberry.mutation(description="Apply as a mentee of an OPEN program, with the competencies you want to grow.")
    async def apply_as_mentee(self, info: Ctx, input: JoinMentorshipProgramInput) -> MentorshipParticipantPayload:
        async def work(session, actor):
            program_id = require_uuid(input.program_id, "MentorshipProgram", "programId")
            return await mentorship.apply_as_mentee(session, actor, program_id, id_list(input.competency_ids, "Competency"))

        participant, errors = await perform_fresh(info, work)
        return MentorshipParticipantPayload(participant=participant, errors=errors)

    @strawberry.mutation(description="HR admins or the program's owner pair a mentor with a mentee.")
    async def pair_mentorship(self, info: Ctx, input: PairMentorshipInput) -> MentorshipPayload:
        async def work(session, actor):
            program_id = require_uuid(input.program_id, "MentorshipProgram", "programId")
            mentor_id = require_uuid(input.mentor_id, "Employee", "mentorId")
            mentee_id = require_uuid(input.mentee_id, "Employee", "menteeId")
            return await mentorship.pair(session, actor, program_id, mentor_id, mentee_id, today=info.context.today)

        found, errors = await perform_fresh(info, work)
        return MentorshipPayload(mentorship=found, errors=errors)

    @strawberry.mutation(description="The pair, the program's owner or HR ends a mentorship with its outcome.")
    async def end_mentorship(self, info: Ctx, input: EndMentorshipInput) -> MentorshipPayload:
        async def work(session, actor):
            mentorship_id = require_uuid(input.mentorship_id, "Mentorship", "mentorshipId")
            return await mentorship.end_mentorship(session, actor, mentorship_id, input.outcome, today=info.context.today)

        found, errors = await perform_fresh(info, work)
        return MentorshipPayload(mentorship=found, errors=errors)

    @strawberry.mutation(description="The mentor or the mentee logs a session.")
    async def log_mentorship_session(self, info: Ctx, input: LogMentorshipSessionInput) -> MentorshipSessionPayload:
        async def work(session, actor):
            mentorship_id = require_uuid(input.mentorship_id, "Mentorship", "mentorshipId")
            return await mentorship.log_session(
                session, actor, mentorship_id, input.date, input.notes, id_list(input.competency_ids, "Competency"),
                today=info.context.today,
            )

        found, errors = await perform_fresh(info, work)
        return MentorshipSessionPayload(session=found, errors=errors)
