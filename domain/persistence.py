"""Helpers shared by services: the session's tenant, and unique violations as domain errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, Executable, Row, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError

T = TypeVar("T")
K = TypeVar("K")


def group_by(keys: Sequence[K], rows: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    """Rows of a batched query, grouped under each asked key (an empty list where none matched)."""
    grouped: dict[K, list[T]] = {k: [] for k in keys}
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def among(column: Any, ids: Iterable[Any]) -> ColumnElement[bool]:
    """`column = ANY($1)` with the IDs as one array parameter: one SQL text (and prepared
    statement) whatever the number of IDs, where `IN (...)` renders a parameter per ID on
    every execution, a cost paid again by every batch of a hot list."""
    return column == any_(literal(list(ids), ARRAY(column.type)))


async def column_rows(session: AsyncSession, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Sequence[Row]:
    """The rows of a column-only SELECT through the session's connection: hot read-only lists
    skip the ORM's execution and result machinery, which they do not use."""
    connection = await session.connection()
    return (await connection.execute(statement, parameters)).all()


def session_tenant(session: AsyncSession) -> UUID:
    """The tenant the session was bound to; services never take it from their callers."""
    return session.info["tenant_id"]


async def flush_or_conflict(session: AsyncSession, conflicts: Mapping[str, DomainError]) -> None:
    """Flush, turning a violated unique constraint into the matching domain error.

    The pre-checks in services give the friendly answer; this closes the race where two
    requests pass the check at once. The caller's savepoint discards the failed flush.
    """
    try:
        await session.flush()
    except IntegrityError as error:
        detail = str(error.orig)
        for constraint, domain_error in conflicts.items():
            if constraint in detail:
                raise domain_error from None
        raise
