"""Which PostgreSQL the benchmark uses, and the `hr_bench` database on it.

BENCH_DATABASE_URL if set (its database is used as is), else TEST_DATABASE_URL's server
with a database named hr_bench, else an embedded server under .data/bench-pg (like
`make test`), so `make bench` works on a fresh clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from tenants.database import DatabaseConfig, async_url
from tenants.migrate import migrate

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "hr_bench"
DATA_DIR = ROOT / ".data"


def server_url() -> str:
    """The owner URL of the benchmark database (created by `ensure_database`)."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return async_url(explicit).render_as_string(hide_password=False)
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        from tenants.embedded import start_embedded_postgres

        base = start_embedded_postgres(DATA_DIR / "bench-pg")
    return async_url(base).set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def plain_dsn(url: str) -> str:
    """asyncpg wants postgresql://, not the SQLAlchemy driver form."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def connect(url: str, **kwargs) -> asyncpg.Connection:
    return await asyncpg.connect(plain_dsn(url), **kwargs)


async def ensure_database(url: str) -> None:
    """Create the database if it is missing (through the server's `postgres` database)."""
    name = make_url(url).database
    maintenance = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    connection = await connect(maintenance)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def drop_database(url: str) -> None:
    name = make_url(url).database
    maintenance = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    connection = await connect(maintenance)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def migrated(url: str) -> None:
    """The database exists, is at head, and the request role (HR_APP_ROLE, HR_APP_DB_PASSWORD) is granted."""
    await ensure_database(url)
    role, password = os.environ.get("HR_APP_ROLE", "hr_app"), os.environ.get("HR_APP_DB_PASSWORD", "")
    await migrate(DatabaseConfig(owner_url=url, app_role=role, app_role_password=password))
