"""What recognition announces in real time, on which PostgreSQL NOTIFY channel.

Payloads carry ids only (tenants/notify.py adds the tenant). A new recognition sends one
notification per recipient (`recipient_id`) and, when PUBLIC, one for the tenant's feed
(`recipient_id` null). Subscribers re-read the recognition through their own tenant
session and visibility rules before showing it: a notification is only a hint.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from domain.recognition.models import Recognition, RecognitionVisibility
from tenants.notify import Notification, publish_many

RECOGNITION_POSTED = "hr_recognition_posted"


async def recognition_posted(session: AsyncSession, recognition: Recognition, recipient_ids: Sequence[UUID]) -> None:
    """Delivered when the writing transaction commits; nothing if the mutation is rolled back."""
    base = {"object_id": recognition.id, "visibility": recognition.visibility}
    payloads = [{**base, "recipient_id": recipient} for recipient in recipient_ids]
    if recognition.visibility == RecognitionVisibility.PUBLIC:
        payloads.append({**base, "recipient_id": None})
    await publish_many(session, RECOGNITION_POSTED, payloads)


def is_for(notification: Notification, tenant_id: UUID, employee_id: UUID, only_mine: bool) -> bool:
    """Does a subscriber want this notification? The feed: PUBLIC ones (once, through the
    feed notification) and PRIVATE ones naming them; only theirs: any naming them."""
    if notification.tenant_id != tenant_id:
        return False
    recipient = notification.uuid("recipient_id")
    if only_mine:
        return recipient == employee_id
    if recipient is None:
        return True
    return recipient == employee_id and notification["visibility"] == RecognitionVisibility.PRIVATE.value
