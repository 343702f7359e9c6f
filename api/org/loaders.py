"""Per-request batching for org relations.

Every relation first looks in what the request already holds (rows a list page
fetched with one join): a hit is returned synchronously, so hot lists do no async
work per field. A miss goes to a DataLoader that batches all misses of one tick into
one statement.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from strawberry.dataloader import DataLoader

from api.graphql.loading import ContextLoaders
from domain.org import departments as department_service
from domain.org import hierarchy
from domain.org.models import Department, Employee

if TYPE_CHECKING:
    from api.graphql.context import RequestContext



class OrgLoaders(ContextLoaders):
    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self.employees: dict[UUID, Employee] = {}
        self.departments: dict[UUID, Department] = {}
        self.report_counts: dict[UUID, int] = {}
        self._employee_loader = self._loader(hierarchy.employees_by_ids, self.employees)
        self._department_loader = self._loader(department_service.departments_by_ids, self.departments)
        self._report_count_loader = self._loader(hierarchy.report_counts_by_manager_ids, self.report_counts)
        self.direct_reports = self._loader(hierarchy.direct_reports_by_manager_ids, None, self._remember_employees)
        self.department_employees = self._loader(hierarchy.employees_by_department_ids, None, self._remember_employees)
        self.department_children = self._loader(department_service.children_by_parent_ids, None, self._remember_departments)
        self.reporting_chains = self._loader(hierarchy.reporting_chains, None, self._remember_employees)
        self.manager_histories = self._loader(hierarchy.manager_histories, None)
        self._subtrees: dict[int | None, DataLoader] = {}


    def _remember_employees(self, grouped: dict[UUID, list[Employee]]) -> None:
        for rows in grouped.values():
            self.prime_employees(rows)

    def _remember_departments(self, grouped: dict[UUID, list[Department]]) -> None:
        for rows in grouped.values():
            self.prime_departments(rows)

    def subtree(self, root_id: UUID, depth: int | None) -> Awaitable[list[Employee] | None]:
        """Roots asked with the same depth share one statement."""
        if depth not in self._subtrees:

            async def fetch(session, roots: Sequence[UUID]) -> dict[UUID, list[Employee]]:
                return await hierarchy.subtrees(session, roots, depth)

            self._subtrees[depth] = self._loader(fetch, None, self._remember_employees)
        return self._subtrees[depth].load(root_id)

    async def prefetch(self, rows: Sequence[Employee], wanted: set[str]) -> None:
        """Fill, one batch per relation, what the rows of a list will ask for (`wanted`: the
        selected field names), so every row's fields answer synchronously from the memos."""
        batches = []
        if "manager" in wanted:
            batches.append(self._missing(self._employee_loader, {r.manager_id for r in rows}, self.employees))
        if "department" in wanted:
            batches.append(self._missing(self._department_loader, {r.department_id for r in rows}, self.departments))
        if "directReportCount" in wanted:
            batches.append(self._missing(self._report_count_loader, {r.id for r in rows}, self.report_counts))
        if "jobLevel" in wanted:
            levels = self._ctx.competencies
            batches.append(self._missing(levels._job_level_loader, {r.job_level_id for r in rows}, levels.job_levels))
        waiting = [batch for batch in batches if batch is not None]
        if waiting:
            await asyncio.gather(*waiting)

    @staticmethod
    def _missing(loader: DataLoader, ids: set[UUID | None], memo: dict) -> Awaitable | None:
        missing = [i for i in ids if i is not None and i not in memo]
        return loader.load_many(missing) if missing else None

    def prime_employees(self, rows: Sequence[Employee]) -> None:
        for row in rows:
            self.employees.setdefault(row.id, row)

    def prime_departments(self, rows: Sequence[Department]) -> None:
        for row in rows:
            self.departments.setdefault(row.id, row)

    def employee(self, employee_id: UUID | None) -> Employee | Awaitable[Employee | None] | None:
        if employee_id is None:
            return None
        known = self.employees.get(employee_id)
        return known if known is not None else self._employee_loader.load(employee_id)

    def department(self, department_id: UUID | None) -> Department | Awaitable[Department | None] | None:
        if department_id is None:
            return None
        known = self.departments.get(department_id)
        return known if known is not None else self._department_loader.load(department_id)

    def report_count(self, manager_id: UUID) -> int | Awaitable[int | None]:
        known = self.report_counts.get(manager_id)
        return known if known is not None else self._report_count_loader.load(manager_id)

    async def get_employee(self, employee_id: UUID) -> Employee | None:
        found = self.employee(employee_id)
        return await found if inspect.isawaitable(found) else found

    async def get_department(self, department_id: UUID) -> Department | None:
        found = self.department(department_id)
        return await found if inspect.isawaitable(found) else found
