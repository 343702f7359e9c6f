"""Departments form a tree per tenant; heads are employees of the tenant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode, NotFound
from domain.org import policy
from domain.org.models import Department, Employee
from domain.org.rules import clean_text
from domain.pagination import Page, PageRequest
from domain.persistence import among, flush_or_conflict, group_by, session_tenant


async def get_department(session: AsyncSession, department_id: UUID, field: str = "id") -> Department:
    department = await session.get(Department, (session_tenant(session), department_id))
    if department is None:
        raise NotFound("Department", [field])
    return department


async def departments_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, Department]:
    rows = await session.scalars(select(Department).where(among(Department.id, ids)))
    return {row.id: row for row in rows}


async def children_by_parent_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[Department]]:
    rows = await session.scalars(
        select(Department).where(among(Department.parent_id, ids)).order_by(Department.name, Department.id)
    )
    return group_by(ids, rows, lambda row: row.parent_id)


async def list_departments(
    session: AsyncSession, page: PageRequest, parent_id: UUID | None = None, roots_only: bool = False
) -> Page[Department]:
    conditions: list[Any] = []
    if parent_id is not None:
        conditions.append(Department.parent_id == parent_id)
    elif roots_only:
        conditions.append(Department.parent_id.is_(None))
    query = select(Department).where(*conditions)
    if page.after is not None:
        name, last_id = page.after
        query = query.where(or_(Department.name > name, and_(Department.name == name, Department.id > last_id)))
    rows = list(await session.scalars(query.order_by(Department.name, Department.id).limit(page.first + 1)))
    total = None
    if page.with_total:
        total = await session.scalar(select(func.count()).select_from(Department).where(*conditions))
    items = rows[: page.first]
    return Page(items, len(rows) > page.first, total, [(d.name, d.id) for d in items])


async def _ancestor_ids(session: AsyncSession, department_id: UUID) -> list[UUID]:
    """The department and every ancestor, nearest first (a recursive CTE, one statement)."""
    tree = select(Department.id, Department.parent_id, literal_column("1").label("depth")).where(
        Department.id == department_id
    ).cte("ancestors", recursive=True)
    parent = select(Department.id, Department.parent_id, (tree.c.depth + 1).label("depth")).where(
        Department.id == tree.c.parent_id, tree.c.depth < 10_000
    )
    tree = tree.union_all(parent)
    return list(await session.scalars(select(tree.c.id).order_by(tree.c.depth)))


async def _check_head(session: AsyncSession, head_id: UUID | None) -> None:
    if head_id is None:
        return
    head = await session.get(Employee, (session_tenant(session), head_id))
    if head is None or not head.is_active:
        raise NotFound("Employee", ["headId"])


async def create_department(
    session: AsyncSession, actor: Actor, name: str, parent_id: UUID | None = None, head_id: UUID | None = None
) -> Department:
    policy.require_org_manager(actor)
    cleaned = clean_text(name, "name")
    if parent_id is not None:
        await get_department(session, parent_id, "parentId")
    await _check_head(session, head_id)
    department = Department(tenant_id=actor.tenant_id, name=cleaned, parent_id=parent_id, head_id=head_id)
    session.add(department)
    await _flush_unique_name(session)
    return department


async def update_department(session: AsyncSession, actor: Actor, department_id: UUID, changes: dict[str, Any]) -> Department:
    policy.require_org_manager(actor)
    department = await get_department(session, department_id)
    if "name" in changes:
        department.name = clean_text(changes["name"], "name")
    if "head_id" in changes:
        await _check_head(session, changes["head_id"])
        department.head_id = changes["head_id"]
    await _flush_unique_name(session)
    return department


async def move_department(session: AsyncSession, actor: Actor, department_id: UUID, new_parent_id: UUID | None) -> Department:
    policy.require_org_manager(actor)
    department = await get_department(session, department_id)
    if new_parent_id is not None:
        await get_department(session, new_parent_id, "parentId")
        if department_id in await _ancestor_ids(session, new_parent_id):
            raise DomainError(ErrorCode.CYCLE, "A department cannot move under itself or its own sub-department", ["parentId"])
    department.parent_id = new_parent_id
    await _flush_unique_name(session)
    return department


async def _flush_unique_name(session: AsyncSession) -> None:
    await flush_or_conflict(
        session,
        {"departments_sibling_name_key": DomainError(ErrorCode.DUPLICATE, "A sibling department already has this name", ["name"])},
    )
