"""GraphQL types of stretch projects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from api.competencies.types import CompetencyType
from api.graphql.ids import to_global_id
from api.graphql.node import Node
from api.org.types import Ctx, EmployeeType
from domain.development.matching import Recommendation
from domain.development.program_models import ApplicationStatus, ProjectStatus, StretchApplication, StretchProject
from domain.development.stretch_queries import OutcomeView

ProjectStatusType = strawberry.enum(
    ProjectStatus, name="StretchProjectStatus",
    description="OPEN -> STAFFED (every seat taken) -> IN_PROGRESS -> COMPLETED; an OPEN project may start too.",
)
ApplicationStatusType = strawberry.enum(
    ApplicationStatus, name="StretchApplicationStatus",
    description="APPLIED until the sponsor and the applicant's manager both approve (APPROVED) or either rejects.",
)


@strawberry.type(name="StretchOutcome", description="What the sponsor recorded for a participant: EVIDENCE in their profile.")
class StretchOutcomeType:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, OutcomeView)

    @strawberry.field
    def employee(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.outcome.employee_id)

    @strawberry.field
    def competency(self, info: Ctx) -> CompetencyType | None:
        return info.context.competencies.competency(self.outcome.competency_id)

    @strawberry.field
    def level(self) -> int:
        return self.assessment.level

    @strawberry.field
    def note(self) -> str | None:
        return self.assessment.note

    @strawberry.field(description="The EVIDENCE assessment it became.")
    def assessment_id(self) -> strawberry.ID:
        return to_global_id("CompetencyAssessment", self.assessment.id)


@strawberry.type(name="StretchProject", description="A project that stretches its participants in target competencies.")
class StretchProjectType(Node):
    title: str
    description: str | None
    start_date: date
    end_date: date
    seats: int
    completed_on: date | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, StretchProject)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("StretchProject", self.id)

    @strawberry.field
    def status(self) -> ProjectStatusType:
        return ProjectStatus(self.status)

    @strawberry.field
    def sponsor(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.sponsor_id)

    @strawberry.field(description="In the framework's order.")
    def target_competencies(self, info: Ctx) -> list[CompetencyType]:
        return info.context.programs.project_targets.load(self.id)

    @strawberry.field(description="Approved participants.")
    def seats_taken(self, info: Ctx) -> int:
        return info.context.programs.seats_taken.load(self.id)

    @strawberry.field(description="Recorded at completion; the sponsor and HR admins see all, each participant their own.")
    def outcomes(self, info: Ctx) -> list[StretchOutcomeType]:
        return info.context.programs.outcomes.load(self.id)


@strawberry.type(name="StretchApplication", description="An application to a stretch project.")
class StretchApplicationType(Node):
    motivation: str
    rejection_reason: str | None
    applied_at: datetime
    decided_at: datetime | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, StretchApplication)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("StretchApplication", self.id)

    @strawberry.field
    def status(self) -> ApplicationStatusType:
        return ApplicationStatus(self.status)

    @strawberry.field
    def project(self, info: Ctx) -> StretchProjectType | None:
        return info.context.programs.project(self.project_id)

    @strawberry.field
    def applicant(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.applicant_id)

    @strawberry.field(description="Who approved as the sponsor; null while they have not.")
    def sponsor_approved_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.sponsor_approved_by)

    @strawberry.field(description="Who approved as the applicant's manager; null while they have not.")
    def manager_approved_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.manager_approved_by)

    @strawberry.field
    def rejected_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.rejected_by)


@strawberry.type(name="StretchProjectRecommendation", description="An open project ranked by the gaps it targets.")
class StretchProjectRecommendationType:
    score: int = strawberry.field(description="The employee's gap levels in the competencies the project targets.")
    explanation: str

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Recommendation) and isinstance(obj.item, StretchProject)

    @strawberry.field
    def project(self) -> StretchProjectType:
        return self.item

    @strawberry.field(description="The employee's gaps the project targets.")
    def matched_competencies(self, info: Ctx) -> list[CompetencyType]:
        return [info.context.competencies.competency(gap.competency_id) for gap in self.matched]
