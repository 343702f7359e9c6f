"""Tenant-wide framework settings: the proficiency scale, and the starter framework."""

from __future__ import annotations

import strawberry

from api.competencies.mutating import perform_fresh
from api.competencies.types import CompetencyType, Ctx, JobLevelType, ProficiencyLevelType
from api.graphql.errors import UserError
from domain.competencies import install, scale
from domain.competencies.rules import ScaleLevel


@strawberry.input
class ProficiencyLevelInput:
    level: int
    name: str
    description: str | None = None


@strawberry.input
class SetProficiencyScaleInput:
    levels: list[ProficiencyLevelInput] = strawberry.field(description="2 to 10 levels numbered 1..n, unique names.")


@strawberry.input
class InstallStarterFrameworkInput:
    job_levels: bool = strawberry.field(default=True, description="Also install IC1-IC4 and M1-M3 with expectations.")


@strawberry.type
class ProficiencyScalePayload:
    scale: list[ProficiencyLevelType] | None
    errors: list[UserError]


@strawberry.type
class InstallStarterFrameworkPayload:
    competencies: list[CompetencyType] = strawberry.field(description="Competencies created by this call.")
    job_levels: list[JobLevelType] = strawberry.field(description="Job levels created by this call.")
    skipped: list[str] = strawberry.field(description="What already existed (by name) and was left as it was.")
    errors: list[UserError]


@strawberry.type
class FrameworkMutations:
    @strawberry.mutation(description="Replaces the proficiency scale; refused once anything is rated on it.")
    async def set_proficiency_scale(self, info: Ctx, input: SetProficiencyScaleInput) -> ProficiencyScalePayload:
        async def work(session, actor):
            levels = [ScaleLevel(item.level, item.name, item.description) for item in input.levels]
            return await scale.set_proficiency_scale(session, actor, levels)

        result, errors = await perform_fresh(info, work)
        return ProficiencyScalePayload(scale=result, errors=errors)

    @strawberry.mutation(
        description="Installs a leadership and core framework with indicators per level (and career levels). "
        "Idempotent: whatever exists by name is skipped."
    )
    async def install_starter_framework(
        self, info: Ctx, input: InstallStarterFrameworkInput | None = None
    ) -> InstallStarterFrameworkPayload:
        async def work(session, actor):
            return await install.install_starter_framework(session, actor, job_levels=input.job_levels if input else True)

        result, errors = await perform_fresh(info, work)
        if result is None:
            return InstallStarterFrameworkPayload(competencies=[], job_levels=[], skipped=[], errors=errors)
        return InstallStarterFrameworkPayload(
            competencies=result.competencies, job_levels=result.job_levels, skipped=result.skipped, errors=errors
        )
