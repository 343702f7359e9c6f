"""Competencies: what good looks like, described per level of the scale.

Competencies are archived, never deleted: assessments, expectations and goals refer to
them, and their history must keep its meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies import policy
from domain.competencies.models import Competency, CompetencyIndicator
from domain.competencies.rules import (
    COMPETENCY_NAME_MAX,
    DESCRIPTION_MAX,
    LevelText,
    check_level_texts,
    clean_category,
    reorder,
)
from domain.competencies.scale import ensure_scale, scale_levels
from domain.errors import DomainError, ErrorCode, NotFound
from domain.org.rules import clean_text, duplicates
from domain.pagination import Page, PageRequest
from domain.persistence import among, flush_or_conflict, group_by, session_tenant

MAX_REORDER = 500


@dataclass(slots=True)
class NewCompetency:
    name: str
    category: str
    description: str | None = None
    levels: list[LevelText] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CompetencyFilter:
    category: str | None = None
    active: bool | None = True  # None lists archived and active together
    search: str | None = None


def _duplicate_name() -> DomainError:
    return DomainError(ErrorCode.DUPLICATE, "A competency already has this name", ["name"])


async def get_competency(session: AsyncSession, competency_id: UUID, field: str = "id") -> Competency:
    """The competency, or NOT_FOUND naming `field`. Archived ones are found too; callers
    that need an active one check `active` themselves (see `require_active`)."""
    competency = await session.get(Competency, (session_tenant(session), competency_id))
    if competency is None:
        raise NotFound("Competency", [field])
    return competency


def require_active(competency: Competency, path: Sequence[str]) -> Competency:
    if not competency.active:
        raise DomainError(ErrorCode.INVALID_STATE, f"{competency.name} is archived", list(path))
    return competency


async def competencies_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, Competency]:
    rows = await session.scalars(select(Competency).where(among(Competency.id, ids)))
    return {row.id: row for row in rows}


async def indicators_by_competency_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[CompetencyIndicator]]:
    rows = await session.scalars(
        select(CompetencyIndicator)
        .where(among(CompetencyIndicator.competency_id, ids))
        .order_by(CompetencyIndicator.competency_id, CompetencyIndicator.level)
    )
    return group_by(ids, rows, lambda row: row.competency_id)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(criteria: CompetencyFilter) -> list[Any]:
    conditions: list[Any] = []
    if criteria.active is not None:
        conditions.append(Competency.active.is_(criteria.active))
    if criteria.category is not None:
        conditions.append(Competency.category == criteria.category)
    if criteria.search:
        pattern = _like(criteria.search)
        conditions.append(or_(Competency.name.ilike(pattern, escape="\\"), Competency.description.ilike(pattern, escape="\\")))
    return conditions


async def list_competencies(session: AsyncSession, criteria: CompetencyFilter, page: PageRequest) -> Page[Competency]:
    """In the admins' order (position), then by name; keyset-paginated on (position, name, id)."""
    query = select(Competency).where(*_conditions(criteria))
    if page.after is not None:
        position, name, last_id = page.after
        query = query.where(tuple_(Competency.position, Competency.name, Competency.id) > (position, name, last_id))
    rows = list(
        await session.scalars(query.order_by(Competency.position, Competency.name, Competency.id).limit(page.first + 1))
    )
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(Competency).where(*_conditions(criteria)))
    items = rows[: page.first]
    return Page(items, len(rows) > page.first, total, [(c.position, c.name, c.id) for c in items])


async def _name_taken(session: AsyncSession, name: str, other_than: UUID | None = None) -> bool:
    query = select(Competency.id).where(func.lower(Competency.name) == name.lower())
    if other_than is not None:
        query = query.where(Competency.id != other_than)
    return await session.scalar(query.limit(1)) is not None


async def _replace_level_texts(session: AsyncSession, competency: Competency, texts: Sequence[LevelText]) -> None:
    cleaned = check_level_texts(texts, await scale_levels(session))
    await session.execute(delete(CompetencyIndicator).where(CompetencyIndicator.competency_id == competency.id))
    if cleaned:
        await ensure_scale(session)
        await session.execute(
            insert(CompetencyIndicator),
            [
                {"tenant_id": competency.tenant_id, "competency_id": competency.id, "level": t.level,
                 "description": t.description, "indicators": list(t.indicators)}
                for t in cleaned
            ],
        )


async def create_competency(session: AsyncSession, actor: Actor, data: NewCompetency) -> Competency:
    policy.require_framework_admin(actor)
    name = clean_text(data.name, "name", max_length=COMPETENCY_NAME_MAX)
    competency = Competency(
        tenant_id=session_tenant(session),
        name=name,
        category=clean_category(data.category),
        description=clean_text(data.description, "description", required=False, max_length=DESCRIPTION_MAX),
    )
    if await _name_taken(session, name):
        raise _duplicate_name()
    last = await session.scalar(select(func.max(Competency.position)))
    competency.position = 0 if last is None else last + 1
    session.add(competency)
    await flush_or_conflict(session, {"competencies_name_key": _duplicate_name()})
    await _replace_level_texts(session, competency, data.levels)
    return competency


async def update_competency(session: AsyncSession, actor: Actor, competency_id: UUID, changes: dict[str, Any]) -> Competency:
    """Changes name, description, category; `levels`, when given, replaces every level text."""
    policy.require_framework_admin(actor)
    competency = await get_competency(session, competency_id)
    if "name" in changes:
        name = clean_text(changes["name"], "name", max_length=COMPETENCY_NAME_MAX)
        if await _name_taken(session, name, other_than=competency.id):
            raise _duplicate_name()
        competency.name = name
    if "description" in changes:
        competency.description = clean_text(changes["description"], "description", required=False, max_length=DESCRIPTION_MAX)
    if "category" in changes:
        competency.category = clean_category(changes["category"])
    if "levels" in changes:
        await _replace_level_texts(session, competency, changes["levels"] or [])
    competency.updated_at = func.now()
    await flush_or_conflict(session, {"competencies_name_key": _duplicate_name()})
    await session.refresh(competency, ["updated_at"])
    return competency


async def set_active(session: AsyncSession, actor: Actor, competency_id: UUID, active: bool) -> Competency:
    """Archive (active=False) or restore. Ratings, expectations and goal links stay as they were."""
    policy.require_framework_admin(actor)
    competency = await get_competency(session, competency_id)
    if competency.active == active:
        state = "active" if active else "archived"
        raise DomainError(ErrorCode.INVALID_STATE, f"{competency.name} is already {state}", ["id"])
    competency.active = active
    competency.updated_at = func.now()
    await session.flush()
    await session.refresh(competency, ["updated_at"])
    return competency


async def reorder_competencies(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> list[Competency]:
    """The listed competencies take the positions they hold together, in the order given;
    positions are renumbered 0..n-1 so the order is total. Returns all, in the new order."""
    policy.require_framework_admin(actor)
    if not ids:
        raise DomainError(ErrorCode.REQUIRED, "ids must name at least one competency", ["ids"])
    if len(ids) > MAX_REORDER:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_REORDER} ids", ["ids"])
    repeated = duplicates(ids)
    if repeated:
        index = next(i for i, value in enumerate(ids) if value in repeated and ids.index(value) != i)
        raise DomainError(ErrorCode.DUPLICATE, "A competency is listed twice", ["ids", str(index)])
    everything = list(
        await session.scalars(
            select(Competency).order_by(Competency.position, Competency.name, Competency.id).with_for_update()
        )
    )
    known = {c.id: c for c in everything}
    for index, competency_id in enumerate(ids):
        if competency_id not in known:
            raise NotFound("Competency", ["ids", str(index)])
    ordered = reorder([c.id for c in everything], list(ids))
    for position, competency_id in enumerate(ordered):
        if known[competency_id].position != position:
            known[competency_id].position = position
    await session.flush()
    return [known[i] for i in ordered]


async def competency_ids_by_name(session: AsyncSession) -> dict[str, UUID]:
    return {name: competency_id for name, competency_id in await session.execute(select(Competency.name, Competency.id))}


async def competency_categories(session: AsyncSession) -> list[str]:
    rows = await session.scalars(select(Competency.category).distinct().order_by(Competency.category))
    return list(rows)


def by_position(rows: Sequence[Competency]) -> list[Competency]:
    return sorted(rows, key=lambda c: (c.position, c.name, str(c.id)))

