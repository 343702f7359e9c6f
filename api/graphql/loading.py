"""The per-request loading pattern every context shares.

A relation first looks in what the request already holds (rows a list page fetched with
one join, or an earlier batch): a hit is returned synchronously, so hot lists do no
async work per field. A miss goes to a DataLoader that batches all misses of one tick
into one statement, run through the request's session lock.
"""

from __future__ import annotations

from asyncio import CancelledError, Future, get_running_loop, isfuture
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


def when_loaded(combine: Callable[..., V], *parts: Any) -> V | Awaitable[V]:
    """`combine(*parts)` now if no part is a future, else a future of it once all parts are.

    A field of a hot list that needs one or two loader results answers synchronously when
    the request already holds them, and otherwise hands back one future, with no coroutine
    or task per field (see api/graphql/execution.py).
    """
    waiting = [part for part in parts if isfuture(part)]
    if not waiting:
        return combine(*parts)
    result = get_running_loop().create_future()
    remaining = len(waiting)

    def settle(_: Future) -> None:
        nonlocal remaining
        remaining -= 1
        if remaining or result.done():
            return
        failed = next((part for part in waiting if part.cancelled() or part.exception() is not None), None)
        if failed is not None:
            result.set_exception(failed.exception() if not failed.cancelled() else CancelledError())
            return
        try:
            value = combine(*(part.result() if isfuture(part) else part for part in parts))
        except Exception as error:  # noqa: BLE001 - handed to the field, which reports it
            result.set_exception(error)
            return
        if isfuture(value):  # combine asked another loader: this future follows that one
            value.add_done_callback(lambda inner: _copy_outcome(inner, result))
        else:
            result.set_result(value)

    for part in waiting:
        part.add_done_callback(settle)
    return result


def _copy_outcome(source: Future, target: Future) -> None:
    if target.done():
        return
    if source.cancelled():
        target.cancel()
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())
