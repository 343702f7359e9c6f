"""The tenant registry: look-ups for authentication, and provisioning for platform operators."""

from __future__ import annotations

import re
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenants.models import Tenant, TenantStatus

SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")


class TenantConflict(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


async def by_slug(session: AsyncSession, slug: str) -> Tenant | None:
    return await session.scalar(select(Tenant).where(Tenant.slug == slug))


async def by_issuer(session: AsyncSession, issuer: str) -> Tenant | None:
    return await session.scalar(select(Tenant).where(Tenant.oidc_issuer == issuer))


async def by_id(session: AsyncSession, tenant_id: UUID) -> Tenant | None:
    return await session.get(Tenant, tenant_id)


async def list_tenants(session: AsyncSession) -> list[Tenant]:
    return list(await session.scalars(select(Tenant).order_by(Tenant.slug)))


async def create_tenant(session: AsyncSession, slug: str, name: str, oidc_issuer: str | None) -> Tenant:
    """Register a tenant (as the owner role). Slug and issuer are unique platform-wide."""
    if await by_slug(session, slug) is not None:
        raise TenantConflict("slug", "A tenant with this slug already exists")
    if oidc_issuer and await by_issuer(session, oidc_issuer) is not None:
        raise TenantConflict("oidcIssuer", "Another tenant already uses this issuer")
    tenant = Tenant(slug=slug, name=name, oidc_issuer=oidc_issuer or None, settings={})
    session.add(tenant)
    await session.flush()
    return tenant


async def set_status(session: AsyncSession, tenant: Tenant, status: TenantStatus) -> Tenant:
    tenant.status = status
    await session.flush()
    return tenant
