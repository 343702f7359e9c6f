"""How every mutation runs: inside a savepoint of the request's transaction.

A domain error rolls the savepoint back and becomes `errors: [UserError!]!`, so a
failed mutation leaves nothing half-written even when an operation holds several.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from api.graphql.context import RequestContext
from api.graphql.errors import UserError, user_errors
from domain.actor import Actor
from domain.errors import DomainError, DomainErrors

T = TypeVar("T")


async def perform(
    ctx: RequestContext, work: Callable[[AsyncSession, Actor], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    try:
        actor = ctx.actor
        session = ctx.db
        async with ctx.lock:
            async with session.begin_nested():
                return await work(session, actor), []
    except (DomainError, DomainErrors) as error:
        return None, user_errors(error)
