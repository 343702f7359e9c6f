"""Recognition visibility as SQL (the rules are in policy.py).

"A recipient's manager up the chain" is "a recipient is in my reporting subtree": one
recursive CTE over (tenant_id, manager_id) per statement; UNION (not UNION ALL) ends the
walk even if bad data ever held a reporting cycle.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import CTE, ColumnElement

from domain.actor import Actor
from domain.org.models import Employee
from domain.recognition.models import Recognition, RecognitionRecipient, RecognitionVisibility


def reports_of(actor: Actor) -> CTE:
    tree = select(Employee.id).where(Employee.manager_id == actor.employee_id).cte("my_reports", recursive=True)
    return tree.union(select(Employee.id).where(Employee.manager_id == tree.c.id))


def visible(actor: Actor, recognition: Any = Recognition) -> ColumnElement[bool]:
    """The recognitions (of `recognition`, the table or an alias) the actor may see."""
    reports = reports_of(actor)
    me = actor.employee_id
    # An alias of its own: statements that join the recipients table themselves (an
    # employee's received list) must not have it correlated into this check.
    recipient = aliased(RecognitionRecipient, name="visible_recipient")
    concerns_me = exists().where(
        recipient.recognition_id == recognition.id,
        or_(recipient.employee_id == me, recipient.employee_id.in_(select(reports.c.id))),
    )
    return or_(recognition.visibility == RecognitionVisibility.PUBLIC.value, recognition.giver_id == me, concerns_me)
