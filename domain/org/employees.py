"""Employees: create, change, move between managers over time, terminate, grant roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit
from domain.actor import Actor
from domain.competencies.models import JobLevel
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.org import policy
from domain.org.departments import get_department
from domain.org.hierarchy import ancestor_ids
from domain.org.models import Department, Employee, EmployeeStatus, ManagerAssignment, Role
from domain.org.rules import TITLE_MAX, check_date_order, clean_email, clean_text, email_key
from domain.persistence import flush_or_conflict, session_tenant

ROLE_VALUES = {role.value for role in Role}


@dataclass(slots=True)
class NewEmployee:
    email: str
    name: str
    title: str | None = None
    job_level_id: UUID | None = None
    department_id: UUID | None = None
    manager_id: UUID | None = None
    hire_date: date | None = None
    roles: list[str] = field(default_factory=list)


def _duplicate_email(field_path: list[str] | None = None) -> DomainError:
    return DomainError(ErrorCode.DUPLICATE, "Another employee of this tenant already uses this email", field_path or ["email"])


async def get_job_level(session: AsyncSession, job_level_id: UUID, field_name: str) -> JobLevel:
    level = await session.get(JobLevel, (session_tenant(session), job_level_id))
    if level is None:
        raise NotFound("JobLevel", [field_name])
    return level


async def get_employee(session: AsyncSession, employee_id: UUID, field_name: str = "id") -> Employee:
    employee = await session.get(Employee, (session_tenant(session), employee_id))
    if employee is None:
        raise NotFound("Employee", [field_name])
    return employee


async def get_active_employee(session: AsyncSession, employee_id: UUID, field_name: str) -> Employee:
    employee = await get_employee(session, employee_id, field_name)
    if not employee.is_active:
        raise DomainError(ErrorCode.INVALID_STATE, "This employee has been terminated", [field_name])
    return employee


async def find_by_email(session: AsyncSession, email: str) -> Employee | None:
    return await session.scalar(select(Employee).where(func.lower(Employee.email) == email_key(email)))


def clean_roles(roles: list[str] | None) -> list[str]:
    unknown = [r for r in roles or [] if r not in ROLE_VALUES]
    if unknown:
        raise DomainError(ErrorCode.INVALID, f"Unknown role {unknown[0]!r}", ["roles"])
    # Everyone is an EMPLOYEE; keep a stable order so equality checks are simple.
    return sorted({Role.EMPLOYEE.value, *(roles or [])})


async def create_employee(session: AsyncSession, actor: Actor, data: NewEmployee, *, as_of: date) -> Employee:
    policy.require_org_manager(actor)
    roles = clean_roles(data.roles)
    if roles != [Role.EMPLOYEE.value]:
        policy.require_role_assigner(actor, set(roles))
    return await _insert_employee(session, data, roles, as_of=as_of)


async def create_founding_admin(session: AsyncSession, email: str, name: str, *, as_of: date) -> Employee:
    """The first TENANT_ADMIN of a freshly provisioned tenant (no actor exists yet)."""
    data = NewEmployee(email=email, name=name, title="Administrator")
    return await _insert_employee(session, data, clean_roles([Role.TENANT_ADMIN.value, Role.HR_ADMIN.value]), as_of=as_of)


async def _insert_employee(session: AsyncSession, data: NewEmployee, roles: list[str], *, as_of: date) -> Employee:
    email = clean_email(data.email)
    employee = Employee(
        tenant_id=session_tenant(session),
        email=email,
        name=clean_text(data.name, "name"),
        title=clean_text(data.title, "title", required=False, max_length=TITLE_MAX),
        hire_date=data.hire_date,
        roles=roles,
    )
    if data.job_level_id is not None:
        await get_job_level(session, data.job_level_id, "jobLevelId")
        employee.job_level_id = data.job_level_id
    if data.department_id is not None:
        await get_department(session, data.department_id, "departmentId")
        employee.department_id = data.department_id
    if data.manager_id is not None:
        await get_active_employee(session, data.manager_id, "managerId")
        employee.manager_id = data.manager_id
    if await find_by_email(session, email) is not None:
        raise _duplicate_email()
    session.add(employee)
    await flush_or_conflict(session, {"employees_email_key": _duplicate_email()})
    session.add(
        ManagerAssignment(
            tenant_id=employee.tenant_id,
            employee_id=employee.id,
            manager_id=employee.manager_id,
            effective_from=data.hire_date or as_of,
        )
    )
    await session.flush()
    return employee


async def update_employee(session: AsyncSession, actor: Actor, employee_id: UUID, changes: dict[str, Any]) -> Employee:
    """Change profile fields. Reporting lines change only through `change_manager` (they are dated)."""
    policy.require_org_manager(actor)
    employee = await get_employee(session, employee_id)
    if "email" in changes:
        email = clean_email(changes["email"])
        other = await find_by_email(session, email)
        if other is not None and other.id != employee.id:
            raise _duplicate_email()
        employee.email = email
    if "name" in changes:
        employee.name = clean_text(changes["name"], "name")
    if "title" in changes:
        employee.title = clean_text(changes["title"], "title", required=False, max_length=TITLE_MAX)
    if "job_level_id" in changes:
        if changes["job_level_id"] is not None:
            await get_job_level(session, changes["job_level_id"], "jobLevelId")
        employee.job_level_id = changes["job_level_id"]
    if "department_id" in changes:
        if changes["department_id"] is not None:
            await get_department(session, changes["department_id"], "departmentId")
        employee.department_id = changes["department_id"]
    if "hire_date" in changes:
        check_date_order(changes["hire_date"], employee.termination_date, "hireDate", "termination date", field_is_start=True)
        employee.hire_date = changes["hire_date"]
    employee.updated_at = func.now()
    await flush_or_conflict(session, {"employees_email_key": _duplicate_email()})
    await session.refresh(employee, ["updated_at"])
    return employee


async def change_manager(
    session: AsyncSession, actor: Actor, employee_id: UUID, manager_id: UUID | None, effective_date: date
) -> Employee:
    policy.require_org_manager(actor)
    employee = await get_active_employee(session, employee_id, "employeeId")
    if manager_id is not None:
        if manager_id == employee_id:
            raise DomainError(ErrorCode.CYCLE, "An employee cannot manage themselves", ["managerId"])
        await get_active_employee(session, manager_id, "managerId")
        if employee_id in await ancestor_ids(session, manager_id):
            raise DomainError(ErrorCode.CYCLE, "This manager reports, directly or not, to the employee", ["managerId"])
    await _record_reporting_line(session, employee, manager_id, effective_date)
    employee.manager_id = manager_id
    employee.updated_at = func.now()
    await session.flush()
    await session.refresh(employee, ["updated_at"])
    return employee


async def _record_reporting_line(
    session: AsyncSession, employee: Employee, manager_id: UUID | None, start: date, field: str = "effectiveDate"
) -> None:
    """Close the open reporting line at `start` and open the new one from `start`.

    `field` names the input that gave `start`, so an error points at what the caller sent.
    """
    current = await session.scalar(
        select(ManagerAssignment).where(
            ManagerAssignment.employee_id == employee.id, ManagerAssignment.effective_to.is_(None)
        )
    )
    if current is not None:
        if start < current.effective_from:
            raise DomainError(
                ErrorCode.INVALID,
                f"{field} must not be before the current reporting line's start ({current.effective_from})",
                [field],
            )
        if start == current.effective_from:
            current.manager_id = manager_id  # a same-day correction replaces the line
            return
        current.effective_to = start
    session.add(
        ManagerAssignment(tenant_id=employee.tenant_id, employee_id=employee.id, manager_id=manager_id, effective_from=start)
    )


async def terminate_employee(
    session: AsyncSession, actor: Actor, employee_id: UUID, termination_date: date, reassign_reports_to: UUID | None
) -> Employee:
    """Terminate and hand every direct report to `reassign_reports_to` (or to the leaver's own manager)."""
    policy.require_org_manager(actor)
    employee = await get_active_employee(session, employee_id, "employeeId")
    if employee_id == actor.employee_id:
        raise DomainError(ErrorCode.INVALID, "You cannot terminate yourself", ["employeeId"])
    if employee.has_role(Role.TENANT_ADMIN) and not actor.is_tenant_admin:
        # Removing a tenant admin takes a tenant admin, as in assign_roles; since nobody
        # terminates themselves, another active tenant admin then always remains.
        raise Forbidden("Only a tenant admin may terminate a tenant admin", ["employeeId"])
    check_date_order(employee.hire_date, termination_date, "terminationDate", "hire date")
    new_manager = employee.manager_id
    if reassign_reports_to is not None:
        new_manager = await _successor(session, employee, reassign_reports_to)
    reports = list(await session.scalars(select(Employee).where(Employee.manager_id == employee_id)))
    for report in reports:
        # A promoted direct report takes the leaver's place under the leaver's manager.
        target = employee.manager_id if new_manager == report.id else new_manager
        await _record_reporting_line(session, report, target, termination_date, "terminationDate")
        report.manager_id = target
    await _record_reporting_line(session, employee, None, termination_date, "terminationDate")
    await session.execute(update(Department).where(Department.head_id == employee_id).values(head_id=None))
    employee.status = EmployeeStatus.TERMINATED
    employee.termination_date = termination_date
    employee.manager_id = None
    employee.updated_at = func.now()
    await session.flush()
    await session.refresh(employee, ["updated_at"])
    return employee


async def _successor(session: AsyncSession, leaver: Employee, successor_id: UUID) -> UUID:
    if successor_id == leaver.id:
        raise DomainError(ErrorCode.INVALID, "Reports cannot be reassigned to the leaver", ["reassignReportsTo"])
    successor = await get_active_employee(session, successor_id, "reassignReportsTo")
    if successor.manager_id != leaver.id and leaver.id in await ancestor_ids(session, successor_id):
        raise DomainError(
            ErrorCode.CYCLE, "Reports cannot move under someone deeper in the leaver's own subtree", ["reassignReportsTo"]
        )
    return successor_id


async def assign_roles(session: AsyncSession, actor: Actor, employee_id: UUID, roles: list[str]) -> Employee:
    policy.require_org_manager(actor)  # before any look-up, so IDs reveal nothing to others
    cleaned = clean_roles(roles)
    employee = await get_active_employee(session, employee_id, "employeeId")
    changed = set(cleaned) ^ set(employee.roles)
    policy.require_role_assigner(actor, changed)
    if Role.TENANT_ADMIN in employee.roles and Role.TENANT_ADMIN not in cleaned:
        admins = await session.scalar(
            select(func.count()).select_from(Employee).where(
                Employee.roles.contains([Role.TENANT_ADMIN.value]), Employee.status == EmployeeStatus.ACTIVE
            )
        )
        if admins <= 1:
            raise DomainError(ErrorCode.INVALID, "A tenant keeps at least one tenant admin", ["roles"])
    before = sorted(employee.roles)
    employee.roles = cleaned
    await session.flush()
    if before != cleaned:
        await audit.record(session, actor, "roles.assigned", "Employee", employee.id, {"roles": before}, {"roles": cleaned})
    return employee
