"""Shared fixtures: a fresh real PostgreSQL database, the service over HTTP, an identity provider.

The database is TEST_DATABASE_URL's server (a fresh database on it), or a throwaway
embedded PostgreSQL when that is unset. Nothing here bypasses authentication: API
tests send tokens signed by keys that the service finds through the same code path
as in production.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from api.app import create_app
from api.auth.dev_issuer import load_or_create_key
from api.settings import Settings
from tenants.database import DatabaseConfig, async_url, create_app_engine, create_owner_engine
from tenants.migrate import migrate
from tenants.session import bind_tenant
from tests.support.api import Api
from tests.support.idp import FakeIdentityProvider
from tests.support.servers import ServerThread, free_port

PLATFORM_IDP = "platform"


def _server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    from tenants.embedded import start_embedded_postgres

    # Many servers with their own pools run during the suite: more than the default 100.
    return start_embedded_postgres(Path(tempfile.mkdtemp(prefix="hr-test-pg-")), cleanup=True, max_connections=400)


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(async_url(url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def database_url() -> str:
    server = _server_url()
    name = f"hr_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    url = async_url(server).set(database=name).render_as_string(hide_password=False)
    asyncio.run(migrate(DatabaseConfig(owner_url=url)))
    yield url
    asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def idp() -> FakeIdentityProvider:
    provider = FakeIdentityProvider()
    server = ServerThread(provider.app(), free_port()).start()
    provider.base_url = server.url
    provider.issuer(PLATFORM_IDP)
    yield provider
    server.stop()


@pytest.fixture(scope="session")
def settings(database_url: str, idp: FakeIdentityProvider, tmp_path_factory) -> Settings:
    port = free_port()
    return Settings(
        HR_ENV="test",
        DATABASE_URL=database_url,
        PORT=port,
        HR_DATA_DIR=tmp_path_factory.mktemp("data"),
        HR_DEV_AUTH=True,
        HR_TRUSTED_ISSUERS=idp.issuer(PLATFORM_IDP),
        HR_JWKS_MIN_REFRESH_SECONDS=0.5,
        HR_DB_POOL_SIZE=5,  # the suite starts many servers against one database
        # Statement counts compare requests one to one; tests/api/test_tenant_cache.py runs it on.
        HR_TENANT_CACHE_SECONDS=0,
        # The suite is one busy client; tests/api/test_rate_limits.py runs its own strict server.
        HR_RATE_PRINCIPAL_REQUESTS="100000/minute",
        HR_RATE_TENANT_REQUESTS="100000/minute",
        HR_RATE_PRINCIPAL_COST="100000000/minute",
        HR_RATE_TENANT_COST="100000000/minute",
    )


@pytest.fixture(scope="session")
def server(settings: Settings) -> ServerThread:
    running = ServerThread(create_app(settings), settings.port).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
async def api(server: ServerThread, settings: Settings) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield Api(client, load_or_create_key(settings.dev_key_path), settings.dev_issuer)


@pytest.fixture
async def tenant(api: Api):
    return await api.new_tenant()


@pytest.fixture
async def other_tenant(api: Api):
    return await api.new_tenant("other")


# --- service tests: the request role, one rolled-back transaction per test ---------------


@pytest.fixture(scope="session")
async def engines(database_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    config = DatabaseConfig(owner_url=database_url)
    owner, app = create_owner_engine(config), create_app_engine(config)
    yield owner, app
    await owner.dispose()
    await app.dispose()


@pytest.fixture(scope="session")
async def service_tenants(engines) -> tuple[uuid.UUID, uuid.UUID]:
    """Two committed tenants (registry rows must exist for the foreign keys)."""
    from tests.factories import provision_tenant

    owner, _ = engines
    return await provision_tenant(owner, "svc-a"), await provision_tenant(owner, "svc-b")


@pytest.fixture
async def session(engines, service_tenants) -> AsyncIterator[AsyncSession]:
    """A session as the request role, bound to tenant A, rolled back after the test."""
    _, app = engines
    async with app.connect() as connection:
        transaction = await connection.begin()
        db = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, autoflush=False)
        await bind_tenant(db, service_tenants[0])
        try:
            yield db
        finally:
            await db.close()
            await transaction.rollback()


# --- a second server in production mode (no dev issuer; tokens from the stand-in IdP) -----


@pytest.fixture(scope="session")
def production_settings(database_url: str, idp: FakeIdentityProvider, tmp_path_factory) -> Settings:
    return Settings(
        HR_ENV="production",
        DATABASE_URL=database_url,
        PORT=free_port(),
        HR_DATA_DIR=tmp_path_factory.mktemp("prod-data"),
        HR_TRUSTED_ISSUERS=idp.issuer(PLATFORM_IDP),
    )


@pytest.fixture(scope="session")
async def production_client(production_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    running = ServerThread(create_app(production_settings), production_settings.port).start()
    async with httpx.AsyncClient(base_url=running.url, timeout=30) as client:
        yield client
    running.stop()
