"""Who is acting: the signed-in employee of a tenant, with their database roles."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.org.models import Role


@dataclass(frozen=True, slots=True)
class Actor:
    tenant_id: UUID
    employee_id: UUID
    roles: frozenset[str]

    @property
    def is_hr_admin(self) -> bool:
        return Role.HR_ADMIN in self.roles or Role.TENANT_ADMIN in self.roles

    @property
    def is_tenant_admin(self) -> bool:
        return Role.TENANT_ADMIN in self.roles
