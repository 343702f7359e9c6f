"""GraphQL types of training programs and enrolments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import strawberry

from api.competencies.types import CompetencyType
from api.graphql.ids import to_global_id
from api.graphql.node import Node
from api.org.types import Ctx, EmployeeType
from domain.development.matching import Recommendation
from domain.development.program_models import EnrolmentStatus, TrainingEnrolment, TrainingFormat, TrainingProgram

TrainingFormatType = strawberry.enum(TrainingFormat, name="TrainingFormat")
EnrolmentStatusType = strawberry.enum(
    EnrolmentStatus, name="TrainingEnrolmentStatus",
    description="ENROLLED -> IN_PROGRESS -> COMPLETED; ENROLLED|IN_PROGRESS -> DROPPED -> ENROLLED. COMPLETED is final.",
)


@strawberry.type(name="TrainingProgram", description="A training in the tenant's catalogue.")
class TrainingProgramType(Node):
    name: str
    description: str | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, TrainingProgram)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("TrainingProgram", self.id)

    @strawberry.field
    def format(self) -> TrainingFormatType:
        return TrainingFormat(self.format)

    @strawberry.field
    def duration_hours(self) -> float:
        return float(self.duration_hours)

    @strawberry.field(description="In the framework's order.")
    def target_competencies(self, info: Ctx) -> list[CompetencyType]:
        return info.context.programs.training_targets.load(self.id)


@strawberry.type(name="TrainingEnrolment", description="An employee's enrolment in a training program.")
class TrainingEnrolmentType(Node):
    enrolled_on: date
    started_on: date | None
    completed_on: date | None
    dropped_on: date | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, TrainingEnrolment)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("TrainingEnrolment", self.id)

    @strawberry.field
    def status(self) -> EnrolmentStatusType:
        return EnrolmentStatus(self.status)

    @strawberry.field
    def program(self, info: Ctx) -> TrainingProgramType | None:
        return info.context.programs.training(self.program_id)

    @strawberry.field
    def employee(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.employee_id)

    @strawberry.field
    def enrolled_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.enrolled_by)


@strawberry.type(name="TrainingRecommendation", description="A training ranked by the gaps it targets.")
class TrainingRecommendationType:
    score: int = strawberry.field(description="The employee's gap levels in the competencies the training targets.")
    explanation: str

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Recommendation) and isinstance(obj.item, TrainingProgram)

    @strawberry.field
    def program(self) -> TrainingProgramType:
        return self.item

    @strawberry.field(description="The employee's gaps the training targets.")
    def matched_competencies(self, info: Ctx) -> list[CompetencyType]:
        return [info.context.competencies.competency(gap.competency_id) for gap in self.matched]


@dataclass(frozen=True, slots=True)
class Completion:
    program: TrainingProgram
    completed_on: date


@strawberry.type(name="TrainingCompletion")
class TrainingCompletionType:
    program: TrainingProgramType
    completed_on: date

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Completion)


@strawberry.type(
    name="TrainingEvidence",
    description="Completed training targeting a competency: evidence without a level, so it never moves the current level.",
)
class TrainingEvidenceType:
    completions: list[TrainingCompletionType] = strawberry.field(description="Newest first.")
    explanation: str
