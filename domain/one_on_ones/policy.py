"""Who sees what of a 1:1. Pure functions over the actor and the series.

- The two participants see the series and everything in it, except each other's private
  notes: a private note is its author's alone (not the other participant, not HR).
- HR admins see that a series exists, between whom, its cadence and health; never its
  meetings, agenda, notes or action items.
- Everyone else, managers up the chain included, does not see the series at all (not found).
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.actor import Actor
from domain.errors import Forbidden, NotFound
from domain.one_on_ones.models import OneOnOne


def is_participant(actor: Actor, series: OneOnOne) -> bool:
    return actor.employee_id in series.participants


def can_see(actor: Actor, series: OneOnOne) -> bool:
    return is_participant(actor, series) or actor.is_hr_admin


def require_participant(actor: Actor, series: OneOnOne | None, what: str, field: Sequence[str]) -> OneOnOne:
    """NOT_FOUND for anyone who may not know the series exists; FORBIDDEN for HR, who may."""
    if series is None or not can_see(actor, series):
        raise NotFound(what, field)
    if not is_participant(actor, series):
        raise Forbidden("Only the two participants change a 1:1 or read what is in it", field)
    return series


def require_content_access(actor: Actor, series: OneOnOne | None, what: str, field: Sequence[str]) -> OneOnOne:
    """Meetings, agenda items, notes and action items: only the participants know they exist."""
    if series is None or not is_participant(actor, series):
        raise NotFound(what, field)
    return series
