"""Who may do what with reviews. Pure functions over the actor and facts already loaded.

PEER and DIRECT_REPORT reviews carry their author; they are never readable by their
subject or the subject's managers (those see aggregates only, domain/reviews/results*.py),
and HR admins read them only where the tenant enabled `hr_can_see_anonymous_authors`.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from domain.actor import Actor
from domain.errors import Forbidden
from domain.reviews.models import ANONYMOUS_KINDS, CycleStatus, Review, ReviewerKind, ReviewStatus

RELEASED_STATUSES = (CycleStatus.RELEASED, CycleStatus.CLOSED)


def can_run_cycles(actor: Actor) -> bool:
    return actor.is_hr_admin


def require_review_admin(actor: Actor) -> None:
    if not can_run_cycles(actor):
        raise Forbidden("Only HR admins manage review templates and cycles")


def can_decide_nominations(actor: Actor, subject_managers: Collection[UUID]) -> bool:
    """The subject's managers up the chain, or HR."""
    return actor.is_hr_admin or actor.employee_id in subject_managers


def can_read_review(
    actor: Actor,
    review: Review,
    subject_managers: Collection[UUID],
    cycle_status: CycleStatus | str,
    hr_sees_anonymous_authors: bool,
) -> bool:
    if actor.employee_id == review.reviewer_id:
        return True
    if review.status != ReviewStatus.SUBMITTED:
        return False  # a draft is the reviewer's alone
    is_subject = actor.employee_id == review.subject_id
    is_manager = actor.employee_id in subject_managers
    if review.kind in ANONYMOUS_KINDS:
        # Checked before the HR exception: an HR admin who manages the subject stays out.
        if is_subject or is_manager:
            return False
        return actor.is_hr_admin and hr_sees_anonymous_authors
    if is_manager or actor.is_hr_admin:
        return True
    if is_subject and review.kind == ReviewerKind.MANAGER:
        return CycleStatus(cycle_status) in RELEASED_STATUSES
    return False
