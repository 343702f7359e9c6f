"""Plain factory functions for service tests."""

from __future__ import annotations

import uuid
from datetime import date
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.actor import Actor
from domain.org.models import Department, Employee, ManagerAssignment, Role
from domain.persistence import session_tenant

TODAY = date(2026, 6, 1)


async def provision_tenant(owner: AsyncEngine, prefix: str) -> UUID:
    tenant_id = uuid.uuid4()
    async with owner.begin() as connection:
        await connection.execute(
            text("INSERT INTO tenants (id, slug, name) VALUES (:id, :slug, :name)"),
            {"id": tenant_id, "slug": f"{prefix}-{tenant_id.hex[:8]}", "name": prefix},
        )
    return tenant_id


def admin(session: AsyncSession, employee_id: UUID | None = None) -> Actor:
    return Actor(session_tenant(session), employee_id or uuid.uuid4(), frozenset({Role.EMPLOYEE, Role.HR_ADMIN, Role.TENANT_ADMIN}))


def hr_admin(session: AsyncSession, employee_id: UUID | None = None) -> Actor:
    return Actor(session_tenant(session), employee_id or uuid.uuid4(), frozenset({Role.EMPLOYEE, Role.HR_ADMIN}))


def plain_employee(session: AsyncSession, employee_id: UUID) -> Actor:
    return Actor(session_tenant(session), employee_id, frozenset({Role.EMPLOYEE}))


async def make_employee(
    session: AsyncSession,
    *,
    name: str | None = None,
    email: str | None = None,
    manager: Employee | None = None,
    department: Department | None = None,
    roles: list[str] | None = None,
    hire_date: date | None = None,
    effective_from: date | None = None,
) -> Employee:
    """Inserted directly (no rules), to set up a scene quickly."""
    suffix = uuid.uuid4().hex[:8]
    employee = Employee(
        tenant_id=session_tenant(session),
        name=name or f"Person {suffix}",
        email=email or f"p-{suffix}@example.test",
        manager_id=manager.id if manager else None,
        department_id=department.id if department else None,
        roles=sorted({Role.EMPLOYEE.value, *(roles or [])}),
        hire_date=hire_date,
    )
    session.add(employee)
    await session.flush()
    session.add(
        ManagerAssignment(
            tenant_id=employee.tenant_id,
            employee_id=employee.id,
            manager_id=employee.manager_id,
            effective_from=effective_from or hire_date or date(2020, 1, 1),
        )
    )
    await session.flush()
    return employee


async def make_department(session: AsyncSession, name: str | None = None, parent: Department | None = None) -> Department:
    department = Department(
        tenant_id=session_tenant(session), name=name or f"Dept {uuid.uuid4().hex[:6]}", parent_id=parent.id if parent else None
    )
    session.add(department)
    await session.flush()
    return department
