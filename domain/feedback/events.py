"""What feedback announces in real time, on which PostgreSQL NOTIFY channel.

Payloads carry ids only (tenants/notify.py adds the tenant): `recipient_id` is the one
person the event is for, `object_id` the feedback or request. Subscribers re-read the
object through their own tenant session and visibility rules before showing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from tenants.notify import publish, publish_many

FEEDBACK_RECEIVED = "hr_feedback_received"
FEEDBACK_REQUESTED = "hr_feedback_requested"


async def feedback_received(session: AsyncSession, receiver_id: UUID, feedback_id: UUID) -> None:
    await publish(session, FEEDBACK_RECEIVED, {"recipient_id": receiver_id, "object_id": feedback_id})


async def feedback_requested(session: AsyncSession, asked_ids: Sequence[UUID], request_id: UUID) -> None:
    """One notification per person asked, in one statement."""
    await publish_many(session, FEEDBACK_REQUESTED, [{"recipient_id": e, "object_id": request_id} for e in asked_ids])
