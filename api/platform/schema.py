"""Platform operator surface: onboarding tenants and suspending them. Needs `platform:admin`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.graphql.errors import UserError, user_errors
from api.graphql.ids import require_uuid
from api.org.types import Ctx, EmployeeType, TenantType
from domain.errors import DomainError, DomainErrors, Forbidden
from domain.onboarding import change_tenant_status, onboard_tenant, set_tenant_introspection
from tenants import registry
from tenants.models import TenantStatus
from tenants.session import provisioning_session


@strawberry.input
class CreateTenantInput:
    slug: str = strawberry.field(description="Lowercase letters, digits and hyphens, 3 to 40 characters.")
    name: str
    admin_email: str
    admin_name: str
    oidc_issuer: str | None = strawberry.field(
        default=None, description="The tenant's own identity provider; its tokens belong to this tenant only."
    )


@strawberry.input
class TenantIdInput:
    id: strawberry.ID


@strawberry.input
class SetTenantIntrospectionInput:
    id: strawberry.ID
    enabled: bool


@strawberry.type
class CreateTenantPayload:
    tenant: TenantType | None
    admin: EmployeeType | None
    errors: list[UserError]


@strawberry.type
class TenantPayload:
    tenant: TenantType | None
    errors: list[UserError]


def _require_platform_admin(info: Ctx) -> None:
    if not info.context.principal.is_platform_admin:
        raise Forbidden("Platform operators only (scope platform:admin)")


@strawberry.type
class PlatformQuery:
    @strawberry.field(description="Every tenant, for platform operators.")
    async def tenants(self, info: Ctx) -> list[TenantType]:
        _require_platform_admin(info)
        async with _tenant_change(info) as session:
            return await registry.list_tenants(session)


@strawberry.type
class PlatformMutations:
    @strawberry.mutation(description="Onboards a company: the tenant and its first TENANT_ADMIN.")
    async def create_tenant(self, info: Ctx, input: CreateTenantInput) -> CreateTenantPayload:
        try:
            _require_platform_admin(info)
            async with _tenant_change(info) as session:
                onboarded = await onboard_tenant(
                    session,
                    slug=input.slug,
                    name=input.name,
                    admin_email=input.admin_email,
                    admin_name=input.admin_name,
                    oidc_issuer=input.oidc_issuer,
                    today=info.context.today,
                )
        except (DomainError, DomainErrors) as error:
            return CreateTenantPayload(tenant=None, admin=None, errors=user_errors(error))
        return CreateTenantPayload(tenant=onboarded.tenant, admin=onboarded.admin, errors=[])

    @strawberry.mutation(description="Turn schema introspection on (or off) for one tenant's developers in production.")
    async def set_tenant_introspection(self, info: Ctx, input: SetTenantIntrospectionInput) -> TenantPayload:
        try:
            _require_platform_admin(info)
            tenant_id = require_uuid(input.id, "Tenant", "id")
            principal = info.context.principal
            async with _tenant_change(info) as session:
                tenant = await set_tenant_introspection(session, tenant_id, input.enabled, f"{principal.issuer}|{principal.subject}")
        except (DomainError, DomainErrors) as error:
            return TenantPayload(tenant=None, errors=user_errors(error))
        return TenantPayload(tenant=tenant, errors=[])

    @strawberry.mutation
    async def suspend_tenant(self, info: Ctx, input: TenantIdInput) -> TenantPayload:
        return await _set_status(info, input, TenantStatus.SUSPENDED)

    @strawberry.mutation
    async def reactivate_tenant(self, info: Ctx, input: TenantIdInput) -> TenantPayload:
        return await _set_status(info, input, TenantStatus.ACTIVE)


async def _set_status(info: Ctx, input: TenantIdInput, status: TenantStatus) -> TenantPayload:
    try:
        _require_platform_admin(info)
        tenant_id = require_uuid(input.id, "Tenant", "id")
        async with _tenant_change(info) as session:
            principal = info.context.principal
            tenant = await change_tenant_status(session, tenant_id, status, f"{principal.issuer}|{principal.subject}")
    except (DomainError, DomainErrors) as error:
        return TenantPayload(tenant=None, errors=user_errors(error))
    return TenantPayload(tenant=tenant, errors=[])


@asynccontextmanager
async def _tenant_change(info: Ctx) -> AsyncIterator[AsyncSession]:
    """A registry change: this process's authenticator forgets what it remembered of tenants
    once the change is committed (others within HR_TENANT_CACHE_SECONDS)."""
    services = info.context.services
    async with provisioning_session(services.owner_engine) as session:
        yield session
    services.authenticator.tenants.forget()
