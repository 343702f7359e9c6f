"""Onboarding a partner company: the tenant and its first tenant admin, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit
from domain.errors import DomainError, ErrorCode, NotFound
from domain.org.employees import create_founding_admin
from domain.org.models import Employee
from domain.org.rules import clean_email, clean_slug, clean_text
from tenants import registry
from tenants.models import Tenant, TenantStatus
from tenants.session import bind_tenant

ISSUER_MAX = 500


@dataclass(slots=True)
class Onboarded:
    tenant: Tenant
    admin: Employee


def _clean_issuer(value: str | None) -> str | None:
    cleaned = clean_text(value, "oidcIssuer", required=False, max_length=ISSUER_MAX)
    if cleaned is None:
        return None
    if not cleaned.startswith("https://") and not cleaned.startswith("http://"):
        raise DomainError(ErrorCode.INVALID, "oidcIssuer must be an http(s) URL", ["oidcIssuer"])
    return cleaned.rstrip("/")


async def onboard_tenant(
    owner_session: AsyncSession,
    *,
    slug: str,
    name: str,
    admin_email: str,
    admin_name: str,
    oidc_issuer: str | None,
    today: date,
) -> Onboarded:
    """Runs as the owner role (the request role cannot write the registry)."""
    cleaned_slug = clean_slug(slug)
    cleaned_name = clean_text(name, "name")
    email = clean_email(admin_email, "adminEmail")
    admin_name = clean_text(admin_name, "adminName")
    issuer = _clean_issuer(oidc_issuer)
    try:
        tenant = await registry.create_tenant(owner_session, cleaned_slug, cleaned_name, issuer)
    except registry.TenantConflict as conflict:
        raise DomainError(ErrorCode.DUPLICATE, str(conflict), [conflict.field]) from None
    await bind_tenant(owner_session, tenant.id)
    admin = await create_founding_admin(owner_session, email, admin_name, as_of=today)
    return Onboarded(tenant, admin)


async def set_tenant_introspection(owner_session: AsyncSession, tenant_id: UUID, enabled: bool, operator: str) -> Tenant:
    """Let one tenant's developers introspect the schema in production (recorded in its audit log)."""
    tenant = await registry.by_id(owner_session, tenant_id)
    if tenant is None:
        raise NotFound("Tenant", ["id"])
    before = tenant.settings.get("introspection") is True
    tenant.settings = {**tenant.settings, "introspection": enabled}
    await owner_session.flush()
    if before != enabled:
        await bind_tenant(owner_session, tenant.id)
        await audit.record(owner_session, f"platform:{operator}", "tenant.introspection", "Tenant", tenant.id,
                           {"introspection": before}, {"introspection": enabled})
    return tenant


async def change_tenant_status(owner_session: AsyncSession, tenant_id: UUID, status: TenantStatus, operator: str) -> Tenant:
    """Suspend or reactivate; the tenant's own audit log records which operator did it."""
    tenant = await registry.by_id(owner_session, tenant_id)
    if tenant is None:
        raise NotFound("Tenant", ["id"])
    before = tenant.status
    await registry.set_status(owner_session, tenant, status)
    if before != status:
        await bind_tenant(owner_session, tenant.id)
        await audit.record(owner_session, f"platform:{operator}", f"tenant.{status.value.lower()}", "Tenant", tenant.id,
                           {"status": before}, {"status": status.value})
    return tenant
