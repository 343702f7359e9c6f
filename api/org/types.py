"""GraphQL types of the org context. Sources are domain rows; plain fields read attributes.

Relations resolve synchronously when the request already holds the row (see loaders),
so a directory page of 100 employees with manager and department does no async work
per field.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from api.graphql.context import RequestContext
from api.graphql.ids import to_global_id
from api.graphql.node import Node
from api.graphql.pagination import Connection
from api.graphql.selection import selected_under
from api.insights.leadership_period import PeriodInput
from domain.org import policy
from domain.org.models import Department, Employee, EmployeeStatus, ManagerAssignment, Role
from domain.org.records import DepartmentRecord, EmployeeRecord
from tenants.models import Tenant, TenantStatus

EmployeeStatusType = strawberry.enum(EmployeeStatus, name="EmployeeStatus")
RoleType = strawberry.enum(Role, name="Role")
TenantStatusType = strawberry.enum(TenantStatus, name="TenantStatus")

if TYPE_CHECKING:
    from api.competencies.types import CompetencyAssessmentType, CompetencyProfileEntryType, JobLevelType
    from api.development.plan_types import DevelopmentPlanType
    from api.feedback.types import FeedbackInboxType, FeedbackType
    from api.goals.types import GoalType
    from api.insights.leadership_types import LeadershipEffectivenessType
    from api.insights.readiness_types import PromotionReadinessType
    from api.one_on_ones.types import OneOnOneHealthType, OneOnOneStatusType, OneOnOneType
    from api.recognition.types import RecognitionType
    from api.reviews.results_types import ReviewResultType, ReviewSettingsType
    from api.reviews.types import ReviewStatusType, ReviewType

Ctx = Info[RequestContext, None]
MAX_REPORT_DEPTH = 50


@strawberry.type(name="Employee", description="A person of the tenant. Directory fields are visible to every employee.")
class EmployeeType(Node):
    email: str
    name: str
    title: str | None
    hire_date: date | None
    termination_date: date | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, (Employee, EmployeeRecord))

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Employee", self.id)

    @strawberry.field
    def status(self) -> EmployeeStatusType:
        return EmployeeStatus(self.status)

    @strawberry.field
    def manager(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.manager_id)

    @strawberry.field
    def department(self, info: Ctx) -> DepartmentType | None:
        return info.context.org.department(self.department_id)

    @strawberry.field(description="The employee's career level, which sets the competency expectations.")
    def job_level(self, info: Ctx) -> Annotated[JobLevelType, strawberry.lazy("api.competencies.types")] | None:
        return info.context.competencies.job_level(self.job_level_id)

    @strawberry.field(
        description="Per competency: expected level for the job level, current level, gap and evidence. "
        "Visible to the person, their managers up the chain and HR admins; null for others."
    )
    def competency_profile(
        self, info: Ctx
    ) -> list[Annotated[CompetencyProfileEntryType, strawberry.lazy("api.competencies.types")]] | None:
        from api.competencies.employee_fields import competency_profile

        return competency_profile(info.context, self)

    @strawberry.field(description="Assessment history, newest first (one competency, or all). Visible like the profile.")
    async def competency_assessments(
        self, info: Ctx, competency_id: strawberry.ID | None = None
    ) -> list[Annotated[CompetencyAssessmentType, strawberry.lazy("api.competencies.types")]] | None:
        from api.competencies.employee_fields import competency_assessments

        return await competency_assessments(info.context, self, competency_id)

    @strawberry.field(description="The goals this employee owns that you can see, soonest due first.")
    def goals(self, info: Ctx) -> list[Annotated[GoalType, strawberry.lazy("api.goals.types")]]:
        return info.context.goals.goals_of_owner(self.id)

    @strawberry.field(description="Recognition this employee received that you can see, newest first.")
    async def recognitions_received(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[RecognitionType, strawberry.lazy("api.recognition.types")]]:
        from api.recognition.employee_fields import recognitions_received

        return await recognitions_received(info.context, self, first, after)

    @strawberry.field(description="Recognition this employee gave that you can see, newest first.")
    async def recognitions_given(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[RecognitionType, strawberry.lazy("api.recognition.types")]]:
        from api.recognition.employee_fields import recognitions_given

        return await recognitions_given(info.context, self, first, after)

    @strawberry.field(description="Feedback this employee received that you can see, newest first. `first` 1 to 100.")
    async def feedback_received(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[FeedbackType, strawberry.lazy("api.feedback.types")]]:
        from api.feedback.queries import feedback_received

        return await feedback_received(info.context, self, first, after)

    @strawberry.field(description="Feedback this employee gave that you can see, newest first. `first` 1 to 100.")
    async def feedback_given(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[FeedbackType, strawberry.lazy("api.feedback.types")]]:
        from api.feedback.queries import feedback_given

        return await feedback_given(info.context, self, first, after)

    @strawberry.field(
        description="The date of the last held 1:1 with their current manager. Visible to the person, their "
        "managers up the chain and HR admins; null for others."
    )
    async def last_one_on_one_at(self, info: Ctx) -> date | None:
        from api.one_on_ones.employee_fields import last_one_on_one_at

        return await last_one_on_one_at(info.context, self)

    @strawberry.field(description="Whether 1:1s with their current manager keep their cadence, explained. Visible like lastOneOnOneAt.")
    async def one_on_one_health(
        self, info: Ctx
    ) -> Annotated[OneOnOneHealthType, strawberry.lazy("api.one_on_ones.types")] | None:
        from api.one_on_ones.employee_fields import one_on_one_health

        return await one_on_one_health(info.context, self)

    @strawberry.field(description="The 1:1 series this employee takes part in: for them, and (without contents) HR admins.")
    async def one_on_ones(self, info: Ctx) -> list[Annotated[OneOnOneType, strawberry.lazy("api.one_on_ones.types")]] | None:
        from api.one_on_ones.employee_fields import one_on_ones_of

        return await one_on_ones_of(info.context, self)

    @strawberry.field(description="Their development plans you may read (theirs, their managers', HR's), newest first.")
    def development_plans(self, info: Ctx) -> list[Annotated[DevelopmentPlanType, strawberry.lazy("api.development.plan_types")]]:
        return info.context.plans.by_employee.load(self.id)

    @strawberry.field(
        description="This employee's results in a review cycle: for them and their managers once released, for HR "
        "admins at any time; null otherwise (see ReviewResult)."
    )
    async def review_result(
        self, info: Ctx, cycle_id: strawberry.ID
    ) -> Annotated[ReviewResultType, strawberry.lazy("api.reviews.results_types")] | None:
        from api.reviews.results_queries import employee_review_result

        return await employee_review_result(info, self, cycle_id)

    @strawberry.field(
        description="The leadership effectiveness index of a people-manager over a period, with its components, "
        "trend and explanation: for the manager, their managers up the chain and HR admins; null otherwise and for "
        "employees without reports."
    )
    async def leadership_effectiveness(
        self, info: Ctx, period: PeriodInput
    ) -> Annotated[LeadershipEffectivenessType, strawberry.lazy("api.insights.leadership_types")] | None:
        from api.insights.leadership_types import employee_leadership_effectiveness

        return await employee_leadership_effectiveness(info, self, period)

    @strawberry.field(
        description="Readiness for a target job level, criterion by criterion with evidence: for the employee, their "
        "managers up the chain and HR admins; null otherwise or for an unknown level."
    )
    async def promotion_readiness(
        self, info: Ctx, target_level_id: strawberry.ID
    ) -> Annotated[PromotionReadinessType, strawberry.lazy("api.insights.readiness_types")] | None:
        from api.insights.readiness_types import employee_promotion_readiness

        return await employee_promotion_readiness(info, self, target_level_id)

    @strawberry.field(description="Active employees who report directly to this one.")
    async def direct_reports(self, info: Ctx) -> list[EmployeeType]:
        rows = await info.context.org.direct_reports.load(self.id)
        await info.context.org.prefetch(rows, selected_under(info.selected_fields, "directReports"))
        return rows

    @strawberry.field
    def direct_report_count(self, info: Ctx) -> int:
        return info.context.org.report_count(self.id)

    @strawberry.field(description="Managers from the direct one up to the top of the tenant.")
    def reporting_chain(self, info: Ctx) -> list[EmployeeType]:
        return info.context.org.reporting_chains.load(self.id)

    @strawberry.field(description="Everyone below this employee, nearest levels first; `depth` limits the levels.")
    async def reports(self, info: Ctx, depth: int | None = None) -> list[EmployeeType]:
        levels = None if depth is None else max(1, min(depth, MAX_REPORT_DEPTH))
        rows = await info.context.org.subtree(self.id, levels)
        await info.context.org.prefetch(rows or [], selected_under(info.selected_fields, "reports"))
        return rows

    @strawberry.field(description="Effective-dated reporting lines. Visible to the person and HR admins only.")
    def manager_history(self, info: Ctx) -> list[ManagerAssignmentType] | None:
        if not policy.can_see_private_profile(info.context.actor, self.id):
            return None
        return info.context.org.manager_histories.load(self.id)

    @strawberry.field(description="Roles. Visible to the person and HR admins only.")
    def roles(self, info: Ctx) -> list[RoleType] | None:
        if not policy.can_see_private_profile(info.context.actor, self.id):
            return None
        return [Role(role) for role in self.roles]


@strawberry.type(name="ManagerAssignment", description="Who managed the employee from `effectiveFrom` until the day before `effectiveTo`.")
class ManagerAssignmentType:
    effective_from: date
    effective_to: date | None = strawberry.field(description="Exclusive end; null while the line holds.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ManagerAssignment)

    @strawberry.field
    def manager(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.manager_id)


@strawberry.type(name="Department")
class DepartmentType(Node):
    name: str

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, (Department, DepartmentRecord))

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Department", self.id)

    @strawberry.field
    def parent(self, info: Ctx) -> DepartmentType | None:
        return info.context.org.department(self.parent_id)

    @strawberry.field
    def head(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.head_id)

    @strawberry.field
    def children(self, info: Ctx) -> list[DepartmentType]:
        return info.context.org.department_children.load(self.id)

    @strawberry.field(description="Active employees placed directly in this department.")
    def employees(self, info: Ctx) -> list[EmployeeType]:
        return info.context.org.department_employees.load(self.id)

    @strawberry.field(description="Goals of this department that you can see, soonest due first.")
    def goals(self, info: Ctx) -> list[Annotated[GoalType, strawberry.lazy("api.goals.types")]]:
        return info.context.goals.by_department.load(self.id)


@strawberry.type(name="Tenant")
class TenantType(Node):
    slug: str
    name: str
    oidc_issuer: str | None
    settings: strawberry.scalars.JSON

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Tenant)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Tenant", self.id)

    @strawberry.field
    def status(self) -> TenantStatusType:
        return TenantStatus(self.status)

    @strawberry.field(description="How reviews work here: the anonymity threshold, HR's access to authors, the rating scale.")
    async def review_settings(self, info: Ctx) -> Annotated[ReviewSettingsType, strawberry.lazy("api.reviews.results_types")]:
        from api.reviews.results_queries import tenant_review_settings

        return await tenant_review_settings(info)


@strawberry.type(description="The signed-in principal.")
class Viewer:
    employee: EmployeeType | None
    tenant: TenantType | None
    roles: list[RoleType]
    is_platform_admin: bool

    @strawberry.field(description="Open feedback requests addressed to you, with counts; null without an employee.")
    def feedback_inbox(self, info: Ctx) -> Annotated[FeedbackInboxType, strawberry.lazy("api.feedback.types")] | None:
        from api.feedback.queries import feedback_inbox

        return feedback_inbox(info.context)

    @strawberry.field(description="Reviews assigned to you in open cycles (ACTIVE, or reopened during calibration).")
    async def reviews_to_write(
        self, info: Ctx, status: Annotated[ReviewStatusType, strawberry.lazy("api.reviews.types")] | None = None
    ) -> list[Annotated[ReviewType, strawberry.lazy("api.reviews.types")]]:
        from api.reviews.queries import reviews_to_write

        return await reviews_to_write(info, status)

    @strawberry.field(description="The 1:1 series you take part in, newest first; `status` filters.")
    async def one_on_ones(
        self, info: Ctx, first: int | None = None, after: str | None = None,
        status: Annotated[OneOnOneStatusType, strawberry.lazy("api.one_on_ones.types")] | None = None,
    ) -> Connection[Annotated[OneOnOneType, strawberry.lazy("api.one_on_ones.types")]]:
        from api.graphql.selection import selected_under
        from api.one_on_ones.employee_fields import viewer_one_on_ones

        wants_total = "totalCount" in selected_under(info.selected_fields, "oneOnOnes")
        return await viewer_one_on_ones(info.context, first, after, status, wants_total)
