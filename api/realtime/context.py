"""What a subscription resolver sees as `info.context`, and the per-event request context.

One `ConnectionContext` per WebSocket connection holds what `connection_init` proved (the
verified token and the principal) and the process's notification bus. Each delivered
event then runs like a small request: `event_context()` opens a tenant-scoped
transaction, binds the principal again from the token (a terminated employee or a
suspended tenant stops receiving), and builds a `RequestContext`, so the event's fields
resolve with the same loaders, visibility rules and row-level security as over HTTP.

The event's RequestContext lives in a ContextVar: every subscription runs in its own
task, so concurrent subscriptions on one connection never see each other's session.
Attribute reads the ConnectionContext does not answer itself (`actor`, `org`, `run`,
`feedback`, ...) go to the current event's context.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from api.auth.principal import Authenticated, AuthenticationFailed, Principal, TenantSuspended, bind_principal
from api.graphql.context import RequestContext
from tenants import registry
from tenants.notify import NotificationBus
from tenants.session import tenant_session

if TYPE_CHECKING:
    from api.services import Services

_event: ContextVar[RequestContext | None] = ContextVar("realtime_event", default=None)
# Set by the protocol handler around each `subscribe`; resolved once the subscription listens.
_listening: ContextVar[asyncio.Future[None] | None] = ContextVar("realtime_listening", default=None)


@contextmanager
def listening_signal() -> Iterator[asyncio.Future[None]]:
    """For the handler, around starting one operation: tasks created inside copy the signal,
    and the subscription resolves it once it listens."""
    signal: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    token = _listening.set(signal)
    try:
        yield signal
    finally:
        _listening.reset(token)


def now_listening() -> None:
    """For subscription resolvers: everything committed from now on reaches this subscriber."""
    signal = _listening.get()
    if signal is not None and not signal.done():
        signal.set_result(None)


class ConnectionRevoked(Exception):
    """The token's employee is gone or the tenant was suspended: the connection must end."""


@dataclass(eq=False)
class ConnectionContext:
    services: Services
    bus: NotificationBus
    connection_params: dict | None = None  # the connection_init payload (strawberry sets it)
    auth: Authenticated | None = None  # set once connection_init succeeded
    connected_principal: Principal | None = None
    close: Callable[[int, str], Awaitable[None]] | None = field(default=None, repr=False)

    def __getattr__(self, name: str) -> Any:
        # Only reached for names the dataclass does not hold: the current event's context.
        if name.startswith("__"):
            raise AttributeError(name)
        event = _event.get()
        if event is None:
            raise AttributeError(f"{name!r} is only available while an event is delivered")
        return getattr(event, name)

    @asynccontextmanager
    async def event_context(self) -> AsyncIterator[RequestContext]:
        """A tenant transaction and a fresh RequestContext for one delivered event.

        Raises ConnectionRevoked when the token no longer names an active employee of an
        active tenant; the caller ends the connection.
        """
        assert self.auth is not None and self.auth.tenant is not None, "connection_init did not succeed"
        services = self.services
        async with tenant_session(services.app_engine, self.auth.tenant.id) as session:
            try:
                principal = await bind_principal(session, self.auth)
                tenant = await registry.by_id(session, self.auth.tenant.id)
                if tenant is None or not tenant.is_active:
                    raise TenantSuspended(self.auth.tenant.slug)
            except (AuthenticationFailed, TenantSuspended) as error:
                raise ConnectionRevoked(type(error).__name__) from None
            if principal.actor is None:
                raise ConnectionRevoked("no employee")
            ctx = RequestContext(
                request_id=uuid4().hex, services=services, principal=principal, session=session, today=services.today()
            )
            _event.set(ctx)
            try:
                yield ctx
            finally:
                _event.set(None)
