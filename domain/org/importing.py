"""Bulk onboarding: validate every row, then write all of them or none.

Managers are named by email, either an existing active employee or another row of
the same import, so a whole org chart can arrive in one call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.competencies.models import JobLevel
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.org import policy
from domain.org.employees import clean_roles
from domain.org.models import Department, Employee, EmployeeStatus, ManagerAssignment, Role
from domain.org.rules import TITLE_MAX, clean_email, clean_text, email_key, find_cycles
from domain.persistence import session_tenant

MAX_ROWS = 5_000


@dataclass(slots=True)
class ImportRow:
    email: str
    name: str
    title: str | None = None
    job_level: str | None = None  # a job level's name
    department_id: UUID | None = None
    manager_email: str | None = None
    hire_date: date | None = None
    roles: list[str] | None = None


@dataclass(slots=True)
class _Clean:
    index: int
    id: UUID
    email: str
    key: str
    name: str
    title: str | None
    job_level: str | None  # name, resolved to an id before writing
    department_id: UUID | None
    manager_key: str | None
    hire_date: date | None
    roles: list[str]


def _row_error(index: int, error: DomainError) -> DomainError:
    return DomainError(error.code, f"Row {index + 1}: {error.message}", ["rows", str(index), *(error.field or [])])


def _clean_row(index: int, row: ImportRow) -> _Clean:
    email = clean_email(row.email)
    manager_key = email_key(clean_email(row.manager_email, "managerEmail")) if row.manager_email else None
    return _Clean(
        index=index,
        id=uuid4(),
        email=email,
        key=email_key(email),
        name=clean_text(row.name, "name"),
        title=clean_text(row.title, "title", required=False, max_length=TITLE_MAX),
        job_level=clean_text(row.job_level, "jobLevel", required=False, max_length=100),
        department_id=row.department_id,
        manager_key=manager_key,
        hire_date=row.hire_date,
        roles=clean_roles(row.roles),
    )


async def import_employees(session: AsyncSession, actor: Actor, rows: list[ImportRow], *, as_of: date) -> list[Employee]:
    policy.require_org_manager(actor)
    if not rows:
        raise DomainError(ErrorCode.REQUIRED, "rows must not be empty", ["rows"])
    if len(rows) > MAX_ROWS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_ROWS} rows per import", ["rows"])

    errors: list[DomainError] = []
    cleaned: list[_Clean] = []
    for index, row in enumerate(rows):
        try:
            cleaned.append(_clean_row(index, row))
        except DomainError as error:
            errors.append(_row_error(index, error))
    if any(Role.TENANT_ADMIN.value in row.roles for row in cleaned) and not actor.is_tenant_admin:
        errors.append(DomainError(ErrorCode.FORBIDDEN, "Only a tenant admin may grant TENANT_ADMIN", ["rows"]))

    errors += _duplicate_errors(cleaned)
    existing = await _existing_by_email(session, {r.key for r in cleaned} | {r.manager_key for r in cleaned if r.manager_key})
    errors += _existing_email_errors(cleaned, existing)
    errors += _manager_errors(cleaned, existing)
    errors += await _department_errors(session, cleaned)
    levels = await _job_levels_by_name(session)
    errors += _job_level_errors(cleaned, levels)
    if errors:
        raise DomainErrors(sorted(errors, key=_row_of))
    return await _write(session, cleaned, existing, levels, as_of)


def _row_of(error: DomainError) -> int:
    where = error.field or []
    return int(where[1]) if len(where) > 1 and where[1].isdigit() else -1


def _duplicate_errors(rows: list[_Clean]) -> list[DomainError]:
    first_seen: dict[str, int] = {}
    errors = []
    for row in rows:
        if row.key in first_seen:
            errors.append(
                DomainError(
                    ErrorCode.DUPLICATE,
                    f"Row {row.index + 1}: email repeats row {first_seen[row.key] + 1}",
                    ["rows", str(row.index), "email"],
                )
            )
        else:
            first_seen[row.key] = row.index
    return errors


async def _existing_by_email(session: AsyncSession, keys: set[str]) -> dict[str, Employee]:
    if not keys:
        return {}
    found = await session.scalars(select(Employee).where(func.lower(Employee.email).in_(sorted(keys))))
    return {email_key(e.email): e for e in found}


def _existing_email_errors(rows: list[_Clean], existing: dict[str, Employee]) -> list[DomainError]:
    return [
        DomainError(ErrorCode.DUPLICATE, f"Row {r.index + 1}: an employee with this email exists", ["rows", str(r.index), "email"])
        for r in rows
        if r.key in existing
    ]


def _manager_errors(rows: list[_Clean], existing: dict[str, Employee]) -> list[DomainError]:
    in_import = {r.key: r for r in rows}
    errors = []
    for row in rows:
        if row.manager_key is None:
            continue
        where = ["rows", str(row.index), "managerEmail"]
        if row.manager_key == row.key:
            errors.append(DomainError(ErrorCode.CYCLE, f"Row {row.index + 1}: an employee cannot manage themselves", where))
        elif row.manager_key not in in_import:
            manager = existing.get(row.manager_key)
            if manager is None or manager.status != EmployeeStatus.ACTIVE:
                errors.append(DomainError(ErrorCode.NOT_FOUND, f"Row {row.index + 1}: unknown manager email", where))
    parent_of = {r.key: r.manager_key if r.manager_key in in_import and r.manager_key != r.key else None for r in rows}
    for key in sorted(find_cycles(parent_of), key=lambda k: in_import[k].index):
        row = in_import[key]
        errors.append(
            DomainError(ErrorCode.CYCLE, f"Row {row.index + 1}: managers form a cycle", ["rows", str(row.index), "managerEmail"])
        )
    return errors


async def _department_errors(session: AsyncSession, rows: list[_Clean]) -> list[DomainError]:
    wanted = {r.department_id for r in rows if r.department_id}
    if not wanted:
        return []
    known = set(await session.scalars(select(Department.id).where(Department.id.in_(list(wanted)))))
    return [
        DomainError(ErrorCode.NOT_FOUND, f"Row {r.index + 1}: department not found", ["rows", str(r.index), "departmentId"])
        for r in rows
        if r.department_id and r.department_id not in known
    ]


async def _job_levels_by_name(session: AsyncSession) -> dict[str, UUID]:
    rows = await session.execute(select(JobLevel.name, JobLevel.id))
    return {name.lower(): level_id for name, level_id in rows}


def _job_level_errors(rows: list[_Clean], levels: dict[str, UUID]) -> list[DomainError]:
    return [
        DomainError(ErrorCode.NOT_FOUND, f"Row {r.index + 1}: unknown job level", ["rows", str(r.index), "jobLevel"])
        for r in rows
        if r.job_level and r.job_level.lower() not in levels
    ]


def _managers_first(rows: list[_Clean]) -> list[_Clean]:
    by_key = {r.key: r for r in rows}
    ordered: list[_Clean] = []
    placed: set[str] = set()

    def place(row: _Clean) -> None:
        if row.key in placed:
            return
        placed.add(row.key)
        if row.manager_key in by_key:
            place(by_key[row.manager_key])
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


async def _write(
    session: AsyncSession, rows: list[_Clean], existing: dict[str, Employee], levels: dict[str, UUID], as_of: date
) -> list[Employee]:
    tenant_id = session_tenant(session)
    ids = {r.key: r.id for r in rows} | {key: e.id for key, e in existing.items()}
    ordered = _managers_first(rows)
    await session.execute(
        insert(Employee),
        [
            {
                "tenant_id": tenant_id, "id": r.id, "email": r.email, "name": r.name, "title": r.title,
                "job_level_id": levels[r.job_level.lower()] if r.job_level else None,
                "department_id": r.department_id,
                "manager_id": ids.get(r.manager_key) if r.manager_key else None,
                "hire_date": r.hire_date, "roles": r.roles, "status": EmployeeStatus.ACTIVE.value,
            }
            for r in ordered
        ],
    )
    await session.execute(
        insert(ManagerAssignment),
        [
            {
                "tenant_id": tenant_id, "id": uuid4(), "employee_id": r.id,
                "manager_id": ids.get(r.manager_key) if r.manager_key else None,
                "effective_from": r.hire_date or as_of,
            }
            for r in ordered
        ],
    )
    created = await session.scalars(select(Employee).where(Employee.id.in_([r.id for r in rows])))
    by_id = {e.id: e for e in created}
    return [by_id[r.id] for r in rows]
