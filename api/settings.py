"""Service configuration, read once from the environment (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    env: Literal["development", "test", "production"] = Field("development", alias="HR_ENV")
    host: str = Field("127.0.0.1", alias="HOST")
    port: int = Field(8000, alias="PORT")
    data_dir: Path = Field(Path(".data"), alias="HR_DATA_DIR")

    # The owner URL runs migrations and tenant provisioning; requests use the restricted role.
    database_url: str = Field("", alias="DATABASE_URL")
    app_database_url: str = Field("", alias="APP_DATABASE_URL")
    app_role: str = Field("hr_app", alias="HR_APP_ROLE")
    app_role_password: str = Field("", alias="HR_APP_DB_PASSWORD")
    pool_size: int = Field(10, alias="HR_DB_POOL_SIZE")
    tenant_cache_seconds: float = Field(2.0, alias="HR_TENANT_CACHE_SECONDS")  # 0: read the registry every request
    statement_timeout_ms: int = Field(5000, alias="HR_STATEMENT_TIMEOUT_MS")
    request_timeout_seconds: float = Field(10.0, alias="HR_REQUEST_TIMEOUT_SECONDS")
    shutdown_grace_seconds: float = Field(20.0, alias="HR_SHUTDOWN_GRACE_SECONDS")
    # Longer than any proxy's or client pool's idle timeout, so the server never closes a
    # kept-alive connection at the moment a client reuses it (a reset request, not a retry).
    keep_alive_seconds: int = Field(75, alias="HR_KEEP_ALIVE_SECONDS", gt=0)
    # A team page allocates ~10^5 objects; at CPython's default (700) the collector ran 33
    # young passes per request and took 15-24 ms of ~120 ms CPU (issue 8). 0 keeps CPython's.
    gc_young_threshold: int = Field(50_000, alias="HR_GC_YOUNG_THRESHOLD", ge=0)

    audience: str = Field("hr-api", alias="HR_AUDIENCE")
    trusted_issuers: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="HR_TRUSTED_ISSUERS")
    tenant_claim: str = Field("tenant", alias="HR_TENANT_CLAIM")
    jwt_leeway_seconds: int = Field(30, alias="HR_JWT_LEEWAY_SECONDS")
    jwks_min_refresh_seconds: float = Field(60.0, alias="HR_JWKS_MIN_REFRESH_SECONDS")
    jwks_max_age_seconds: float = Field(3600.0, alias="HR_JWKS_MAX_AGE_SECONDS")
    dev_auth: bool = Field(False, alias="HR_DEV_AUTH")
    dev_issuer_url: str = Field("", alias="HR_DEV_ISSUER")
    # The development issuer signs any identity with a key on local disk: production refuses
    # it unless this says the deployment is a benchmark (`make bench` runs production that way).
    dev_auth_in_production: bool = Field(False, alias="HR_DEV_AUTH_IN_PRODUCTION")

    # Hostile-document limits (api/graphql/limits.py); refused before authentication.
    max_document_bytes: int = Field(20_000, alias="HR_MAX_DOCUMENT_BYTES")
    max_tokens: int = Field(2_000, alias="HR_MAX_TOKENS")
    max_depth: int = Field(10, alias="HR_MAX_DEPTH")
    max_aliases: int = Field(15, alias="HR_MAX_ALIASES")
    max_directives: int = Field(50, alias="HR_MAX_DIRECTIVES")
    max_cost: int = Field(10_000, alias="HR_MAX_COST")
    introspection: bool | None = Field(None, alias="HR_INTROSPECTION")  # default: on outside production
    trusted_documents: str = Field("", alias="HR_TRUSTED_DOCUMENTS")  # a manifest path turns on allowlist mode

    # GraphQL subscriptions over WebSocket (api/realtime): limits per connection and per person
    # (counted in each process), and how long a socket may stay silent before connection_init.
    ws_max_subscriptions: int = Field(20, alias="HR_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION")
    ws_max_connections: int = Field(10, alias="HR_WS_MAX_CONNECTIONS_PER_PRINCIPAL")
    ws_init_timeout_seconds: float = Field(10.0, alias="HR_WS_INIT_TIMEOUT_SECONDS")

    # Browser origins of the single-page apps allowed to call the API (exact origins).
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="HR_CORS_ORIGINS")

    # Rate limits ("<count>/<second|minute|hour>"); REDIS_URL shares them across pods.
    rate_principal_requests: str = Field("600/minute", alias="HR_RATE_PRINCIPAL_REQUESTS")
    rate_tenant_requests: str = Field("6000/minute", alias="HR_RATE_TENANT_REQUESTS")
    rate_principal_cost: str = Field("200000/minute", alias="HR_RATE_PRINCIPAL_COST")
    rate_tenant_cost: str = Field("2000000/minute", alias="HR_RATE_TENANT_COST")
    redis_url: str = Field("", alias="REDIS_URL")

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
