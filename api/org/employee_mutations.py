"""Employee mutations: onboarding (one or in bulk), profile changes, reporting lines, leaving, roles."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import optional_uuid, require_uuid, uuid_of
from api.graphql.mutation import perform
from api.org.types import Ctx, EmployeeType, RoleType
from domain.org import employees, importing
from domain.org.employees import NewEmployee
from domain.org.importing import ImportRow


@strawberry.input
class CreateEmployeeInput:
    email: str
    name: str
    title: str | None = None
    job_level_id: strawberry.ID | None = None
    department_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = None
    hire_date: date | None = None
    roles: list[RoleType] | None = None


@strawberry.input
class UpdateEmployeeInput:
    id: strawberry.ID
    email: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    job_level_id: strawberry.ID | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET
    hire_date: date | None = strawberry.UNSET


@strawberry.input
class ChangeManagerInput:
    employee_id: strawberry.ID
    manager_id: strawberry.ID | None = strawberry.field(description="null makes the employee a top of the hierarchy.")
    effective_date: date | None = strawberry.field(default=None, description="Defaults to today.")


@strawberry.input
class TerminateEmployeeInput:
    employee_id: strawberry.ID
    termination_date: date | None = strawberry.field(default=None, description="Defaults to today.")
    reassign_reports_to: strawberry.ID | None = strawberry.field(
        default=None, description="Who takes the direct reports; defaults to the leaver's own manager."
    )


@strawberry.input
class AssignRolesInput:
    employee_id: strawberry.ID
    roles: list[RoleType]


@strawberry.input
class ImportEmployeeRow:
    email: str
    name: str
    title: str | None = None
    job_level: str | None = strawberry.field(default=None, description="A job level's name.")
    department_id: strawberry.ID | None = None
    manager_email: str | None = strawberry.field(default=None, description="An existing employee or another row.")
    hire_date: date | None = None
    roles: list[RoleType] | None = None


@strawberry.input
class ImportEmployeesInput:
    rows: list[ImportEmployeeRow]


@strawberry.type
class EmployeePayload:
    employee: EmployeeType | None
    errors: list[UserError]


@strawberry.type
class ImportEmployeesPayload:
    employees: list[EmployeeType]
    errors: list[UserError] = strawberry.field(description="Per-row errors name the row: [\"input\", \"rows\", \"3\", \"email\"].")


_UPDATABLE = ("email", "name", "title", "hire_date")


def _department_or_nothing(value: strawberry.ID | None) -> UUID | None:
    """A malformed ID becomes an ID that matches nothing, so the domain reports it per row."""
    if value is None:
        return None
    return uuid_of(value, "Department") or UUID(int=0)


def _role_values(roles: list[RoleType] | None) -> list[str]:
    return [role.value for role in roles or []]


async def _payload(info: Ctx, work) -> EmployeePayload:
    employee, errors = await perform(info.context, work)
    return EmployeePayload(employee=employee, errors=errors)


@strawberry.type
class EmployeeMutations:
    @strawberry.mutation
    async def create_employee(self, info: Ctx, input: CreateEmployeeInput) -> EmployeePayload:
        async def work(session, actor):
            data = NewEmployee(
                email=input.email,
                name=input.name,
                title=input.title,
                job_level_id=optional_uuid(input.job_level_id, "JobLevel", "jobLevelId"),
                department_id=optional_uuid(input.department_id, "Department", "departmentId"),
                manager_id=optional_uuid(input.manager_id, "Employee", "managerId"),
                hire_date=input.hire_date,
                roles=_role_values(input.roles),
            )
            return await employees.create_employee(session, actor, data, as_of=info.context.today)

        return await _payload(info, work)

    @strawberry.mutation
    async def update_employee(self, info: Ctx, input: UpdateEmployeeInput) -> EmployeePayload:
        async def work(session, actor):
            employee_id = require_uuid(input.id, "Employee", "id")
            changes = {name: getattr(input, name) for name in _UPDATABLE if getattr(input, name) is not strawberry.UNSET}
            if input.job_level_id is not strawberry.UNSET:
                changes["job_level_id"] = optional_uuid(input.job_level_id, "JobLevel", "jobLevelId")
            if input.department_id is not strawberry.UNSET:
                changes["department_id"] = optional_uuid(input.department_id, "Department", "departmentId")
            return await employees.update_employee(session, actor, employee_id, changes)

        return await _payload(info, work)

    @strawberry.mutation(description="Moves the employee under another manager from `effectiveDate`, keeping the history.")
    async def change_manager(self, info: Ctx, input: ChangeManagerInput) -> EmployeePayload:
        async def work(session, actor):
            employee_id = require_uuid(input.employee_id, "Employee", "employeeId")
            manager_id = optional_uuid(input.manager_id, "Employee", "managerId")
            effective = input.effective_date or info.context.today
            return await employees.change_manager(session, actor, employee_id, manager_id, effective)

        return await _payload(info, work)

    @strawberry.mutation(description="Terminates and reassigns every direct report, so nobody is orphaned.")
    async def terminate_employee(self, info: Ctx, input: TerminateEmployeeInput) -> EmployeePayload:
        async def work(session, actor):
            employee_id = require_uuid(input.employee_id, "Employee", "employeeId")
            successor = optional_uuid(input.reassign_reports_to, "Employee", "reassignReportsTo")
            day = input.termination_date or info.context.today
            return await employees.terminate_employee(session, actor, employee_id, day, successor)

        return await _payload(info, work)

    @strawberry.mutation
    async def assign_roles(self, info: Ctx, input: AssignRolesInput) -> EmployeePayload:
        async def work(session, actor):
            employee_id = require_uuid(input.employee_id, "Employee", "employeeId")
            return await employees.assign_roles(session, actor, employee_id, _role_values(input.roles))

        return await _payload(info, work)

    @strawberry.mutation(description="Validates every row, then creates all of them or none.")
    async def import_employees(self, info: Ctx, input: ImportEmployeesInput) -> ImportEmployeesPayload:
        async def work(session, actor):
            rows = [
                ImportRow(
                    email=row.email,
                    name=row.name,
                    title=row.title,
                    job_level=row.job_level,
                    department_id=_department_or_nothing(row.department_id),
                    manager_email=row.manager_email,
                    hire_date=row.hire_date,
                    roles=_role_values(row.roles),
                )
                for row in input.rows
            ]
            return await importing.import_employees(session, actor, rows, as_of=info.context.today)

        created, errors = await perform(info.context, work)
        return ImportEmployeesPayload(employees=created or [], errors=errors)
