"""Per-request batching for development plans (see api/org/loaders.py for the pattern).

Plans reach the request already filtered by who may read them (the SQL carries the
clause), so a plan in the memo may be shown. A page of plans with focus, actions and
progress costs one statement per relation plus one per linked kind present.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from api.graphql.loading import ContextLoaders
from domain.development import plans
from domain.development.plan_models import DevelopmentPlan

if TYPE_CHECKING:
    from api.graphql.context import RequestContext

K = TypeVar("K")
V = TypeVar("V")


class PlanLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.reset()

    def reset(self) -> None:
        self.plans: dict[UUID, DevelopmentPlan] = {}
        self._plan_loader = self._loader(self._as_actor(plans.visible_plans_by_ids), self.plans)
        self.by_employee = self._loader(self._as_actor(plans.visible_plans_by_employee_ids), None, self._remember)
        self.focus = self._loader(plans.focus_by_plan_ids, None)
        self.actions = self._loader(plans.actions_by_plan_ids, None)

    def _as_actor(self, fetch: Callable[..., Awaitable[dict[K, V]]]) -> Callable[[Any, Sequence[K]], Awaitable[dict[K, V]]]:
        async def as_actor(session, keys: Sequence[K]) -> dict[K, V]:
            return await fetch(session, self._ctx.actor, keys)

        return as_actor


    def _remember(self, grouped: dict[Any, list[DevelopmentPlan]]) -> None:
        for rows in grouped.values():
            self.prime(rows)

    def prime(self, rows: Sequence[DevelopmentPlan]) -> None:
        """Only ever with plans the actor may read."""
        for row in rows:
            self.plans.setdefault(row.id, row)

    async def get(self, plan_id: UUID) -> DevelopmentPlan | None:
        known = self.plans.get(plan_id)
        if known is not None:
            return known
        found = self._plan_loader.load(plan_id)
        return await found if inspect.isawaitable(found) else found
