"""Review templates: ordered sections of questions, each saying who answers it.

A template's questions are replaced as a whole while no launched cycle uses it;
afterwards answers refer to them, so only the name and description may change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import delete, func, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.framework import competencies_by_ids
from domain.errors import DomainError, ErrorCode, NotFound
from domain.pagination import Page, PageRequest
from domain.persistence import flush_or_conflict, group_by, session_tenant
from domain.reviews import policy
from domain.reviews.models import CycleStatus, ReviewCycle, ReviewTemplate, TemplateQuestion, TemplateSection
from domain.reviews.rules import (
    DESCRIPTION_MAX,
    CleanSection,
    SectionSpec,
    TemplateItem,
    clean_line,
    clean_long_text,
    clean_sections,
)


@dataclass(slots=True)
class NewTemplate:
    name: str
    sections: list[SectionSpec] = field(default_factory=list)
    description: str | None = None
    include_leadership_for_managers: bool = True


_DUPLICATE_NAME = DomainError(ErrorCode.DUPLICATE, "A review template already has this name", ["name"])
_CONFLICTS = {"review_templates_name_key": _DUPLICATE_NAME}


async def get_template(session: AsyncSession, template_id: UUID, field_name: str = "id") -> ReviewTemplate:
    template = await session.get(ReviewTemplate, (session_tenant(session), template_id))
    if template is None:
        raise NotFound("ReviewTemplate", [field_name])
    return template


async def templates_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, ReviewTemplate]:
    rows = await session.scalars(select(ReviewTemplate).where(ReviewTemplate.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def list_templates(session: AsyncSession, page: PageRequest) -> Page[ReviewTemplate]:
    query = select(ReviewTemplate)
    if page.after is not None:
        name, last_id = page.after
        query = query.where(tuple_(ReviewTemplate.name, ReviewTemplate.id) > (name, last_id))
    rows = list(await session.scalars(query.order_by(ReviewTemplate.name, ReviewTemplate.id).limit(page.first + 1)))
    total = await session.scalar(select(func.count()).select_from(ReviewTemplate)) if page.with_total else None
    items = rows[: page.first]
    return Page(items, len(rows) > page.first, total, [(t.name, t.id) for t in items])


async def sections_by_template_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[TemplateSection]]:
    rows = await session.scalars(
        select(TemplateSection).where(TemplateSection.template_id.in_(list(ids))).order_by(TemplateSection.position)
    )
    return group_by(ids, rows, lambda row: row.template_id)


async def questions_by_section_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[TemplateQuestion]]:
    rows = await session.scalars(
        select(TemplateQuestion).where(TemplateQuestion.section_id.in_(list(ids))).order_by(TemplateQuestion.position)
    )
    return group_by(ids, rows, lambda row: row.section_id)


async def questions_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, TemplateQuestion]:
    rows = await session.scalars(select(TemplateQuestion).where(TemplateQuestion.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def template_items(session: AsyncSession, template_ids: Sequence[UUID]) -> dict[UUID, list[TemplateItem]]:
    """Every template's questions with their section, in order (one statement)."""
    rows = await session.execute(
        select(TemplateQuestion, TemplateSection.title, TemplateSection.position)
        .join(TemplateSection, TemplateSection.id == TemplateQuestion.section_id)
        .where(TemplateQuestion.template_id.in_(list(template_ids)))
        .order_by(TemplateSection.position, TemplateQuestion.position)
    )
    items = [
        (q.template_id, TemplateItem(q.id, title, section_position, q.position, q.kind, q.prompt, q.competency_id,
                                     list(q.reviewer_kinds), q.required))
        for q, title, section_position in rows
    ]
    grouped = group_by(template_ids, items, lambda pair: pair[0])
    return {key: [item for _, item in pairs] for key, pairs in grouped.items()}


async def _check_competencies(session: AsyncSession, sections: list[CleanSection]) -> None:
    """Each rated competency exists in this tenant and is not archived."""
    questions = [q for s in sections for q in s.questions if q.competency_id is not None]
    found = await competencies_by_ids(session, [q.competency_id for q in questions]) if questions else {}
    for question in questions:
        competency = found.get(question.competency_id)
        at = [*question.path, "competencyId"]
        if competency is None:
            raise NotFound("Competency", at)
        if not competency.active:
            raise DomainError(ErrorCode.INVALID_STATE, f"{competency.name} is archived", at)


async def _name_taken(session: AsyncSession, name: str, other_than: UUID | None = None) -> bool:
    query = select(ReviewTemplate.id).where(func.lower(ReviewTemplate.name) == name.lower())
    if other_than is not None:
        query = query.where(ReviewTemplate.id != other_than)
    return await session.scalar(query.limit(1)) is not None


async def _write_sections(session: AsyncSession, template: ReviewTemplate, sections: list[CleanSection]) -> None:
    """Two bulk inserts, whatever the number of questions."""
    tenant_id = session_tenant(session)
    section_rows: list[dict[str, Any]] = []
    question_rows: list[dict[str, Any]] = []
    for position, section in enumerate(sections):
        section_id = uuid4()
        section_rows.append({"tenant_id": tenant_id, "id": section_id, "template_id": template.id,
                             "title": section.title, "description": section.description, "position": position})
        question_rows.extend(
            {"tenant_id": tenant_id, "id": uuid4(), "template_id": template.id, "section_id": section_id,
             "position": index, "kind": q.kind.value, "prompt": q.prompt, "competency_id": q.competency_id,
             "reviewer_kinds": q.reviewer_kinds, "required": q.required}
            for index, q in enumerate(section.questions)
        )
    await session.execute(insert(TemplateSection), section_rows)
    await session.execute(insert(TemplateQuestion), question_rows)


async def create_template(session: AsyncSession, actor: Actor, data: NewTemplate) -> ReviewTemplate:
    policy.require_review_admin(actor)
    name = clean_line(data.name, ["name"]) or ""
    description = clean_long_text(data.description, ["description"], required=False, max_length=DESCRIPTION_MAX)
    sections = clean_sections(data.sections)
    await _check_competencies(session, sections)
    if await _name_taken(session, name):
        raise _DUPLICATE_NAME
    template = ReviewTemplate(
        tenant_id=session_tenant(session), name=name, description=description,
        include_leadership_for_managers=data.include_leadership_for_managers, created_by=actor.employee_id,
    )
    session.add(template)
    await flush_or_conflict(session, _CONFLICTS)
    await _write_sections(session, template, sections)
    return template


async def launched_cycles_using(session: AsyncSession, template_id: UUID) -> int:
    return await session.scalar(
        select(func.count()).select_from(ReviewCycle).where(
            ReviewCycle.template_id == template_id, ReviewCycle.status != CycleStatus.DRAFT.value
        )
    ) or 0


async def update_template(session: AsyncSession, actor: Actor, template_id: UUID, changes: dict[str, Any]) -> ReviewTemplate:
    """`changes` may hold name, description, include_leadership_for_managers and sections
    (the whole new list, replacing the old questions)."""
    policy.require_review_admin(actor)
    template = await get_template(session, template_id)
    if "name" in changes:
        name = clean_line(changes["name"], ["name"]) or ""
        if await _name_taken(session, name, template.id):
            raise _DUPLICATE_NAME
        template.name = name
    if "description" in changes:
        template.description = clean_long_text(changes["description"], ["description"], required=False, max_length=DESCRIPTION_MAX)
    if changes.get("include_leadership_for_managers") is not None:
        template.include_leadership_for_managers = changes["include_leadership_for_managers"]
    if changes.get("sections") is not None:
        sections = clean_sections(changes["sections"])
        await _check_competencies(session, sections)
        if await launched_cycles_using(session, template.id):
            raise DomainError(
                ErrorCode.INVALID_STATE, "A launched cycle uses this template: its questions can no longer change", ["sections"]
            )
        await session.execute(delete(TemplateSection).where(TemplateSection.template_id == template.id))
        await _write_sections(session, template, sections)
    template.updated_at = func.now()
    await flush_or_conflict(session, _CONFLICTS)
    await session.refresh(template)
    return template
