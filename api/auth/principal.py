"""From a bearer token to a principal: which tenant, which employee, which platform rights."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.auth.tokens import InvalidToken, TokenValidator, VerifiedToken, peek_issuer
from domain.actor import Actor
from domain.org.identities import signed_in_employee
from tenants import registry
from tenants.models import Tenant

log = structlog.get_logger(__name__)

PLATFORM_ADMIN_SCOPE = "platform:admin"


class AuthenticationFailed(Exception):
    """401. The reason goes to the log only."""


class TenantSuspended(Exception):
    """403."""


@dataclass(frozen=True, slots=True)
class TenantRef:
    id: UUID
    slug: str


@dataclass(frozen=True, slots=True)
class Principal:
    issuer: str
    subject: str
    tenant: TenantRef | None
    actor: Actor | None
    is_platform_admin: bool


@dataclass(frozen=True, slots=True)
class Authenticated:
    """A verified token and the tenant it belongs to, before the employee is bound."""

    token: VerifiedToken
    tenant: Tenant | None
    is_platform_admin: bool


@dataclass
class Authenticator:
    validator: TokenValidator
    engine: AsyncEngine
    platform_issuers: frozenset[str]
    tenant_claim: str = "tenant"

    async def authenticate(self, authorization: str | None) -> Authenticated:
        token = _bearer(authorization)
        try:
            issuer = peek_issuer(token)
            # Trust is decided before any key is fetched, so a forged issuer never makes
            # this service call out to an address of the attacker's choosing.
            tenant_of_issuer = None
            if issuer not in self.platform_issuers:
                tenant_of_issuer = await self._registry(registry.by_issuer, issuer)
                if tenant_of_issuer is None:
                    raise InvalidToken(f"untrusted issuer {issuer!r}")
            verified = await self.validator.validate(token, {issuer})
            tenant = tenant_of_issuer or await self._tenant_from_claim(verified)
        except InvalidToken as error:
            log.info("authentication_failed", reason=str(error))
            raise AuthenticationFailed(str(error)) from None
        is_platform_admin = tenant_of_issuer is None and PLATFORM_ADMIN_SCOPE in verified.scopes
        if tenant is None and not is_platform_admin:
            log.info("authentication_failed", reason="no tenant", issuer=issuer)
            raise AuthenticationFailed("token names no tenant")
        if tenant is not None and not tenant.is_active:
            raise TenantSuspended(tenant.slug)
        return Authenticated(verified, tenant, is_platform_admin)

    async def _registry(self, lookup, key: str) -> Tenant | None:
        if "\x00" in key:
            return None  # from an unverified token; PostgreSQL text cannot hold NUL, so no tenant has it
        async with AsyncSession(self.engine) as session:
            return await lookup(session, key)

    async def _tenant_from_claim(self, token: VerifiedToken) -> Tenant | None:
        """Platform-wide issuers name the tenant in a claim (a slug)."""
        slug = token.claims.get(self.tenant_claim)
        if slug is None:
            return None
        tenant = await self._registry(registry.by_slug, slug) if isinstance(slug, str) and len(slug) <= 64 else None
        if tenant is None:
            raise InvalidToken(f"unknown tenant {slug!r}")
        return tenant


async def bind_principal(session: AsyncSession | None, auth: Authenticated) -> Principal:
    """Inside the tenant transaction: find (or bind on first sign-in) the employee."""
    actor = None
    tenant_ref = None
    if auth.tenant is not None and session is not None:
        tenant_ref = TenantRef(auth.tenant.id, auth.tenant.slug)
        employee = await signed_in_employee(session, auth.token.issuer, auth.token.subject, auth.token.email)
        if employee is not None:
            actor = Actor(tenant_id=auth.tenant.id, employee_id=employee.id, roles=frozenset(employee.roles))
        elif not auth.is_platform_admin:
            log.info("authentication_failed", reason="no active employee", tenant=auth.tenant.slug)
            raise AuthenticationFailed("no active employee for this identity")
    return Principal(auth.token.issuer, auth.token.subject, tenant_ref if actor else None, actor, auth.is_platform_admin)


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise AuthenticationFailed("missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("not a bearer token")
    return token.strip()
