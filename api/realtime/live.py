"""The reusable half of a subscription: from NOTIFY hints to objects the subscriber may see.

    @strawberry.subscription
    def feedback_received(self, info: Ctx) -> AsyncGenerator[FeedbackType, None]:
        return deliver(info, FEEDBACK_RECEIVED, lambda ctx, id: ctx.feedback.get_feedback(id))

`deliver(info, channel, load, audience=addressed_to_me)`:
- subscribes to `channel` on the process's NotificationBus, accepting only notifications
  of the subscriber's own tenant (always) that `audience(notification, actor)` accepts
  (by default: `recipient_id` is the subscriber);
- for each, opens a tenant-scoped transaction as the subscriber (ConnectionContext.
  event_context) and calls `load(ctx, object_id)`, which must read through the
  subscriber's visibility rules (a loader's visible look-up); None means "not for you"
  and nothing is sent;
- yields what `load` returned while that transaction is still open, so the selected
  fields resolve with the event's loaders; the transaction ends before the next wait.
If the token's employee is gone or the tenant was suspended, the connection is closed
(4403). Publishing is `tenants.notify.publish(session, channel, {"recipient_id": ...,
"object_id": ...})` inside the writing transaction.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

import structlog

from api.graphql.context import RequestContext
from api.realtime.context import ConnectionContext, ConnectionRevoked, now_listening
from domain.actor import Actor
from tenants.notify import Notification

log = structlog.get_logger(__name__)

T = TypeVar("T")
Audience = Callable[[Notification, Actor], bool]
Load = Callable[[RequestContext, UUID], Awaitable[T | None]]


def addressed_to_me(notification: Notification, actor: Actor) -> bool:
    return notification.uuid("recipient_id") == actor.employee_id


def everyone(notification: Notification, actor: Actor) -> bool:
    """Anyone in the tenant may be interested; `load` decides what each one may see."""
    return True


async def deliver(info: Any, channel: str, load: Load[T], audience: Audience = addressed_to_me) -> AsyncGenerator[T, None]:
    connection: ConnectionContext = info.context
    principal = connection.connected_principal
    assert principal is not None and principal.actor is not None, "subscriptions run after connection_init"
    actor = principal.actor

    def wanted(notification: Notification) -> bool:
        return notification.tenant_id == actor.tenant_id and audience(notification, actor)

    async with connection.bus.subscription(channel, wanted) as notifications:
        now_listening()
        async for notification in notifications:
            object_id = notification.uuid("object_id")
            if object_id is None:
                continue
            try:
                async with connection.event_context() as ctx:
                    found = await load(ctx, object_id)
                    if found is not None:
                        yield found
            except ConnectionRevoked as revoked:
                log.info("subscription_revoked", reason=str(revoked), channel=channel)
                if connection.close is not None:
                    await connection.close(4403, "Forbidden")
                return
