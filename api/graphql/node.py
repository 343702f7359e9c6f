"""The Relay `Node` interface and the registry that resolves a global ID to its object."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import strawberry

from api.graphql.context import RequestContext
from api.graphql.ids import parse_global_id

NodeFetcher = Callable[[RequestContext, UUID], Awaitable[Any]]
_fetchers: dict[str, NodeFetcher] = {}


@strawberry.interface(description="An object with a global ID.")
class Node:
    id: strawberry.ID


def register_node(type_name: str, fetch: NodeFetcher) -> None:
    _fetchers[type_name] = fetch


async def resolve_node(ctx: RequestContext, global_id: str) -> Any | None:
    """Malformed IDs, unknown types, missing rows and other tenants' rows all read as None."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] not in _fetchers:
        return None
    return await _fetchers[parsed[0]](ctx, parsed[1])
