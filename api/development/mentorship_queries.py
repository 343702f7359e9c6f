"""Mentorship queries: programs, mentorships, mentor suggestions; both as Nodes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from api.development.mentorship_types import (
    MentorshipProgramType,
    MentorshipStatusType,
    MentorshipType,
    MentorSuggestionType,
    ProgramStatusType,
)
from api.development.program_inputs import id_filter, wants_total
from api.development.program_loaders import resolved
from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from api.org.types import Ctx
from domain.development import mentorship, mentorship_queries
from domain.development.mentorship_queries import MentorshipFilter
from domain.errors import DomainError, ErrorCode

MAX_SUGGESTIONS = 50


@strawberry.input
class MentorshipFilterInput:
    program_id: strawberry.ID | None = None
    status: MentorshipStatusType | None = None


async def _program_node(ctx: RequestContext, raw: UUID):
    return await resolved(ctx.programs.mentorship_program(raw))


async def _mentorship_node(ctx: RequestContext, raw: UUID):
    return await resolved(ctx.programs.mentorship(raw))


register_node("MentorshipProgram", _program_node)
register_node("Mentorship", _mentorship_node)


@strawberry.type
class MentorshipQuery:
    @strawberry.field(description="Mentorship programs by name (drafts only for HR admins and their owner).")
    async def mentorship_programs(
        self, info: Ctx, first: int | None = None, after: str | None = None, status: ProgramStatusType | None = None
    ) -> Connection[MentorshipProgramType]:
        ctx = info.context
        page = page_request(first, after, (str, UUID), wants_total(info, "mentorshipPrograms"))
        result = await ctx.run(mentorship_queries.list_programs, ctx.actor, status.value if status else None, page)
        ctx.programs.prime(ctx.programs.mentorship_programs, result.items)
        return connection(result, after)

    @strawberry.field
    async def mentorship_program(self, info: Ctx, id: strawberry.ID) -> MentorshipProgramType | None:
        raw = uuid_of(id, "MentorshipProgram")
        return None if raw is None else await _program_node(info.context, raw)

    @strawberry.field(description="Mentorships you are in, of programs you own, or (HR admins) all; oldest first.")
    async def mentorships(
        self, info: Ctx, first: int | None = None, after: str | None = None, filter: MentorshipFilterInput | None = None
    ) -> Connection[MentorshipType]:
        ctx = info.context
        criteria = MentorshipFilter(
            program_id=id_filter(filter.program_id, "MentorshipProgram") if filter else None,
            status=filter.status.value if filter and filter.status else None,
        )
        page = page_request(first, after, (datetime, UUID), wants_total(info, "mentorships"))
        result = await ctx.run(mentorship_queries.list_mentorships, ctx.actor, criteria, page)
        ctx.programs.prime(ctx.programs.mentorships, result.items)
        return connection(result, after)

    @strawberry.field
    async def mentorship(self, info: Ctx, id: strawberry.ID) -> MentorshipType | None:
        raw = uuid_of(id, "Mentorship")
        return None if raw is None else await _mentorship_node(info.context, raw)

    @strawberry.field(
        description="The program's mentors ranked for a mentee who applied: how well their assessed strengths cover the "
        "mentee's gaps in the competencies they asked for, preferring another department. The mentee, their managers "
        "up the chain and mentors at capacity are never suggested. For HR admins, the program's owner, the mentee and "
        "their managers; null for others and for IDs that are not there."
    )
    async def suggest_mentors(
        self, info: Ctx, mentee_id: strawberry.ID, program_id: strawberry.ID, first: int | None = None
    ) -> list[MentorSuggestionType] | None:
        ctx = info.context
        size = 10 if first is None else first
        if not 1 <= size <= MAX_SUGGESTIONS:
            raise DomainError(ErrorCode.INVALID, f"first must be between 1 and {MAX_SUGGESTIONS}", ["first"])
        mentee, program = uuid_of(mentee_id, "Employee"), uuid_of(program_id, "MentorshipProgram")
        if mentee is None or program is None:
            return None
        found = await ctx.run(mentorship.suggest_mentors, ctx.actor, mentee, program)
        if found is None:
            return None
        ctx.org.prime_employees(list(found.people.values()))
        return found.ranked[:size]
