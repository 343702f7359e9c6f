"""1:1 fields on Employee and Viewer (api/org/types.py delegates here).

`lastOneOnOneAt` and `oneOnOneHealth` are about the employee's 1:1s with their current
manager: visible to the employee, their managers up the chain and HR admins (the same
people who see their development data), null for anyone else. A page of reports costs two
statements for both fields, whatever its size: the batched reporting chains (who may see)
and the batched series-with-manager facts.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from api.competencies.employee_fields import may_see_development
from api.graphql.context import RequestContext
from api.graphql.pagination import Connection, connection, page_request
from api.one_on_ones.types import OneOnOneHealthType, health_type
from domain.one_on_ones import queries, rules
from domain.one_on_ones.models import OneOnOne, SeriesStatus
from domain.org.models import Employee

NO_MANAGER = "Has no manager, so no 1:1 with a manager is expected."
NO_SERIES = "No active 1:1 series with their manager."


async def _facts(ctx: RequestContext, employee: Employee) -> rules.SeriesFacts | None:
    return await ctx.one_on_ones.with_managers.load((employee.id, employee.manager_id))


async def last_one_on_one_at(ctx: RequestContext, employee: Employee) -> date | None:
    if employee.manager_id is None or not await may_see_development(ctx, employee.id):
        return None
    facts = await _facts(ctx, employee)
    return facts.last_held if facts else None


async def one_on_one_health(ctx: RequestContext, employee: Employee) -> OneOnOneHealthType | None:
    if not await may_see_development(ctx, employee.id):
        return None
    if employee.manager_id is None:
        return health_type(rules.health(None, ctx.today, NO_MANAGER))
    return health_type(rules.health(await _facts(ctx, employee), ctx.today, NO_SERIES))


async def one_on_ones_of(ctx: RequestContext, employee: Employee) -> list[OneOnOne] | None:
    """The employee's own series: for them, and (without contents) for HR admins."""
    actor = ctx.actor
    if actor.employee_id != employee.id and not actor.is_hr_admin:
        return None
    return await ctx.one_on_ones.of_participants.load(employee.id)


async def viewer_one_on_ones(
    ctx: RequestContext, first: int | None, after: str | None, status: SeriesStatus | None, with_total: bool
) -> Connection:
    page = page_request(first, after, (date, UUID), with_total)
    found = await ctx.run(queries.series_of_participant, ctx.actor.employee_id, status, page)
    ctx.one_on_ones.prime(found.items)
    return connection(found, after)
