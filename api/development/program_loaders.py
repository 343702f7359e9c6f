"""Per-request batching for the development programs (see api/org/loaders.py for the pattern).

A page of programs, projects, trainings, applications or enrolments resolves each
relation with one statement for the whole page (competencies, counts, participants,
sessions), so a page of 100 costs what a page of 10 does. Rows a page already read are
remembered and resolve synchronously. Mutations run through `perform_fresh`, which resets
the loaders: a payload never answers from what the request read before the change.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from api.graphql.errors import UserError
from api.graphql.loading import ContextLoaders
from api.graphql.mutation import perform
from domain.development import mentorship_queries, stretch_queries, training, training_queries
from domain.development.program_models import (
    Mentorship,
    MentorshipProgram,
    StretchApplication,
    StretchProject,
    TrainingEnrolment,
    TrainingProgram,
)

if TYPE_CHECKING:
    from api.graphql.context import RequestContext

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


async def resolved(value: T | Awaitable[T]) -> T:
    return await value if inspect.isawaitable(value) else value


class ProgramLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.reset()

    def reset(self) -> None:
        self.mentorship_programs: dict[UUID, MentorshipProgram] = {}
        self.mentorships: dict[UUID, Mentorship] = {}
        self.projects: dict[UUID, StretchProject] = {}
        self.applications: dict[UUID, StretchApplication] = {}
        self.trainings: dict[UUID, TrainingProgram] = {}
        self.enrolments: dict[UUID, TrainingEnrolment] = {}
        self._program_loader = self._loader(self._as_actor(mentorship_queries.programs_by_ids), self.mentorship_programs)
        self._mentorship_loader = self._loader(self._as_actor(mentorship_queries.mentorships_by_ids), self.mentorships)
        self._project_loader = self._loader(stretch_queries.projects_by_ids, self.projects)
        self._application_loader = self._loader(self._as_actor(stretch_queries.applications_by_ids), self.applications)
        self._training_loader = self._loader(training_queries.programs_by_ids, self.trainings)
        self._enrolment_loader = self._loader(self._as_actor(training_queries.enrolments_by_ids), self.enrolments)
        self.focus = self._loader(mentorship_queries.focus_competencies, None)
        self.participants = self._loader(mentorship_queries.participants, None)
        self.participant_competencies = self._loader(mentorship_queries.participant_competencies, None)
        self.active_counts = self._loader(mentorship_queries.active_counts, None)
        self.sessions = self._loader(mentorship_queries.sessions_by_mentorship_ids, None)
        self.session_competencies = self._loader(mentorship_queries.session_competencies, None)
        self.project_targets = self._loader(stretch_queries.target_competencies, None)
        self.seats_taken = self._loader(stretch_queries.seats_taken, None)
        self.outcomes = self._loader(self._as_actor(stretch_queries.outcomes_by_project_ids), None)
        self.training_targets = self._loader(training_queries.target_competencies, None)
        self.training_evidence = self._loader(training.training_evidence, None)

    def _as_actor(self, fetch: Callable[..., Awaitable[dict[K, V]]]) -> Callable[[Any, Sequence[K]], Awaitable[dict[K, V]]]:
        async def as_actor(session, keys: Sequence[K]) -> dict[K, V]:
            return await fetch(session, self._ctx.actor, keys)

        return as_actor


    @staticmethod
    def _known(memo: dict[UUID, Any], loader: DataLoader, key: UUID | None) -> Any:
        if key is None:
            return None
        found = memo.get(key)
        return found if found is not None else loader.load(key)

    def prime(self, memo: dict[UUID, Any], rows: Sequence[Any]) -> None:
        """Only ever with rows the actor may see (every page query filters by visibility)."""
        for row in rows:
            memo.setdefault(row.id, row)

    def mentorship_program(self, program_id: UUID | None) -> Any:
        return self._known(self.mentorship_programs, self._program_loader, program_id)

    def mentorship(self, mentorship_id: UUID | None) -> Any:
        return self._known(self.mentorships, self._mentorship_loader, mentorship_id)

    def project(self, project_id: UUID | None) -> Any:
        return self._known(self.projects, self._project_loader, project_id)

    def application(self, application_id: UUID | None) -> Any:
        return self._known(self.applications, self._application_loader, application_id)

    def training(self, program_id: UUID | None) -> Any:
        return self._known(self.trainings, self._training_loader, program_id)

    def enrolment(self, enrolment_id: UUID | None) -> Any:
        return self._known(self.enrolments, self._enrolment_loader, enrolment_id)


async def perform_fresh(info: Any, work: Callable[[Any, Any], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """`perform` (a savepoint; domain errors as UserErrors), then fresh loaders: completing a
    stretch project writes assessments, so the competency loaders start over too."""
    result, errors = await perform(info.context, work)
    info.context.programs.reset()
    info.context.competencies.reset()
    return result, errors
