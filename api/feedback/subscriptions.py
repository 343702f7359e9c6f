"""Feedback in real time: each subscription delivers to the one person it concerns, in
their tenant, re-read through their own visibility rules (api/realtime/live.py)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.feedback.types import FeedbackRequestType, FeedbackType
from api.org.types import Ctx
from api.realtime.live import deliver
from domain.feedback.events import FEEDBACK_RECEIVED, FEEDBACK_REQUESTED


@strawberry.type
class FeedbackSubscription:
    @strawberry.subscription(description="Feedback given to you (directly or answering a request), as it is given.")
    def feedback_received(self, info: Ctx) -> AsyncGenerator[FeedbackType, None]:
        return deliver(info, FEEDBACK_RECEIVED, lambda ctx, feedback_id: ctx.feedback.get_feedback(feedback_id))

    @strawberry.subscription(description="Feedback requests addressed to you, as they are sent.")
    def feedback_requested(self, info: Ctx) -> AsyncGenerator[FeedbackRequestType, None]:
        return deliver(info, FEEDBACK_REQUESTED, lambda ctx, request_id: ctx.feedback.get_request(request_id))
