"""Who may do what in the org context. Pure functions over the actor."""

from __future__ import annotations

from uuid import UUID

from domain.actor import Actor
from domain.errors import Forbidden
from domain.org.models import Role


def can_manage_org(actor: Actor) -> bool:
    """Tenant admins and HR admins build and change the hierarchy."""
    return actor.is_hr_admin


def require_org_manager(actor: Actor) -> None:
    if not can_manage_org(actor):
        raise Forbidden("Only HR admins and tenant admins may change the organisation")


def can_see_private_profile(actor: Actor, employee_id: UUID) -> bool:
    """Roles and manager history are visible to the person and to HR; the directory is public."""
    return actor.employee_id == employee_id or actor.is_hr_admin


def require_role_assigner(actor: Actor, roles: set[str]) -> None:
    """Only a tenant admin hands out TENANT_ADMIN; HR admins may grant HR_ADMIN."""
    if Role.TENANT_ADMIN in roles and not actor.is_tenant_admin:
        raise Forbidden("Only a tenant admin may grant TENANT_ADMIN", ["roles"])
    require_org_manager(actor)
