"""Goal mutations: create, change, the state machine, and the competencies a goal develops."""

from __future__ import annotations

from datetime import date

import strawberry

from api.goals.inputs import GoalPayload, KeyResultInput, MetricInput, decimal, goal_payload, id_or_nothing, spec_of
from api.goals.types import GoalKindType, GoalScopeType, GoalStatusType, GoalVisibilityType
from api.graphql.ids import optional_uuid, require_uuid
from api.org.types import Ctx
from domain.goals import competency_links, goals
from domain.goals.goals import NewGoal
from domain.goals.models import GoalKind, GoalScope, GoalStatus, Visibility


@strawberry.input
class CreateGoalInput:
    title: str
    due_date: date
    description: str | None = None
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Defaults to you.")
    kind: GoalKindType = GoalKind.PERFORMANCE
    scope: GoalScopeType = GoalScope.INDIVIDUAL
    department_id: strawberry.ID | None = strawberry.field(default=None, description="Required for DEPARTMENT goals.")
    status: GoalStatusType = strawberry.field(default=GoalStatus.DRAFT, description="DRAFT or ACTIVE.")
    visibility: GoalVisibilityType = Visibility.MANAGER_CHAIN
    start_date: date | None = strawberry.field(default=None, description="Defaults to today.")
    parent_id: strawberry.ID | None = None
    weight: float | None = None
    metric: MetricInput | None = None
    key_results: list[KeyResultInput] | None = strawberry.field(
        default=None, description="Instead of a metric; weights sum to 100 once the goal is active."
    )


@strawberry.input(description="Fields left out stay as they are.")
class UpdateGoalInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    kind: GoalKindType | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET
    scope: GoalScopeType | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET
    visibility: GoalVisibilityType | None = strawberry.UNSET
    start_date: date | None = strawberry.UNSET
    due_date: date | None = strawberry.UNSET
    weight: float | None = strawberry.UNSET
    metric: MetricInput | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the metric (its current value stays); null removes it from a draft."
    )


@strawberry.input
class GoalIdInput:
    id: strawberry.ID


@strawberry.input
class LinkGoalCompetenciesInput:
    goal_id: strawberry.ID
    competency_ids: list[strawberry.ID] = strawberry.field(description="The full set; an empty list unlinks them all.")


def _new_goal(input: CreateGoalInput) -> NewGoal:
    return NewGoal(
        title=input.title,
        due_date=input.due_date,
        description=input.description,
        owner_id=optional_uuid(input.owner_id, "Employee", "ownerId"),
        kind=input.kind,
        scope=input.scope,
        department_id=optional_uuid(input.department_id, "Department", "departmentId"),
        status=input.status,
        visibility=input.visibility,
        start_date=input.start_date,
        parent_id=optional_uuid(input.parent_id, "Goal", "parentId"),
        weight=decimal(input.weight),
        metric=spec_of(input.metric) if input.metric is not None else None,
        key_results=[spec_of(row, row.weight) for row in input.key_results or []],
    )


_PLAIN = ("title", "description", "kind", "scope", "visibility", "start_date", "due_date")


def _changes(input: UpdateGoalInput) -> dict:
    changes = {name: getattr(input, name) for name in _PLAIN if getattr(input, name) is not strawberry.UNSET}
    if input.owner_id is not strawberry.UNSET:
        changes["owner_id"] = require_uuid(input.owner_id, "Employee", "ownerId")
    if input.department_id is not strawberry.UNSET:
        changes["department_id"] = optional_uuid(input.department_id, "Department", "departmentId")
    if input.weight is not strawberry.UNSET:
        changes["weight"] = decimal(input.weight)
    if input.metric is not strawberry.UNSET:
        changes["metric"] = spec_of(input.metric) if input.metric is not None else None
    if changes.get("scope", "") is None:
        del changes["scope"]  # null keeps the scope, like the other non-nullable fields
    return changes


@strawberry.type
class GoalMutations:
    @strawberry.mutation(description="A DRAFT, or an ACTIVE goal with its measurable target (a metric or key results).")
    async def create_goal(self, info: Ctx, input: CreateGoalInput) -> GoalPayload:
        async def work(session, actor):
            return await goals.create_goal(session, actor, _new_goal(input), info.context.today)

        return await goal_payload(info, work)

    @strawberry.mutation
    async def update_goal(self, info: Ctx, input: UpdateGoalInput) -> GoalPayload:
        async def work(session, actor):
            goal_id = require_uuid(input.id, "Goal", "id")
            return await goals.update_goal(session, actor, goal_id, _changes(input))

        return await goal_payload(info, work)

    @strawberry.mutation(description="DRAFT -> ACTIVE; needs a measurable target whose key-result weights sum to 100.")
    async def activate_goal(self, info: Ctx, input: GoalIdInput) -> GoalPayload:
        async def work(session, actor):
            return await goals.activate_goal(session, actor, require_uuid(input.id, "Goal", "id"))

        return await goal_payload(info, work)

    @strawberry.mutation(description="ACTIVE -> COMPLETED, dated today: evidence for the competencies it develops.")
    async def complete_goal(self, info: Ctx, input: GoalIdInput) -> GoalPayload:
        async def work(session, actor):
            return await goals.complete_goal(session, actor, require_uuid(input.id, "Goal", "id"), info.context.today)

        return await goal_payload(info, work)

    @strawberry.mutation(description="DRAFT or ACTIVE -> CANCELLED.")
    async def cancel_goal(self, info: Ctx, input: GoalIdInput) -> GoalPayload:
        async def work(session, actor):
            return await goals.cancel_goal(session, actor, require_uuid(input.id, "Goal", "id"))

        return await goal_payload(info, work)

    @strawberry.mutation(description="Sets the competencies a LEADERSHIP or DEVELOPMENT goal develops (active ones only).")
    async def link_goal_competencies(self, info: Ctx, input: LinkGoalCompetenciesInput) -> GoalPayload:
        async def work(session, actor):
            goal_id = require_uuid(input.goal_id, "Goal", "goalId")
            ids = [id_or_nothing(value, "Competency") for value in input.competency_ids]
            return await competency_links.link_competencies(session, actor, goal_id, ids)

        return await goal_payload(info, work)
