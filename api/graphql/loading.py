"""The per-request loading pattern every context shares.

A relation first looks in what the request already holds (rows a list page fetched with
one join, or an earlier batch): a hit is returned synchronously, so hot lists do no
async work per field. A miss goes to a DataLoader that batches all misses of one tick
into one statement, run through the request's session lock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

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
