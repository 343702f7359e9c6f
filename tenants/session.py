"""The one place that opens a tenant-scoped session.

Row-level security reads the tenant from the transaction-local setting
`app.tenant_id`. It is set first thing inside the transaction, so it vanishes at
COMMIT or ROLLBACK and a pooled connection never carries it to the next request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

_SET_TENANT = text("SELECT set_config('app.tenant_id', :tenant_id, true)")


async def bind_tenant(session: AsyncSession, tenant_id: UUID) -> None:
    """Point row-level security at `tenant_id` for the rest of this transaction."""
    await session.execute(_SET_TENANT, {"tenant_id": str(tenant_id)})
    session.info["tenant_id"] = tenant_id


def mark_rollback_only(session: AsyncSession) -> None:
    """Make the enclosing `tenant_session` roll back instead of committing."""
    session.info["rollback_only"] = True


@asynccontextmanager
async def tenant_session(engine: AsyncEngine, tenant_id: UUID) -> AsyncIterator[AsyncSession]:
    """One transaction for one tenant: committed when the block ends, rolled back on
    error or when `mark_rollback_only` was called (a request whose execution failed).
    """
    session = AsyncSession(engine, expire_on_commit=False, autoflush=False)
    try:
        await bind_tenant(session, tenant_id)
        yield session
        if session.info.get("rollback_only"):
            await session.rollback()
        else:
            await session.commit()
    except BaseException:
        await session.rollback()
        raise
    finally:
        await session.close()


@asynccontextmanager
async def provisioning_session(owner_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A transaction as the owner role, for the platform registry (creating tenants).

    It is not bound to a tenant; provisioning binds the new tenant itself before it
    writes that tenant's first rows.
    """
    session = AsyncSession(owner_engine, expire_on_commit=False, autoflush=False)
    try:
        yield session
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    finally:
        await session.close()
