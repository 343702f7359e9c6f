"""Development plan mutations: create and change a plan, add, change and remove its actions.

Each runs in a savepoint (`perform`); the plan loaders are reset afterwards, so the payload
shows the plan (and its derived progress) after the change.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import strawberry

from api.development.plan_types import DevelopmentPlanType, PlanActionKindType, PlanActionStatusType, PlanActionType
from api.graphql.errors import UserError
from api.graphql.ids import require_uuid, uuid_of
from api.graphql.mutation import perform
from api.org.types import Ctx
from domain.development import links, plans
from domain.development.plan_models import DevelopmentPlan, PlanAction, PlanActionKind
from domain.development.plans import NewPlan, NewPlanAction
from domain.errors import NotFound

_NOTHING = UUID(int=0)


@strawberry.input
class CreateDevelopmentPlanInput:
    employee_id: strawberry.ID
    period_start: date
    period_end: date
    focus_competency_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Left out: the largest gaps for the employee's job level, or for the next level on the same "
        "track when there are none (see focusExplanation).",
    )


@strawberry.input(description="Fields left out stay as they are.")
class UpdateDevelopmentPlanInput:
    id: strawberry.ID
    period_start: date | None = strawberry.UNSET
    period_end: date | None = strawberry.UNSET
    focus_competency_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The full set; null derives it again from the competency gaps."
    )


@strawberry.type
class DevelopmentPlanPayload:
    development_plan: DevelopmentPlanType | None
    errors: list[UserError]


@strawberry.input
class AddPlanActionInput:
    plan_id: strawberry.ID
    kind: PlanActionKindType
    title: str
    linked_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="What it links to, by kind: a Goal the employee owns, a OneOnOneActionItem they own, a training "
        "enrolment, mentorship or stretch project application; none for OTHER.",
    )
    due_date: date | None = None
    status: PlanActionStatusType | None = strawberry.field(
        default=None, description="Defaults to NOT_STARTED; a linked action follows what it links to (or is DROPPED)."
    )


@strawberry.input(description="Fields left out stay as they are.")
class UpdatePlanActionInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    due_date: date | None = strawberry.UNSET
    status: PlanActionStatusType | None = strawberry.UNSET


@strawberry.input
class PlanActionIdInput:
    id: strawberry.ID


@strawberry.type
class PlanActionPayload:
    plan_action: PlanActionType | None
    development_plan: DevelopmentPlanType | None
    errors: list[UserError]


def _competency_ids(values: list[strawberry.ID]) -> list[UUID]:
    """A malformed ID in the list: the domain reports it as not found, at its index."""
    return [uuid_of(value, "Competency") or _NOTHING for value in values]


def _linked_id(input: AddPlanActionInput):
    """The linked object's ID must be of the type its kind links to; anything else is not found."""
    if input.linked_id is None:
        return None
    if input.kind == PlanActionKind.OTHER:
        return _NOTHING  # the domain refuses any link for OTHER, whatever the ID
    found = links.resolver(PlanActionKind(input.kind))
    raw = uuid_of(input.linked_id, found.type_name) if found else None
    if raw is None:
        raise NotFound(found.type_name if found else "Object", ["linkedId"])
    return raw


async def _plan_payload(info: Ctx, work) -> DevelopmentPlanPayload:
    plan, errors = await perform(info.context, work)
    info.context.plans.reset()
    return DevelopmentPlanPayload(development_plan=plan, errors=errors)


async def _action_payload(info: Ctx, work) -> PlanActionPayload:
    result, errors = await perform(info.context, work)
    info.context.plans.reset()
    view, plan = result if result is not None else (None, None)
    return PlanActionPayload(plan_action=view, development_plan=plan, errors=errors)


def _plan_changes(input: UpdateDevelopmentPlanInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if input.period_start is not strawberry.UNSET and input.period_start is not None:
        changes["period_start"] = input.period_start
    if input.period_end is not strawberry.UNSET and input.period_end is not None:
        changes["period_end"] = input.period_end
    if input.focus_competency_ids is not strawberry.UNSET:
        ids = input.focus_competency_ids
        changes["focus_competency_ids"] = None if ids is None else _competency_ids(ids)
    return changes


@strawberry.type
class DevelopmentPlanMutations:
    @strawberry.mutation(description="A plan for yourself or a report (any depth); one per employee per overlapping period.")
    async def create_development_plan(self, info: Ctx, input: CreateDevelopmentPlanInput) -> DevelopmentPlanPayload:
        async def work(session, actor):
            data = NewPlan(
                employee_id=require_uuid(input.employee_id, "Employee", "employeeId"),
                period_start=input.period_start,
                period_end=input.period_end,
                focus_competency_ids=None if input.focus_competency_ids is None else _competency_ids(input.focus_competency_ids),
            )
            return await plans.create_plan(session, actor, data)

        return await _plan_payload(info, work)

    @strawberry.mutation(description="Moves the period or resets the focus competencies.")
    async def update_development_plan(self, info: Ctx, input: UpdateDevelopmentPlanInput) -> DevelopmentPlanPayload:
        async def work(session, actor):
            plan_id = require_uuid(input.id, "DevelopmentPlan", "id")
            return await plans.update_plan(session, actor, plan_id, _plan_changes(input))

        return await _plan_payload(info, work)

    @strawberry.mutation(description="Adds an action: linked to a goal, training, mentorship, stretch project or 1:1 action item, or OTHER.")
    async def add_plan_action(self, info: Ctx, input: AddPlanActionInput) -> PlanActionPayload:
        async def work(session, actor):
            data = NewPlanAction(
                plan_id=require_uuid(input.plan_id, "DevelopmentPlan", "planId"),
                kind=PlanActionKind(input.kind),
                title=input.title,
                linked_id=_linked_id(input),
                due_on=input.due_date,
                status=input.status,
            )
            action = await plans.add_action(session, actor, data)
            return await plans.action_view(session, action), await _plan(session, action)

        return await _action_payload(info, work)

    @strawberry.mutation(description="Renames, re-dates or sets the status of an action.")
    async def update_plan_action(self, info: Ctx, input: UpdatePlanActionInput) -> PlanActionPayload:
        async def work(session, actor):
            changes: dict[str, Any] = {}
            if input.title is not strawberry.UNSET:
                changes["title"] = input.title
            if input.due_date is not strawberry.UNSET:
                changes["due_on"] = input.due_date
            if input.status is not strawberry.UNSET:
                changes["status"] = input.status
            action = await plans.update_action(session, actor, require_uuid(input.id, "PlanAction", "id"), changes)
            return await plans.action_view(session, action), await _plan(session, action)

        return await _action_payload(info, work)

    @strawberry.mutation(description="Removes an action from its plan.")
    async def remove_plan_action(self, info: Ctx, input: PlanActionIdInput) -> DevelopmentPlanPayload:
        async def work(session, actor):
            return await plans.remove_action(session, actor, require_uuid(input.id, "PlanAction", "id"))

        return await _plan_payload(info, work)


async def _plan(session, action: PlanAction) -> DevelopmentPlan:
    return await session.get(DevelopmentPlan, (action.tenant_id, action.plan_id))
