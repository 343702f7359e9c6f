"""Competency fields on Employee (api/org/types.py delegates here).

Development data is visible to the person, their managers up the chain, and HR admins;
everyone else reads null. The manager check uses the batched reporting chains, so a page
of employees costs one more statement, not one per row.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any
from uuid import UUID

import strawberry

from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.loading import when_loaded
from domain.competencies import policy
from domain.competencies.models import CompetencyAssessment
from domain.competencies.profile import ProfileEntry, ProfileSubject
from domain.org.models import Employee

_NO_MATCH = UUID(int=0)  # a malformed competency ID filters the history to nothing


async def may_see_development(ctx: RequestContext, employee_id: UUID) -> bool:
    actor = ctx.actor
    if actor.is_hr_admin:
        return True
    # Even for the viewer's own row: every row of a page then asks for its profile in the
    # same tick, so the profiles load in one batch rather than the viewer's plus the rest.
    chain = await ctx.org.reporting_chains.load(employee_id)
    return policy.can_see_development(actor, employee_id, [manager.id for manager in chain or []])


def competency_profile(ctx: RequestContext, employee: Employee) -> list[ProfileEntry] | None | Awaitable[list[ProfileEntry] | None]:
    """Synchronous where it can be: on a team page every row hands back one loader future
    (the chain, then the profile), batched across the page, with no coroutine per row."""
    subject = ProfileSubject(employee.id, employee.job_level_id, policy.can_see_private_goals(ctx.actor, employee.id))
    if ctx.actor.is_hr_admin:
        return ctx.competencies.profiles.load(subject)

    def profile_if_allowed(chain: list | None) -> Any:
        allowed = policy.can_see_development(ctx.actor, employee.id, [manager.id for manager in chain or []])
        return ctx.competencies.profiles.load(subject) if allowed else None

    return when_loaded(profile_if_allowed, ctx.org.reporting_chains.load(employee.id))


async def competency_assessments(
    ctx: RequestContext, employee: Employee, competency_id: strawberry.ID | None
) -> list[CompetencyAssessment] | None:
    if not await may_see_development(ctx, employee.id):
        return None
    wanted = None if competency_id is None else (uuid_of(competency_id, "Competency") or _NO_MATCH)
    return await ctx.competencies.histories.load((employee.id, wanted))
