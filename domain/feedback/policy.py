"""Who sees feedback and requests, and who may ask. Pure functions; the SQL form is visibility.py.

- PRIVATE feedback: the giver and the receiver.
- MANAGER_VISIBLE: also the receiver's managers anywhere up the chain.
- PUBLIC: everyone in the tenant.
HR admins get no extra sight: continuous feedback is a conversation between people, and
a PRIVATE note must stay between its two people to be candid. HR sees what anyone in
their place in the org sees.

A request is seen by its requester and by the people asked; who was asked, and how each
answered, only by the requester. Anyone may ask about themselves; managers up the chain
may ask about their reports.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from domain.actor import Actor
from domain.feedback.models import FeedbackVisibility


def can_see_feedback(
    actor: Actor, giver_id: UUID, receiver_id: UUID, visibility: str, receiver_managers: Collection[UUID]
) -> bool:
    """`receiver_managers`: everyone above the receiver in the reporting chain."""
    me = actor.employee_id
    if me in (giver_id, receiver_id) or visibility == FeedbackVisibility.PUBLIC:
        return True
    return visibility == FeedbackVisibility.MANAGER_VISIBLE and me in receiver_managers


def can_request_about(actor: Actor, subject_id: UUID, subject_managers: Collection[UUID]) -> bool:
    return actor.employee_id == subject_id or actor.employee_id in subject_managers


def can_see_request(actor: Actor, requester_id: UUID, asked_ids: Collection[UUID]) -> bool:
    return actor.employee_id == requester_id or actor.employee_id in asked_ids


def sees_who_was_asked(actor: Actor, requester_id: UUID) -> bool:
    """Askees do not learn who else was asked, nor whether they answered."""
    return actor.employee_id == requester_id
