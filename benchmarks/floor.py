"""The floor: the directory screen answered by plain Starlette + asyncpg and ONE SQL statement.

Same database, same restricted request role (`hr_app`, forced row-level security), the
tenant bound with set_config(..., true) inside a read-only transaction, and the same
JSON as the GraphQL directory document in benchmarks/screens.py. PostgreSQL builds the
JSON (as PostGraphile does). What it leaves out is what makes it a floor: no token
check (the tenant comes from an `x-tenant-id` header), no GraphQL parsing, validation
or execution, no per-field Python, no pool reset query on release.

    python -m benchmarks.floor --dsn postgresql://hr_app@host/hr_bench --port 8100
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# The directory: active employees matching the search (name or email, case-insensitive,
# LIKE wildcards escaped), by name then id, each with the manager's and department's name.
DIRECTORY_SQL = """
SELECT coalesce(json_agg(json_build_object(
         'id', rtrim(translate(encode(convert_to('Employee:' || e.id::text, 'UTF8'), 'base64'), '+/', '-_'), '='),
         'name', e.name, 'email', e.email, 'title', e.title,
         'manager', CASE WHEN m.id IS NULL THEN NULL ELSE json_build_object('name', m.name) END,
         'department', CASE WHEN d.id IS NULL THEN NULL ELSE json_build_object('name', d.name) END
       ) ORDER BY e.name, e.id), '[]')::text
FROM (
  SELECT tenant_id, id, name, email, title, manager_id, department_id FROM employees
  WHERE status = 'ACTIVE' AND ($1::text IS NULL OR name ILIKE $1 OR email ILIKE $1)
  ORDER BY name, id LIMIT $2
) e
LEFT JOIN employees m ON m.tenant_id = e.tenant_id AND m.id = e.manager_id
LEFT JOIN departments d ON d.tenant_id = e.tenant_id AND d.id = e.department_id
"""


def like_pattern(search: str | None) -> str | None:
    """The API's search rule (api/org/queries.py + domain/org/hierarchy.py): trimmed, capped, escaped."""
    cleaned = "".join(ch for ch in (search or "").strip()[:200] if ord(ch) >= 32)
    if not cleaned:
        return None
    escaped = cleaned.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def directory_json(connection: asyncpg.Connection, tenant_id: uuid.UUID, search: str | None, first: int) -> str:
    """The `nodes` list as JSON text: one transaction, the tenant bound, one statement."""
    # Folded into one round trip: BEGIN and the transaction-local tenant (a validated UUID).
    await connection.execute(f"BEGIN READ ONLY; SELECT set_config('app.tenant_id', '{uuid.UUID(str(tenant_id))}', true)")
    try:
        nodes = await connection.fetchval(DIRECTORY_SQL, like_pattern(search), first)
    except BaseException:
        await connection.execute("ROLLBACK")
        raise
    await connection.execute("COMMIT")
    return nodes


async def _no_reset(connection: asyncpg.Connection) -> None:
    """The tenant setting is transaction-local and every transaction ends: nothing to reset."""


def create_app(dsn: str, pool_size: int = 10) -> Starlette:
    state: dict = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(
            dsn, min_size=pool_size, max_size=pool_size, reset=_no_reset, server_settings={"jit": "off"}
        )
        try:
            yield
        finally:
            await state["pool"].close()

    async def graphql(request: Request) -> Response:
        payload = orjson.loads(await request.body())
        variables = payload.get("variables") or {}
        tenant = uuid.UUID(request.headers["x-tenant-id"])
        first = max(1, min(int(variables.get("first") or 100), 100))
        async with state["pool"].acquire() as connection:
            nodes = await directory_json(connection, tenant, variables.get("search"), first)
        return Response(b'{"data":{"employees":{"nodes":' + nodes.encode() + b"}}}", media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--pool-size", type=int, default=10)
    args = parser.parse_args()
    # The same server stack as `hr serve`: uvicorn with uvloop and httptools when installed.
    uvicorn.run(create_app(args.dsn, args.pool_size), host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
