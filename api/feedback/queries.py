"""Feedback reads: Feedback and FeedbackRequest as Nodes, and the Employee and Viewer fields
(api/org/types.py delegates here)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from api.feedback.types import FeedbackInboxType
from api.graphql.context import RequestContext
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from domain.org.models import Employee


async def _feedback_node(ctx: RequestContext, raw: UUID):
    return await ctx.feedback.get_feedback(raw)


async def _request_node(ctx: RequestContext, raw: UUID):
    return await ctx.feedback.get_request(raw)


register_node("Feedback", _feedback_node)
register_node("FeedbackRequest", _request_node)


async def feedback_received(ctx: RequestContext, employee: Employee, first: int | None, after: str | None) -> Connection:
    page = page_request(first, after, (datetime, UUID), False)
    return connection(await ctx.feedback.received.load((employee.id, page.first, page.after)), after)


async def feedback_given(ctx: RequestContext, employee: Employee, first: int | None, after: str | None) -> Connection:
    page = page_request(first, after, (datetime, UUID), False)
    return connection(await ctx.feedback.given.load((employee.id, page.first, page.after)), after)


def feedback_inbox(ctx: RequestContext) -> FeedbackInboxType | None:
    return FeedbackInboxType() if ctx.principal.actor is not None else None
