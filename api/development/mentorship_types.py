"""GraphQL types of mentorship. Sources are domain rows; suggestions come from matching.py
and always carry their explanation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from api.competencies.types import CompetencyType, TrackType
from api.graphql.ids import to_global_id
from api.graphql.node import Node
from api.org.types import Ctx, EmployeeType
from domain.competencies.models import Track
from domain.development.matching import Cover, MentorSuggestion
from domain.development.program_models import (
    Mentorship,
    MentorshipParticipant,
    MentorshipProgram,
    MentorshipSession,
    MentorshipStatus,
    ParticipantRole,
    ProgramStatus,
)

ProgramStatusType = strawberry.enum(
    ProgramStatus, name="MentorshipProgramStatus", description="DRAFT (HR and the owner only) -> OPEN -> CLOSED."
)
MentorshipRoleType = strawberry.enum(ParticipantRole, name="MentorshipRole")
MentorshipStatusType = strawberry.enum(MentorshipStatus, name="MentorshipStatus")


def _runs(info: Ctx, program: MentorshipProgram) -> bool:
    actor = info.context.actor
    return actor.is_hr_admin or program.owner_id == actor.employee_id


@strawberry.type(name="MentorshipParticipant", description="A mentor who opted in, or a mentee who applied.")
class MentorshipParticipantType:
    joined_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, MentorshipParticipant)

    @strawberry.field
    def role(self) -> MentorshipRoleType:
        return ParticipantRole(self.role)

    @strawberry.field
    def employee(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.employee_id)

    @strawberry.field(description="Mentors: what they can mentor. Mentees: what they want to grow.")
    def competencies(self, info: Ctx) -> list[CompetencyType]:
        return info.context.programs.participant_competencies.load(self.id)


@strawberry.type(name="MentorshipProgram", description="A mentorship program: who may mentor whom, in which competencies.")
class MentorshipProgramType(Node):
    name: str
    description: str | None
    start_date: date
    end_date: date
    capacity_per_mentor: int = strawberry.field(description="Active mentees a mentor takes at most.")
    min_mentor_job_level_rank: int | None = strawberry.field(
        description="Mentors need a job level of at least this rank (on `mentorTrack` when set)."
    )
    mentees_must_be_managers: bool = strawberry.field(description="Mentees must have direct reports.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, MentorshipProgram)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("MentorshipProgram", self.id)

    @strawberry.field
    def status(self) -> ProgramStatusType:
        return ProgramStatus(self.status)

    @strawberry.field(description="Mentors need a job level on this track.")
    def mentor_track(self) -> TrackType | None:
        return Track(self.mentor_track) if self.mentor_track else None

    @strawberry.field(description="Who runs the program with HR: may pair its mentors and mentees.")
    def owner(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.owner_id)

    @strawberry.field(description="The competencies the program develops, in the framework's order.")
    def focus_competencies(self, info: Ctx) -> list[CompetencyType]:
        return info.context.programs.focus.load(self.id)

    @strawberry.field(description="Mentors who opted in, in the order they joined.")
    def mentors(self, info: Ctx) -> list[MentorshipParticipantType]:
        return info.context.programs.participants.load((self.id, ParticipantRole.MENTOR.value))

    @strawberry.field(description="Mentees who applied, with what they want to grow. HR admins and the owner only; null for others.")
    def mentees(self, info: Ctx) -> list[MentorshipParticipantType] | None:
        if not _runs(info, self):
            return None
        return info.context.programs.participants.load((self.id, ParticipantRole.MENTEE.value))

    @strawberry.field
    def active_mentorship_count(self, info: Ctx) -> int:
        return info.context.programs.active_counts.load(self.id)


@strawberry.type(name="MentorshipSession", description="A session the pair held.")
class MentorshipSessionType:
    notes: str | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, MentorshipSession)

    @strawberry.field
    def date(self) -> date:
        return self.held_on

    @strawberry.field
    def logged_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.logged_by)

    @strawberry.field(description="The competencies worked on.")
    def competencies(self, info: Ctx) -> list[CompetencyType]:
        return info.context.programs.session_competencies.load(self.id)


@strawberry.type(name="Mentorship", description="A mentor and a mentee paired in a program.")
class MentorshipType(Node):
    started_on: date
    ended_on: date | None
    outcome: str | None = strawberry.field(description="What came of it, said when it ended.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Mentorship)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("Mentorship", self.id)

    @strawberry.field
    def status(self) -> MentorshipStatusType:
        return MentorshipStatus(self.status)

    @strawberry.field
    def program(self, info: Ctx) -> MentorshipProgramType | None:
        return info.context.programs.mentorship_program(self.program_id)

    @strawberry.field
    def mentor(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.mentor_id)

    @strawberry.field
    def mentee(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.mentee_id)

    @strawberry.field(description="Newest first. The mentor and the mentee only (the notes are theirs); null for others.")
    def sessions(self, info: Ctx) -> list[MentorshipSessionType] | None:
        if info.context.actor.employee_id not in (self.mentor_id, self.mentee_id):
            return None
        return info.context.programs.sessions.load(self.id)


@strawberry.type(name="MentorCoverage", description="How much of one of the mentee's needs a mentor covers.")
class MentorCoverageType:
    mentor_level: int | None = strawberry.field(description="The mentor's assessed level (self-assessments do not count).")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, Cover)

    @strawberry.field
    def covered_levels(self) -> int:
        return self.covered

    @strawberry.field(description="The mentee's gap, or 1 when they asked for it without a gap.")
    def needed_levels(self) -> int:
        return self.needed

    @strawberry.field
    def competency(self, info: Ctx) -> CompetencyType | None:
        return info.context.competencies.competency(self.competency_id)


@strawberry.type(name="MentorSuggestion", description="A mentor ranked for a mentee, with why.")
class MentorSuggestionType:
    score: float = strawberry.field(description="Covered levels, plus 0.5 for another department.")
    department_bonus: float
    explanation: str

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, MentorSuggestion)

    @strawberry.field
    def mentor(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.candidate.employee_id)

    @strawberry.field
    def covered_levels(self) -> int:
        return self.covered

    @strawberry.field
    def needed_levels(self) -> int:
        return self.needed

    @strawberry.field(description="Mentees the mentor already has in this program.")
    def active_mentees(self) -> int:
        return self.candidate.active_mentees

    @strawberry.field
    def coverage(self) -> list[MentorCoverageType]:
        return list(self.covers)
