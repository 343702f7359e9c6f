"""Engines for the two database roles, and provisioning of the restricted request role.

The owner role (from DATABASE_URL) owns the schema: it runs migrations and provisions
tenants. Requests run as a role that owns nothing, is no superuser and has no
BYPASSRLS, so row-level security applies to every statement they send.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def async_url(url: str) -> URL:
    """Accept postgres://, postgresql:// or postgresql+asyncpg:// and use asyncpg."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql+asyncpg")


def app_role_url(owner_url: str, role: str, password: str) -> URL:
    """The request role connects to the same database as the owner, as itself."""
    return async_url(owner_url).set(username=role, password=password or None)


@dataclass(frozen=True)
class DatabaseConfig:
    owner_url: str
    app_url: str = ""
    app_role: str = "hr_app"
    app_role_password: str = ""
    pool_size: int = 10
    statement_timeout_ms: int = 5000

    def resolved_app_url(self) -> URL:
        if self.app_url:
            return async_url(self.app_url)
        return app_role_url(self.owner_url, self.app_role, self.app_role_password)


def _connect_args(config: DatabaseConfig) -> dict:
    # The tenant setting is transaction-local, so nothing leaks between pooled uses;
    # statement_timeout bounds every statement a request can send.
    # A short connect timeout makes requests fail fast while the database is away.
    return {
        "server_settings": {"statement_timeout": str(config.statement_timeout_ms), "jit": "off"},
        "timeout": 3,
    }


def create_owner_engine(config: DatabaseConfig) -> AsyncEngine:
    return create_async_engine(async_url(config.owner_url), pool_size=2, max_overflow=2, pool_pre_ping=True)


def create_app_engine(config: DatabaseConfig) -> AsyncEngine:
    return create_async_engine(
        config.resolved_app_url(),
        pool_size=config.pool_size,
        max_overflow=config.pool_size,
        # No ping on every checkout (it would add a round trip to every request):
        # a connection broken by a database restart fails its first statement as a disconnect,
        # which invalidates the whole pool, so only the requests already in flight see the
        # outage (503 with Retry-After); tests/api/test_database_restart.py holds this.
        pool_pre_ping=False,
        pool_timeout=5,
        connect_args=_connect_args(config),
    )


async def ensure_app_role(owner: AsyncEngine, role: str, password: str = "") -> None:
    """Create (or re-restrict) the request role and grant it data access only.

    The role may already exist, created by an operator; then only its grants and
    restrictions are brought up to date.
    """
    if not _ROLE_NAME.match(role):
        raise ValueError(f"invalid role name {role!r}")
    async with owner.begin() as conn:
        exists = await conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
        if not exists:
            await conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'))
        else:
            await conn.execute(text(f'ALTER ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'))
        if password:
            quoted = password.replace("'", "''")
            await conn.execute(text(f"ALTER ROLE \"{role}\" PASSWORD '{quoted}'"))
        database = await conn.scalar(text("SELECT current_database()"))
        await conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
        # PostgreSQL before 15 let everyone create objects in public; the request role must own nothing.
        await conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        await conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
        await conn.execute(text("SELECT hr_grant_app_access(:r)"), {"r": role})


# Statements sent on behalf of the current request; read by the endpoint (logs, tests,
# metrics). SQLAlchemy's greenlets inherit the task's context, so this follows the request.
statement_count: ContextVar[list[int] | None] = ContextVar("statement_count", default=None)


def count_statements(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        counter = statement_count.get()
        if counter is not None:
            counter[0] += 1


async def ping(engine: AsyncEngine) -> None:
    """Raises unless the database answers (readiness)."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


class DatabaseUnavailable(Exception):
    """The database could not be reached or was shutting down; the request may be retried."""


class StatementTimedOut(Exception):
    """A statement ran past `statement_timeout` and was cancelled by PostgreSQL."""


# 53300: too many connections (the server is full for now); 57P0x: shutting down; 08xxx: connection lost.
_UNAVAILABLE_STATES = {"53300", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"}


def infrastructure_failure(error: BaseException) -> type[Exception] | None:
    """Classify an exception raised while talking to PostgreSQL (walking its causes)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None) or getattr(getattr(current, "orig", None), "sqlstate", None)
        if state == "57014":
            return StatementTimedOut
        if state in _UNAVAILABLE_STATES or isinstance(current, (ConnectionError, OSError, TimeoutError)):
            return DatabaseUnavailable
        # asyncpg reports a connection broken mid-statement by a server restart in these forms.
        if type(current).__name__ in {"ConnectionDoesNotExistError", "InterfaceError", "ConnectionFailureError", "InternalClientError"}:
            return DatabaseUnavailable
        current = current.__cause__ or current.__context__ or getattr(current, "orig", None)
    return None


def add_statement_spans(engine: AsyncEngine, tracer) -> None:  # noqa: ANN001 - an OpenTelemetry tracer
    """A client span per SQL statement, named by its verb (never its parameters)."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _start(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        verb = statement.lstrip().split(" ", 1)[0].upper()[:16]
        span = tracer.start_span(f"db {verb}", attributes={"db.system": "postgresql"})
        conn.info.setdefault("hr_spans", []).append(span)

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _end(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        spans = conn.info.get("hr_spans")
        if spans:
            spans.pop().end()
