"""Schema migrations (Alembic, as the owner role) and the request role's grants."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from tenants.database import DatabaseConfig, create_owner_engine, ensure_app_role

ROOT = Path(__file__).resolve().parent.parent


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def schema_is_behind(revision: str | None) -> bool:
    """True when the database is at a revision this code knows and that is older than its head.

    A revision this code does not know is newer: a rolling upgrade migrated ahead of this
    pod, which keeps serving (migrations are written to be backward compatible).
    """
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    if revision == head:
        return False
    if revision is None:
        return True
    known = {step.revision for step in script.walk_revisions()}
    return revision in known


def _upgrade(connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(config: DatabaseConfig) -> None:
    """Bring the schema to head and (re)grant the request role. Idempotent."""
    owner = create_owner_engine(config)
    try:
        async with owner.begin() as connection:
            await connection.run_sync(_upgrade)
        await ensure_app_role(owner, config.app_role, config.app_role_password)
    finally:
        await owner.dispose()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
