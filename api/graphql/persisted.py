"""Persisted documents: automatic persisted queries (open mode) and trusted documents
(allowlist mode, where only registered operations run).

Clients send `extensions: {persistedQuery: {version: 1, sha256Hash}}`. In open mode an
unknown hash is answered PERSISTED_QUERY_NOT_FOUND and the client retries with the text,
which is checked against its hash and remembered in a bounded LRU. In allowlist mode
(HR_TRUSTED_DOCUMENTS names a JSON manifest `{hash: document}` built from the SPA) any
document not in the manifest is refused.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path
from typing import Any

import orjson

CAPACITY = 2_000


class PersistedQueryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def load_manifest(path: str) -> dict[str, str]:
    raw = orjson.loads(Path(path).read_bytes())
    manifest = {str(k): str(v) for k, v in raw.items()}
    wrong = [h for h, doc in manifest.items() if sha256(doc) != h]
    if wrong:
        raise ValueError(f"trusted-documents manifest has {len(wrong)} entries whose hash does not match")
    return manifest


class PersistedQueries:
    def __init__(self, manifest: dict[str, str] | None = None, capacity: int = CAPACITY) -> None:
        self.manifest = manifest
        self.capacity = capacity
        self._seen: OrderedDict[str, str] = OrderedDict()

    @property
    def allowlist_only(self) -> bool:
        return self.manifest is not None

    def resolve(self, query: str | None, extensions: Any) -> str:
        """The document to run, or a PersistedQueryError."""
        wanted = _hash_of(extensions)
        if self.manifest is not None:
            return self._trusted(query, wanted)
        if wanted is None:
            if not isinstance(query, str) or not query.strip():
                raise PersistedQueryError("BAD_REQUEST", "No GraphQL query found in the request")
            return query
        if query:
            if sha256(query) != wanted:
                raise PersistedQueryError("PERSISTED_QUERY_HASH_MISMATCH", "sha256Hash does not match the query")
            self._remember(wanted, query)
            return query
        known = self._seen.get(wanted)
        if known is None:
            raise PersistedQueryError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
        self._seen.move_to_end(wanted)
        return known

    def _trusted(self, query: str | None, wanted: str | None) -> str:
        key = wanted or (sha256(query) if isinstance(query, str) else None)
        document = self.manifest.get(key) if key else None
        if document is None or (query and sha256(query) != key):
            raise PersistedQueryError("PERSISTED_QUERY_NOT_ALLOWED", "Only registered operations may run")
        return document

    def _remember(self, key: str, query: str) -> None:
        self._seen[key] = query
        self._seen.move_to_end(key)
        while len(self._seen) > self.capacity:
            self._seen.popitem(last=False)


def _hash_of(extensions: Any) -> str | None:
    if not isinstance(extensions, dict):
        return None
    persisted = extensions.get("persistedQuery")
    if not isinstance(persisted, dict):
        return None
    if persisted.get("version") != 1 or not isinstance(persisted.get("sha256Hash"), str):
        raise PersistedQueryError("PERSISTED_QUERY_NOT_SUPPORTED", "Only persistedQuery version 1 with a sha256Hash")
    return persisted["sha256Hash"].lower()
