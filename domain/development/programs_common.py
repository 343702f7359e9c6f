"""Helpers the development programs share: competency sets in inputs, keyset pages,
whose development data the actor may read, and the gaps and strengths behind matching."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies import policy as competency_policy
from domain.competencies.framework import by_position, competencies_by_ids
from domain.competencies.models import AssessmentSource, Competency
from domain.competencies.profile import ProfileSubject, competency_profiles, latest_assessments
from domain.development.matching import GapFact
from domain.errors import DomainError, ErrorCode, NotFound
from domain.org.hierarchy import ancestor_ids
from domain.org.models import Employee
from domain.pagination import Page, PageRequest

MAX_COMPETENCIES = 20


async def check_competency_ids(
    session: AsyncSession,
    ids: Sequence[UUID],
    field: str,
    *,
    required: bool = True,
    allowed: Collection[UUID] | None = None,
    allowed_what: str = "",
) -> list[UUID]:
    """Each competency exists (NOT_FOUND at its index), is active, is listed once and, when
    `allowed` is given, is one of them. Returns the ids in the order given."""
    if required and not ids:
        raise DomainError(ErrorCode.REQUIRED, f"{field} must name at least one competency", [field])
    if len(ids) > MAX_COMPETENCIES:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_COMPETENCIES} competencies", [field])
    found = await competencies_by_ids(session, list(ids)) if ids else {}
    seen: set[UUID] = set()
    for index, competency_id in enumerate(ids):
        at = [field, str(index)]
        competency = found.get(competency_id)
        if competency is None:
            raise NotFound("Competency", at)
        if competency_id in seen:
            raise DomainError(ErrorCode.DUPLICATE, f"{competency.name} is listed twice", at)
        if not competency.active:
            raise DomainError(ErrorCode.INVALID_STATE, f"{competency.name} is archived", at)
        if allowed is not None and competency_id not in allowed:
            raise DomainError(ErrorCode.INVALID, f"{competency.name} is not {allowed_what}", at)
        seen.add(competency_id)
    return list(ids)


async def link_competencies(session: AsyncSession, model: Any, owner_column: str, owner: Any, ids: Sequence[UUID]) -> None:
    """Insert (tenant, owner, competency) rows of a link table in one statement."""
    if ids:
        await session.execute(
            insert(model),
            [{"tenant_id": owner.tenant_id, owner_column: owner.id, "competency_id": c} for c in ids],
        )


async def linked_competencies(
    session: AsyncSession, model: Any, owner_column: str, owner_ids: Sequence[UUID]
) -> dict[UUID, list[Competency]]:
    """Per owner, its linked competencies in the framework's order (one join)."""
    column = getattr(model, owner_column)
    rows = await session.execute(
        select(column, Competency).join(Competency, Competency.id == model.competency_id).where(column.in_(list(owner_ids)))
    )
    grouped: dict[UUID, list[Competency]] = {i: [] for i in owner_ids}
    for owner_id, competency in rows:
        grouped[owner_id].append(competency)
    return {owner_id: by_position(rows) for owner_id, rows in grouped.items()}


async def keyset_page(
    session: AsyncSession,
    model: Any,
    conditions: Sequence[Any],
    order: Sequence[Any],
    key_of: Callable[[Any], tuple[Any, ...]],
    page: PageRequest,
) -> Page[Any]:
    """One statement for the page (one more for the total when asked), keyed on `order`."""
    query = select(model).where(*conditions)
    if page.after is not None:
        query = query.where(tuple_(*order) > tuple(page.after))
    rows = list(await session.scalars(query.order_by(*order).limit(page.first + 1)))
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(model).where(*conditions))
    items = rows[: page.first]
    return Page(items, len(rows) > page.first, total, [key_of(row) for row in items])


# --- development data: who may read it, and what it says ----------------------------------


async def may_see_development(session: AsyncSession, actor: Actor, employee_id: UUID) -> bool:
    """Gaps are development data: the person, their managers up the chain, HR admins."""
    if actor.is_hr_admin or actor.employee_id == employee_id:
        return True
    return competency_policy.can_see_development(actor, employee_id, (await ancestor_ids(session, employee_id))[1:])


async def gap_facts(session: AsyncSession, employees: Sequence[Employee]) -> dict[UUID, dict[UUID, GapFact]]:
    """Per employee, their profile lines as matching needs them (one profile batch)."""
    subjects = [ProfileSubject(e.id, e.job_level_id, False) for e in employees]
    profiles = await competency_profiles(session, subjects) if subjects else {}
    return {
        subject.employee_id: {
            entry.competency.id: GapFact(
                entry.competency.id, entry.competency.name, entry.current.level if entry.current else None, entry.gap
            )
            for entry in entries
        }
        for subject, entries in profiles.items()
    }


async def assessed_levels(session: AsyncSession, employee_ids: Sequence[UUID]) -> dict[UUID, dict[UUID, int]]:
    """Per employee and competency, the latest level assessed by someone else (never SELF)."""
    levels: dict[UUID, dict[UUID, int]] = defaultdict(dict)
    if not employee_ids:
        return levels
    for row in await latest_assessments(session, employee_ids):
        if row.source != AssessmentSource.SELF.value:
            levels[row.employee_id][row.competency_id] = row.level
    return levels
