"""Per-request batching of `Employee.leadershipEffectiveness`: a page of managers asked for one
period costs one `leadership_effectiveness_many`, not one index per manager."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Sequence
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from api.graphql.loading import ContextLoaders
from domain.insights.leadership import LeadershipEffectiveness, leadership_effectiveness_many

if TYPE_CHECKING:
    from api.graphql.context import RequestContext

Key = tuple[UUID, date, date]  # (manager, period start, period end)

class LeadershipLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        super().__init__(ctx)
        # Batches within a tick but remembers nothing: an index read again after a mutation of
        # the same document (weights, feedback, goals...) is computed afresh, as before batching.
        self._effectiveness: DataLoader[Key, LeadershipEffectiveness | None] = DataLoader(load_fn=self._batch, cache=False)

    def effectiveness(self, manager_id: UUID, start: date, end: date) -> Awaitable[LeadershipEffectiveness | None]:
        return self._effectiveness.load((manager_id, start, end))

    async def _batch(self, keys: list[Key]) -> list[LeadershipEffectiveness | None]:
        found = await self._ctx.run(self._fetch, keys)
        return [found[key] for key in keys]

    async def _fetch(self, session: AsyncSession, keys: Sequence[Key]) -> dict[Key, LeadershipEffectiveness | None]:
        by_period: dict[tuple[date, date], list[UUID]] = defaultdict(list)
        for manager_id, start, end in keys:
            by_period[(start, end)].append(manager_id)
        found: dict[Key, LeadershipEffectiveness | None] = {}
        for (start, end), manager_ids in by_period.items():
            results = await leadership_effectiveness_many(session, self._ctx.actor, manager_ids, start, end)
            found.update({(i, start, end): result for i, result in results.items()})
        return found
