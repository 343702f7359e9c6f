"""Per-request batching for goals (see api/org/loaders.py for the pattern).

Goals reach the request already filtered by visibility (every goal query carries the
clause in its SQL), so the memo of known goals only ever holds goals the actor may
see, and a parent found there resolves synchronously. A page of 100 goals with owner,
parent, key results, latest check-in, progress and health costs one statement per
relation, whatever the page size. Mutations call `reset()`: a payload is never
answered from what the request read before the change.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from api.graphql.loading import ContextLoaders
from domain.goals import queries
from domain.goals.models import Goal, GoalCheckIn, KeyResult
from domain.pagination import Page

if TYPE_CHECKING:
    from api.graphql.context import RequestContext

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

CheckInPageKey = tuple[UUID, int, tuple[datetime, UUID] | None]


async def resolved(value: T | Awaitable[T]) -> T:
    return await value if inspect.isawaitable(value) else value


class GoalLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.reset()

    def reset(self) -> None:
        self.goals: dict[UUID, Goal] = {}
        self.owned: dict[UUID, list[Goal]] = {}  # owner -> their visible goals
        self.key_results: dict[UUID, list[KeyResult]] = {}
        self.latest: dict[UUID, GoalCheckIn | None] = {}
        self.evaluations: dict[UUID, Any] = {}  # goal -> (progress, health) or a future of it
        self._goal_loader = self._loader(self._visible(queries.visible_goals_by_ids), self.goals)
        self._key_result_loader = self._loader(queries.key_results_by_goal_ids, self.key_results)
        self._latest_loader = self._loader(queries.latest_check_ins, self.latest)
        self.key_result_by_id = self._loader(queries.key_results_by_ids, None)
        self.competencies = self._loader(queries.competencies_by_goal_ids, None)
        self.children = self._loader(self._visible(queries.visible_children), None, self._remember)
        self.paths = self._loader(self._visible(queries.alignment_paths), None, self._remember)
        self.by_owner = self._loader(self._visible(queries.visible_goals_by_owner_ids), self.owned, self._remember)
        self.by_department = self._loader(self._visible(queries.visible_goals_by_department_ids), None, self._remember)
        self.check_in_pages: DataLoader[CheckInPageKey, Page[GoalCheckIn]] = DataLoader(load_fn=self._check_in_pages)

    def _visible(self, fetch: Callable[..., Awaitable[dict[K, V]]]) -> Callable[[Any, Sequence[K]], Awaitable[dict[K, V]]]:
        async def as_actor(session, keys: Sequence[K]) -> dict[K, V]:
            return await fetch(session, self._ctx.actor, keys)

        return as_actor


    async def _check_in_pages(self, keys: list[CheckInPageKey]) -> list[Page[GoalCheckIn]]:
        """Goals asking for the same page shape share one windowed statement."""
        shapes: dict[tuple[int, Any], list[UUID]] = {}
        for goal_id, first, after in keys:
            shapes.setdefault((first, after), []).append(goal_id)
        pages: dict[CheckInPageKey, Page[GoalCheckIn]] = {}
        for (first, after), goal_ids in shapes.items():
            found = await self._ctx.run(queries.check_in_pages, goal_ids, first, after)
            pages.update({(goal_id, first, after): page for goal_id, page in found.items()})
        return [pages[key] for key in keys]

    def _remember(self, grouped: dict[Any, list[Goal]]) -> None:
        for rows in grouped.values():
            self.prime(rows)

    def prime(self, rows: Sequence[Goal]) -> None:
        """Only ever with goals the actor may see."""
        for row in rows:
            self.goals.setdefault(row.id, row)

    def prime_listing(self, listing: queries.GoalListing) -> None:
        self.prime(listing.page.items)
        self.key_results.update(listing.key_results)
        self.latest.update(listing.latest_check_ins)

    def goal(self, goal_id: UUID | None) -> Goal | Awaitable[Goal | None] | None:
        if goal_id is None:
            return None
        known = self.goals.get(goal_id)
        return known if known is not None else self._goal_loader.load(goal_id)

    async def get_goal(self, goal_id: UUID) -> Goal | None:
        return await resolved(self.goal(goal_id))

    def goals_of_owner(self, owner_id: UUID) -> list[Goal] | Awaitable[list[Goal] | None]:
        known = self.owned.get(owner_id)
        return known if known is not None else self.by_owner.load(owner_id)

    async def prefetch_owned(self, owner_ids: Sequence[UUID], wanted: set[str]) -> None:
        """A list of people showing their goals (the team page): the page's goals in one
        statement and, when progress, health or key results are selected, their key results
        and latest check-ins in one each, so every row and goal answers from the memos with
        no loader future per row or per goal (the same statements as batching lazily)."""
        missing = [i for i in dict.fromkeys(owner_ids) if i not in self.owned]
        if missing:
            found = await self._ctx.run(queries.visible_goals_by_owner_ids, self._ctx.actor, missing)
            self.owned.update(found)
            self._remember(found)
        if not wanted & {"progress", "health", "keyResults"}:
            return
        goal_ids = [goal.id for owner in owner_ids for goal in self.owned.get(owner, ())]
        without_results = [i for i in goal_ids if i not in self.key_results]
        if without_results:
            self.key_results.update(await self._ctx.run(queries.key_results_by_goal_ids, without_results))
        without_latest = [i for i in goal_ids if i not in self.latest]
        if without_latest and wanted & {"progress", "health"}:
            self.latest.update(await self._ctx.run(queries.latest_check_ins, without_latest))

    def key_results_of(self, goal_id: UUID) -> list[KeyResult] | Awaitable[list[KeyResult] | None]:
        known = self.key_results.get(goal_id)
        return known if known is not None else self._key_result_loader.load(goal_id)

    def latest_check_in(self, goal_id: UUID) -> GoalCheckIn | Awaitable[GoalCheckIn | None] | None:
        if goal_id in self.latest:
            return self.latest[goal_id]
        return self._latest_loader.load(goal_id)
