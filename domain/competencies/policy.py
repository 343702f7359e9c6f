"""Who may do what with the competency framework. Pure functions over the actor.

`managers` is always the assessed employee's chain of managers (direct one first), read
by the caller; a manager anywhere up the chain counts, so a skip-level manager may assess.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from domain.actor import Actor
from domain.competencies.models import AssessmentSource
from domain.errors import Forbidden


def can_manage_framework(actor: Actor) -> bool:
    """HR admins and tenant admins own the scale, the competencies and the career levels."""
    return actor.is_hr_admin


def require_framework_admin(actor: Actor) -> None:
    if not can_manage_framework(actor):
        raise Forbidden("Only HR admins and tenant admins may change the competency framework")


def require_assessor(actor: Actor, employee_id: UUID, source: AssessmentSource, managers: Collection[UUID]) -> None:
    """Anyone self-assesses (SELF only, HR admins included: nobody rates themselves as their
    own manager); managers up the chain record MANAGER; HR admins record any source for others."""
    if actor.employee_id == employee_id:
        if source != AssessmentSource.SELF:
            raise Forbidden("Assessments of yourself are self-assessments (source SELF)", ["source"])
        return
    if actor.is_hr_admin:
        return
    if actor.employee_id in managers:
        if source != AssessmentSource.MANAGER:
            raise Forbidden("Managers record MANAGER assessments; other sources are recorded by HR", ["source"])
        return
    raise Forbidden("Only the employee, their managers and HR admins may assess this employee", ["employeeId"])


def can_see_development(actor: Actor, employee_id: UUID, managers: Collection[UUID]) -> bool:
    """Competency profiles and assessment histories: the person, their managers up the chain, HR."""
    return actor.employee_id == employee_id or actor.is_hr_admin or actor.employee_id in managers


def can_see_private_goals(actor: Actor, owner_id: UUID) -> bool:
    """A PRIVATE goal is the owner's and HR's only, even when it is evidence in a profile
    a manager may read (the manager then sees neither the goal nor that it exists)."""
    return actor.employee_id == owner_id or actor.is_hr_admin
