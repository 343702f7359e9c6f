"""Service configuration, read once from the environment (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    env: Literal["development", "test", "production"] = Field(
        "development", alias="HR_ENV",
        description="`production` turns off GraphiQL, introspection and \"did you mean\", masks errors and refuses "
        "HR_DEV_AUTH.",
    )
    host: str = Field("127.0.0.1", alias="HOST", description="Interface `hr serve` binds (the image uses 0.0.0.0).")
    port: int = Field(
        8000, alias="PORT", description="Port `hr serve` listens on; also part of the development issuer's URL."
    )
    data_dir: Path = Field(
        Path(".data"), alias="HR_DATA_DIR",
        description="Local state: the embedded PostgreSQL (`pg/`) and the development issuer's signing key.",
    )

    # The owner URL runs migrations and tenant provisioning; requests use the restricted role.
    database_url: str = Field(
        "", alias="DATABASE_URL",
        description="The owner role's URL: migrations and tenant provisioning. Unset outside production: an "
        "embedded PostgreSQL under HR_DATA_DIR.",
    )
    app_database_url: str = Field(
        "", alias="APP_DATABASE_URL",
        description="Full URL of the request role; empty: DATABASE_URL with HR_APP_ROLE and HR_APP_DB_PASSWORD.",
    )
    app_role: str = Field(
        "hr_app", alias="HR_APP_ROLE",
        description="The role requests run as: owns nothing, no superuser, no BYPASSRLS; `hr migrate` creates or "
        "re-restricts it.",
    )
    app_role_password: str = Field(
        "", alias="HR_APP_DB_PASSWORD", description="Password of the request role, set by `hr migrate`."
    )
    pool_size: int = Field(
        10, alias="HR_DB_POOL_SIZE",
        description="Request-role connections per process, plus as many again in overflow (see docs/scaling.md).",
    )
    tenant_cache_seconds: float = Field(
        2.0, alias="HR_TENANT_CACHE_SECONDS",
        description="How long a process remembers tenant registry look-ups: a change made through the process "
        "applies there at once, in other processes within this time. 0 reads the registry on every request.",
    )
    statement_timeout_ms: int = Field(
        5000, alias="HR_STATEMENT_TIMEOUT_MS",
        description="Longest one SQL statement may run; past it the transaction is rolled back and the answer is "
        "503 TIMEOUT.",
    )
    request_timeout_seconds: float = Field(
        10.0, alias="HR_REQUEST_TIMEOUT_SECONDS",
        description="Longest a request may take; past it the transaction is rolled back and the answer is 503 TIMEOUT.",
    )
    shutdown_grace_seconds: float = Field(
        20.0, alias="HR_SHUTDOWN_GRACE_SECONDS",
        description="On SIGTERM readiness turns false at once and in-flight requests get this long to finish.",
    )
    # Longer than any proxy's or client pool's idle timeout, so the server never closes a
    # kept-alive connection at the moment a client reuses it (a reset request, not a retry).
    keep_alive_seconds: int = Field(
        75, alias="HR_KEEP_ALIVE_SECONDS", gt=0,
        description="How long an idle kept-alive connection stays open; longer than a load balancer's usual 60 s.",
    )
    # A page of a hot list allocates many short-lived objects; at CPython's default threshold
    # (700) the young collector runs many times per request for little garbage.
    gc_young_threshold: int = Field(
        50_000, alias="HR_GC_YOUNG_THRESHOLD", ge=0,
        description="Allocations between young garbage collections after startup (CPython's default is 700, at "
        "the cost of memory: garbage cycles live longer). 0 keeps CPython's default.",
    )

    audience: str = Field("hr-api", alias="HR_AUDIENCE", description="The `aud` every token must carry.")
    trusted_issuers: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="HR_TRUSTED_ISSUERS",
        description="Comma-separated issuer URLs trusted platform-wide; the tenant comes from the token's tenant "
        "claim (a slug). A tenant's own issuer is set by `createTenant(oidcIssuer)` instead.",
    )
    tenant_claim: str = Field(
        "tenant", alias="HR_TENANT_CLAIM",
        description="Name of the claim naming the tenant (its slug) in tokens of platform-wide issuers.",
    )
    jwt_leeway_seconds: int = Field(
        30, alias="HR_JWT_LEEWAY_SECONDS", description="Clock leeway when checking a token's time claims."
    )
    jwks_min_refresh_seconds: float = Field(
        60.0, alias="HR_JWKS_MIN_REFRESH_SECONDS",
        description="An unknown `kid` refetches its issuer's keys at most this often.",
    )
    jwks_max_age_seconds: float = Field(
        3600.0, alias="HR_JWKS_MAX_AGE_SECONDS", description="Longest an issuer's fetched keys are kept."
    )
    dev_auth: bool = Field(
        False, alias="HR_DEV_AUTH",
        description="Trust this server's own development issuer `http://HOST:PORT/dev` (set by `make run` and the "
        "tests only); refused at startup with HR_ENV=production.",
    )
    dev_issuer_url: str = Field(
        "", alias="HR_DEV_ISSUER",
        description="The development issuer's URL when it is not this server's own `/dev` (behind a proxy).",
    )
    # The development issuer signs any identity with a key on local disk: production refuses
    # it unless this says the deployment is a benchmark (`make bench` runs production that way).
    dev_auth_in_production: bool = Field(
        False, alias="HR_DEV_AUTH_IN_PRODUCTION",
        description="Lets HR_DEV_AUTH through with HR_ENV=production: for `make bench` only, which measures "
        "production settings with tokens it signs itself.",
    )

    # Hostile-document limits (api/graphql/limits.py); refused before authentication.
    max_document_bytes: int = Field(
        20_000, alias="HR_MAX_DOCUMENT_BYTES",
        description="Largest GraphQL document in bytes (the whole request body may be up to 1 MB).",
    )
    max_tokens: int = Field(2_000, alias="HR_MAX_TOKENS", description="Most lexical tokens in a document.")
    max_depth: int = Field(10, alias="HR_MAX_DEPTH", description="Deepest nesting of selections.")
    max_aliases: int = Field(
        15, alias="HR_MAX_ALIASES", description="Most aliases in a document, counted through fragment expansion."
    )
    max_directives: int = Field(50, alias="HR_MAX_DIRECTIVES", description="Most directives in a document.")
    max_cost: int = Field(
        10_000, alias="HR_MAX_COST",
        description="Highest static cost: each object field 1 plus its children, times `first`, the length of "
        "`ids`, or 10 for other lists.",
    )
    introspection: bool | None = Field(
        None, alias="HR_INTROSPECTION",
        description="1 allows introspection for everyone, 0 for no one; unset: on outside production (an operator "
        "may allow one tenant's developers with `setTenantIntrospection`).",
    )
    trusted_documents: str = Field(
        "", alias="HR_TRUSTED_DOCUMENTS",
        description="Path of a persisted-documents manifest: only its operations are served. Empty: automatic "
        "persisted queries in the open mode.",
    )

    # GraphQL subscriptions over WebSocket (api/realtime): limits per connection and per person
    # (counted in each process), and how long a socket may stay silent before connection_init.
    ws_max_subscriptions: int = Field(
        20, alias="HR_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION",
        description="Subscriptions per WebSocket connection; more get an `error` with code SUBSCRIPTION_LIMIT.",
    )
    ws_max_connections: int = Field(
        10, alias="HR_WS_MAX_CONNECTIONS_PER_PRINCIPAL",
        description="WebSocket connections per person per server process; more close with 4429.",
    )
    ws_init_timeout_seconds: float = Field(
        10.0, alias="HR_WS_INIT_TIMEOUT_SECONDS",
        description="How long a WebSocket may stay silent before `connection_init`; then it closes with 4408.",
    )

    # Browser origins of the single-page apps allowed to call the API (exact origins).
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="HR_CORS_ORIGINS",
        description="Comma-separated exact browser origins allowed to call the API (never credentials with `*`).",
    )

    # Rate limits ("<count>/<second|minute|hour>"); REDIS_URL shares them across pods.
    rate_principal_requests: str = Field(
        "600/minute", alias="HR_RATE_PRINCIPAL_REQUESTS",
        description="Requests per person (`<count>/<second|minute|hour>`); past it 429 with Retry-After.",
    )
    rate_tenant_requests: str = Field(
        "6000/minute", alias="HR_RATE_TENANT_REQUESTS", description="Requests per tenant, same form."
    )
    rate_principal_cost: str = Field(
        "200000/minute", alias="HR_RATE_PRINCIPAL_COST", description="Static query cost per person, same form."
    )
    rate_tenant_cost: str = Field(
        "2000000/minute", alias="HR_RATE_TENANT_COST", description="Static query cost per tenant, same form."
    )
    redis_url: str = Field(
        "", alias="REDIS_URL",
        description="Shares the rate-limit counters across pods; empty: per process. If Redis fails, the limiter "
        "lets traffic through and logs it.",
    )

    @field_validator("trusted_issuers", "cors_origins", mode="before")
    @classmethod
    def _split_issuers(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip().rstrip("/") for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _no_dev_issuer_in_production(self) -> Settings:
        if self.is_production and self.dev_auth and not self.dev_auth_in_production:
            raise ValueError(
                "HR_DEV_AUTH=1 is refused with HR_ENV=production: it would trust tokens signed by a key on local "
                "disk for any identity (set HR_DEV_AUTH_IN_PRODUCTION=1 only for a benchmark)"
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else not self.is_production

    @property
    def dev_issuer(self) -> str:
        """The development issuer is this server itself, under /dev."""
        if self.dev_issuer_url:
            return self.dev_issuer_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}/dev"

    @property
    def dev_key_path(self) -> Path:
        return self.data_dir / "dev-signing-key.json"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
