"""Idempotent mutations: a retried request with the same Idempotency-Key gets the first
answer instead of running again.

The key is stored in the same transaction as the mutation's writes, so either both are
committed or neither: an acknowledged write is recorded exactly once, and a retry after
a lost response cannot duplicate it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_RECALL = text(
    "SELECT request_hash, response FROM idempotency_keys WHERE principal = :principal AND key = :key"
)
_REMEMBER = text(
    "INSERT INTO idempotency_keys (tenant_id, principal, key, request_hash, response) "
    "VALUES (:tenant_id, :principal, :key, :request_hash, CAST(:response AS jsonb)) "
    "ON CONFLICT DO NOTHING RETURNING key"
)


@dataclass(frozen=True, slots=True)
class Remembered:
    request_hash: str
    response: dict


def request_hash(query: str, variables: dict | None, operation_name: str | None) -> str:
    payload = orjson.dumps({"q": query, "v": variables, "o": operation_name}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


async def recall(session: AsyncSession, principal: str, key: str) -> Remembered | None:
    row = (await session.execute(_RECALL, {"principal": principal, "key": key})).first()
    return Remembered(row.request_hash, row.response) if row else None


async def remember(session: AsyncSession, principal: str, key: str, hashed: str, response: dict) -> bool:
    """False when a concurrent request with the same key committed first (it waited for it)."""
    inserted = await session.execute(
        _REMEMBER,
        {
            "tenant_id": session.info["tenant_id"],
            "principal": principal,
            "key": key,
            "request_hash": hashed,
            "response": orjson.dumps(response).decode(),
        },
    )
    return inserted.first() is not None
