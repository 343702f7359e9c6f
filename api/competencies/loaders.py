"""Per-request batching for the competencies context (see api/org/loaders.py for the pattern).

Every loader batches one tick's keys into one domain call, so a page of 100 employees
with their profiles, or 100 competencies with their levels, costs the same number of
statements as a page of 10. Mutations call `reset()` afterwards: a payload must not be
answered from what the request read before the change.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from api.graphql.loading import ContextLoaders
from domain.competencies import assessments, framework, levels, profile, scale
from domain.competencies.models import Competency, JobLevel
from domain.competencies.rules import ScaleLevel

if TYPE_CHECKING:
    from api.graphql.context import RequestContext



class CompetencyLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.reset()

    def reset(self) -> None:
        self.job_levels: dict[UUID, JobLevel] = {}
        self.competencies: dict[UUID, Competency] = {}
        self._job_level_loader = self._loader(levels.job_levels_by_ids, self.job_levels)
        self._competency_loader = self._loader(framework.competencies_by_ids, self.competencies)
        self.level_texts = self._loader(framework.indicators_by_competency_ids, None)
        self.expectations = self._loader(levels.expectations_by_job_level_ids, None)
        self.employee_counts = self._loader(levels.employee_counts_by_job_level_ids, None)
        self.profiles = self._loader(profile.competency_profiles, None, self._remember_profiles)
        self.histories = self._loader(assessments.assessment_histories, None)
        self._scale: DataLoader[str, list[ScaleLevel]] = self._loader(self._fetch_scale, None)

    @staticmethod
    async def _fetch_scale(session, keys: Sequence[str]) -> dict[str, list[ScaleLevel]]:
        return dict.fromkeys(keys, await scale.current_scale(session))


    def _remember_profiles(self, found: dict[Any, list[profile.ProfileEntry]]) -> None:
        for entries in found.values():
            self.prime_competencies([entry.competency for entry in entries])

    def prime_competencies(self, rows: Sequence[Competency]) -> None:
        for row in rows:
            self.competencies.setdefault(row.id, row)

    def prime_job_levels(self, rows: Sequence[JobLevel]) -> None:
        for row in rows:
            self.job_levels.setdefault(row.id, row)

    def scale(self) -> Awaitable[list[ScaleLevel]]:
        """The tenant's scale, read once per request however many fields ask."""
        return self._scale.load("scale")

    def job_level(self, job_level_id: UUID | None) -> JobLevel | Awaitable[JobLevel | None] | None:
        if job_level_id is None:
            return None
        known = self.job_levels.get(job_level_id)
        return known if known is not None else self._job_level_loader.load(job_level_id)

    def competency(self, competency_id: UUID | None) -> Competency | Awaitable[Competency | None] | None:
        if competency_id is None:
            return None
        known = self.competencies.get(competency_id)
        return known if known is not None else self._competency_loader.load(competency_id)

    async def get_job_level(self, job_level_id: UUID) -> JobLevel | None:
        found = self.job_level(job_level_id)
        return await found if inspect.isawaitable(found) else found

    async def get_competency(self, competency_id: UUID) -> Competency | None:
        found = self.competency(competency_id)
        return await found if inspect.isawaitable(found) else found
