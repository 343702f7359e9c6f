"""Goal visibility as SQL, so list queries filter before paging (see policy.py for the rules).

"The owner's managers up the chain" is "the owner is in my reporting subtree": one
recursive CTE over (tenant_id, manager_id) per statement. UNION (not UNION ALL) makes
the walk end even if bad data ever held a reporting cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import CTE, ColumnElement

from domain.actor import Actor
from domain.goals.models import Goal, Visibility
from domain.org.models import Employee
from domain.persistence import among


def reports_of(actor: Actor) -> CTE:
    """Everyone below the actor, at any depth."""
    tree = select(Employee.id).where(Employee.manager_id == actor.employee_id).cte("my_reports", recursive=True)
    return tree.union(select(Employee.id).where(Employee.manager_id == tree.c.id))


def reports_among(actor: Actor, employee_ids: Sequence[UUID]) -> CTE:
    """Those of `employee_ids` who are below the actor, found by walking up from them.

    For goals of known owners (a team page's 50 people): a few steps up per owner, where
    reports_of walks down the actor's whole subtree, which is far larger for a senior actor. The walk
    stops at the actor, and UNION ends it even on a reporting cycle.
    """
    chain = (
        select(Employee.id.label("origin"), Employee.manager_id.label("manager_id"))
        .where(among(Employee.id, employee_ids))
        .cte("owner_chains", recursive=True)
    )
    above = aliased(Employee)
    chain = chain.union(
        select(chain.c.origin, above.manager_id).where(
            above.id == chain.c.manager_id, chain.c.manager_id != actor.employee_id
        )
    )
    return select(chain.c.origin.label("id")).where(chain.c.manager_id == actor.employee_id).cte("my_reports")


def visible(actor: Actor, goal: Any = Goal, reports: CTE | None = None) -> ColumnElement[bool]:
    """The goals (of `goal`, the table or an alias) the actor may see.

    Pass the same `reports` to every clause of one statement, so the CTE is written once.
    """
    if actor.is_hr_admin:
        return true()
    reports = reports if reports is not None else reports_of(actor)
    return or_(
        goal.visibility == Visibility.PUBLIC.value,
        goal.owner_id == actor.employee_id,
        and_(goal.visibility == Visibility.MANAGER_CHAIN.value, goal.owner_id.in_(select(reports.c.id))),
    )
