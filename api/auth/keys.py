"""Signing keys per issuer, found through OIDC discovery and cached.

An unknown `kid` triggers a refetch (a key rotation), but at most once per
`min_refresh` seconds per issuer, so a flood of forged kids cannot turn the
service into an amplifier against the identity provider.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import structlog
from joserfc.jwk import KeySet

log = structlog.get_logger(__name__)


class KeyFetchError(Exception):
    pass


@dataclass
class _Entry:
    keys: KeySet
    fetched_at: float
    last_attempt: float


@dataclass
class IssuerKeys:
    """Resolves the key set of an issuer; `local` issuers (the dev issuer) skip HTTP."""

    min_refresh: float = 60.0
    max_age: float = 3600.0
    http: httpx.AsyncClient | None = None
    local: dict[str, Callable[[], KeySet]] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def key_set(self, issuer: str, kid: str | None) -> KeySet | None:
        if issuer in self.local:
            return self.local[issuer]()
        entry = self._entries.get(issuer)
        now = self.clock()
        if entry and now - entry.fetched_at < self.max_age and _has_kid(entry.keys, kid):
            return entry.keys
        lock = self._locks.setdefault(issuer, asyncio.Lock())
        async with lock:
            entry = self._entries.get(issuer)
            now = self.clock()
            fresh_enough = entry is not None and now - entry.fetched_at < self.max_age
            if entry and fresh_enough and _has_kid(entry.keys, kid):
                return entry.keys
            if entry and now - entry.last_attempt < self.min_refresh:
                return entry.keys if fresh_enough else None
            try:
                keys = await self._fetch(issuer)
            except KeyFetchError as error:
                log.warning("jwks_fetch_failed", issuer=issuer, error=str(error))
                if entry:
                    entry.last_attempt = now
                    return entry.keys if fresh_enough else None
                self._entries[issuer] = _Entry(KeySet([]), fetched_at=-1e12, last_attempt=now)
                return None
            self._entries[issuer] = _Entry(keys, fetched_at=now, last_attempt=now)
            return keys

    async def _fetch(self, issuer: str) -> KeySet:
        client = self.http or httpx.AsyncClient(timeout=5.0)
        try:
            discovery = await client.get(f"{issuer}/.well-known/openid-configuration")
            discovery.raise_for_status()
            document = discovery.json()
            if document.get("issuer", "").rstrip("/") != issuer:
                raise KeyFetchError("discovery document names another issuer")
            jwks = await client.get(document["jwks_uri"])
            jwks.raise_for_status()
            return KeySet.import_key_set(jwks.json())
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            raise KeyFetchError(f"{type(error).__name__}: {error}") from error
        finally:
            if self.http is None:
                await client.aclose()


def _has_kid(keys: KeySet, kid: str | None) -> bool:
    if kid is None:
        return len(keys.keys) == 1
    return any(key.kid == kid for key in keys.keys)
