"""Review results and calibration queries, and their per-request batching.

`reviewResult`, `Employee.reviewResult` and `reviewCalibration` answer null for anything
the viewer may not read, exactly as for an ID that does not exist. A manager's page of
30 reports' results is one batch: a fixed number of statements for any number of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import strawberry
from strawberry.dataloader import DataLoader

from api.graphql.ids import uuid_of
from api.graphql.selection import selected_under
from api.org.types import Ctx
from api.reviews.results_types import CalibrationType, ReviewResultType, ReviewSettingsType, settings_type
from domain.org.models import Employee
from domain.reviews import calibration, results, settings
from domain.reviews.calibration import Key

if TYPE_CHECKING:
    from api.graphql.context import RequestContext

K = TypeVar("K")
V = TypeVar("V")


class ResultLoaders:
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.reset()

    def reset(self) -> None:
        self.results: DataLoader[Key, results.ReviewResult | None] = DataLoader(load_fn=self._results)
        self.summaries: DataLoader[Key, results.ReviewResult | None] = DataLoader(load_fn=self._summaries)
        self.adjustments = self._loader(calibration.adjustment_histories)
        self.placements = self._loader(calibration.latest_placements)

    def _loader(self, fetch: Callable[[Any, Sequence[K]], Awaitable[dict[K, V]]]) -> DataLoader[K, V | None]:
        async def batch(keys: list[K]) -> list[V | None]:
            found = await self._ctx.run(fetch, keys)
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=batch)

    async def _results(self, keys: list[Key]) -> list[results.ReviewResult | None]:
        return await self._read(keys, detailed=True)

    async def _summaries(self, keys: list[Key]) -> list[results.ReviewResult | None]:
        return await self._read(keys, detailed=False)

    async def _read(self, keys: list[Key], detailed: bool) -> list[results.ReviewResult | None]:
        """Who may read turns on the subjects' managers: taken from the request's chain
        loader, which a page showing development data has already asked for the same
        people (one statement for both), and loaded before the session is taken."""
        subjects = list({subject for _, subject in keys})
        chains = await self._ctx.org.reporting_chains.load_many(subjects)
        managers = {subject: [m.id for m in chain or ()] for subject, chain in zip(subjects, chains)}
        found = await self._ctx.run(results.review_results, self._ctx.actor, keys, detailed=detailed, managers=managers)
        return [found.get(key) for key in keys]


# Fields that need every answer read; without them a result is its final rating and acknowledgement.
DETAILED_FIELDS = frozenset({"namedReviews", "anonymousFeedback"})


async def result_of(info: Ctx, cycle_id: strawberry.ID, subject_id: UUID) -> ReviewResultType | None:
    cycle = uuid_of(cycle_id, "ReviewCycle")
    if cycle is None:
        return None
    wanted = selected_under(info.selected_fields, info.field_name)
    loaders = info.context.review_results
    loader = loaders.results if wanted & DETAILED_FIELDS else loaders.summaries
    found = await loader.load((cycle, subject_id))
    return None if found is None else ReviewResultType(source=found)


async def employee_review_result(info: Ctx, employee: Employee, cycle_id: strawberry.ID) -> ReviewResultType | None:
    """`Employee.reviewResult(cycleId)`: every row of a page joins the same batch."""
    return await result_of(info, cycle_id, employee.id)


async def tenant_review_settings(info: Ctx) -> ReviewSettingsType:
    return settings_type(await info.context.run(settings.current_settings))


@strawberry.type
class ReviewResultQuery:
    @strawberry.field(description="One subject's results in one cycle; null when you may not read them (see ReviewResult).")
    async def review_result(self, info: Ctx, cycle_id: strawberry.ID, subject_id: strawberry.ID) -> ReviewResultType | None:
        subject = uuid_of(subject_id, "Employee")
        return None if subject is None else await result_of(info, cycle_id, subject)

    @strawberry.field(description="The calibration view of a cycle; null when you do not calibrate it.")
    async def review_calibration(self, info: Ctx, cycle_id: strawberry.ID) -> CalibrationType | None:
        cycle = uuid_of(cycle_id, "ReviewCycle")
        if cycle is None:
            return None
        ctx = info.context
        view = await ctx.run(calibration.calibration_view, ctx.actor, cycle)
        return None if view is None else CalibrationType(view=view)
