"""Long-lived collaborators of the app: engines, the token validator, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from api.auth.dev_issuer import load_or_create_key, public_key_set
from api.auth.keys import IssuerKeys
from api.auth.principal import Authenticator, TenantCache
from api.auth.tokens import TokenValidator
from api.graphql.limits import Limits
from api.graphql.persisted import PersistedQueries, load_manifest
from api.metrics import Metrics
from api.ratelimit import RateLimitConfig, RateLimiter
from api.settings import Settings
from api.tracing import trace_statements
from tenants.database import DatabaseConfig, count_statements, create_app_engine, create_owner_engine


def database_config(settings: Settings) -> DatabaseConfig:
    return DatabaseConfig(
        owner_url=settings.database_url,
        app_url=settings.app_database_url,
        app_role=settings.app_role,
        app_role_password=settings.app_role_password,
        pool_size=settings.pool_size,
        statement_timeout_ms=settings.statement_timeout_ms,
    )


def _utc_today() -> date:
    return datetime.now(UTC).date()


@dataclass
class Services:
    settings: Settings
    app_engine: AsyncEngine
    owner_engine: AsyncEngine
    authenticator: Authenticator
    http: httpx.AsyncClient
    limits: Limits = field(default_factory=Limits)
    metrics: Metrics = field(default_factory=Metrics)
    persisted: PersistedQueries = field(default_factory=PersistedQueries)
    rate_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(RateLimitConfig()))
    today: Callable[[], date] = field(default=_utc_today)

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.app_engine.dispose()
        await self.owner_engine.dispose()


def build_services(settings: Settings) -> Services:
    if not settings.database_url:
        raise RuntimeError("DATABASE_URL is not set (make run starts an embedded PostgreSQL and sets it)")
    config = database_config(settings)
    http = httpx.AsyncClient(timeout=5.0, follow_redirects=False)
    keys = IssuerKeys(min_refresh=settings.jwks_min_refresh_seconds, max_age=settings.jwks_max_age_seconds, http=http)
    platform_issuers = set(settings.trusted_issuers)
    if settings.dev_auth:
        dev_keys = public_key_set(load_or_create_key(settings.dev_key_path))
        keys.local[settings.dev_issuer] = lambda: dev_keys
        platform_issuers.add(settings.dev_issuer)
    app_engine = create_app_engine(config)
    count_statements(app_engine)
    trace_statements(app_engine)
    metrics = Metrics()
    metrics.watch_pool(app_engine)
    validator = TokenValidator(keys=keys, audience=settings.audience, leeway=settings.jwt_leeway_seconds)
    return Services(
        settings=settings,
        app_engine=app_engine,
        owner_engine=create_owner_engine(config),
        authenticator=Authenticator(
            validator, app_engine, frozenset(platform_issuers), settings.tenant_claim,
            TenantCache(settings.tenant_cache_seconds),
        ),
        http=http,
        limits=limits_from(settings),
        metrics=metrics,
        persisted=PersistedQueries(load_manifest(settings.trusted_documents) if settings.trusted_documents else None),
        rate_limiter=RateLimiter(
            RateLimitConfig(
                principal_requests=settings.rate_principal_requests,
                tenant_requests=settings.rate_tenant_requests,
                principal_cost=settings.rate_principal_cost,
                tenant_cost=settings.rate_tenant_cost,
                redis_url=settings.redis_url,
            )
        ),
    )


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_document_bytes=settings.max_document_bytes,
        max_tokens=settings.max_tokens,
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_directives=settings.max_directives,
        max_cost=settings.max_cost,
        introspection=settings.introspection_enabled,
    )
