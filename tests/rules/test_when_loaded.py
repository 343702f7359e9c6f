"""`when_loaded`: synchronous when it can be, one future when it cannot (api/graphql/loading.py)."""

from __future__ import annotations

import asyncio

import pytest

from api.graphql.loading import when_loaded


async def test_values_at_hand_are_combined_at_once() -> None:
    assert when_loaded(lambda a, b: a + b, 2, 3) == 5


async def test_futures_are_combined_once_all_are_done() -> None:
    loop = asyncio.get_running_loop()
    first, second = loop.create_future(), loop.create_future()
    combined = when_loaded(lambda a, b, c: (a, b, c), first, "plain", second)
    assert asyncio.isfuture(combined)
    first.set_result(1)
    await asyncio.sleep(0)
    assert not combined.done()
    second.set_result(3)
    assert await combined == (1, "plain", 3)


async def test_a_combination_that_asks_another_loader_follows_it() -> None:
    loop = asyncio.get_running_loop()
    outer, inner = loop.create_future(), loop.create_future()
    combined = when_loaded(lambda _: inner, outer)
    outer.set_result("chain")
    await asyncio.sleep(0)
    assert not combined.done()
    inner.set_result(["profile"])
    assert await combined == ["profile"]


async def test_failures_reach_the_field() -> None:
    loop = asyncio.get_running_loop()
    failing, fine = loop.create_future(), loop.create_future()
    combined = when_loaded(lambda a, b: (a, b), failing, fine)
    failing.set_exception(LookupError("batch failed"))
    fine.set_result(1)
    with pytest.raises(LookupError, match="batch failed"):
        await combined
    part = loop.create_future()
    broken = when_loaded(lambda _: 1 / 0, part)
    part.set_result(1)
    with pytest.raises(ZeroDivisionError):
        await broken
