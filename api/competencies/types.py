"""GraphQL types of the competencies context. Sources are domain rows or profile entries."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from api.graphql.context import RequestContext
from api.graphql.ids import to_global_id
from api.graphql.node import Node
from domain.competencies.models import (
    AssessmentSource,
    Competency,
    CompetencyAssessment,
    JobLevel,
    JobLevelExpectation,
    Track,
)
from domain.competencies.profile import AssessmentRecord, ProfileEntry
from domain.competencies.rules import ScaleLevel, is_leadership, level_label
from domain.goals.models import Goal

if TYPE_CHECKING:
    from api.development.training_types import TrainingEvidenceType
    from api.org.types import EmployeeType
    from api.recognition.types import RecognitionEvidenceType

Ctx = Info[RequestContext, None]
EmployeeRef = Annotated["EmployeeType", strawberry.lazy("api.org.types")]

TrackType = strawberry.enum(Track, name="Track")
AssessmentSourceType = strawberry.enum(
    AssessmentSource, name="AssessmentSource", description="Who judged the level: the person, a manager, a review, or evidence."
)


@strawberry.type(name="ProficiencyLevel", description="One level of the tenant's proficiency scale.")
class ProficiencyLevelType:
    level: int
    name: str
    description: str | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ScaleLevel)


@strawberry.type(name="CompetencyLevel", description="What a competency looks like at one level of the scale.")
class CompetencyLevelType:
    level: int
    name: str = strawberry.field(description="The scale's name for the level.")
    description: str | None = strawberry.field(description="Null while the level is not described for this competency.")
    indicators: list[str] = strawberry.field(description="Observable behaviours at this level.")


@strawberry.type(name="Competency", description="A skill the tenant values, described per level of its proficiency scale.")
class CompetencyType(Node):
    name: str
    description: str | None
    category: str = strawberry.field(description="LEADERSHIP, CORE, TECHNICAL or a custom upper-case category.")
    active: bool = strawberry.field(description="False once archived; archived competencies keep their history.")
    position: int = strawberry.field(description="The admins' order; lists sort by it.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Competency)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Competency", self.id)

    @strawberry.field
    def is_leadership(self) -> bool:
        return is_leadership(self.category)

    @strawberry.field(description="Every level of the scale, in order, with this competency's description of it.")
    async def levels(self, info: Ctx) -> list[CompetencyLevelType]:
        loaders = info.context.competencies
        scale, texts = await asyncio.gather(loaders.scale(), loaders.level_texts.load(self.id))
        by_level = {text.level: text for text in texts}
        return [
            CompetencyLevelType(
                level=item.level,
                name=item.name,
                description=by_level[item.level].description if item.level in by_level else None,
                indicators=list(by_level[item.level].indicators) if item.level in by_level else [],
            )
            for item in scale
        ]


@strawberry.type(name="JobLevelExpectation", description="The level a job level expects in one competency.")
class JobLevelExpectationType:
    expected_level: int

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, JobLevelExpectation)

    @strawberry.field
    def competency(self, info: Ctx) -> CompetencyType:
        return info.context.competencies.competency(self.competency_id)


@strawberry.type(name="JobLevel", description="A career level on a track, ranked within it.")
class JobLevelType(Node):
    name: str
    rank: int
    description: str | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, JobLevel)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("JobLevel", self.id)

    @strawberry.field
    def track(self) -> TrackType:
        return Track(self.track)

    @strawberry.field(description="What this level expects, in the framework's order.")
    def expectations(self, info: Ctx) -> list[JobLevelExpectationType]:
        return info.context.competencies.expectations.load(self.id)

    @strawberry.field(description="Active employees at this level.")
    def employee_count(self, info: Ctx) -> int:
        return info.context.competencies.employee_counts.load(self.id)


@strawberry.type(name="CompetencyAssessment", description="One dated judgement of an employee's level; never rewritten.")
class CompetencyAssessmentType:
    level: int
    source: AssessmentSourceType
    note: str | None
    assessed_on: date
    recorded_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, (CompetencyAssessment, AssessmentRecord))

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("CompetencyAssessment", self.id)

    @strawberry.field
    def competency(self, info: Ctx) -> CompetencyType:
        return info.context.competencies.competency(self.competency_id)

    @strawberry.field
    def employee(self, info: Ctx) -> EmployeeRef | None:
        return info.context.org.employee(self.employee_id)

    @strawberry.field(description="Who recorded it.")
    def assessed_by(self, info: Ctx) -> EmployeeRef | None:
        return info.context.org.employee(self.assessed_by)

    @strawberry.field(description="The level's name on the scale, e.g. \"Proficient (3)\".")
    async def level_label(self, info: Ctx) -> str:
        return level_label(self.level, await info.context.competencies.scale())


@strawberry.type(name="GoalEvidence", description="A completed goal that developed the competency.")
class GoalEvidenceType:
    title: str
    kind: str = strawberry.field(description="LEADERSHIP or DEVELOPMENT.")
    completed_on: date | None
    due_date: date

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Goal)

    @strawberry.field(description="The goal's global ID.")
    def goal_id(self) -> strawberry.ID:
        return to_global_id("Goal", self.id)


@strawberry.type(name="CompetencyProfileEntry", description="One competency of an employee's profile.")
class CompetencyProfileEntryType:
    competency: CompetencyType
    expected_level: int | None = strawberry.field(
        description="What the employee's job level expects; null when it expects nothing here."
    )
    gap: int | None = strawberry.field(
        description="Expected minus current: positive is below expectation; null when either is unknown."
    )
    evidence: list[GoalEvidenceType] = strawberry.field(
        description="Completed LEADERSHIP or DEVELOPMENT goals linked to this competency."
    )
    explanation: str = strawberry.field(description="How the numbers were reached, in words.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ProfileEntry)

    @strawberry.field(description="The latest assessment by someone else, else the latest self-assessment.")
    def current_level(self) -> int | None:
        return self.current.level if self.current else None

    @strawberry.field(description="The source of the current level.")
    def current_source(self) -> AssessmentSourceType | None:
        return AssessmentSource(self.current.source) if self.current else None

    @strawberry.field(description="When the current level was assessed.")
    def current_assessed_on(self) -> date | None:
        return self.current.assessed_on if self.current else None

    @strawberry.field(description="The latest self-assessment.")
    def self_level(self) -> int | None:
        return self.self_assessment.level if self.self_assessment else None

    @strawberry.field(description="Recognition tagged with this competency in the last 12 months: weak evidence.")
    def recognition(
        self, info: Ctx
    ) -> Annotated[RecognitionEvidenceType, strawberry.lazy("api.recognition.types")]:
        from api.recognition.employee_fields import recognition_evidence

        return recognition_evidence(info.context, self.employee_id, self.competency)

    @strawberry.field(description="Completed training targeting this competency: evidence without a level.")
    async def training(
        self, info: Ctx
    ) -> Annotated[TrainingEvidenceType, strawberry.lazy("api.development.training_types")]:
        from api.development.training_queries import training_evidence

        return await training_evidence(info.context, self.employee_id, self.competency)
