"""GraphQL types of the reviews context. Sources are domain rows (or small views of them).

A Review reaches a resolver only once the actor may read it (api/reviews/loaders.py), so
its fields need no further checks. Answers carry no ID and no timestamp: nothing in
them points at a moment or an author beyond the review they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.graphql.ids import to_global_id, uuid_of
from api.graphql.node import Node
from api.graphql.pagination import Connection, connection, page_request
from api.graphql.selection import selected_under
from api.org.types import Ctx, DepartmentType, EmployeeType
from api.reviews.loaders import resolved
from domain.errors import DomainError, ErrorCode
from domain.reviews import cycles as cycle_service
from domain.reviews import policy, queries
from domain.reviews.models import (
    CycleParticipant,
    CycleStatus,
    NominationStatus,
    PeerNomination,
    QuestionKind,
    Review,
    ReviewAnswer,
    ReviewCycle,
    ReviewerKind,
    ReviewStatus,
    ReviewTemplate,
    TemplateQuestion,
    TemplateSection,
)
from domain.reviews.rules import Question, ScaleKind, Tally

if TYPE_CHECKING:
    from api.competencies.types import CompetencyType, JobLevelType
    from api.goals.types import GoalType

CompetencyRef = Annotated["CompetencyType", strawberry.lazy("api.competencies.types")]
JobLevelRef = Annotated["JobLevelType", strawberry.lazy("api.competencies.types")]
GoalRef = Annotated["GoalType", strawberry.lazy("api.goals.types")]

QuestionKindType = strawberry.enum(
    QuestionKind, name="ReviewQuestionKind",
    description="RATING_COMPETENCY: a competency on the proficiency scale. RATING_GOALS: each of the subject's goals of "
    "the period on the rating scale. TEXT: free text. OVERALL_RATING: the tenant's rating scale.",
)
ReviewerKindType = strawberry.enum(ReviewerKind, name="ReviewerKind")
CycleStatusType = strawberry.enum(CycleStatus, name="ReviewCycleStatus")
ReviewStatusType = strawberry.enum(ReviewStatus, name="ReviewStatus")
NominationStatusType = strawberry.enum(NominationStatus, name="PeerNominationStatus")
ScaleKindType = strawberry.enum(ScaleKind, name="RatingScaleKind")

MAX_OVERDUE = 500


def _admin(info: Ctx) -> bool:
    return policy.can_run_cycles(info.context.actor)


# --- templates ----------------------------------------------------------------------------


@strawberry.type(name="TemplateQuestion", description="One question of a template, and which reviewer kinds answer it.")
class TemplateQuestionType:
    prompt: str
    required: bool
    position: int

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, TemplateQuestion)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("TemplateQuestion", self.id)

    @strawberry.field
    def kind(self) -> QuestionKindType:
        return QuestionKind(self.kind)

    @strawberry.field
    def reviewer_kinds(self) -> list[ReviewerKindType]:
        return [ReviewerKind(kind) for kind in self.reviewer_kinds]

    @strawberry.field
    def competency(self, info: Ctx) -> CompetencyRef | None:
        return info.context.competencies.competency(self.competency_id)


@strawberry.type(name="TemplateSection")
class TemplateSectionType:
    title: str
    description: str | None
    position: int

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, TemplateSection)

    @strawberry.field
    def questions(self, info: Ctx) -> list[TemplateQuestionType]:
        return info.context.reviews.section_questions.load(self.id)


@strawberry.type(
    name="ReviewTemplate",
    description="Ordered sections of questions. A people-manager's reviews also rate the LEADERSHIP competencies "
    "expected at their job level (when `includeLeadershipForManagers`).",
)
class ReviewTemplateType(Node):
    name: str
    description: str | None
    include_leadership_for_managers: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ReviewTemplate)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("ReviewTemplate", self.id)

    @strawberry.field
    def sections(self, info: Ctx) -> list[TemplateSectionType]:
        return info.context.reviews.sections.load(self.id)


# --- cycles -------------------------------------------------------------------------------


@strawberry.type(name="ReviewDeadlines", description="When each reviewer kind's reviews are due (null: no deadline).")
class DeadlinesType:
    self_review: date | None = strawberry.field(name="self")
    manager: date | None
    peer: date | None
    direct_report: date | None


@strawberry.type(name="ReviewTally", description="Submitted out of assigned, with how it was counted.")
class TallyType:
    submitted: int
    assigned: int
    ratio: float = strawberry.field(description="submitted / assigned, 0 when nothing is assigned.")
    explanation: str


def tally_type(tally: Tally, what: str = "reviews") -> TallyType:
    return TallyType(submitted=tally.submitted, assigned=tally.assigned, ratio=tally.ratio, explanation=tally.explain(what))


@strawberry.type(name="ReviewKindProgress")
class KindProgressType:
    kind: ReviewerKindType
    progress: TallyType


@strawberry.type(name="ReviewDepartmentProgress", description="By the department participants were in when they joined.")
class DepartmentProgressType:
    department_id: strawberry.Private[UUID | None]
    progress: TallyType

    @strawberry.field(description="Null for participants without a department.")
    def department(self, info: Ctx) -> DepartmentType | None:
        return info.context.org.department(self.department_id)


@strawberry.type(name="ReviewCycleProgress", description="Review assignments submitted, overall, per kind, per department.")
class ProgressType:
    overall: TallyType
    by_kind: list[KindProgressType]
    by_department: list[DepartmentProgressType]


def progress_type(progress: queries.Progress) -> ProgressType:
    return ProgressType(
        overall=tally_type(progress.overall),
        by_kind=[
            KindProgressType(kind=kind, progress=tally_type(progress.by_kind[kind.value], f"{kind.value} reviews"))
            for kind in ReviewerKind if kind.value in progress.by_kind
        ],
        by_department=[
            DepartmentProgressType(department_id=department_id, progress=tally_type(tally))
            for department_id, tally in sorted(progress.by_department.items(), key=lambda item: str(item[0]))
        ],
    )


@strawberry.type(name="OverdueReviewer", description="A reviewer with reviews of one kind past its deadline.")
class OverdueReviewerType:
    reviewer: EmployeeType
    kind: ReviewerKindType
    due_date: date
    pending: int = strawberry.field(description="How many of their reviews of this kind are not submitted.")


@dataclass(frozen=True, slots=True)
class ParticipantView:
    participant: CycleParticipant
    employee: Any


@strawberry.type(name="CycleParticipant", description="A subject of the cycle, as snapshotted when they joined and at launch.")
class ParticipantType:
    source: strawberry.Private[ParticipantView]

    @strawberry.field
    def employee(self) -> EmployeeType:
        return self.source.employee

    @strawberry.field(description="Their department when they joined the cycle.")
    def department(self, info: Ctx) -> DepartmentType | None:
        return info.context.org.department(self.source.participant.department_id)

    @strawberry.field(description="Their job level when they joined the cycle.")
    def job_level(self, info: Ctx) -> JobLevelRef | None:
        return info.context.competencies.job_level(self.source.participant.job_level_id)

    @strawberry.field(description="Who writes their MANAGER review: the manager as of the period end. Null before launch.")
    def manager(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.source.participant.manager_id)

    @strawberry.field(description="Whether they led people at launch (their reviews then rate leadership).")
    def leads_people(self) -> bool:
        return self.source.participant.leads_people


@strawberry.type(name="PeerNomination", description="A peer the subject named; the subject's manager approves or replaces it.")
class NominationType:
    status: NominationStatusType
    decided_at: datetime | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, PeerNomination)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("PeerNomination", self.id)

    @strawberry.field
    def subject(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.subject_id)

    @strawberry.field
    def peer(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.peer_id)

    @strawberry.field
    def decided_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.decided_by)

    @strawberry.field(description="The nomination that replaced this one.")
    def replaced_by_id(self) -> strawberry.ID | None:
        return None if self.replaced_by_id is None else to_global_id("PeerNomination", self.replaced_by_id)


@strawberry.type(name="ReviewCycle", description="A review period with its subjects, reviewer kinds and deadlines.")
class ReviewCycleType(Node):
    name: str
    period_start: date
    period_end: date
    peer_min: int
    peer_max: int
    launched_at: datetime | None
    calibration_started_at: datetime | None
    released_at: datetime | None
    closed_at: datetime | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ReviewCycle)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("ReviewCycle", self.id)

    @strawberry.field
    def status(self) -> CycleStatusType:
        return CycleStatus(self.status)

    @strawberry.field
    def reviewer_kinds(self) -> list[ReviewerKindType]:
        return [ReviewerKind(kind) for kind in self.reviewer_kinds]

    @strawberry.field
    def template(self, info: Ctx) -> ReviewTemplateType | None:
        return info.context.reviews.template(self.template_id)

    @strawberry.field
    def deadlines(self) -> DeadlinesType:
        return DeadlinesType(
            self_review=self.self_due, manager=self.manager_due, peer=self.peer_due, direct_report=self.direct_report_due
        )

    @strawberry.field(description="HR admins only (null for others). By name; `first` 1 to 100.")
    async def participants(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> Connection[ParticipantType] | None:
        if not _admin(info):
            return None
        ctx = info.context
        wants_total = "totalCount" in selected_under(info.selected_fields, "participants")
        page = await ctx.run(cycle_service.list_participants, self.id, page_request(first, after, (str, UUID), wants_total))
        ctx.org.prime_employees([employee for _, employee in page.items])
        page.items = [ParticipantType(source=ParticipantView(p, e)) for p, e in page.items]
        return connection(page, after)

    @strawberry.field(description="HR admins only (null for others): submitted / assigned reviews.")
    async def progress(self, info: Ctx) -> ProgressType | None:
        if not _admin(info):
            return None
        return progress_type(await info.context.reviews.progress.load(self.id))

    @strawberry.field(description="HR admins only (null for others): reviewers past a deadline, by name. `first` 1 to 500.")
    async def overdue_reviewers(self, info: Ctx, first: int = 100) -> list[OverdueReviewerType] | None:
        if not _admin(info):
            return None
        if not 1 <= first <= MAX_OVERDUE:
            raise DomainError(ErrorCode.INVALID, f"first must be between 1 and {MAX_OVERDUE}", ["first"])
        ctx = info.context
        rows = await ctx.run(queries.overdue_reviewers, self, ctx.today, first)
        ctx.org.prime_employees([row.reviewer for row in rows])
        return [OverdueReviewerType(reviewer=r.reviewer, kind=r.kind, due_date=r.due, pending=r.pending) for r in rows]

    @strawberry.field(
        description="Peer nominations you may see: your own as subject, your reports', or all for HR admins."
    )
    async def nominations(self, info: Ctx, subject_id: strawberry.ID | None = None) -> list[NominationType]:
        subject = None
        if subject_id is not None:
            subject = uuid_of(subject_id, "Employee")
            if subject is None:
                return []
        return await info.context.reviews.nominations.load((self.id, subject))


# --- reviews ------------------------------------------------------------------------------


@strawberry.type(name="RatingLevel", description="One value of a rating scale.")
class RatingLevelType:
    value: int
    label: str


@strawberry.type(name="ReviewAnswer", description="An answer. No ID and no timestamp: it belongs to its review only.")
class AnswerType:
    rating: int | None
    text: str | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ReviewAnswer)

    @strawberry.field(description="The template question; null for an automatic leadership rating.")
    def question_id(self) -> strawberry.ID | None:
        return None if self.question_id is None else to_global_id("TemplateQuestion", self.question_id)

    @strawberry.field
    def competency(self, info: Ctx) -> CompetencyRef | None:
        return info.context.competencies.competency(self.competency_id)

    @strawberry.field(description="The goal rated, for a goals rating (null if you may not see the goal).")
    def goal(self, info: Ctx) -> GoalRef | None:
        return info.context.goals.goal(self.goal_id)


@strawberry.type(
    name="ReviewQuestion",
    description="One item the reviewer answers: a template question for their kind, one goal of a goals rating, "
    "or an automatic LEADERSHIP rating for a people-manager. Answer it with `questionId` (+ `goalId`), or "
    "`competencyId` when `automatic`.",
)
class ReviewQuestionType:
    source: strawberry.Private[Question]
    review_id: strawberry.Private[UUID]

    @strawberry.field
    def question_id(self) -> strawberry.ID | None:
        q = self.source.question_id
        return None if q is None else to_global_id("TemplateQuestion", q)

    @strawberry.field
    def section(self) -> str:
        return self.source.section

    @strawberry.field
    def kind(self) -> QuestionKindType:
        return self.source.kind

    @strawberry.field
    def prompt(self) -> str:
        return self.source.prompt

    @strawberry.field
    def required(self) -> bool:
        return self.source.required

    @strawberry.field(description="An automatic LEADERSHIP rating (the subject leads people), not a template question.")
    def automatic(self) -> bool:
        return self.source.automatic

    @strawberry.field
    def competency(self, info: Ctx) -> CompetencyRef | None:
        return info.context.competencies.competency(self.source.competency_id)

    @strawberry.field(description="The goal rated by this item of a goals rating.")
    def goal(self, info: Ctx) -> GoalRef | None:
        return info.context.goals.goal(self.source.goal_id)

    @strawberry.field
    def goal_title(self) -> str | None:
        return self.source.goal_title

    @strawberry.field(description="PROFICIENCY (the competency scale) or RATING (the tenant's rating scale); null for text.")
    def scale_kind(self) -> ScaleKindType | None:
        return self.source.scale

    @strawberry.field(description="The values a rating may take; null for text.")
    async def scale(self, info: Ctx) -> list[RatingLevelType] | None:
        ctx = info.context
        if self.source.scale is None:
            return None
        if self.source.scale == ScaleKind.PROFICIENCY:
            return [RatingLevelType(value=s.level, label=s.name) for s in await ctx.competencies.scale()]
        return [RatingLevelType(value=s.value, label=s.label) for s in await ctx.reviews.rating_scale()]

    @strawberry.field(description="The stored answer, if any.")
    async def answer(self, info: Ctx) -> AnswerType | None:
        answers = await info.context.reviews.answers.load(self.review_id)
        key = self.source.key
        return next((a for a in answers if (a.question_id, a.competency_id, a.goal_id) == key), None)


@strawberry.type(name="Review", description="One assignment: the reviewer reviews the subject in a cycle as `kind`.")
class ReviewType(Node):
    submitted_at: datetime | None
    reopened_count: int

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Review)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Review", self.id)

    @strawberry.field
    def kind(self) -> ReviewerKindType:
        return ReviewerKind(self.kind)

    @strawberry.field
    def status(self) -> ReviewStatusType:
        return ReviewStatus(self.status)

    @strawberry.field
    def cycle(self, info: Ctx) -> ReviewCycleType | None:
        return info.context.reviews.cycle(self.cycle_id)

    @strawberry.field
    def subject(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.subject_id)

    @strawberry.field
    def reviewer(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.reviewer_id)

    @strawberry.field(description="The cycle's deadline for this kind of review.")
    async def due_date(self, info: Ctx) -> date | None:
        cycle = await resolved(info.context.reviews.cycle(self.cycle_id))
        return cycle.due_for(self.kind) if cycle else None

    @strawberry.field(description="What this reviewer answers, in order.")
    async def questions(self, info: Ctx) -> list[ReviewQuestionType]:
        items = await info.context.reviews.questions.load(self.id)
        return [ReviewQuestionType(source=item, review_id=self.id) for item in items]

    @strawberry.field
    def answers(self, info: Ctx) -> list[AnswerType]:
        return info.context.reviews.answers.load(self.id)

