"""GraphQL subscriptions over WebSocket (`graphql-transport-ws`) at /graphql.

strawberry's protocol handler does the framing; this module adds what the HTTP endpoint
does for every request:
- authentication at `connection_init` with the same bearer-token rules (the payload's
  `Authorization: Bearer <JWT>`, or `authorization`, or a bare `token`): the token is
  verified, the tenant must be active, the employee is bound inside a tenant
  transaction. Nothing else is accepted before: `subscribe` first closes with 4401,
  a refused token with 4403, no `connection_init` within the timeout with 4408;
- the token's `exp` ends the connection (4403 "Token expired"): the client reconnects
  with a fresh token;
- limits: at most `HR_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION` subscriptions per connection
  (more get an `error` message with code SUBSCRIPTION_LIMIT) and at most
  `HR_WS_MAX_CONNECTIONS_PER_PRINCIPAL` connections per person in one process (more are
  closed with 4429); the same static document limits as HTTP; only subscriptions (queries
  and mutations go over HTTP, where they get a transaction, idempotency and rate limits);
- errors carry `extensions.code`; unexpected ones are masked and logged.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import suppress
from datetime import timedelta
from typing import Any
from uuid import uuid4

import structlog
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.utils.aio import aclosing

from api.auth.principal import AuthenticationFailed, TenantSuspended, bind_principal
from api.graphql.limits import Limits, QueryRejected, check
from api.ratelimit import RateLimited
from api.realtime.context import ConnectionContext, listening_signal
from api.schema import schema
from api.settings import Settings
from domain.errors import DomainError
from tenants.database import infrastructure_failure
from tenants.notify import NotificationBus
from tenants.session import tenant_session

log = structlog.get_logger(__name__)

TOKEN_EXPIRED = (4403, "Token expired")
LISTEN_WAIT_SECONDS = 5.0


def notification_bus(app: Starlette) -> NotificationBus:
    """The process's bus, created on first use inside the server's event loop."""
    bus = getattr(app.state, "notification_bus", None)
    if bus is None:
        url = app.state.services.app_engine.url.set(drivername="postgresql")
        bus = app.state.notification_bus = NotificationBus(url.render_as_string(hide_password=False))
    return bus


async def close_notification_bus(app: Starlette) -> None:
    bus = getattr(app.state, "notification_bus", None)
    if bus is not None:
        await bus.aclose()


def _authorization(payload: dict) -> str | None:
    for key in ("Authorization", "authorization"):
        if isinstance(payload.get(key), str):
            return payload[key]
    token = payload.get("token")
    return f"Bearer {token}" if isinstance(token, str) else None


# --- errors: the same codes as HTTP, nothing unexpected leaks ----------------------------------


def _public(error: GraphQLError, stream_id: str) -> GraphQLError:
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, CannotGetOperationTypeError)):
        # The document's own problem, safe to show; kept as is, so the protocol handler still
        # closes with 4400 where graphql-transport-ws asks for it.
        error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
        return error
    where = {"nodes": error.nodes, "source": error.source, "positions": error.positions, "path": error.path}
    if isinstance(original, DomainError):
        extensions = {"code": original.code.value, **({"field": original.field} if original.field else {})}
        return GraphQLError(original.message, **where, extensions=extensions)
    if infrastructure_failure(original) is not None:
        return GraphQLError("Service unavailable", **where, extensions={"code": "SERVICE_UNAVAILABLE"})
    log.error("unexpected_subscription_error", stream_id=stream_id, path=error.path, exc_info=original)
    return GraphQLError("Internal server error", **where, extensions={"code": "INTERNAL_SERVER_ERROR"})


class _MaskedSchema:
    """The schema, with every streamed result's errors made public-safe."""

    def __init__(self, schema: Any) -> None:
        self._schema = schema

    def __getattr__(self, name: str) -> Any:
        return getattr(self._schema, name)

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        source = await self._schema.stream(*args, **kwargs)
        return self._masked(source, uuid4().hex)

    @staticmethod
    async def _masked(source: Any, stream_id: str) -> Any:
        async with aclosing(source):
            async for result in source:
                if getattr(result, "errors", None):
                    result.errors = [_public(error, stream_id) for error in result.errors]
                yield result


# --- the protocol handler --------------------------------------------------------------------


class Handler(BaseGraphQLTransportWSHandler):
    view: RealtimeView
    context: ConnectionContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._expiry: asyncio.Task | None = None
        self._slot: str | None = None  # the principal key holding one of its connection slots
        self._closing = False
        self.context.close = self.close

    async def close(self, code: int, reason: str) -> None:
        if self._closing:
            return
        self._closing = True
        with suppress(Exception):  # the peer may be gone already
            await self.websocket.close(code=code, reason=reason)

    async def handle_connection_init(self, message: Any) -> None:
        if self.connection_timed_out:
            return
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
        if self.connection_init_received:
            await self.close(4429, "Too many initialisation requests")
            return
        self.connection_init_received = True
        payload = message.get("payload") or {}
        if not isinstance(payload, dict):
            await self.close(4400, "Invalid connection init payload")
            return
        self.context.connection_params = payload
        refused = await self.view.admit(self, payload)
        if refused is not None:
            await self.close(*refused)
            return
        await self.send_message({"type": "connection_ack"})
        self.connection_acknowledged = True

    def hold(self, slot: str, expires_in: float) -> None:
        """After a successful init: keep a connection slot, end the connection at token expiry."""
        self._slot = slot
        self._expiry = asyncio.create_task(self._expire(max(expires_in, 0)))

    async def _expire(self, delay: float) -> None:
        await asyncio.sleep(delay)
        log.info("subscription_token_expired")
        await self.close(*TOKEN_EXPIRED)

    async def handle_subscribe(self, message: Any) -> None:
        if not self.connection_acknowledged or message["id"] in self.operations:
            await super().handle_subscribe(message)  # closes with 4401 / 4409 as the protocol says
            return
        if not isinstance(message["payload"], dict):
            await self.close(4400, "Invalid subscribe payload")
            return
        refusal = self.view.refusal(message["payload"], len(self.operations), self.context.services.limits)
        if refusal is not None:
            code, text = refusal
            error = {"message": text, "extensions": {"code": code}}
            await self.send_message({"id": message["id"], "type": "error", "payload": [error]})
            return
        await self._subscribe_and_listen(message)

    async def _subscribe_and_listen(self, message: Any) -> None:
        """Start the operation and wait (briefly) until it listens, before reading the next
        message: a client that gets the `pong` to a `ping` sent after `subscribe` knows that
        everything committed from then on reaches it."""
        with listening_signal() as signal:
            await super().handle_subscribe(message)  # creates the operation's task, which copies the signal
        operation = self.operations.get(message["id"])
        if operation is not None and operation.task is not None:
            await asyncio.wait({signal, operation.task}, timeout=LISTEN_WAIT_SECONDS, return_when=asyncio.FIRST_COMPLETED)

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        if self._slot is not None:
            self.view.release(self._slot)
            self._slot = None
        await super().shutdown()


class RealtimeView(GraphQL):
    """strawberry's ASGI GraphQL app, serving only WebSockets (HTTP stays with api/graphql/http.py)."""

    graphql_transport_ws_handler_class = Handler

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            _MaskedSchema(schema),
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
            max_subscriptions_per_connection=None,  # counted in Handler, with a coded error
            allowed_origins=settings.cors_origins,  # cross-site pages need the same allowlist as CORS
        )
        self.graphql_schema = schema
        self.max_subscriptions = settings.ws_max_subscriptions
        self.max_connections = settings.ws_max_connections
        self.connections: Counter[str] = Counter()  # per principal, in this process

    async def get_context(self, request: WebSocket, response: WebSocket) -> ConnectionContext:
        return ConnectionContext(services=request.app.state.services, bus=notification_bus(request.app))

    async def admit(self, handler: Handler, payload: dict) -> tuple[int, str] | None:
        """Authenticate as the HTTP endpoint does; a (close code, reason) when refused."""
        connection = handler.context
        services = connection.services
        try:
            auth = await services.authenticator.authenticate(_authorization(payload))
            if auth.tenant is None:
                return 4403, "Forbidden: subscriptions need an employee of a tenant"
            key = f"{auth.token.issuer}|{auth.token.subject}"
            await services.rate_limiter.admit(key, str(auth.tenant.id), 1)
            async with tenant_session(services.app_engine, auth.tenant.id) as session:
                principal = await bind_principal(session, auth)
        except AuthenticationFailed:
            return 4403, "Forbidden: invalid token"
        except TenantSuspended:
            return 4403, "Forbidden: this tenant is suspended"
        except RateLimited:
            return 4429, "Too many requests; retry later"
        except Exception as error:  # noqa: BLE001 - never a stack trace to the client
            if infrastructure_failure(error) is None:
                log.error("subscription_init_failed", exc_info=error)
            return 1011, "Service unavailable; retry later"
        if principal.actor is None:
            return 4403, "Forbidden: subscriptions need an employee of a tenant"
        if self.connections[key] >= self.max_connections:
            return 4429, f"Too many connections: at most {self.max_connections} per person"
        self.connections[key] += 1
        connection.auth, connection.connected_principal = auth, principal
        expires_in = float(auth.token.claims["exp"]) - services.authenticator.validator.clock()
        handler.hold(key, expires_in)
        return None

    def release(self, key: str) -> None:
        self.connections[key] -= 1
        if self.connections[key] <= 0:
            del self.connections[key]

    def refusal(self, payload: dict, running: int, limits: Limits) -> tuple[str, str] | None:
        """Why a `subscribe` is refused (an error code and message), or None."""
        if running >= self.max_subscriptions:
            return "SUBSCRIPTION_LIMIT", f"At most {self.max_subscriptions} subscriptions per connection; complete one first"
        query, variables, name = payload.get("query"), payload.get("variables"), payload.get("operationName")
        if not isinstance(query, str):
            return "BAD_REQUEST", "query must be a string"
        if variables is not None and not isinstance(variables, dict):
            return "BAD_REQUEST", "variables must be a JSON object"
        try:
            shape = check(self.graphql_schema._schema, query, name if isinstance(name, str) else None, variables, limits)
        except QueryRejected as rejected:
            return rejected.code, rejected.message
        if shape.operation not in (None, "subscription"):
            return "BAD_REQUEST", "Only subscriptions are served over WebSocket; send queries and mutations with POST"
        return None
