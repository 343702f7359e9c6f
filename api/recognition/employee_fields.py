"""Recognition fields on Employee (api/org/types.py delegates here): what the employee
received and gave, filtered to what the viewer may see, newest first; and the
recognition count on a competency profile entry (api/competencies/types.py)."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from uuid import UUID

from api.graphql.context import RequestContext
from api.graphql.pagination import Connection, connection, page_request
from api.recognition.loaders import then
from api.recognition.types import RecognitionEvidenceType
from domain.competencies.models import Competency
from domain.org.models import Employee
from domain.recognition.rules import evidence_since, explain_evidence


async def recognitions_received(ctx: RequestContext, employee: Employee, first: int | None, after: str | None) -> Connection:
    page = page_request(first, after, (datetime, UUID), False)
    return connection(await ctx.recognition.received.load((employee.id, page.first, page.after)), after)


async def recognitions_given(ctx: RequestContext, employee: Employee, first: int | None, after: str | None) -> Connection:
    page = page_request(first, after, (datetime, UUID), False)
    return connection(await ctx.recognition.given.load((employee.id, page.first, page.after)), after)


def recognition_evidence(ctx: RequestContext, employee_id: UUID, competency: Competency) -> Awaitable[RecognitionEvidenceType]:
    """The competency profile's recognition count; every entry of every profile asked in
    one request is counted in one statement."""
    since = evidence_since(ctx.today)

    def evidence(count: int | None) -> RecognitionEvidenceType:
        count = count or 0
        return RecognitionEvidenceType(count=count, since=since, explanation=explain_evidence(count, competency.name, since))

    return then(ctx.recognition.evidence.load((employee_id, competency.id)), evidence)
