"""`auditLog`: the tenant's append-only record of sensitive changes, for tenant admins."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from api.graphql.ids import to_global_id, uuid_of
from api.graphql.pagination import Connection, connection, page_request
from api.org.types import Ctx, EmployeeType
from domain import audit
from domain.audit import AuditEntry, AuditFilter


@strawberry.type(name="AuditEntry")
class AuditEntryType:
    occurred_at: datetime
    actor_label: str = strawberry.field(description="employee:<id>, or platform:<issuer>|<subject> for operators.")
    action: str
    subject_type: str
    before: strawberry.scalars.JSON | None
    after: strawberry.scalars.JSON | None
    request_id: str | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, AuditEntry)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("AuditEntry", self.id)

    @strawberry.field
    def subject_id(self) -> strawberry.ID | None:
        return to_global_id(self.subject_type, self.subject_id) if self.subject_id else None

    @strawberry.field
    def actor(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.actor_employee_id)


@strawberry.input
class AuditFilterInput:
    action: str | None = None
    subject_type: str | None = None
    actor_id: strawberry.ID | None = None
    since: datetime | None = None
    until: datetime | None = None


_NOTHING = UUID(int=0)


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Newest first. Tenant admins only.")
    async def audit_log(
        self, info: Ctx, first: int | None = None, after: str | None = None, filter: AuditFilterInput | None = None
    ) -> Connection[AuditEntryType]:
        ctx = info.context
        criteria = AuditFilter()
        if filter is not None:
            actor = (uuid_of(filter.actor_id, "Employee") or _NOTHING) if filter.actor_id is not None else None
            criteria = AuditFilter(filter.action, filter.subject_type, None, actor, filter.since, filter.until)
        page = page_request(first, after, (datetime, UUID), False)
        return connection(await ctx.run(audit.audit_log, ctx.actor, criteria, page), after)
