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
        self.results: DataLoader[Key, results.ReviewResult | None] = self._loader(self._results)
        self.summaries: DataLoader[Key, results.ReviewResult | None] = self._loader(self._summaries)
        self.adjustments = self._loader(calibration.adjustment_histories)
        self.placements = self._loader(calibration.latest_placements)

    def _loader(self, fetch: Callable[[Any, Sequence[K]], Awaitable[dict[K, V]]]) -> DataLoader[K, V | None]:
        async def batch(keys: list[K]) -> list[V | None]:
            found = await self._ctx.run(fetch, keys)
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=batch)

    async def _results(self, session, keys: Sequence[Key]) -> dict[Key, results.ReviewResult | None]:
        return await results.review_results(session, self._ctx.actor, keys)

    async def _summaries(self, session, keys: Sequence[Key]) -> dict[Key, results.ReviewResult | None]:
        return await results.review_results(session, self._ctx.actor, keys, detailed=False)


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
