"""Org tables. `tenant_id` leads every key; relations are loaded by explicit queries
(no lazy ORM relationships), so a forgotten eager load is a visible query, not an N+1."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import Column, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from domain.columns import timestamp_column


class Role(StrEnum):
    EMPLOYEE = "EMPLOYEE"
    HR_ADMIN = "HR_ADMIN"
    TENANT_ADMIN = "TENANT_ADMIN"


class EmployeeStatus(StrEnum):
    ACTIVE = "ACTIVE"
    TERMINATED = "TERMINATED"



class Department(SQLModel, table=True):
    __tablename__ = "departments"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str
    parent_id: UUID | None = None
    head_id: UUID | None = None
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class Employee(SQLModel, table=True):
    __tablename__ = "employees"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    email: str
    name: str
    title: str | None = None
    job_level_id: UUID | None = None
    department_id: UUID | None = None
    manager_id: UUID | None = None
    hire_date: date | None = None
    termination_date: date | None = None
    status: str = EmployeeStatus.ACTIVE
    roles: list[str] = Field(default_factory=lambda: [Role.EMPLOYEE.value], sa_column=Column(ARRAY(Text), nullable=False))
    created_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())

    @property
    def is_active(self) -> bool:
        return self.status == EmployeeStatus.ACTIVE

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles


class ManagerAssignment(SQLModel, table=True):
    """One effective-dated reporting line: who managed `employee_id` from..to (to exclusive of None = open)."""

    __tablename__ = "manager_assignments"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    employee_id: UUID
    manager_id: UUID | None = None
    effective_from: date
    effective_to: date | None = None
    recorded_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class EmployeeIdentity(SQLModel, table=True):
    """Binds an identity provider's (issuer, subject) to an employee after the first sign-in."""

    __tablename__ = "employee_identities"

    tenant_id: UUID = Field(primary_key=True)
    issuer: str = Field(primary_key=True)
    subject: str = Field(primary_key=True)
    employee_id: UUID
    bound_at: datetime | None = Field(default=None, sa_column=timestamp_column())
