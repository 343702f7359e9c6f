"""Per-request batching for recognition (see api/org/loaders.py for the pattern).

The feed is a hot screen: its resolver reads the page, then every relation the query
selected for the whole page in one statement each (`prefetch`), and the item fields
resolve synchronously from what that left here and in the org and competency loaders.
Lists that were not prefetched (an employee's received recognition) fall back to
DataLoaders that batch one tick's misses into one statement. Only recognitions the
viewer may see are ever stored here. Mutations call `reset()`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from api.graphql.loading import ContextLoaders
from domain.competencies.models import Competency
from domain.org.models import Employee
from domain.pagination import Page
from domain.recognition import evidence, queries
from domain.recognition.models import Recognition, RecognitionComment
from domain.recognition.queries import Comments, Reactions

if TYPE_CHECKING:
    from api.graphql.context import RequestContext

V = TypeVar("V")
T = TypeVar("T")
R = TypeVar("R")

PageKey = tuple[UUID, int, tuple[datetime, UUID] | None]  # (owner, first, after)


def then(value: T | Awaitable[T], convert: Callable[[T], R]) -> R | Awaitable[R]:
    """`convert(value)` now when the value is known, else once it has loaded."""
    if inspect.isawaitable(value):

        async def later() -> R:
            return convert(await value)

        return later()
    return convert(value)


class RecognitionLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.reset()

    def reset(self) -> None:
        self.recognitions: dict[UUID, Recognition] = {}
        self.recipient_ids: dict[UUID, list[UUID]] = {}
        self.competencies: dict[UUID, list[Competency]] = {}
        self.reactions: dict[UUID, Reactions] = {}
        self.comments: dict[UUID, Comments] = {}
        self._recognition_loader = self._loader(self._as_actor(queries.visible_by_ids), self.recognitions)
        self._recipients_loader = self._loader(queries.recipients, None, self._remember_people)
        self._competencies_loader = self._loader(queries.competencies, self.competencies)
        self._reactions_loader = self._loader(self._reactions, self.reactions)
        self._comments_loader = self._loader(queries.comment_summaries, self.comments)
        self.evidence = self._loader(self._evidence, None)
        self.comment_pages: DataLoader[PageKey, Page[RecognitionComment]] = DataLoader(
            load_fn=self._by_shape(queries.comment_pages, remember=False)
        )
        self.received: DataLoader[PageKey, Page[Recognition]] = DataLoader(
            load_fn=self._by_shape(self._as_actor(queries.received_pages))
        )
        self.given: DataLoader[PageKey, Page[Recognition]] = DataLoader(
            load_fn=self._by_shape(self._as_actor(queries.given_pages))
        )

    # --- plumbing ---------------------------------------------------------------------------

    def _as_actor(self, fetch: Callable[..., Awaitable[V]]) -> Callable[..., Awaitable[V]]:
        async def as_actor(session, *args: Any) -> V:
            return await fetch(session, self._ctx.actor, *args)

        return as_actor

    async def _reactions(self, session, ids: Sequence[UUID]) -> dict[UUID, Reactions]:
        return await queries.reactions(session, self._ctx.actor.employee_id, ids)

    async def _evidence(self, session, keys: Sequence[evidence.EvidenceKey]) -> dict[evidence.EvidenceKey, int]:
        return await evidence.recognition_counts(session, self._ctx.actor, keys, self._ctx.today)


    def _by_shape(self, fetch: Callable[..., Awaitable[dict[UUID, Page[Any]]]], remember: bool = True):
        """Owners asking for the same page shape (first, after) share one windowed statement."""

        async def batch(keys: list[PageKey]) -> list[Page[Any]]:
            shapes: dict[tuple[int, Any], list[UUID]] = {}
            for owner, first, after in keys:
                shapes.setdefault((first, after), []).append(owner)
            pages: dict[PageKey, Page[Any]] = {}
            for (first, after), owners in shapes.items():
                found = await self._ctx.run(fetch, owners, first, after)
                pages.update({(owner, first, after): page for owner, page in found.items()})
                if remember:
                    for page in found.values():
                        self.prime(page.items)
            return [pages[key] for key in keys]

        return batch

    def _remember_people(self, grouped: dict[UUID, list[Employee]]) -> None:
        for people in grouped.values():
            self._ctx.org.prime_employees(people)

    # --- priming ----------------------------------------------------------------------------

    def prime(self, rows: Sequence[Recognition]) -> None:
        """Only ever with recognitions the actor may see."""
        for row in rows:
            self.recognitions.setdefault(row.id, row)

    async def prefetch(self, shown: Sequence[Recognition], wanted: set[str]) -> None:
        """Every selected relation of a page, one statement each, before any item resolves."""
        self.prime(shown)
        org = self._ctx.org
        found = await self._ctx.run(queries.details, self._ctx.actor.employee_id, shown, wanted, set(org.employees))
        org.prime_employees(list(found.people.values()))
        self.recipient_ids.update(found.recipients)
        self.competencies.update(found.competencies)
        for rows in found.competencies.values():
            self._ctx.competencies.prime_competencies(rows)
        self.reactions.update(found.reactions)
        self.comments.update(found.comments)

    # --- look-ups: synchronous when known -----------------------------------------------------

    def recognition(self, recognition_id: UUID) -> Recognition | Awaitable[Recognition | None] | None:
        known = self.recognitions.get(recognition_id)
        return known if known is not None else self._recognition_loader.load(recognition_id)

    async def get(self, recognition_id: UUID) -> Recognition | None:
        found = self.recognition(recognition_id)
        return await found if inspect.isawaitable(found) else found

    def recipients_of(self, recognition_id: UUID) -> list[Employee] | Awaitable[list[Employee] | None]:
        ids = self.recipient_ids.get(recognition_id)
        if ids is not None:
            people = [self._ctx.org.employees.get(i) for i in ids]
            if all(person is not None for person in people):
                return people
        return self._recipients_loader.load(recognition_id)

    def competencies_of(self, recognition_id: UUID) -> list[Competency] | Awaitable[list[Competency] | None]:
        known = self.competencies.get(recognition_id)
        return known if known is not None else self._competencies_loader.load(recognition_id)

    def reactions_of(self, recognition_id: UUID) -> Reactions | Awaitable[Reactions | None]:
        known = self.reactions.get(recognition_id)
        return known if known is not None else self._reactions_loader.load(recognition_id)

    def comments_of(self, recognition_id: UUID) -> Comments | Awaitable[Comments | None]:
        known = self.comments.get(recognition_id)
        return known if known is not None else self._comments_loader.load(recognition_id)
