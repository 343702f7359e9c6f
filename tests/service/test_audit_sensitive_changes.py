"""Sensitive review changes leave an audit entry (who, when, what, before, after) in the
same transaction, and a refused change leaves none. Real PostgreSQL, restricted role."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.audit import AuditEntry
from domain.errors import ErrorCode
from domain.reviews import calibration, reviewing, settings
from domain.reviews.models import CycleStatus, Review, ReviewerKind
from domain.reviews.settings import SettingsChanges
from tests.factories import admin, hr_admin, make_employee, plain_employee
from tests.service.test_review_results import add_subject, make_scene, move_to, refused


async def entries(session, action: str) -> list[AuditEntry]:
    return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def test_a_calibration_adjustment_is_audited_with_the_rating_before_and_after(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene, manager=(4, "Solid", 3))
    await move_to(session, scene, CycleStatus.CALIBRATION)
    # The direct manager may not calibrate: the refusal leaves no entry.
    await refused(ErrorCode.FORBIDDEN, ["subjectId"], calibration.adjust_final_rating(
        session, plain_employee(session, scene.manager.id), scene.cycle.id, subject.id, 5, "Mine"))
    assert await entries(session, "calibration.adjusted") == []
    await calibration.adjust_final_rating(session, plain_employee(session, scene.boss.id), scene.cycle.id, subject.id,
                                          4, "Carried the launch")
    [entry] = await entries(session, "calibration.adjusted")
    cycle = str(scene.cycle.id)
    assert (entry.actor_employee_id, entry.subject_type, entry.subject_id) == (scene.boss.id, "Employee", subject.id)
    assert (entry.before, entry.after) == (
        {"cycleId": cycle, "rating": 3}, {"cycleId": cycle, "rating": 4, "reason": "Carried the launch"})
    assert entry.occurred_at == await session.scalar(select(func.now()))  # same transaction


async def test_reopening_a_review_is_audited_with_the_reason(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene)
    review = (await session.scalars(select(Review).where(
        Review.subject_id == subject.id, Review.kind == ReviewerKind.MANAGER.value))).one()
    # Only HR reopens; the manager's attempt leaves no entry.
    await refused(ErrorCode.FORBIDDEN, None, reviewing.reopen_review(
        session, plain_employee(session, scene.manager.id), review.id, "Let me redo it"))
    assert await entries(session, "review.reopened") == []
    await reviewing.reopen_review(session, hr_admin(session, scene.hr.id), review.id, "Rated the wrong person")
    [entry] = await entries(session, "review.reopened")
    assert (entry.actor_employee_id, entry.subject_type, entry.subject_id) == (scene.hr.id, "Review", review.id)
    assert (entry.before, entry.after) == (
        {"status": "SUBMITTED"}, {"status": "IN_PROGRESS", "reason": "Rated the wrong person"})
    assert entry.occurred_at == await session.scalar(select(func.now()))


async def test_enabling_hr_access_to_anonymous_authors_is_audited_and_a_refusal_is_not(session):
    boss = await make_employee(session)
    await refused(ErrorCode.FORBIDDEN, None, settings.update_review_settings(
        session, hr_admin(session, boss.id), SettingsChanges(hr_can_see_anonymous_authors=True)))
    assert await entries(session, "review_settings.anonymous_authors_enabled") == []
    # A change to another setting is recorded in the settings history only, not here.
    await settings.update_review_settings(session, admin(session, boss.id), SettingsChanges(anonymity_threshold=4))
    assert await session.scalar(select(func.count()).where(AuditEntry.action.like("review_settings.%"))) == 0
    await settings.update_review_settings(session, admin(session, boss.id),
                                          SettingsChanges(hr_can_see_anonymous_authors=True))
    [entry] = await entries(session, "review_settings.anonymous_authors_enabled")
    assert (entry.actor_employee_id, entry.subject_type, entry.subject_id) == (boss.id, "Tenant", boss.tenant_id)
    assert (entry.before, entry.after) == ({"hrCanSeeAnonymousAuthors": False}, {"hrCanSeeAnonymousAuthors": True})
    assert entry.occurred_at == await session.scalar(select(func.now()))
