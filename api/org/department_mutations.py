"""Department mutations: create, rename or re-head, move within the tree."""

from __future__ import annotations

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import optional_uuid, require_uuid
from api.graphql.mutation import perform
from api.org.types import Ctx, DepartmentType
from domain.org import departments


@strawberry.input
class CreateDepartmentInput:
    name: str
    parent_id: strawberry.ID | None = None
    head_id: strawberry.ID | None = None


@strawberry.input
class UpdateDepartmentInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    head_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class MoveDepartmentInput:
    id: strawberry.ID
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="null makes it a root department.")


@strawberry.type
class DepartmentPayload:
    department: DepartmentType | None
    errors: list[UserError]


async def _payload(info: Ctx, work) -> DepartmentPayload:
    department, errors = await perform(info.context, work)
    return DepartmentPayload(department=department, errors=errors)


@strawberry.type
class DepartmentMutations:
    @strawberry.mutation
    async def create_department(self, info: Ctx, input: CreateDepartmentInput) -> DepartmentPayload:
        async def work(session, actor):
            parent_id = optional_uuid(input.parent_id, "Department", "parentId")
            head_id = optional_uuid(input.head_id, "Employee", "headId")
            return await departments.create_department(session, actor, input.name, parent_id, head_id)

        return await _payload(info, work)

    @strawberry.mutation
    async def update_department(self, info: Ctx, input: UpdateDepartmentInput) -> DepartmentPayload:
        async def work(session, actor):
            department_id = require_uuid(input.id, "Department", "id")
            changes = {}
            if input.name is not strawberry.UNSET:
                changes["name"] = input.name
            if input.head_id is not strawberry.UNSET:
                changes["head_id"] = optional_uuid(input.head_id, "Employee", "headId")
            return await departments.update_department(session, actor, department_id, changes)

        return await _payload(info, work)

    @strawberry.mutation
    async def move_department(self, info: Ctx, input: MoveDepartmentInput) -> DepartmentPayload:
        async def work(session, actor):
            department_id = require_uuid(input.id, "Department", "id")
            parent_id = optional_uuid(input.parent_id, "Department", "parentId")
            return await departments.move_department(session, actor, department_id, parent_id)

        return await _payload(info, work)
