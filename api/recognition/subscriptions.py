"""Recognition in real time, on the same WebSocket and LISTEN/NOTIFY mechanism as feedback
(api/realtime/live.py): each notification is re-read as the subscriber, through their own
tenant session and visibility rules, before anything is sent."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from uuid import UUID

import strawberry

from api.graphql.context import RequestContext
from api.org.types import Ctx
from api.realtime.live import deliver
from api.recognition.types import RecognitionType
from domain.actor import Actor
from domain.recognition.events import RECOGNITION_POSTED, is_for
from domain.recognition.models import Recognition
from tenants.notify import Notification


async def _visible(ctx: RequestContext, recognition_id: UUID) -> Recognition | None:
    return await ctx.recognition.get(recognition_id)


@strawberry.type
class RecognitionSubscription:
    @strawberry.subscription(
        description="New recognition as it is posted: the tenant's PUBLIC feed plus PRIVATE recognition naming you; "
        "with `onlyToMe`, every recognition naming you (PUBLIC or PRIVATE)."
    )
    def recognition_posted(self, info: Ctx, only_to_me: bool = False) -> AsyncGenerator[RecognitionType, None]:
        def audience(notification: Notification, actor: Actor) -> bool:
            return is_for(notification, actor.tenant_id, actor.employee_id, only_to_me)

        return deliver(info, RECOGNITION_POSTED, _visible, audience)
