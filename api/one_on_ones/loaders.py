"""Per-request batching for 1:1s (see api/org/loaders.py for the pattern).

Series rows reach the request already filtered (participant, or HR for the row alone), so
a series in the memo may be shown; whether its contents may be shown is decided per field
by the types. Mutations call `reset()`, so a payload never answers from what the request
read before the change.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from api.graphql.loading import ContextLoaders
from domain.one_on_ones import queries
from domain.one_on_ones.models import ActionItem, Meeting, OneOnOne

if TYPE_CHECKING:
    from api.graphql.context import RequestContext

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


async def resolved(value: T | Awaitable[T]) -> T:
    return await value if inspect.isawaitable(value) else value


class OneOnOneLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.reset()

    def reset(self) -> None:
        self.series: dict[UUID, OneOnOne] = {}
        self._series_loader = self._loader(self._as_actor(queries.visible_series_by_ids), self.series)
        self.meeting_by_id = self._loader(self._as_actor(queries.meetings_by_ids), None)
        self.action_item_by_id = self._loader(self._as_actor(queries.visible_action_items_by_ids), None)
        self.last_held = self._loader(queries.last_held_by_series_ids, None)
        self.with_managers = self._loader(queries.facts_with_managers, None)
        self.of_participants = self._loader(queries.series_by_participant_ids, None, self._remember)
        self.meetings = self._loader(queries.meetings_by_series_ids, None)
        self.agenda = self._loader(queries.agenda_by_meeting_ids, None)
        self.waiting_agenda = self._loader(queries.waiting_agenda_by_series_ids, None)
        self.notes = self._loader(self._as_actor(queries.notes_by_meeting_ids), None)
        self.action_items = self._loader(queries.action_items_by_series_ids, None)
        self.meeting_action_items = self._loader(queries.action_items_by_meeting_ids, None)

    def _as_actor(self, fetch: Callable[..., Awaitable[dict[K, V]]]) -> Callable[[Any, Sequence[K]], Awaitable[dict[K, V]]]:
        async def as_actor(session, keys: Sequence[K]) -> dict[K, V]:
            return await fetch(session, self._ctx.actor, keys)

        return as_actor


    def _remember(self, grouped: dict[Any, list[OneOnOne]]) -> None:
        for rows in grouped.values():
            self.prime(rows)

    def prime(self, rows: Sequence[OneOnOne]) -> None:
        """Only ever with series the actor may see."""
        for row in rows:
            self.series.setdefault(row.id, row)

    def one(self, series_id: UUID | None) -> OneOnOne | Awaitable[OneOnOne | None] | None:
        if series_id is None:
            return None
        known = self.series.get(series_id)
        return known if known is not None else self._series_loader.load(series_id)

    async def get(self, series_id: UUID) -> OneOnOne | None:
        return await resolved(self.one(series_id))

    async def get_meeting(self, meeting_id: UUID) -> Meeting | None:
        return await self.meeting_by_id.load(meeting_id)

    async def get_action_item(self, item_id: UUID) -> ActionItem | None:
        return await self.action_item_by_id.load(item_id)
