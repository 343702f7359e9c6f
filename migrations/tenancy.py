"""Helpers every migration uses: run a multi-statement script, and put tenant tables
under row-level security the one way this project does it."""

from __future__ import annotations

from collections.abc import Iterable

from alembic import op

CURRENT_TENANT = "nullif(current_setting('app.tenant_id', true), '')::uuid"


def execute_script(script: str) -> None:
    """asyncpg prepares each statement, so a script is sent one statement at a time.
    Statements are separated by a semicolon at the end of a line (none inside bodies)."""
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def secure_tenant_tables(tables: Iterable[str]) -> None:
    """RLS enabled and forced, one policy reading the transaction-local tenant (fail closed),
    and data access for the request role (granted by `hr_grant_app_access` at migrate time)."""
    for table in tables:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} "
            f"USING (tenant_id = {CURRENT_TENANT}) WITH CHECK (tenant_id = {CURRENT_TENANT})"
        )
