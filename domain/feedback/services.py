"""Giving feedback, asking for it, answering and declining.

Services check what needs no database first (the shape of the input, feedback to
yourself), then existence (another tenant's or a missing id is NOT_FOUND alike), then
rights, and write only once everything holds, so a refused call leaves nothing behind.
Each write announces itself with a NOTIFY in the same transaction (events.py), so
nothing is announced for a write that is rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.framework import competencies_by_ids, require_active
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.feedback import events, policy, rules
from domain.feedback.models import (
    AskStatus,
    Feedback,
    FeedbackAsk,
    FeedbackCompetency,
    FeedbackKind,
    FeedbackRequest,
    FeedbackVisibility,
)
from domain.feedback.visibility import visible_request
from domain.org.hierarchy import ancestor_ids, employees_by_ids
from domain.org.models import Employee
from domain.persistence import session_tenant


@dataclass(slots=True)
class NewFeedback:
    to_employee_id: UUID
    body: str
    competency_ids: list[UUID] = field(default_factory=list)
    kind: FeedbackKind = FeedbackKind.PRAISE
    visibility: FeedbackVisibility = FeedbackVisibility.PRIVATE


@dataclass(slots=True)
class NewRequest:
    from_employee_ids: list[UUID]
    about_employee_id: UUID
    question: str
    due_date: date
    visibility: FeedbackVisibility = FeedbackVisibility.MANAGER_VISIBLE


@dataclass(slots=True)
class Answer:
    body: str
    competency_ids: list[UUID] = field(default_factory=list)
    kind: FeedbackKind = FeedbackKind.COACHING


# --- checks -----------------------------------------------------------------------------------


def _active(employee: Employee | None, path: list[str]) -> Employee:
    if employee is None:
        raise NotFound("Employee", path)
    if not employee.is_active:
        raise DomainError(ErrorCode.INVALID_STATE, f"{employee.name} has left", path)
    return employee


async def _check_competencies(session: AsyncSession, ids: Sequence[UUID]) -> None:
    found = await competencies_by_ids(session, list(set(ids))) if ids else {}
    for i, competency_id in enumerate(ids):
        if competency_id not in found:
            raise NotFound("Competency", ["competencyIds", str(i)])
        require_active(found[competency_id], ["competencyIds", str(i)])


# --- giving -----------------------------------------------------------------------------------


async def _write(
    session: AsyncSession, giver_id: UUID, receiver_id: UUID, body: str, kind: str, visibility: str,
    competency_ids: Sequence[UUID], request_id: UUID | None = None,
) -> Feedback:
    tenant_id = session_tenant(session)
    feedback = Feedback(
        tenant_id=tenant_id, giver_id=giver_id, receiver_id=receiver_id, body=body, kind=FeedbackKind(kind).value,
        visibility=FeedbackVisibility(visibility).value, request_id=request_id,
    )
    session.add(feedback)
    await session.flush()
    session.add_all(
        FeedbackCompetency(tenant_id=tenant_id, feedback_id=feedback.id, competency_id=c) for c in competency_ids
    )
    await session.flush()
    await session.refresh(feedback, ["created_at"])
    await events.feedback_received(session, receiver_id, feedback.id)
    return feedback


async def give_feedback(session: AsyncSession, actor: Actor, data: NewFeedback) -> Feedback:
    rules.check_receiver(actor.employee_id, data.to_employee_id)
    body = rules.clean_body(data.body)
    competency_ids = rules.check_competency_count(data.competency_ids)
    found = await employees_by_ids(session, [data.to_employee_id])
    _active(found.get(data.to_employee_id), ["toEmployeeId"])
    await _check_competencies(session, data.competency_ids)
    return await _write(
        session, actor.employee_id, data.to_employee_id, body, data.kind, data.visibility, competency_ids
    )


# --- asking -----------------------------------------------------------------------------------


async def request_feedback(session: AsyncSession, actor: Actor, data: NewRequest, today: date) -> FeedbackRequest:
    """Anyone about themselves; managers up the chain about their reports."""
    question = rules.clean_question(data.question)
    due_date = rules.check_due_date(data.due_date, today)
    asked = rules.check_asked(actor.employee_id, data.about_employee_id, data.from_employee_ids)
    people = await employees_by_ids(session, [data.about_employee_id, *asked])
    _active(people.get(data.about_employee_id), ["aboutEmployeeId"])
    managers = set(await ancestor_ids(session, data.about_employee_id)) - {data.about_employee_id}
    if not policy.can_request_about(actor, data.about_employee_id, managers):
        raise Forbidden("You may ask for feedback about yourself and the people who report to you", ["aboutEmployeeId"])
    for i, employee_id in enumerate(asked):
        _active(people.get(employee_id), ["fromEmployeeIds", str(i)])
    tenant_id = session_tenant(session)
    request = FeedbackRequest(
        tenant_id=tenant_id, requester_id=actor.employee_id, subject_id=data.about_employee_id, question=question,
        due_date=due_date, visibility=FeedbackVisibility(data.visibility).value,
    )
    session.add(request)
    await session.flush()
    session.add_all(FeedbackAsk(tenant_id=tenant_id, request_id=request.id, employee_id=e) for e in asked)
    await session.flush()
    await session.refresh(request, ["created_at"])
    await events.feedback_requested(session, asked, request.id)
    return request


# --- answering and declining --------------------------------------------------------------------


async def _my_part(session: AsyncSession, actor: Actor, request_id: UUID) -> tuple[FeedbackRequest, FeedbackAsk]:
    """The request and the actor's part, locked so that two answers cannot both pass the check."""
    found = (await session.execute(
        select(FeedbackRequest, FeedbackAsk)
        .join(FeedbackAsk, and_(FeedbackAsk.request_id == FeedbackRequest.id, FeedbackAsk.employee_id == actor.employee_id))
        .where(FeedbackRequest.id == request_id)
        .with_for_update(of=FeedbackAsk)
    )).first()
    if found is not None:
        return found[0], found[1]
    # The requester sees the request but was not asked in it; anyone else learns nothing.
    visible = select(func.count()).select_from(FeedbackRequest).where(FeedbackRequest.id == request_id, visible_request(actor))
    if await session.scalar(visible):
        raise Forbidden("You were not asked in this request", ["requestId"])
    raise NotFound("FeedbackRequest", ["requestId"])


async def respond(session: AsyncSession, actor: Actor, request_id: UUID, answer: Answer) -> tuple[Feedback, FeedbackRequest]:
    """Feedback from the responder about the subject, with the request's visibility; closes their part."""
    request, part = await _my_part(session, actor, request_id)
    rules.require_open(part.status)
    body = rules.clean_body(answer.body)
    competency_ids = rules.check_competency_count(answer.competency_ids)
    found = await employees_by_ids(session, [request.subject_id])
    _active(found.get(request.subject_id), ["requestId"])
    await _check_competencies(session, answer.competency_ids)
    feedback = await _write(
        session, actor.employee_id, request.subject_id, body, answer.kind, request.visibility, competency_ids, request.id
    )
    part.status, part.feedback_id, part.responded_at = AskStatus.ANSWERED.value, feedback.id, func.clock_timestamp()
    await session.flush()
    await session.refresh(part, ["responded_at"])
    return feedback, request


async def decline(session: AsyncSession, actor: Actor, request_id: UUID, reason: str | None) -> FeedbackRequest:
    request, part = await _my_part(session, actor, request_id)
    rules.require_open(part.status)
    part.status, part.decline_reason = AskStatus.DECLINED.value, rules.clean_reason(reason)
    part.responded_at = func.clock_timestamp()
    await session.flush()
    await session.refresh(part, ["responded_at"])
    return request
