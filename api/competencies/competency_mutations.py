"""Competency mutations: create, update (with level texts), archive, restore, reorder."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.competencies.mutating import perform_fresh
from api.competencies.types import CompetencyType, Ctx
from api.graphql.errors import UserError
from api.graphql.ids import require_uuid, uuid_of
from domain.competencies import framework
from domain.competencies.framework import NewCompetency
from domain.competencies.rules import LevelText


@strawberry.input
class CompetencyLevelInput:
    level: int = strawberry.field(description="A level of the proficiency scale.")
    description: str
    indicators: list[str] = strawberry.field(default_factory=list, description="Observable behaviours, at most 10.")


@strawberry.input
class CreateCompetencyInput:
    name: str
    category: str = strawberry.field(description="LEADERSHIP, CORE, TECHNICAL or a custom category (stored upper-case).")
    description: str | None = None
    levels: list[CompetencyLevelInput] | None = None


@strawberry.input
class UpdateCompetencyInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    levels: list[CompetencyLevelInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every level's text when given."
    )


@strawberry.input
class ArchiveCompetencyInput:
    id: strawberry.ID


@strawberry.input
class RestoreCompetencyInput:
    id: strawberry.ID


@strawberry.input
class ReorderCompetenciesInput:
    ids: list[strawberry.ID] = strawberry.field(
        description="Competencies in their new order; they take the positions they hold together, others stay put."
    )


@strawberry.type
class CompetencyPayload:
    competency: CompetencyType | None
    errors: list[UserError]


@strawberry.type
class ReorderCompetenciesPayload:
    competencies: list[CompetencyType] = strawberry.field(description="Every competency, in the new order.")
    errors: list[UserError]


def _texts(levels: list[CompetencyLevelInput] | None) -> list[LevelText]:
    return [LevelText(item.level, item.description, tuple(item.indicators)) for item in levels or []]


async def _payload(info: Ctx, work) -> CompetencyPayload:
    competency, errors = await perform_fresh(info, work)
    return CompetencyPayload(competency=competency, errors=errors)


@strawberry.type
class CompetencyMutations:
    @strawberry.mutation
    async def create_competency(self, info: Ctx, input: CreateCompetencyInput) -> CompetencyPayload:
        async def work(session, actor):
            data = NewCompetency(input.name, input.category, input.description, _texts(input.levels))
            return await framework.create_competency(session, actor, data)

        return await _payload(info, work)

    @strawberry.mutation
    async def update_competency(self, info: Ctx, input: UpdateCompetencyInput) -> CompetencyPayload:
        async def work(session, actor):
            competency_id = require_uuid(input.id, "Competency", "id")
            changes = {
                name: getattr(input, name)
                for name in ("name", "description", "category")
                if getattr(input, name) is not strawberry.UNSET
            }
            if input.levels is not strawberry.UNSET:
                changes["levels"] = _texts(input.levels)
            return await framework.update_competency(session, actor, competency_id, changes)

        return await _payload(info, work)

    @strawberry.mutation(description="Hides the competency from new expectations and assessments; its history stays.")
    async def archive_competency(self, info: Ctx, input: ArchiveCompetencyInput) -> CompetencyPayload:
        async def work(session, actor):
            return await framework.set_active(session, actor, require_uuid(input.id, "Competency", "id"), False)

        return await _payload(info, work)

    @strawberry.mutation
    async def restore_competency(self, info: Ctx, input: RestoreCompetencyInput) -> CompetencyPayload:
        async def work(session, actor):
            return await framework.set_active(session, actor, require_uuid(input.id, "Competency", "id"), True)

        return await _payload(info, work)

    @strawberry.mutation
    async def reorder_competencies(self, info: Ctx, input: ReorderCompetenciesInput) -> ReorderCompetenciesPayload:
        async def work(session, actor):
            # A malformed ID becomes one that matches nothing, so the domain names its index.
            ids = [uuid_of(value, "Competency") or UUID(int=0) for value in input.ids]
            return await framework.reorder_competencies(session, actor, ids)

        ordered, errors = await perform_fresh(info, work)
        return ReorderCompetenciesPayload(competencies=ordered or [], errors=errors)
