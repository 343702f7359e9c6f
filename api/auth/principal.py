"""From a bearer token to a principal: which tenant, which employee, which platform rights."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from time import monotonic
from uuid import UUID

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.auth.tokens import InvalidToken, TokenValidator, VerifiedToken, peek_issuer
from domain.actor import Actor
from domain.org.identities import signed_in_employee
from domain.org.models import Employee
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
    # As read while binding, in this request's transaction: the viewer's own rows are not read twice.
    employee: Employee | None = field(default=None, compare=False, repr=False)
    tenant_record: Tenant | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Authenticated:
    """A verified token and the tenant it belongs to, before the employee is bound."""

    token: VerifiedToken
    tenant: Tenant | None
    is_platform_admin: bool


class TenantCache:
    """Registry look-ups (by slug, by issuer) remembered for a few seconds.

    Every request names its tenant; reading the registry for it took a connection, a
    transaction and a statement per request, for a row that rarely changes. A change made through this
    process (suspension, reactivation, a new tenant, introspection) forgets everything at
    once; other processes see it within `seconds`. Zero turns the cache off.
    """

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: dict[tuple[str, str], tuple[float, Tenant | None]] = {}

    async def get(self, kind: str, key: str, load: Callable[[], Awaitable[Tenant | None]]) -> Tenant | None:
        if self.seconds <= 0:
            return await load()
        now = monotonic()
        remembered = self._entries.get((kind, key))
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        tenant = await load()
        if len(self._entries) >= self.size:
            self._entries.clear()  # bounded: a flood of unknown slugs cannot grow it
        self._entries[(kind, key)] = (now + self.seconds, tenant)
        return tenant

    def forget(self) -> None:
        self._entries.clear()


@dataclass
class Authenticator:
    validator: TokenValidator
    engine: AsyncEngine
    platform_issuers: frozenset[str]
    tenant_claim: str = "tenant"
    tenants: TenantCache = field(default_factory=lambda: TenantCache(0))

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

        async def load() -> Tenant | None:
            async with AsyncSession(self.engine) as session:
                return await lookup(session, key)

        return await self.tenants.get(lookup.__name__, key, load)

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
    employee = None
    tenant_ref = None
    if auth.tenant is not None and session is not None:
        tenant_ref = TenantRef(auth.tenant.id, auth.tenant.slug)
        employee = await signed_in_employee(session, auth.token.issuer, auth.token.subject, auth.token.email)
        if employee is not None:
            actor = Actor(tenant_id=auth.tenant.id, employee_id=employee.id, roles=frozenset(employee.roles))
        elif not auth.is_platform_admin:
            log.info("authentication_failed", reason="no active employee", tenant=auth.tenant.slug)
            raise AuthenticationFailed("no active employee for this identity")
    return Principal(
        auth.token.issuer, auth.token.subject, tenant_ref if actor else None, actor, auth.is_platform_admin,
        employee if actor else None, auth.tenant if actor else None,
    )


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise AuthenticationFailed("missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("not a bearer token")
    return token.strip()
