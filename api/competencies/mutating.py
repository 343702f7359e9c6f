"""How the competencies context's mutations run: `perform` (a savepoint, domain errors
as UserErrors), then the request's competency loaders are reset so the payload reads
the state after the change, not what an earlier field of the request cached."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from api.competencies.types import Ctx
from api.graphql.errors import UserError
from api.graphql.mutation import perform

T = TypeVar("T")


async def perform_fresh(info: Ctx, work: Callable[[Any, Any], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    result, errors = await perform(info.context, work)
    info.context.competencies.reset()
    return result, errors
