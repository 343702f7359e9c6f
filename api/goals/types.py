"""GraphQL types of the goals context. Sources are domain rows; derived values
(progress, health) are computed per request from rules.py and explain themselves."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.graphql.ids import to_global_id
from api.graphql.loading import when_loaded
from api.graphql.node import Node
from api.graphql.pagination import Connection, connection, page_request
from api.org.types import Ctx, DepartmentType, EmployeeType
from domain.goals import rules
from domain.goals.models import (
    Confidence,
    Direction,
    Goal,
    GoalCheckIn,
    GoalKind,
    GoalScope,
    GoalStatus,
    KeyResult,
    Visibility,
)

if TYPE_CHECKING:
    from api.competencies.types import CompetencyType

GoalKindType = strawberry.enum(GoalKind, name="GoalKind")
GoalScopeType = strawberry.enum(GoalScope, name="GoalScope")
GoalStatusType = strawberry.enum(GoalStatus, name="GoalStatus")
GoalVisibilityType = strawberry.enum(
    Visibility, name="GoalVisibility",
    description="PUBLIC: the whole tenant. MANAGER_CHAIN: the owner, the owner's managers up the chain and HR admins. "
    "PRIVATE: the owner and HR admins.",
)
DirectionType = strawberry.enum(Direction, name="Direction")
ConfidenceType = strawberry.enum(Confidence, name="Confidence")
GoalHealthStatusType = strawberry.enum(rules.Health, name="GoalHealthStatus")


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(name="Progress", description="Derived progress, 0 to 1, with how it was computed.")
class ProgressType:
    value: float
    explanation: str


def progress_type(progress: rules.Progress) -> ProgressType:
    return ProgressType(value=float(progress.value), explanation=progress.explanation)


@strawberry.type(name="GoalHealth", description="Progress against the time elapsed, worsened (never improved) by the latest confidence.")
class GoalHealthType:
    status: GoalHealthStatusType
    expected_progress: float | None = strawberry.field(description="The share of the goal's window that has passed.")
    explanation: str


@strawberry.type(name="GoalMetric", description="The goal's measurable target: baseline -> target in a unit.")
class GoalMetricType:
    name: str
    unit: str
    baseline: float
    target: float
    relative_change_percent: float | None = strawberry.field(
        description="The change as a percentage of the baseline: as given, or derived from the target."
    )
    direction: DirectionType
    current: float | None = strawberry.field(description="The latest checked-in value; null before the first check-in.")
    source: str | None = strawberry.field(
        default=None, description="The platform metric (a MetricName) the value is tracked from live; null when checked in by hand."
    )


def metric_type(goal: Goal) -> GoalMetricType | None:
    if goal.metric_target is None:
        return None
    return GoalMetricType(
        name=goal.metric_name or "",
        unit=goal.metric_unit or "",
        baseline=float(goal.metric_baseline),
        target=float(goal.metric_target),
        relative_change_percent=number(
            rules.shown_relative_percent(goal.metric_baseline, goal.metric_target, goal.metric_relative_change_percent)
        ),
        direction=Direction(goal.metric_direction),
        current=number(goal.metric_current),
        source=goal.metric_source,
    )


@strawberry.type(name="KeyResult", description="One weighted, measurable result of a goal.")
class KeyResultType:
    name: str
    unit: str

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, KeyResult)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("KeyResult", self.id)

    @strawberry.field
    def baseline(self) -> float:
        return float(self.baseline)

    @strawberry.field
    def target(self) -> float:
        return float(self.target)

    @strawberry.field(description="The change as a percentage of the baseline: as given, or derived from the target.")
    def relative_change_percent(self) -> float | None:
        return number(rules.shown_relative_percent(self.baseline, self.target, self.relative_change_percent))

    @strawberry.field
    def direction(self) -> DirectionType:
        return Direction(self.direction)

    @strawberry.field
    def current(self) -> float | None:
        return number(self.current)

    @strawberry.field(description="Percent of the goal's progress; a goal's weights sum to 100.")
    def weight(self) -> float:
        return float(self.weight)

    @strawberry.field
    def progress(self) -> ProgressType:
        return progress_type(rules.explained_progress(rules.key_result_measure(self), self.name))


@strawberry.type(name="GoalCheckIn", description="A value recorded for the goal's metric or one key result.")
class CheckInType:
    note: str | None
    checked_in_on: date
    recorded_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, GoalCheckIn)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("GoalCheckIn", self.id)

    @strawberry.field
    def value(self) -> float:
        return float(self.value)

    @strawberry.field
    def confidence(self) -> ConfidenceType:
        return Confidence(self.confidence)

    @strawberry.field(description="Null when the value is the goal's metric.")
    def key_result(self, info: Ctx) -> KeyResultType | None:
        return None if self.key_result_id is None else info.context.goals.key_result_by_id.load(self.key_result_id)

    @strawberry.field
    def author(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.author_id)


Evaluation = tuple[rules.Progress, rules.HealthVerdict]


def _evaluate(goal: Goal, info: Ctx) -> Evaluation | Awaitable[Evaluation]:
    """Progress and health of a goal, computed once per request for both fields, and
    synchronously when the request already holds its key results and latest check-in."""
    ctx = info.context
    known = ctx.goals.evaluations.get(goal.id)
    if known is not None:
        return known

    def judge(key_results: list | None, latest: Any) -> Evaluation:
        progress = rules.goal_progress(goal, key_results or [])
        confidence = Confidence(latest.confidence) if latest is not None else None
        evaluation = progress, rules.goal_health(goal, progress, confidence, ctx.today)
        ctx.goals.evaluations[goal.id] = evaluation
        return evaluation

    evaluation = when_loaded(judge, ctx.goals.key_results_of(goal.id), ctx.goals.latest_check_in(goal.id))
    ctx.goals.evaluations.setdefault(goal.id, evaluation)
    return evaluation


def _health_type(evaluation: Evaluation) -> GoalHealthType:
    _, verdict = evaluation
    return GoalHealthType(
        status=verdict.health, expected_progress=number(verdict.expected_progress), explanation=verdict.explanation
    )


@strawberry.type(name="Goal", description="A measurable goal. Progress and health are derived, never stored.")
class GoalType(Node):
    title: str
    description: str | None
    start_date: date
    due_date: date
    completed_on: date | None = strawberry.field(description="Set by completeGoal; the date of the evidence.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Goal)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Goal", self.id)

    @strawberry.field
    def owner(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.owner_id)

    @strawberry.field
    def kind(self) -> GoalKindType:
        return GoalKind(self.kind)

    @strawberry.field
    def scope(self) -> GoalScopeType:
        return GoalScope(self.scope)

    @strawberry.field
    def department(self, info: Ctx) -> DepartmentType | None:
        return info.context.org.department(self.department_id)

    @strawberry.field
    def status(self) -> GoalStatusType:
        return GoalStatus(self.status)

    @strawberry.field
    def visibility(self) -> GoalVisibilityType:
        return Visibility(self.visibility)

    @strawberry.field(description="Percent this goal counts for (e.g. within its parent); 0 to 100.")
    def weight(self) -> float | None:
        return number(self.weight)

    @strawberry.field(description="The goal this one aligns to; null at the top or when you cannot see it.")
    def parent(self, info: Ctx) -> GoalType | None:
        return info.context.goals.goal(self.parent_id)

    @strawberry.field(description="Goals aligned directly under this one that you can see.")
    def children(self, info: Ctx) -> list[GoalType]:
        return info.context.goals.children.load(self.id)

    @strawberry.field(description="From the top goal down to this one, through goals you can see.")
    def alignment_path(self, info: Ctx) -> list[GoalType]:
        return info.context.goals.paths.load(self.id)

    @strawberry.field(description="Competencies this LEADERSHIP or DEVELOPMENT goal develops.")
    def competencies(self, info: Ctx) -> list[Annotated[CompetencyType, strawberry.lazy("api.competencies.types")]]:
        return info.context.goals.competencies.load(self.id)

    @strawberry.field(description="Null when the goal is measured by key results.")
    def metric(self) -> GoalMetricType | None:
        return metric_type(self)

    @strawberry.field
    def key_results(self, info: Ctx) -> list[KeyResultType]:
        return info.context.goals.key_results_of(self.id)

    @strawberry.field(description="From the key results (weighted) or the metric: baseline -> target, linear, clamped.")
    def progress(self, info: Ctx) -> ProgressType:
        return when_loaded(lambda evaluation: progress_type(evaluation[0]), _evaluate(self, info))

    @strawberry.field(description="Judged on the request's date.")
    def health(self, info: Ctx) -> GoalHealthType:
        return when_loaded(_health_type, _evaluate(self, info))

    @strawberry.field(description="The full history, newest first.")
    async def check_ins(self, info: Ctx, first: int | None = None, after: str | None = None) -> Connection[CheckInType]:
        page = page_request(first, after, (datetime, UUID), False)
        found = await info.context.goals.check_in_pages.load((self.id, page.first, page.after))
        return connection(found, after)

    @strawberry.field
    def latest_check_in(self, info: Ctx) -> CheckInType | None:
        return info.context.goals.latest_check_in(self.id)


@strawberry.type(name="GoalTreeNode", description="A goal of an alignment tree and its depth below the root (0).")
class GoalTreeNodeType:
    goal: GoalType
    depth: int
