"""Recognizing people, reacting to recognition and commenting on it.

Services check what needs no database first (the shape of the input, recognizing
yourself), then visibility (an invisible recognition is NOT_FOUND), then rights, and
write only once everything holds, so a refused call leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.framework import competencies_by_ids, require_active
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.org.hierarchy import employees_by_ids
from domain.persistence import flush_or_conflict, session_tenant
from domain.recognition import events, policy, rules
from domain.recognition.models import (
    Recognition,
    RecognitionComment,
    RecognitionCompetency,
    RecognitionKind,
    RecognitionReaction,
    RecognitionRecipient,
    RecognitionVisibility,
)
from domain.recognition.queries import get_visible
from domain.recognition.visibility import visible


@dataclass(slots=True)
class NewRecognition:
    recipient_ids: list[UUID]
    message: str
    competency_ids: list[UUID] = field(default_factory=list)
    value_tags: list[str] = field(default_factory=list)
    kind: RecognitionKind = RecognitionKind.KUDOS
    visibility: RecognitionVisibility = RecognitionVisibility.PUBLIC


# --- recognize ------------------------------------------------------------------------------


async def _check_recipients(session: AsyncSession, ids: Sequence[UUID]) -> None:
    """Each recipient exists in this tenant and is active; errors name the first bad index."""
    found = await employees_by_ids(session, list(set(ids)))
    for i, employee_id in enumerate(ids):
        employee = found.get(employee_id)
        if employee is None:
            raise NotFound("Employee", ["recipientIds", str(i)])
        if not employee.is_active:
            raise DomainError(ErrorCode.INVALID_STATE, f"{employee.name} has left", ["recipientIds", str(i)])


async def _check_competencies(session: AsyncSession, ids: Sequence[UUID]) -> None:
    found = await competencies_by_ids(session, list(set(ids))) if ids else {}
    for i, competency_id in enumerate(ids):
        if competency_id not in found:
            raise NotFound("Competency", ["competencyIds", str(i)])
        require_active(found[competency_id], ["competencyIds", str(i)])


async def recognize(session: AsyncSession, actor: Actor, data: NewRecognition) -> Recognition:
    message = rules.clean_message(data.message)
    recipient_ids = rules.check_recipients(actor.employee_id, data.recipient_ids)
    competency_ids = rules.check_competency_count(data.competency_ids)
    tags = rules.clean_value_tags(data.value_tags)
    await _check_recipients(session, data.recipient_ids)
    await _check_competencies(session, data.competency_ids)
    tenant_id = session_tenant(session)
    recognition = Recognition(
        tenant_id=tenant_id, giver_id=actor.employee_id, message=message, kind=RecognitionKind(data.kind).value,
        visibility=RecognitionVisibility(data.visibility).value, value_tags=tags,
    )
    session.add(recognition)
    await session.flush()
    session.add_all(
        RecognitionRecipient(tenant_id=tenant_id, recognition_id=recognition.id, employee_id=e, position=i)
        for i, e in enumerate(recipient_ids)
    )
    session.add_all(
        RecognitionCompetency(tenant_id=tenant_id, recognition_id=recognition.id, competency_id=c) for c in competency_ids
    )
    await session.flush()
    await session.refresh(recognition, ["created_at"])
    await events.recognition_posted(session, recognition, recipient_ids)
    return recognition


# --- reactions ------------------------------------------------------------------------------


def _reacted_twice() -> DomainError:
    return DomainError(ErrorCode.DUPLICATE, "You already reacted with this emoji", ["emoji"])


async def react(session: AsyncSession, actor: Actor, recognition_id: UUID, emoji: str) -> Recognition:
    """One reaction of each emoji per person."""
    recognition = await get_visible(session, actor, recognition_id, "recognitionId")
    emoji = rules.clean_emoji(emoji)
    mine = (
        RecognitionReaction.recognition_id == recognition.id,
        RecognitionReaction.employee_id == actor.employee_id,
        RecognitionReaction.emoji == emoji,
    )
    if await session.scalar(select(exists().where(*mine))):
        raise _reacted_twice()
    session.add(RecognitionReaction(
        tenant_id=recognition.tenant_id, recognition_id=recognition.id, employee_id=actor.employee_id, emoji=emoji
    ))
    await flush_or_conflict(session, {"recognition_reactions_pkey": _reacted_twice()})
    return recognition


async def unreact(session: AsyncSession, actor: Actor, recognition_id: UUID, emoji: str) -> Recognition:
    recognition = await get_visible(session, actor, recognition_id, "recognitionId")
    emoji = rules.clean_emoji(emoji)
    removed = await session.execute(
        delete(RecognitionReaction).where(
            RecognitionReaction.recognition_id == recognition.id,
            RecognitionReaction.employee_id == actor.employee_id,
            RecognitionReaction.emoji == emoji,
        )
    )
    if removed.rowcount == 0:
        raise DomainError(ErrorCode.NOT_FOUND, "You have not reacted with this emoji", ["emoji"])
    return recognition


# --- comments -------------------------------------------------------------------------------


async def comment(session: AsyncSession, actor: Actor, recognition_id: UUID, body: str) -> RecognitionComment:
    recognition = await get_visible(session, actor, recognition_id, "recognitionId")
    text = rules.clean_comment(body)
    row = RecognitionComment(
        tenant_id=recognition.tenant_id, recognition_id=recognition.id, author_id=actor.employee_id, body=text
    )
    session.add(row)
    await session.flush()
    await session.refresh(row, ["created_at"])
    return row


async def delete_comment(session: AsyncSession, actor: Actor, comment_id: UUID) -> Recognition:
    """By its author or an HR admin; a comment on recognition the actor cannot see is NOT_FOUND."""
    found = (await session.execute(
        select(RecognitionComment, Recognition)
        .join(Recognition, Recognition.id == RecognitionComment.recognition_id)
        .where(RecognitionComment.id == comment_id, visible(actor))
    )).first()
    if found is None:
        raise NotFound("RecognitionComment", ["id"])
    row, recognition = found
    if not policy.can_delete_comment(actor, row.author_id):
        raise Forbidden("Only the comment's author and HR admins may delete it", ["id"])
    await session.delete(row)
    await session.flush()
    return recognition
