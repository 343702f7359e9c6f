"""Slow work is cancelled and rolled back: per-statement timeout and a per-request deadline.

A test transaction holds a lock on the tenant's employees so the request's statements
wait; what happens next depends on which limit strikes first.
"""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import text

from api.app import create_app
from api.settings import Settings
from tests.support.api import Api
from tests.support.servers import ServerThread, free_port


def _server(settings: Settings, **overrides) -> ServerThread:
    # Same dev issuer as the main test server, so the same tokens work here.
    tuned = settings.model_copy(update={"port": free_port(), "dev_issuer_url": settings.dev_issuer, **overrides})
    return ServerThread(create_app(tuned), tuned.port).start()


@pytest.fixture(scope="module")
async def impatient(settings: Settings, api: Api):
    """Statements may take 200 ms; requests may take 5 s."""
    server = _server(settings, statement_timeout_ms=200, request_timeout_seconds=5.0)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield Api(client, api.dev_key, api.dev_issuer)
    server.stop()


@pytest.fixture(scope="module")
async def hurried(settings: Settings, api: Api):
    """Statements may take 5 s; requests only 300 ms."""
    server = _server(settings, statement_timeout_ms=5000, request_timeout_seconds=0.3)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield Api(client, api.dev_key, api.dev_issuer)
    server.stop()


async def _while_employees_are_locked(engines, call):
    owner, _ = engines
    async with owner.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(text("LOCK TABLE employees IN ACCESS EXCLUSIVE MODE"))
        try:
            started = time.perf_counter()
            response = await call()
            return response, time.perf_counter() - started
        finally:
            await transaction.rollback()


CREATE = 'mutation { createDepartment(input: {name: "Slow"}) { department { id } errors { code } } }'


async def test_a_statement_past_the_timeout_is_cancelled_and_nothing_is_kept(impatient, tenant, engines):
    await tenant.gql("{ viewer { employee { id } } }")  # bind the identity before the lock
    response, elapsed = await _while_employees_are_locked(
        engines, lambda: impatient.gql(CREATE, token=tenant.admin_token)
    )
    assert response.status == 503
    assert response.body["errors"][0]["extensions"]["code"] == "TIMEOUT"
    assert response.headers["retry-after"]
    assert elapsed < 3
    assert (await tenant.gql("{ departments { totalCount } }")).data["departments"]["totalCount"] == 0


async def test_a_request_past_its_deadline_is_cancelled_and_rolled_back(hurried, tenant, engines):
    await tenant.gql("{ viewer { employee { id } } }")
    response, elapsed = await _while_employees_are_locked(engines, lambda: hurried.gql(CREATE, token=tenant.admin_token))
    assert response.status == 503
    assert response.body["errors"][0]["extensions"]["code"] == "TIMEOUT"
    assert elapsed < 3
    assert (await tenant.gql("{ departments { totalCount } }")).data["departments"]["totalCount"] == 0
    # The server is healthy afterwards: the cancelled connection went back clean.
    ok = await hurried.gql("{ viewer { employee { email } } }", token=tenant.admin_token)
    assert ok.data["viewer"]["employee"]["email"] == tenant.admin_email
