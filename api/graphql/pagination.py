"""Relay connections. Cursors are opaque base64 of the row's sort key."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import orjson
import strawberry

from domain.errors import DomainError, ErrorCode
from domain.pagination import DEFAULT_PAGE, MAX_PAGE, Page, PageRequest

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def _cursor(self) -> str:  # noqa: ANN001 - an Edge
    return encode_cursor(self.key)


def _edges(self) -> list[Edge]:  # noqa: ANN001 - a Connection
    return [Edge(key=key, node=item) for item, key in zip(self.items, self.keys, strict=True)]


@strawberry.type
class Edge(Generic[T]):
    key: strawberry.Private[tuple[Any, ...]]
    cursor: str = strawberry.field(resolver=_cursor)
    node: T


@strawberry.type
class Connection(Generic[T]):
    # Edges and their cursors are built only when selected: most screens ask for `nodes`.
    items: strawberry.Private[list[Any]]
    keys: strawberry.Private[list[tuple[Any, ...]]]
    edges: list[Edge[T]] = strawberry.field(resolver=_edges)
    page_info: PageInfo
    total_count: int | None = strawberry.field(description="Only computed when selected.")

    @strawberry.field
    def nodes(self) -> list[T]:
        return self.items


def encode_cursor(key: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([str(part) for part in key])).decode()


def decode_cursor(cursor: str | None, types: tuple[type, ...]) -> tuple[Any, ...] | None:
    if cursor is None:
        return None
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(raw, list) or len(raw) != len(types):
            raise ValueError("shape")
        return tuple(_convert(kind, part) for kind, part in zip(types, raw, strict=True))
    except (ValueError, TypeError, orjson.JSONDecodeError):
        raise DomainError(ErrorCode.INVALID, "after is not a cursor of this list", ["after"]) from None


def _convert(kind: type, value: Any) -> Any:
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError("part")  # ours are always strings, and PostgreSQL text cannot hold NUL
    if kind is UUID:
        return UUID(value)
    if kind is datetime:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("naive")  # ours come from timestamptz columns, always with an offset
        return moment
    if kind is date:
        return date.fromisoformat(value)
    return kind(value)


def page_request(first: int | None, after: str | None, key_types: tuple[type, ...], with_total: bool) -> PageRequest:
    size = DEFAULT_PAGE if first is None else first
    if size < 1 or size > MAX_PAGE:
        raise DomainError(ErrorCode.INVALID, f"first must be between 1 and {MAX_PAGE}", ["first"])
    return PageRequest(first=size, after=decode_cursor(after, key_types), with_total=with_total)


def connection(page: Page[Any], after: str | None) -> Connection[Any]:
    keys = page.keys
    return Connection(
        items=page.items,
        keys=keys,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=after is not None,
            start_cursor=encode_cursor(keys[0]) if keys else None,
            end_cursor=encode_cursor(page.resume_key) if page.resume_key else encode_cursor(keys[-1]) if keys else None,
        ),
        total_count=page.total,
    )
