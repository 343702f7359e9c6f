"""GraphQL types of development plans. Progress and action statuses are derived per request
(domain/development/plan_rules.py) and explain themselves."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.goals.types import ProgressType
from api.graphql.ids import to_global_id
from api.graphql.node import Node, resolve_node
from api.org.types import Ctx, EmployeeType
from domain.development import links
from domain.development import plan_rules as rules
from domain.development.plan_models import DevelopmentPlan, FocusBasis, PlanActionKind, PlanActionStatus, PlanFocus
from domain.development.plans import ActionView

if TYPE_CHECKING:
    from api.competencies.types import CompetencyType
    from api.goals.types import GoalType
    from api.one_on_ones.types import ActionItemType

PlanActionKindType = strawberry.enum(PlanActionKind, name="PlanActionKind")
PlanActionStatusType = strawberry.enum(
    PlanActionStatus, name="PlanActionStatus",
    description="Linked goals, 1:1 action items (and programs that say so) set it; by hand a linked action can only be DROPPED.",
)
FocusBasisType = strawberry.enum(
    FocusBasis, name="PlanFocusBasis",
    description="CHOSEN by the plan's editors; CURRENT_LEVEL_GAPS: the largest gaps for the job level; NEXT_LEVEL_GAPS: "
    "none there, so the largest for the next level on the same track; NONE: no gaps to start from.",
)


@strawberry.type(name="PlanFocusCompetency", description="A competency the plan focuses on, and why.")
class PlanFocusType:
    reason: str

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, PlanFocus)

    @strawberry.field
    def competency(self, info: Ctx) -> Annotated[CompetencyType, strawberry.lazy("api.competencies.types")] | None:
        return info.context.competencies.competency(self.competency_id)


def _linked_global_id(action) -> strawberry.ID | None:
    found = links.resolver(PlanActionKind(action.kind))
    target = action.target_id
    return None if found is None or target is None else to_global_id(found.type_name, target)


@strawberry.type(name="PlanAction", description="One step of a development plan.")
class PlanActionType:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ActionView)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("PlanAction", self.action.id)

    @strawberry.field
    def kind(self) -> PlanActionKindType:
        return PlanActionKind(self.action.kind)

    @strawberry.field
    def title(self) -> str:
        return self.action.title

    @strawberry.field
    def due_date(self) -> date | None:
        return self.action.due_on

    @strawberry.field(description="As it stands: following what the action links to, unless dropped by hand.")
    def status(self) -> PlanActionStatusType:
        return self.status

    @strawberry.field(description="The global ID of what it links to (null for OTHER), whether or not you may open it.")
    def linked_id(self) -> strawberry.ID | None:
        return _linked_global_id(self.action)

    @strawberry.field(description="What it links to, when you may see it (a goal, a 1:1 action item, a program's object).")
    async def linked(self, info: Ctx) -> Node | None:
        global_id = _linked_global_id(self.action)
        return None if global_id is None else await resolve_node(info.context, global_id)

    @strawberry.field(description="The linked goal, when you may see it.")
    def goal(self, info: Ctx) -> Annotated[GoalType, strawberry.lazy("api.goals.types")] | None:
        return info.context.goals.goal(self.action.goal_id)

    @strawberry.field(description="The linked 1:1 action item; null unless you take part in that 1:1.")
    async def one_on_one_action_item(
        self, info: Ctx
    ) -> Annotated[ActionItemType, strawberry.lazy("api.one_on_ones.types")] | None:
        item_id = self.action.action_item_id
        return None if item_id is None else await info.context.one_on_ones.get_action_item(item_id)


@strawberry.type(
    name="DevelopmentPlan",
    description="An employee's plan for a period: focus competencies and actions. The employee and their managers "
    "edit it; HR admins read it.",
)
class DevelopmentPlanType(Node):
    period_start: date
    period_end: date
    focus_explanation: str = strawberry.field(description="How the focus competencies were chosen.")
    updated_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, DevelopmentPlan)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("DevelopmentPlan", self.id)

    @strawberry.field
    def employee(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.employee_id)

    @strawberry.field
    def created_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.created_by)

    @strawberry.field
    def focus_basis(self) -> FocusBasisType:
        return FocusBasis(self.focus_basis)

    @strawberry.field
    def focus_competencies(self, info: Ctx) -> list[PlanFocusType]:
        return info.context.plans.focus.load(self.id)

    @strawberry.field(description="In the plan's order.")
    def actions(self, info: Ctx) -> list[PlanActionType]:
        return info.context.plans.actions.load(self.id)

    @strawberry.field(description="DONE actions / (all actions - DROPPED ones), unweighted; in-progress ones count as not done.")
    async def progress(self, info: Ctx) -> ProgressType:
        views = await info.context.plans.actions.load(self.id) or []
        found = rules.progress([view.status for view in views])
        return ProgressType(value=float(found.value), explanation=found.explanation)

    @strawberry.field(description="Whether you may change it: the employee and their managers, not HR admins as such.")
    async def viewer_can_edit(self, info: Ctx) -> bool:
        chain = await info.context.org.reporting_chains.load(self.employee_id) or []
        return rules.can_edit(info.context.actor, self.employee_id, [manager.id for manager in chain])
