"""Read side of mentorship: visible pages and batched relations (one statement per relation
for a whole page, whatever its size)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.models import Competency
from domain.development.mentorship import visible_mentorship, visible_program
from domain.development.program_models import (
    Mentorship,
    MentorshipParticipant,
    MentorshipParticipantCompetency,
    MentorshipProgram,
    MentorshipProgramCompetency,
    MentorshipSession,
    MentorshipSessionCompetency,
    MentorshipStatus,
)
from domain.development.programs_common import keyset_page, linked_competencies
from domain.pagination import Page, PageRequest
from domain.persistence import group_by

ParticipantKey = tuple[UUID, str]  # (program, role)


@dataclass(frozen=True, slots=True)
class MentorshipFilter:
    program_id: UUID | None = None
    status: str | None = None


async def list_programs(session: AsyncSession, actor: Actor, status: str | None, page: PageRequest) -> Page[MentorshipProgram]:
    conditions = [visible_program(actor)]
    if status is not None:
        conditions.append(MentorshipProgram.status == status)
    order = (MentorshipProgram.name, MentorshipProgram.id)
    return await keyset_page(session, MentorshipProgram, conditions, order, lambda p: (p.name, p.id), page)


async def programs_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, MentorshipProgram]:
    rows = await session.scalars(select(MentorshipProgram).where(MentorshipProgram.id.in_(list(ids)), visible_program(actor)))
    return {row.id: row for row in rows}


async def list_mentorships(
    session: AsyncSession, actor: Actor, criteria: MentorshipFilter, page: PageRequest
) -> Page[Mentorship]:
    conditions = [visible_mentorship(actor)]
    if criteria.program_id is not None:
        conditions.append(Mentorship.program_id == criteria.program_id)
    if criteria.status is not None:
        conditions.append(Mentorship.status == criteria.status)
    order = (Mentorship.created_at, Mentorship.id)
    return await keyset_page(session, Mentorship, conditions, order, lambda m: (m.created_at, m.id), page)


async def mentorships_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, Mentorship]:
    rows = await session.scalars(select(Mentorship).where(Mentorship.id.in_(list(ids)), visible_mentorship(actor)))
    return {row.id: row for row in rows}


async def focus_competencies(session: AsyncSession, program_ids: Sequence[UUID]) -> dict[UUID, list[Competency]]:
    return await linked_competencies(session, MentorshipProgramCompetency, "program_id", program_ids)


async def participant_competencies(session: AsyncSession, participant_ids: Sequence[UUID]) -> dict[UUID, list[Competency]]:
    return await linked_competencies(session, MentorshipParticipantCompetency, "participant_id", participant_ids)


async def session_competencies(session: AsyncSession, session_ids: Sequence[UUID]) -> dict[UUID, list[Competency]]:
    return await linked_competencies(session, MentorshipSessionCompetency, "session_id", session_ids)


async def participants(session: AsyncSession, keys: Sequence[ParticipantKey]) -> dict[ParticipantKey, list[MentorshipParticipant]]:
    """Per (program, role), in the order they joined."""
    rows = await session.scalars(
        select(MentorshipParticipant)
        .where(MentorshipParticipant.program_id.in_(list({program for program, _ in keys})))
        .order_by(MentorshipParticipant.joined_at, MentorshipParticipant.id)
    )
    grouped: dict[ParticipantKey, list[MentorshipParticipant]] = {key: [] for key in keys}
    for row in rows:
        key = (row.program_id, row.role)
        if key in grouped:
            grouped[key].append(row)
    return grouped


async def active_counts(session: AsyncSession, program_ids: Sequence[UUID]) -> dict[UUID, int]:
    """Active mentorships per program."""
    rows = await session.execute(
        select(Mentorship.program_id, func.count())
        .where(Mentorship.program_id.in_(list(program_ids)), Mentorship.status == MentorshipStatus.ACTIVE.value)
        .group_by(Mentorship.program_id)
    )
    counts = dict.fromkeys(program_ids, 0)
    counts.update(dict(rows.all()))
    return counts


async def sessions_by_mentorship_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[MentorshipSession]]:
    """Newest first."""
    rows = await session.scalars(
        select(MentorshipSession)
        .where(MentorshipSession.mentorship_id.in_(list(ids)))
        .order_by(MentorshipSession.held_on.desc(), MentorshipSession.created_at.desc())
    )
    return group_by(ids, rows, lambda row: row.mentorship_id)
