"""Read side of the org: batched look-ups, the directory, reporting chains and subtrees.

Subtrees use recursive CTEs over (tenant_id, manager_id), which PostgreSQL walks by
index; no extension is needed, so the embedded server runs it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, bindparam, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.org.models import Department, Employee, EmployeeStatus, ManagerAssignment
from domain.org.records import (
    DEPARTMENT_WIDTH,
    EMPLOYEE_WIDTH,
    DepartmentRecord,
    EmployeeRecord,
    department_at,
    department_columns,
    employee_at,
    employee_columns,
)
from domain.pagination import Page, PageRequest
from domain.persistence import among, column_rows, group_by

MAX_DEPTH = 1_000  # bounds a walk even if bad data ever held a cycle


@dataclass(frozen=True, slots=True)
class EmployeeFilter:
    search: str | None = None
    department_id: UUID | None = None
    manager_id: UUID | None = None
    status: str | None = EmployeeStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class EmployeeIncludes:
    """Relations a list page should fetch in the same statement (planned from the GraphQL selection)."""

    manager: bool = False
    department: bool = False
    report_count: bool = False


@dataclass(slots=True)
class EmployeeListing:
    page: Page[EmployeeRecord]
    managers: dict[UUID, EmployeeRecord] = field(default_factory=dict)
    departments: dict[UUID, DepartmentRecord] = field(default_factory=dict)
    report_counts: dict[UUID, int] = field(default_factory=dict)


def _like_pattern(text: str) -> str:
    # Control characters (NUL above all, which PostgreSQL text cannot hold) never match a name.
    text = "".join(ch for ch in text if ord(ch) >= 32)
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filter_conditions(criteria: EmployeeFilter) -> list[Any]:
    conditions: list[Any] = []
    if criteria.status is not None:
        conditions.append(Employee.status == criteria.status)
    if criteria.department_id is not None:
        conditions.append(Employee.department_id == criteria.department_id)
    if criteria.manager_id is not None:
        conditions.append(Employee.manager_id == criteria.manager_id)
    if criteria.search:
        pattern = _like_pattern(criteria.search.strip())
        conditions.append(or_(Employee.name.ilike(pattern, escape="\\"), Employee.email.ilike(pattern, escape="\\")))
    return conditions


def _report_count_column():
    reports = aliased(Employee, name="reports")
    return (
        select(func.count())
        .where(reports.manager_id == Employee.id, reports.status == EmployeeStatus.ACTIVE)
        .correlate(Employee)
        .scalar_subquery()
        .label("report_count")
    )


@lru_cache(maxsize=16)
def _listing_select(includes: EmployeeIncludes) -> Select:
    """The page's columns and joins, built once per shape: building a select of 30 columns
    costs about as much as running it, and only the filters change between requests."""
    manager = aliased(Employee, name="manager")
    columns: list[Any] = employee_columns()
    if includes.manager:
        columns += employee_columns(manager)
    if includes.department:
        columns += department_columns()
    if includes.report_count:
        columns.append(_report_count_column())
    query = select(*columns)
    if includes.manager:
        query = query.outerjoin(manager, manager.id == Employee.manager_id)
    if includes.department:
        query = query.outerjoin(Department, Department.id == Employee.department_id)
    return query.order_by(Employee.name, Employee.id)


Shape = tuple[bool, bool, bool, bool, bool]  # status, department, manager, search, after


@lru_cache(maxsize=128)
def _page_statement(includes: EmployeeIncludes, shape: Shape) -> Select:
    """The page's statement with bind parameters, built once per shape of filter: the same
    conditions as `_filter_conditions`, without building expressions on every request."""
    status, department, manager, search, after = shape
    conditions: list[Any] = []
    if status:
        conditions.append(Employee.status == bindparam("status"))
    if department:
        conditions.append(Employee.department_id == bindparam("department_id"))
    if manager:
        conditions.append(Employee.manager_id == bindparam("manager_id"))
    if search:
        pattern = bindparam("pattern")
        conditions.append(or_(Employee.name.ilike(pattern, escape="\\"), Employee.email.ilike(pattern, escape="\\")))
    if after:
        last_name = bindparam("after_name")
        conditions.append(or_(Employee.name > last_name, and_(Employee.name == last_name, Employee.id > bindparam("after_id"))))
    return _listing_select(includes).where(*conditions).limit(bindparam("page_limit"))


def _page_parameters(criteria: EmployeeFilter, page: PageRequest) -> tuple[Shape, dict[str, Any]]:
    parameters: dict[str, Any] = {"page_limit": page.first + 1}
    if criteria.status is not None:
        parameters["status"] = criteria.status
    if criteria.department_id is not None:
        parameters["department_id"] = criteria.department_id
    if criteria.manager_id is not None:
        parameters["manager_id"] = criteria.manager_id
    if criteria.search:
        parameters["pattern"] = _like_pattern(criteria.search.strip())
    if page.after is not None:
        parameters["after_name"], parameters["after_id"] = page.after
    shape = (criteria.status is not None, criteria.department_id is not None, criteria.manager_id is not None,
             bool(criteria.search), page.after is not None)
    return shape, parameters


async def list_employees(
    session: AsyncSession, criteria: EmployeeFilter, page: PageRequest, includes: EmployeeIncludes
) -> EmployeeListing:
    """One statement for the page and its planned relations, one more for the total if asked."""
    shape, parameters = _page_parameters(criteria, page)
    rows = await column_rows(session, _page_statement(includes, shape), parameters)

    listing = EmployeeListing(page=Page(items=[], has_next=len(rows) > page.first))
    for row in rows[: page.first]:
        employee = EmployeeRecord._make(row[:EMPLOYEE_WIDTH])
        position = EMPLOYEE_WIDTH
        listing.page.items.append(employee)
        listing.page.keys.append((employee.name, employee.id))
        if includes.manager:
            if (boss := employee_at(row, position)) is not None:
                listing.managers[boss.id] = boss
            position += EMPLOYEE_WIDTH
        if includes.department:
            if (department := department_at(row, position)) is not None:
                listing.departments[department.id] = department
            position += DEPARTMENT_WIDTH
        if includes.report_count:
            listing.report_counts[employee.id] = row[position]
    if page.with_total:
        listing.page.total = await session.scalar(
            select(func.count()).select_from(Employee).where(*_filter_conditions(criteria))
        )
    return listing


async def employees_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, Employee]:
    rows = await session.scalars(select(Employee).where(among(Employee.id, ids)))
    return {row.id: row for row in rows}


async def direct_reports_by_manager_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[EmployeeRecord]]:
    rows = await session.execute(
        select(*employee_columns())
        .where(among(Employee.manager_id, ids), Employee.status == EmployeeStatus.ACTIVE)
        .order_by(Employee.name, Employee.id)
    )
    return group_by(ids, map(EmployeeRecord._make, rows), lambda row: row.manager_id)


async def report_counts_by_manager_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, int]:
    rows = await session.execute(
        select(Employee.manager_id, func.count())
        .where(among(Employee.manager_id, ids), Employee.status == EmployeeStatus.ACTIVE)
        .group_by(Employee.manager_id)
    )
    counts = {i: 0 for i in ids}
    counts.update({manager_id: count for manager_id, count in rows})
    return counts


async def employees_by_department_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[EmployeeRecord]]:
    rows = await session.execute(
        select(*employee_columns())
        .where(among(Employee.department_id, ids), Employee.status == EmployeeStatus.ACTIVE)
        .order_by(Employee.name, Employee.id)
    )
    return group_by(ids, map(EmployeeRecord._make, rows), lambda row: row.department_id)


async def ancestor_ids(session: AsyncSession, employee_id: UUID) -> list[UUID]:
    """The employee and everyone above, nearest first."""
    return [employee.id for employee, _ in await _chain(session, employee_id)]


async def _chain(session: AsyncSession, employee_id: UUID) -> list[tuple[Employee, int]]:
    chain = (
        select(Employee.id, Employee.manager_id, literal_column("0").label("depth"))
        .where(Employee.id == employee_id)
        .cte("chain", recursive=True)
    )
    chain = chain.union_all(
        select(Employee.id, Employee.manager_id, (chain.c.depth + 1).label("depth")).where(
            Employee.id == chain.c.manager_id, chain.c.depth < MAX_DEPTH
        )
    )
    rows = await session.execute(
        select(Employee, chain.c.depth).join(chain, chain.c.id == Employee.id).order_by(chain.c.depth)
    )
    return [(employee, depth) for employee, depth in rows]


async def reporting_chain(session: AsyncSession, employee_id: UUID) -> list[Employee]:
    """Managers from the direct one up to the root."""
    return [employee for employee, depth in await _chain(session, employee_id) if depth > 0]


async def subtree(session: AsyncSession, root_id: UUID, depth: int | None) -> list[tuple[Employee, int]]:
    """Everyone below `root_id` (active), with their distance from it; `depth` limits the levels."""
    limit = min(depth, MAX_DEPTH) if depth is not None else MAX_DEPTH
    tree = (
        select(Employee.id, literal_column("1").label("depth"))
        .where(Employee.manager_id == root_id, Employee.status == EmployeeStatus.ACTIVE)
        .cte("tree", recursive=True)
    )
    tree = tree.union_all(
        select(Employee.id, (tree.c.depth + 1).label("depth")).where(
            Employee.manager_id == tree.c.id, Employee.status == EmployeeStatus.ACTIVE, tree.c.depth < limit
        )
    )
    rows = await session.execute(
        select(Employee, tree.c.depth).join(tree, tree.c.id == Employee.id).order_by(tree.c.depth, Employee.name, Employee.id)
    )
    return [(employee, level) for employee, level in rows]


async def manager_history(session: AsyncSession, employee_id: UUID) -> list[ManagerAssignment]:
    rows = await session.scalars(
        select(ManagerAssignment)
        .where(ManagerAssignment.employee_id == employee_id)
        .order_by(ManagerAssignment.effective_from, ManagerAssignment.recorded_at)
    )
    return list(rows)


async def manager_as_of(session: AsyncSession, employee_id: UUID, day: date) -> UUID | None:
    """Who managed the employee on `day` (later reviews ask this of the period end)."""
    return await session.scalar(
        select(ManagerAssignment.manager_id).where(
            ManagerAssignment.employee_id == employee_id,
            ManagerAssignment.effective_from <= day,
            or_(ManagerAssignment.effective_to.is_(None), ManagerAssignment.effective_to > day),
        )
    )


# --- batched forms, for lists that ask every row for its chain, subtree or history ---------


async def reporting_chains(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[EmployeeRecord]]:
    """`reporting_chain` for many employees in one recursive statement, as records: a team
    page reads 50 chains (hundreds of rows, mostly the same few managers) only to test IDs."""
    chain = (
        select(Employee.id.label("origin"), Employee.id, Employee.manager_id, literal_column("0").label("depth"))
        .where(among(Employee.id, ids))
        .cte("chains", recursive=True)
    )
    chain = chain.union_all(
        select(chain.c.origin, Employee.id, Employee.manager_id, (chain.c.depth + 1).label("depth")).where(
            Employee.id == chain.c.manager_id, chain.c.depth < MAX_DEPTH
        )
    )
    rows = await column_rows(
        session,
        select(chain.c.origin, *employee_columns())
        .join(chain, chain.c.id == Employee.id)
        .where(chain.c.depth > 0)
        .order_by(chain.c.origin, chain.c.depth),
    )
    grouped: dict[UUID, list[EmployeeRecord]] = {i: [] for i in ids}
    shared: dict[UUID, EmployeeRecord] = {}
    for row in rows:
        manager = shared.get(row[2])
        if manager is None:
            manager = shared[row[2]] = EmployeeRecord._make(row[1:])
        grouped[row[0]].append(manager)
    return grouped


async def subtrees(session: AsyncSession, roots: Sequence[UUID], depth: int | None) -> dict[UUID, list[EmployeeRecord]]:
    """`subtree` for many roots at one depth limit, in one recursive statement."""
    limit = min(depth, MAX_DEPTH) if depth is not None else MAX_DEPTH
    tree = (
        select(Employee.manager_id.label("root"), Employee.id, literal_column("1").label("depth"))
        .where(among(Employee.manager_id, roots), Employee.status == EmployeeStatus.ACTIVE)
        .cte("trees", recursive=True)
    )
    tree = tree.union_all(
        select(tree.c.root, Employee.id, (tree.c.depth + 1).label("depth")).where(
            Employee.manager_id == tree.c.id, Employee.status == EmployeeStatus.ACTIVE, tree.c.depth < limit
        )
    )
    rows = await session.execute(
        select(tree.c.root, *employee_columns())
        .join(tree, tree.c.id == Employee.id)
        .order_by(tree.c.root, tree.c.depth, Employee.name, Employee.id)
    )
    grouped: dict[UUID, list[EmployeeRecord]] = {r: [] for r in roots}
    for row in rows:
        grouped[row[0]].append(EmployeeRecord._make(row[1:]))
    return grouped


async def manager_histories(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[ManagerAssignment]]:
    rows = await session.scalars(
        select(ManagerAssignment)
        .where(among(ManagerAssignment.employee_id, ids))
        .order_by(ManagerAssignment.employee_id, ManagerAssignment.effective_from, ManagerAssignment.recorded_at)
    )
    return group_by(ids, rows, lambda row: row.employee_id)
