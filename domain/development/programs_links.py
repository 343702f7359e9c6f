"""The development programs' kinds of plan action (see links.py): a plan action may link a
mentorship, a stretch-project application or a training enrolment, and its status then
follows that object's state."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.development import links
from domain.development.mentorship import exists_mentorship
from domain.development.plan_models import PlanActionKind, PlanActionStatus
from domain.development.program_models import (
    ApplicationStatus,
    EnrolmentStatus,
    Mentorship,
    MentorshipStatus,
    ProjectStatus,
    StretchApplication,
    StretchProject,
    TrainingEnrolment,
)
from domain.development.stretch import exists_application
from domain.development.training import exists_enrolment

MENTORSHIP_STATUS = {MentorshipStatus.ACTIVE: PlanActionStatus.IN_PROGRESS, MentorshipStatus.ENDED: PlanActionStatus.DONE}
ENROLMENT_STATUS = {
    EnrolmentStatus.ENROLLED: PlanActionStatus.NOT_STARTED,
    EnrolmentStatus.IN_PROGRESS: PlanActionStatus.IN_PROGRESS,
    EnrolmentStatus.COMPLETED: PlanActionStatus.DONE,
    EnrolmentStatus.DROPPED: PlanActionStatus.DROPPED,
}
# An approved application follows its project; a pending one has not started, a rejected one is dropped.
PROJECT_STATUS = {
    ProjectStatus.OPEN: PlanActionStatus.NOT_STARTED,
    ProjectStatus.STAFFED: PlanActionStatus.NOT_STARTED,
    ProjectStatus.IN_PROGRESS: PlanActionStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED: PlanActionStatus.DONE,
}


def application_status(application: str, project: str) -> PlanActionStatus:
    if application == ApplicationStatus.REJECTED:
        return PlanActionStatus.DROPPED
    if application == ApplicationStatus.APPLIED:
        return PlanActionStatus.NOT_STARTED
    return PROJECT_STATUS[ProjectStatus(project)]


async def _mentorship_statuses(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, PlanActionStatus]:
    rows = await session.execute(select(Mentorship.id, Mentorship.status).where(Mentorship.id.in_(list(ids))))
    return {row_id: MENTORSHIP_STATUS[MentorshipStatus(status)] for row_id, status in rows}


async def _application_statuses(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, PlanActionStatus]:
    rows = await session.execute(
        select(StretchApplication.id, StretchApplication.status, StretchProject.status)
        .join(StretchProject, StretchProject.id == StretchApplication.project_id)
        .where(StretchApplication.id.in_(list(ids)))
    )
    return {row_id: application_status(status, project) for row_id, status, project in rows}


async def _enrolment_statuses(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, PlanActionStatus]:
    rows = await session.execute(select(TrainingEnrolment.id, TrainingEnrolment.status).where(TrainingEnrolment.id.in_(list(ids))))
    return {row_id: ENROLMENT_STATUS[EnrolmentStatus(status)] for row_id, status in rows}


links.register(PlanActionKind.MENTORSHIP, type_name="Mentorship", exists=exists_mentorship, statuses=_mentorship_statuses)
links.register(
    PlanActionKind.STRETCH_PROJECT, type_name="StretchApplication", exists=exists_application,
    statuses=_application_statuses,
)
links.register(
    PlanActionKind.TRAINING_ENROLMENT, type_name="TrainingEnrolment", exists=exists_enrolment, statuses=_enrolment_statuses
)
