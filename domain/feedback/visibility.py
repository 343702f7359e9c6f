"""Feedback and request visibility as SQL (the rules are in policy.py), so lists filter
before they page and counts never include what the viewer cannot see.

"The receiver's managers up the chain" is "the receiver is in my reporting subtree": one
recursive CTE over (tenant_id, manager_id) per statement; UNION (not UNION ALL) ends the
walk even if bad data ever held a reporting cycle.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import CTE, ColumnElement

from domain.actor import Actor
from domain.feedback.models import Feedback, FeedbackAsk, FeedbackRequest, FeedbackVisibility
from domain.org.models import Employee


def reports_of(actor: Actor) -> CTE:
    tree = select(Employee.id).where(Employee.manager_id == actor.employee_id).cte("my_reports", recursive=True)
    return tree.union(select(Employee.id).where(Employee.manager_id == tree.c.id))


def visible_feedback(actor: Actor, feedback: Any = Feedback) -> ColumnElement[bool]:
    """The feedback (of `feedback`, the table or an alias) the actor may see."""
    me = actor.employee_id
    reports = reports_of(actor)
    return or_(
        feedback.giver_id == me,
        feedback.receiver_id == me,
        feedback.visibility == FeedbackVisibility.PUBLIC.value,
        and_(
            feedback.visibility == FeedbackVisibility.MANAGER_VISIBLE.value,
            feedback.receiver_id.in_(select(reports.c.id)),
        ),
    )


def visible_request(actor: Actor, request: Any = FeedbackRequest) -> ColumnElement[bool]:
    """Requests the actor made or was asked in."""
    # An alias of its own, so statements that join the asks themselves keep their own.
    ask = aliased(FeedbackAsk, name="visible_ask")
    asked_me = exists().where(ask.request_id == request.id, ask.employee_id == actor.employee_id)
    return or_(request.requester_id == actor.employee_id, asked_me)
