"""Per-request batching for feedback (see api/org/loaders.py for the pattern).

Employee pages of feedback (received, given) batch every employee asking for the same
page shape into one windowed statement; the relations of the items (competencies, who
was asked) batch per tick into one statement each, and people come from the org
loaders. Only feedback and requests the viewer may see are ever stored here.
Mutations call `reset()`.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from api.graphql.loading import ContextLoaders
from domain.competencies.models import Competency
from domain.feedback import queries
from domain.feedback.models import Feedback, FeedbackAsk, FeedbackRequest
from domain.pagination import Page

if TYPE_CHECKING:
    from api.graphql.context import RequestContext


PageKey = tuple[UUID, int, tuple[datetime, UUID] | None]  # (employee, first, after)


V = TypeVar("V")

class FeedbackLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.reset()

    def reset(self) -> None:
        self.feedback: dict[UUID, Feedback] = {}
        self.requests: dict[UUID, FeedbackRequest] = {}
        self._inbox_counts: asyncio.Future[queries.InboxCounts] | None = None
        self._feedback_loader = self._loader(self._as_actor(queries.visible_feedback_by_ids), self.feedback)
        self._request_loader = self._loader(self._as_actor(queries.visible_requests_by_ids), self.requests)
        self.competencies = self._loader(queries.competencies, None, self._remember_competencies)
        self.asks = self._loader(queries.asks_by_request_ids, None)
        self.received: DataLoader[PageKey, Page[Feedback]] = DataLoader(
            load_fn=self._by_shape(self._as_actor(queries.received_pages))
        )
        self.given: DataLoader[PageKey, Page[Feedback]] = DataLoader(
            load_fn=self._by_shape(self._as_actor(queries.given_pages))
        )

    # --- plumbing ---------------------------------------------------------------------------

    def _as_actor(self, fetch: Callable[..., Awaitable[V]]) -> Callable[..., Awaitable[V]]:
        async def as_actor(session, *args: Any) -> V:
            return await fetch(session, self._ctx.actor, *args)

        return as_actor


    def _by_shape(self, fetch: Callable[..., Awaitable[dict[UUID, Page[Feedback]]]]):
        """Employees asking for the same page shape (first, after) share one windowed statement."""

        async def batch(keys: list[PageKey]) -> list[Page[Feedback]]:
            shapes: dict[tuple[int, Any], list[UUID]] = {}
            for owner, first, after in keys:
                shapes.setdefault((first, after), []).append(owner)
            pages: dict[PageKey, Page[Feedback]] = {}
            for (first, after), owners in shapes.items():
                found = await self._ctx.run(fetch, owners, first, after)
                pages.update({(owner, first, after): page for owner, page in found.items()})
                for page in found.values():
                    self.prime_feedback(page.items)
            return [pages[key] for key in keys]

        return batch

    def _remember_competencies(self, grouped: dict[UUID, list[Competency]]) -> None:
        for rows in grouped.values():
            self._ctx.competencies.prime_competencies(rows)

    # --- priming: only ever with rows the actor may see ---------------------------------------

    def prime_feedback(self, rows: Sequence[Feedback]) -> None:
        for row in rows:
            self.feedback.setdefault(row.id, row)

    def prime_requests(self, rows: Sequence[FeedbackRequest]) -> None:
        for row in rows:
            self.requests.setdefault(row.id, row)

    # --- look-ups: synchronous when known -------------------------------------------------------

    def request(self, request_id: UUID | None) -> FeedbackRequest | Awaitable[FeedbackRequest | None] | None:
        if request_id is None:
            return None
        known = self.requests.get(request_id)
        return known if known is not None else self._request_loader.load(request_id)

    async def get_feedback(self, feedback_id: UUID) -> Feedback | None:
        known = self.feedback.get(feedback_id)
        return known if known is not None else await self._feedback_loader.load(feedback_id)

    async def get_request(self, request_id: UUID) -> FeedbackRequest | None:
        found = self.request(request_id)
        return await found if inspect.isawaitable(found) else found

    async def inbox_counts(self) -> queries.InboxCounts:
        """Both counts in one statement, however many fields ask."""
        if self._inbox_counts is None:
            ctx = self._ctx
            self._inbox_counts = asyncio.ensure_future(ctx.run(queries.inbox_counts, ctx.actor, ctx.today))
        return await self._inbox_counts

    def asks_of(self, request_id: UUID) -> Awaitable[list[FeedbackAsk] | None]:
        return self.asks.load(request_id)
