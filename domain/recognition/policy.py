"""Who sees a recognition and who may remove a comment. Pure functions; the SQL form
of `can_see` is visibility.py (lists filter before they page).

- PUBLIC: the whole tenant (the feed).
- PRIVATE: the giver, the recipients, and the recipients' managers up the chain. Managers
  see it because a tagged recognition is evidence in their report's competency profile,
  which they already read. HR admins do not: a private thank-you is not a record HR
  needs, and their moderation power (deleting comments) covers what they can see.
A recognition someone cannot see reads as missing (NOT_FOUND), never FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from domain.actor import Actor
from domain.recognition.models import RecognitionVisibility


def can_see(
    actor: Actor, visibility: str, giver_id: UUID, recipient_ids: Collection[UUID], recipients_managers: Collection[UUID]
) -> bool:
    """`recipients_managers`: everyone above any recipient, at any depth."""
    if visibility == RecognitionVisibility.PUBLIC:
        return True
    me = actor.employee_id
    return me == giver_id or me in recipient_ids or me in recipients_managers


def can_delete_comment(actor: Actor, author_id: UUID) -> bool:
    """The author, or an HR admin moderating (only on recognition they can see)."""
    return actor.employee_id == author_id or actor.is_hr_admin
