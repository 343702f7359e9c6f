"""Per-principal and per-tenant rate limits on requests and on query cost.

Limits use a sliding window counter (the `limits` library): smooth like a token bucket,
two counters per key. In memory per process by default; with REDIS_URL set, shared by
every pod. Redis is optional: if it fails mid-flight the request is let through and the
failure logged, since refusing all traffic would be worse than a brief loss of limits.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

log = structlog.get_logger(__name__)


class RateLimited(Exception):
    def __init__(self, retry_after: int, scope: str) -> None:
        super().__init__(f"rate limited ({scope})")
        self.retry_after = retry_after
        self.scope = scope


@dataclass(frozen=True, slots=True)
class RateLimitConfig:
    principal_requests: str = "600/minute"
    tenant_requests: str = "6000/minute"
    principal_cost: str = "200000/minute"
    tenant_cost: str = "2000000/minute"
    redis_url: str = ""


class RateLimiter:
    def __init__(self, config: RateLimitConfig) -> None:
        self.storage: Storage = (
            RedisStorage(f"async+{config.redis_url}", implementation="redispy") if config.redis_url else MemoryStorage()
        )
        self.limiter = SlidingWindowCounterRateLimiter(self.storage)
        self.rules: list[tuple[str, str, RateLimitItem]] = [
            ("principal", "requests", parse(config.principal_requests)),
            ("tenant", "requests", parse(config.tenant_requests)),
            ("principal", "cost", parse(config.principal_cost)),
            ("tenant", "cost", parse(config.tenant_cost)),
        ]

    async def admit(self, principal: str, tenant: str | None, cost: int) -> None:
        """Count this request, or raise RateLimited with how long to wait."""
        keys = {"principal": principal, "tenant": tenant}
        checks = [
            (scope, kind, item, keys[scope], 1 if kind == "requests" else max(1, cost))
            for scope, kind, item in self.rules
            if keys[scope] is not None
        ]
        try:
            for scope, kind, item, key, weight in checks:
                if not await self.limiter.test(item, kind, key, cost=weight):
                    raise RateLimited(await self._retry_after(item, kind, key), f"{scope} {kind}")
            for _, kind, item, key, weight in checks:
                await self.limiter.hit(item, kind, key, cost=weight)
        except RateLimited:
            raise
        except Exception as error:  # noqa: BLE001 - the limiter's store is down: fail open, loudly
            log.warning("rate_limit_store_unavailable", error=str(error))

    async def _retry_after(self, item: RateLimitItem, kind: str, key: str) -> int:
        stats = await self.limiter.get_window_stats(item, kind, key)
        return max(1, math.ceil(stats.reset_time - time.time()))
