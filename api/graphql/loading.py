"""The per-request loading pattern every context shares.

A relation first looks in what the request already holds (rows a list page fetched with
one join, or an earlier batch): a hit is returned synchronously, so hot lists do no
async work per field. A miss goes to a DataLoader that batches all misses of one tick
into one statement, run through the request's session lock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from strawberry.dataloader import DataLoader

if TYPE_CHECKING:
    from api.graphql.context import RequestContext

K = TypeVar("K")
V = TypeVar("V")

Fetch = Callable[[Any, Sequence[K]], Awaitable[dict[K, V]]]


class ContextLoaders:
    """Base for a context's loaders: `self._loader(fetch, memo, remember)` builds a batching
    DataLoader over a domain function `fetch(session, keys) -> {key: value}`."""

    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx

    def _loader(
        self, fetch: Fetch, memo: dict | None = None, remember: Callable[[dict], None] | None = None
    ) -> DataLoader:
        async def batch(keys: list) -> list:
            found = await self._ctx.run(fetch, keys)
            if memo is not None:
                memo.update(found)
            if remember is not None:
                remember(found)
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=batch)


class SyncFirst(Generic[K, V]):
    """A memo in front of a DataLoader: known keys answer synchronously."""

    def __init__(self, loaders: ContextLoaders, fetch: Fetch) -> None:
        self.known: dict[K, V] = {}
        self._loader = loaders._loader(fetch, self.known)

    def __call__(self, key: K | None) -> V | Awaitable[V | None] | None:
        if key is None:
            return None
        hit = self.known.get(key)
        return hit if hit is not None else self._loader.load(key)

    def prime(self, rows: dict[K, V]) -> None:
        for key, value in rows.items():
            self.known.setdefault(key, value)
