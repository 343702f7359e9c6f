"""The GraphQL schema: every context's queries and mutations merged into one root."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types

from api.audit.schema import AuditQuery
from api.compensation.schema import CompensationMutations, CompensationQuery
from api.competencies.assessment_mutations import AssessmentMutations
from api.competencies.competency_mutations import CompetencyMutations
from api.competencies.framework_mutations import FrameworkMutations
from api.competencies.job_level_mutations import JobLevelMutations
from api.competencies.queries import CompetencyQuery
from api.development.mentorship_mutations import MentorshipMutations
from api.development.mentorship_queries import MentorshipQuery
from api.development.plan_mutations import DevelopmentPlanMutations
from api.development.plan_queries import DevelopmentPlanQuery
from api.development.stretch_mutations import StretchMutations
from api.development.stretch_queries import StretchQuery
from api.development.training_mutations import TrainingMutations
from api.development.training_queries import TrainingQuery
from api.feedback import queries as _feedback_nodes  # noqa: F401 - registers Feedback and FeedbackRequest as nodes
from api.feedback.mutations import FeedbackMutations
from api.feedback.subscriptions import FeedbackSubscription
from api.goals.alignment_mutations import AlignmentMutations
from api.goals.check_in_mutations import CheckInMutations
from api.goals.goal_mutations import GoalMutations
from api.goals.key_result_mutations import KeyResultMutations
from api.goals.queries import GoalQuery
from api.graphql.execution import PlannedExecutionContext
from api.graphql.ids import to_global_id
from api.graphql.node import Node, register_node, resolve_node
from api.insights.leadership_mutations import LeadershipMutations, LeadershipQuery
from api.insights.queries import InsightsQuery
from api.insights.readiness_mutations import ReadinessMutations
from api.insights.readiness_types import ReadinessQuery
from api.one_on_ones.mutations import OneOnOneMutations
from api.one_on_ones.queries import OneOnOneQuery
from api.org.department_mutations import DepartmentMutations
from api.org.employee_mutations import EmployeeMutations
from api.org.queries import OrgQuery
from api.org.types import Ctx, RoleType, TenantType, Viewer
from api.platform.schema import PlatformMutations, PlatformQuery
from api.recognition.mutations import RecognitionMutations
from api.recognition.queries import RecognitionQuery
from api.recognition.subscriptions import RecognitionSubscription
from api.reviews.calibration_mutations import CalibrationMutations
from api.reviews.cycle_mutations import CycleMutations
from api.reviews.nomination_mutations import NominationMutations
from api.reviews.queries import ReviewQuery
from api.reviews.results_queries import ReviewResultQuery
from api.reviews.review_mutations import ReviewMutations
from api.reviews.settings_mutations import ReviewSettingsMutations
from api.reviews.template_mutations import TemplateMutations
from domain.org.models import Role
from tenants import registry
from tenants.models import Tenant

MAX_NODES = 100


async def _current_tenant(info: Ctx) -> Tenant | None:
    principal = info.context.principal
    if principal.tenant is None:
        return None
    if principal.tenant_record is not None:  # as authenticated (HR_TENANT_CACHE_SECONDS old at most)
        return principal.tenant_record
    return await info.context.run(registry.by_id, principal.tenant.id)


async def _tenant_node(ctx, raw):
    """Only the viewer's own tenant resolves; other tenants' IDs read as not found."""
    ref = ctx.principal.tenant
    return await ctx.run(registry.by_id, raw) if ref is not None and ref.id == raw else None


register_node("Tenant", _tenant_node)


@strawberry.type
class CoreQuery:
    @strawberry.field(description="Who is signed in, in which tenant, with which roles.")
    async def viewer(self, info: Ctx) -> Viewer:
        ctx = info.context
        principal = ctx.principal
        employee = None
        if principal.actor is not None:
            if principal.employee is not None:
                ctx.org.prime_employees([principal.employee])
            employee = await ctx.org.get_employee(principal.actor.employee_id)
        roles = [Role(r) for r in sorted(principal.actor.roles)] if principal.actor else []
        return Viewer(
            employee=employee,
            tenant=await _current_tenant(info),
            roles=roles,
            is_platform_admin=principal.is_platform_admin,
        )

    @strawberry.field(description="The signed-in employee's tenant.")
    async def tenant(self, info: Ctx) -> TenantType | None:
        return await _current_tenant(info)

    @strawberry.field(description="Any object by global ID; null when it does not exist for you.")
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        return await resolve_node(info.context, id)

    @strawberry.field(description="Several objects by global ID (at most 100), in the order asked.")
    async def nodes(self, info: Ctx, ids: list[strawberry.ID]) -> list[Node | None]:
        from domain.errors import DomainError, ErrorCode

        if len(ids) > MAX_NODES:
            raise DomainError(ErrorCode.INVALID, f"At most {MAX_NODES} ids", ["ids"])
        # Gathered, so the loaders behind each type batch all of them into one statement per type.
        return list(await asyncio.gather(*(resolve_node(info.context, one) for one in ids)))


Query = merge_types(
    "Query", (CoreQuery, OrgQuery, CompetencyQuery, GoalQuery, OneOnOneQuery, DevelopmentPlanQuery, RecognitionQuery,
     MentorshipQuery, StretchQuery, TrainingQuery, ReviewQuery, ReviewResultQuery, AuditQuery, InsightsQuery, CompensationQuery,
     LeadershipQuery, ReadinessQuery,
     PlatformQuery)
)
Mutation = merge_types(
    "Mutation",
    (
        PlatformMutations, DepartmentMutations, EmployeeMutations,
        FrameworkMutations, CompetencyMutations, JobLevelMutations, AssessmentMutations,
        GoalMutations, AlignmentMutations, KeyResultMutations, CheckInMutations,
        OneOnOneMutations, DevelopmentPlanMutations,
        MentorshipMutations, StretchMutations, TrainingMutations,
        RecognitionMutations, FeedbackMutations,
        TemplateMutations, CycleMutations, NominationMutations, ReviewMutations,
        ReviewSettingsMutations, CalibrationMutations,
        CompensationMutations,
        LeadershipMutations, ReadinessMutations,
    ),
)
# Served over WebSocket only (api/realtime); each context adds its subscription class here.
Subscription = merge_types("Subscription", (FeedbackSubscription, RecognitionSubscription))

# Bounded caches: repeated documents skip parsing and validation, and a flood of unique
# documents cannot grow memory without limit.
schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[TenantType],
    extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
    execution_context_class=PlannedExecutionContext,
)

__all__ = ["schema", "to_global_id", "RoleType"]
