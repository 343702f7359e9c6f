"""How the reviews context's mutations run: `perform` (a savepoint, domain errors as
UserErrors), then the request's review loaders are reset so the payload reads the state
after the change, not what an earlier field of the request cached."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from api.graphql.errors import UserError
from api.graphql.ids import uuid_of
from api.graphql.mutation import perform
from api.org.types import Ctx

T = TypeVar("T")

_NOTHING = UUID(int=0)  # a malformed ID in a list: the domain reports it as not found, at its index


async def perform_fresh(info: Ctx, work: Callable[[Any, Any], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    result, errors = await perform(info.context, work)
    info.context.reviews.reset()
    return result, errors


def id_or_nothing(value: str | None, type_name: str) -> UUID | None:
    """None stays None; a malformed or foreign-typed ID becomes an ID that exists nowhere."""
    return None if value is None else (uuid_of(value, type_name) or _NOTHING)
