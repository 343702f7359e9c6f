"""The authenticator remembers registry look-ups for HR_TENANT_CACHE_SECONDS.

Two servers stand for two processes: a change made through one is seen by the other
once its cache entry expires, and at once by the one that made it.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from tests.support.api import Api
from tests.support.servers import ServerThread, free_port

VIEWER = "{ viewer { employee { email } } }"
SUSPEND = "mutation($id: ID!) { suspendTenant(input: {id: $id}) { tenant { status } errors { code } } }"
REACTIVATE = "mutation($id: ID!) { reactivateTenant(input: {id: $id}) { tenant { status } errors { code } } }"
TTL = 1.0


@pytest.fixture(scope="module")
async def cached(settings: Settings, api: Api):
    tuned = settings.model_copy(update={"port": free_port(), "dev_issuer_url": settings.dev_issuer, "tenant_cache_seconds": TTL})
    server = ServerThread(create_app(tuned), tuned.port).start()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield Api(client, api.dev_key, api.dev_issuer)
    server.stop()


async def test_the_registry_is_read_once_per_ttl(cached, tenant):
    await cached.gql(VIEWER, token=tenant.admin_token)  # the first sign-in binds the identity
    remembered = await cached.gql(VIEWER, token=tenant.admin_token)
    await asyncio.sleep(TTL + 0.1)
    expired = await cached.gql(VIEWER, token=tenant.admin_token)
    assert remembered.status == expired.status == 200
    statements = lambda response: int(response.headers["x-sql-statements"])  # noqa: E731
    assert statements(expired) == statements(remembered) + 1  # the registry read, once the entry expired


async def test_a_change_made_elsewhere_is_seen_within_the_ttl(cached, api, tenant):
    assert (await cached.gql(VIEWER, token=tenant.admin_token)).status == 200
    suspended = await api.gql(SUSPEND, {"id": tenant.id}, token=api.platform_token())  # "another process"
    assert suspended.data["suspendTenant"]["errors"] == []
    assert (await api.gql(VIEWER, token=tenant.admin_token)).status == 403
    await asyncio.sleep(TTL + 0.2)
    assert (await cached.gql(VIEWER, token=tenant.admin_token)).status == 403


async def test_a_change_made_here_is_seen_at_once(cached, tenant):
    assert (await cached.gql(VIEWER, token=tenant.admin_token)).status == 200
    suspended = await cached.gql(SUSPEND, {"id": tenant.id}, token=cached.platform_token())
    assert suspended.data["suspendTenant"] == {"tenant": {"status": "SUSPENDED"}, "errors": []}
    assert (await cached.gql(VIEWER, token=tenant.admin_token)).status == 403
    reactivated = await cached.gql(REACTIVATE, {"id": tenant.id}, token=cached.platform_token())
    assert reactivated.data["reactivateTenant"]["errors"] == []
    assert (await cached.gql(VIEWER, token=tenant.admin_token)).status == 200
