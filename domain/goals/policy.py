"""Who sees and who changes a goal. Pure functions; the SQL form lives in visibility.py.

- PUBLIC goals: the whole tenant sees them.
- MANAGER_CHAIN goals: the owner, the owner's managers up the chain, HR admins.
- PRIVATE goals: the owner and HR admins.
Only the owner, the owner's managers and HR admins change a goal. A goal someone cannot
see reads as missing (never FORBIDDEN), so its existence is not leaked.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from uuid import UUID

from domain.actor import Actor
from domain.errors import Forbidden
from domain.goals.models import Goal, Visibility


def can_see(actor: Actor, goal: Goal, owner_chain: Collection[UUID]) -> bool:
    """`owner_chain`: the owner and everyone above them."""
    if actor.is_hr_admin or goal.visibility == Visibility.PUBLIC or goal.owner_id == actor.employee_id:
        return True
    return goal.visibility == Visibility.MANAGER_CHAIN and actor.employee_id in owner_chain


def can_change(actor: Actor, owner_chain: Collection[UUID]) -> bool:
    return actor.is_hr_admin or actor.employee_id in owner_chain


def require_change(
    actor: Actor, owner_chain: Collection[UUID], what: str = "this goal", field: Sequence[str] | None = None
) -> None:
    if not can_change(actor, owner_chain):
        raise Forbidden(f"Only the owner, the owner's managers and HR admins may change {what}", field)
