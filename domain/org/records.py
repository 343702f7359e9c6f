"""Read-only rows of the org tables for hot lists.

A directory page or an org chart reads hundreds of people and never changes them, so it
skips the ORM's identity map and change tracking: a `NamedTuple` built from the selected
columns costs a fraction of a SQLModel entity. Anything that writes loads
the entity instead. The fields are the tables' columns, in order (a test keeps them in
step with the models).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import type_coerce
from sqlalchemy.types import NullType

from domain.org.models import Department, Employee, EmployeeStatus, Role


class EmployeeRecord(NamedTuple):
    tenant_id: UUID
    id: UUID
    email: str
    name: str
    title: str | None
    job_level_id: UUID | None
    department_id: UUID | None
    manager_id: UUID | None
    hire_date: date | None
    termination_date: date | None
    status: str
    roles: list[str]
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.status == EmployeeStatus.ACTIVE

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles


class DepartmentRecord(NamedTuple):
    tenant_id: UUID
    id: UUID
    name: str
    parent_id: UUID | None
    head_id: UUID | None
    created_at: datetime | None


def employee_columns(entity: Any = Employee) -> list[Any]:
    """The columns of `entity` (Employee or an alias of it) in EmployeeRecord's order.
    `roles` is read as asyncpg hands it over (a list of str): SQLAlchemy's ARRAY result
    processing walks every element of every row for nothing."""
    return [type_coerce(getattr(entity, name), NullType()) if name == "roles" else getattr(entity, name)
            for name in EmployeeRecord._fields]


def department_columns(entity: Any = Department) -> list[Any]:
    return [getattr(entity, name) for name in DepartmentRecord._fields]


EMPLOYEE_WIDTH = len(EmployeeRecord._fields)
DEPARTMENT_WIDTH = len(DepartmentRecord._fields)


def employee_at(row: Sequence[Any], start: int = 0) -> EmployeeRecord | None:
    """The employee whose columns start at `start` in `row`; None when an outer join found nobody."""
    if row[start + 1] is None:
        return None
    return EmployeeRecord._make(row[start : start + EMPLOYEE_WIDTH])


def department_at(row: Sequence[Any], start: int = 0) -> DepartmentRecord | None:
    if row[start + 1] is None:
        return None
    return DepartmentRecord._make(row[start : start + DEPARTMENT_WIDTH])
