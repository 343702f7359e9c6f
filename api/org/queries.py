"""Org queries: the directory, departments, single look-ups."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.graphql.context import RequestContext
from api.graphql.ids import uuid_of
from api.graphql.node import register_node
from api.graphql.pagination import Connection, connection, page_request
from api.graphql.selection import selected_under
from api.org.types import Ctx, DepartmentType, EmployeeStatusType, EmployeeType
from domain.errors import DomainError, ErrorCode
from domain.org import departments as department_service
from domain.org import hierarchy
from domain.org.hierarchy import EmployeeFilter, EmployeeIncludes
from domain.org.rules import has_control_characters


@strawberry.input
class EmployeeFilterInput:
    search: str | None = strawberry.field(default=None, description="Part of the name or email, case-insensitive.")
    department_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = None
    status: EmployeeStatusType | None = strawberry.field(default=None, description="Defaults to ACTIVE.")


@strawberry.input
class DepartmentFilterInput:
    parent_id: strawberry.ID | None = None
    roots_only: bool = False


def _listed_fields(info: Ctx, *below: str) -> set[str]:
    return selected_under(info.selected_fields, "employees", "edges", "node", *below) | selected_under(
        info.selected_fields, "employees", "nodes", *below
    )


def _plan_includes(info: Ctx) -> EmployeeIncludes:
    wanted = _listed_fields(info)
    return EmployeeIncludes(
        manager="manager" in wanted, department="department" in wanted, report_count="directReportCount" in wanted
    )


def _wants_total(info: Ctx, field_name: str) -> bool:
    return "totalCount" in selected_under(info.selected_fields, field_name)


_NO_MATCH = UUID(int=0)  # an ID that is malformed or of another tenant filters to nothing


def _search(value: str | None) -> str | None:
    """Trimmed and capped. Stored text never holds control characters, and PostgreSQL
    rejects NUL outright, so such a search is the client's error, not ours."""
    cleaned = (value or "").strip()[:200]
    if has_control_characters(cleaned):
        raise DomainError(ErrorCode.INVALID, "search must not contain control characters", ["filter", "search"])
    return cleaned or None


def _id_filter(value: str | None, type_name: str) -> UUID | None:
    """Only an absent ID leaves the filter off; "" is malformed and, like any bad ID, matches nothing."""
    if value is None:
        return None
    return uuid_of(value, type_name) or _NO_MATCH


def _filter(raw: EmployeeFilterInput | None) -> EmployeeFilter:
    if raw is None:
        return EmployeeFilter()
    return EmployeeFilter(
        search=_search(raw.search),
        department_id=_id_filter(raw.department_id, "Department"),
        manager_id=_id_filter(raw.manager_id, "Employee"),
        status=raw.status.value if raw.status else "ACTIVE",
    )


async def _employee_node(ctx: RequestContext, raw: UUID):
    return await ctx.org.get_employee(raw)


async def _department_node(ctx: RequestContext, raw: UUID):
    return await ctx.org.get_department(raw)


register_node("Employee", _employee_node)
register_node("Department", _department_node)


@strawberry.type
class OrgQuery:
    @strawberry.field(description="The directory. Lists are keyset-paginated: `first` 1 to 100, default 20.")
    async def employees(
        self, info: Ctx, first: int | None = None, after: str | None = None, filter: EmployeeFilterInput | None = None
    ) -> Connection[EmployeeType]:
        ctx = info.context
        page = page_request(first, after, (str, UUID), _wants_total(info, "employees"))
        listing = await ctx.run(hierarchy.list_employees, _filter(filter), page, _plan_includes(info))
        ctx.org.prime_employees(listing.page.items)
        ctx.org.prime_employees(list(listing.managers.values()))
        ctx.org.prime_departments(list(listing.departments.values()))
        ctx.org.report_counts.update(listing.report_counts)
        wanted = _listed_fields(info)
        await ctx.org.prefetch(listing.page.items, wanted)
        if "goals" in wanted:
            await ctx.goals.prefetch_owned([row.id for row in listing.page.items], _listed_fields(info, "goals"))
        return connection(listing.page, after)

    @strawberry.field
    async def employee(self, info: Ctx, id: strawberry.ID) -> EmployeeType | None:
        raw = uuid_of(id, "Employee")
        return None if raw is None else await info.context.org.get_employee(raw)

    @strawberry.field
    async def departments(
        self, info: Ctx, first: int | None = None, after: str | None = None, filter: DepartmentFilterInput | None = None
    ) -> Connection[DepartmentType]:
        ctx = info.context
        parent_id = _id_filter(filter.parent_id, "Department") if filter else None
        page = page_request(first, after, (str, UUID), _wants_total(info, "departments"))
        result = await ctx.run(
            department_service.list_departments, page, parent_id, bool(filter and filter.roots_only)
        )
        ctx.org.prime_departments(result.items)
        return connection(result, after)

    @strawberry.field
    async def department(self, info: Ctx, id: strawberry.ID) -> DepartmentType | None:
        raw = uuid_of(id, "Department")
        return None if raw is None else await info.context.org.get_department(raw)
