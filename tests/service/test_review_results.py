"""Review results, calibration, release and review settings on real PostgreSQL, as the
restricted request role, in the `session` fixture's rolled-back transaction.

Scenes are inserted directly (the reviews context's own tests cover how they get there):
one cycle, one template (a LEADERSHIP competency rating, a text question, an overall
rating, asked of every kind), and subjects with as many submitted reviews as a test needs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update

from domain.competencies.models import AssessmentSource, Competency, CompetencyAssessment, ProficiencyLevel
from domain.competencies.profile import ProfileSubject, competency_profiles
from domain.errors import DomainError, ErrorCode
from domain.org.models import Department, Employee, Role
from domain.persistence import session_tenant
from domain.reviews import calibration, results, settings
from domain.reviews.anonymity import hidden_ratings, hidden_texts
from domain.reviews.calibration import CalibrationAdjustment, DistributionFilter, GridLevel, NineBoxPlacement
from domain.reviews.models import (
    CycleParticipant,
    CycleStatus,
    QuestionKind,
    Review,
    ReviewAnswer,
    ReviewCycle,
    ReviewerKind,
    ReviewStatus,
    ReviewTemplate,
    TemplateQuestion,
    TemplateSection,
)
from domain.reviews.results import AnonymousAuthorReading, Audience, ReviewAcknowledgement, ReviewEvidenceRun
from domain.reviews.rules import RatingLevel
from domain.reviews.settings import ReviewSettingsChange, SettingsChanges
from tests.factories import admin, hr_admin, make_department, make_employee, plain_employee

ALL_KINDS = [k.value for k in ReviewerKind]
NOW = datetime(2026, 5, 1, tzinfo=UTC)


@dataclass
class Scene:
    cycle: ReviewCycle
    department: Department
    competency: Competency
    rating_q: TemplateQuestion
    text_q: TemplateQuestion
    overall_q: TemplateQuestion
    boss: Employee  # the skip-level manager
    manager: Employee
    hr: Employee
    subjects: list[Employee] = field(default_factory=list)


async def make_scene(session) -> Scene:
    tenant = session_tenant(session)
    department = await make_department(session, "Platform")
    boss = await make_employee(session, name="Bea Boss")
    manager = await make_employee(session, name="Max Manager", manager=boss)
    hr = await make_employee(session, name="Hana HR", roles=[Role.HR_ADMIN])
    competency = Competency(tenant_id=tenant, name=f"Coaching {uuid.uuid4().hex[:6]}", category="LEADERSHIP")
    template = ReviewTemplate(tenant_id=tenant, name=f"Annual {uuid.uuid4().hex[:6]}")
    session.add_all([competency, template])
    await session.flush()
    section = TemplateSection(tenant_id=tenant, template_id=template.id, title="How it went", position=0)
    session.add(section)
    await session.flush()
    rating_q, text_q, overall_q = (
        TemplateQuestion(tenant_id=tenant, template_id=template.id, section_id=section.id, position=i, kind=kind,
                         prompt=prompt, competency_id=competency.id if kind == QuestionKind.RATING_COMPETENCY else None,
                         reviewer_kinds=ALL_KINDS, required=False)
        for i, (kind, prompt) in enumerate([
            (QuestionKind.RATING_COMPETENCY, "Coaching"), (QuestionKind.TEXT, "Leadership strengths"),
            (QuestionKind.OVERALL_RATING, "Overall"),
        ])
    )
    cycle = ReviewCycle(tenant_id=tenant, name=f"H1 {uuid.uuid4().hex[:6]}", period_start=date(2026, 1, 1),
                        period_end=date(2026, 6, 30), status=CycleStatus.ACTIVE.value, reviewer_kinds=ALL_KINDS,
                        template_id=template.id, peer_min=0, peer_max=5)
    session.add_all([rating_q, text_q, overall_q, cycle])
    await session.flush()
    return Scene(cycle, department, competency, rating_q, text_q, overall_q, boss, manager, hr)


Answer = tuple[int | None, str | None, int | None]  # (competency rating, text, overall rating)


async def add_subject(
    session, scene: Scene, *, peers: list[Answer] = (), reports: list[Answer] = (),
    manager: Answer | None = (4, "Steady", 3), own: Answer | None = (5, "I did well", 5), name: str | None = None,
) -> Employee:
    """A subject in Platform under the scene's manager, with submitted reviews as given."""
    tenant = session_tenant(session)
    subject = await make_employee(session, name=name, manager=scene.manager, department=scene.department)
    session.add(CycleParticipant(tenant_id=tenant, cycle_id=scene.cycle.id, subject_id=subject.id,
                                 department_id=scene.department.id, manager_id=scene.manager.id))
    await session.flush()
    written: list[tuple[Employee, ReviewerKind, Answer]] = []
    if own is not None:
        written.append((subject, ReviewerKind.SELF, own))
    if manager is not None:
        written.append((scene.manager, ReviewerKind.MANAGER, manager))
    for answer in peers:
        written.append((await make_employee(session), ReviewerKind.PEER, answer))
    for answer in reports:
        written.append((await make_employee(session, manager=subject), ReviewerKind.DIRECT_REPORT, answer))
    for reviewer, kind, (rating, text, overall) in written:
        review = Review(tenant_id=tenant, cycle_id=scene.cycle.id, subject_id=subject.id, reviewer_id=reviewer.id,
                        kind=kind.value, status=ReviewStatus.SUBMITTED.value, submitted_at=NOW)
        session.add(review)
        await session.flush()
        for question, value in ((scene.rating_q, rating), (scene.text_q, text), (scene.overall_q, overall)):
            if value is not None:
                session.add(ReviewAnswer(
                    tenant_id=tenant, review_id=review.id, question_id=question.id,
                    competency_id=question.competency_id,
                    rating=value if question.kind != QuestionKind.TEXT else None,
                    text=value if question.kind == QuestionKind.TEXT else None,
                ))
    await session.flush()
    scene.subjects.append(subject)
    return subject


async def move_to(session, scene: Scene, status: CycleStatus) -> None:
    await session.execute(update(ReviewCycle).where(ReviewCycle.id == scene.cycle.id).values(status=status.value))
    await session.refresh(scene.cycle)


async def refused(code: ErrorCode, field: list[str] | None, pending) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await pending
    assert (caught.value.code, caught.value.field) == (code, field), caught.value.message
    return caught.value


async def count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


def peer_cells(result) -> list:
    return [(c.question.prompt, c.ratings, c.texts) for c in result.anonymous if c.kind == ReviewerKind.PEER]


# --- anonymity ---------------------------------------------------------------------------


async def test_below_the_threshold_zero_one_and_two_peers_give_identical_results(session):
    scene = await make_scene(session)
    nobody = await add_subject(session, scene)
    one = await add_subject(session, scene, peers=[(1, "Bossy", 1)])
    two = await add_subject(session, scene, peers=[(5, "Great", 5), (2, "Meh", 2)])
    await move_to(session, scene, CycleStatus.RELEASED)
    found = await results.review_results(session, hr_admin(session, scene.hr.id),
                                         [(scene.cycle.id, s.id) for s in (nobody, one, two)])
    cells = [peer_cells(found[(scene.cycle.id, s.id)]) for s in (nobody, one, two)]
    # Same questions, same order, same words, no count: nothing tells 0 from 1 from 2.
    assert cells[0] == cells[1] == cells[2]
    assert cells[0] == [("Coaching", hidden_ratings(3), None), ("Leadership strengths", None, hidden_texts(3)),
                        ("Overall", hidden_ratings(3), None)]


async def test_at_the_threshold_peers_show_as_an_exact_aggregate_without_authors(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene, peers=[(4, "Listens", 4), (5, "Clear", 3), (2, "Kind", 3)])
    await move_to(session, scene, CycleStatus.RELEASED)
    result = await results.review_result(session, plain_employee(session, subject.id), scene.cycle.id, subject.id)
    assert result.audience == Audience.SUBJECT
    coaching, strengths, overall = [cell for cell in result.anonymous if cell.kind == ReviewerKind.PEER]
    assert (str(coaching.ratings.average), coaching.ratings.responses) == ("3.67", 3)
    assert [b.count for b in overall.ratings.distribution] == [0, 0, 2, 1, 0]
    assert sorted(strengths.texts.texts) == ["Clear", "Kind", "Listens"]
    # Named parts keep their author; the anonymous kinds are not among them.
    assert [(r.kind, r.reviewer_id) for r in result.named] == [
        (ReviewerKind.SELF, subject.id), (ReviewerKind.MANAGER, scene.manager.id),
    ]


async def test_nothing_is_shown_to_the_subject_or_managers_before_release(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene, peers=[(4, "a", 4)] * 3)
    await move_to(session, scene, CycleStatus.CALIBRATION)
    key = (scene.cycle.id, subject.id)
    for viewer in (subject, scene.manager, scene.boss):
        assert await results.review_result(session, plain_employee(session, viewer.id), *key) is None
    # HR reads the named parts at once, but the anonymous cells stay sealed until release.
    seen = await results.review_result(session, hr_admin(session, scene.hr.id), *key)
    assert [r.kind for r in seen.named] == [ReviewerKind.SELF, ReviewerKind.MANAGER]
    assert {cell.ratings.shown if cell.ratings else cell.texts.shown for cell in seen.anonymous} == {False}
    assert seen.anonymous[0].ratings.explanation.endswith("once the results are released.")
    await move_to(session, scene, CycleStatus.RELEASED)
    for viewer, expected in ((subject, Audience.SUBJECT), (scene.manager, Audience.MANAGER), (scene.boss, Audience.MANAGER)):
        assert (await results.review_result(session, plain_employee(session, viewer.id), *key)).audience == expected
    stranger = await make_employee(session)
    assert await results.review_result(session, plain_employee(session, stranger.id), *key) is None


async def test_slices_add_up_whole_shown_cells_only(session):
    scene = await make_scene(session)
    await add_subject(session, scene, peers=[(3, None, 4), (3, None, 4), (3, None, 5)])
    await add_subject(session, scene, peers=[(1, None, 1)])  # one peer: never counted anywhere
    await move_to(session, scene, CycleStatus.RELEASED)
    view = await calibration.calibration_view(session, hr_admin(session, scene.hr.id), scene.cycle.id)
    peers = await calibration.distribution_for(session, view, DistributionFilter(reviewer_kind=ReviewerKind.PEER))
    assert (peers.rated, [b.count for b in peers.buckets]) == (3, [0, 0, 0, 2, 1])
    # A filter that leaves only the one-peer subject reads exactly like no answers at all.
    other = await make_department(session)
    empty = await calibration.distribution_for(
        session, view, DistributionFilter(department_id=other.id, reviewer_kind=ReviewerKind.PEER))
    assert empty == calibration.as_distribution(hidden_ratings(3))


# --- calibration ------------------------------------------------------------------------


async def test_a_skip_level_manager_adjusts_with_a_reason_and_the_history_is_kept(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene, manager=(4, "Solid", 3))
    await move_to(session, scene, CycleStatus.CALIBRATION)
    boss = plain_employee(session, scene.boss.id)
    _, first = await calibration.adjust_final_rating(session, boss, scene.cycle.id, subject.id, 4, "Carried the launch")
    _, second = await calibration.adjust_final_rating(session, hr_admin(session, scene.hr.id), scene.cycle.id, subject.id,
                                                      5, "Cross-team impact")
    assert (first.rating, first.manager_rating, first.adjusted) == (4, 3, True)
    assert second.explanation == (
        "Calibrated to Far exceeds expectations (5) from Exceeds expectations (4) "
        "(originally the manager's Meets expectations (3)): Cross-team impact"
    )
    history = (await calibration.adjustment_histories(session, [(scene.cycle.id, subject.id)]))[(scene.cycle.id, subject.id)]
    assert [(a.previous_rating, a.rating, a.adjusted_by) for a in history] == [(4, 5, scene.hr.id), (3, 4, scene.boss.id)]


async def test_the_direct_manager_and_the_subject_do_not_calibrate(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene)
    await move_to(session, scene, CycleStatus.CALIBRATION)
    for who in (scene.manager, subject):
        await refused(ErrorCode.FORBIDDEN, ["subjectId"], calibration.adjust_final_rating(
            session, plain_employee(session, who.id), scene.cycle.id, subject.id, 5, "Because"))
    assert await count(session, CalibrationAdjustment) == 0


@pytest.mark.parametrize(
    ("rating", "reason", "code", "field"),
    [(4, None, ErrorCode.REQUIRED, ["reason"]), (4, "   ", ErrorCode.REQUIRED, ["reason"]),
     (0, "Off scale", ErrorCode.INVALID, ["rating"]), (6, "Off scale", ErrorCode.INVALID, ["rating"])],
)
async def test_an_adjustment_needs_a_reason_and_a_rating_on_the_scale(session, rating, reason, code, field):
    scene = await make_scene(session)
    subject = await add_subject(session, scene)
    await move_to(session, scene, CycleStatus.CALIBRATION)
    await refused(code, field, calibration.adjust_final_rating(
        session, hr_admin(session, scene.hr.id), scene.cycle.id, subject.id, rating, reason))
    assert await count(session, CalibrationAdjustment) == 0


async def test_calibration_happens_only_in_calibration(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene)
    for status in (CycleStatus.ACTIVE, CycleStatus.RELEASED):
        await move_to(session, scene, status)
        await refused(ErrorCode.INVALID_STATE, ["cycleId"], calibration.adjust_final_rating(
            session, hr_admin(session, scene.hr.id), scene.cycle.id, subject.id, 4, "Late"))
        await refused(ErrorCode.INVALID_STATE, ["cycleId"], calibration.place_on_nine_box(
            session, hr_admin(session, scene.hr.id), scene.cycle.id, subject.id, GridLevel.HIGH, GridLevel.LOW, None))
    assert (await count(session, CalibrationAdjustment), await count(session, NineBoxPlacement)) == (0, 0)


async def test_a_subject_outside_the_cycle_is_refused_and_a_missing_one_is_not_found(session):
    scene = await make_scene(session)
    outsider = await make_employee(session, manager=scene.manager)
    await move_to(session, scene, CycleStatus.CALIBRATION)
    hr = hr_admin(session, scene.hr.id)
    await refused(ErrorCode.INVALID, ["subjectId"], calibration.adjust_final_rating(
        session, hr, scene.cycle.id, outsider.id, 4, "x"))
    await refused(ErrorCode.NOT_FOUND, ["subjectId"], calibration.adjust_final_rating(
        session, hr, scene.cycle.id, uuid.uuid4(), 4, "x"))
    await refused(ErrorCode.NOT_FOUND, ["cycleId"], calibration.adjust_final_rating(
        session, hr, uuid.uuid4(), outsider.id, 4, "x"))


async def test_the_nine_box_keeps_every_placement_and_the_latest_counts(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene)
    await move_to(session, scene, CycleStatus.CALIBRATION)
    hr = hr_admin(session, scene.hr.id)
    await calibration.place_on_nine_box(session, hr, scene.cycle.id, subject.id, GridLevel.MEDIUM, GridLevel.HIGH, "Rising")
    await calibration.place_on_nine_box(session, hr, scene.cycle.id, subject.id, GridLevel.HIGH, GridLevel.HIGH, None)
    latest = (await calibration.latest_placements(session, [(scene.cycle.id, subject.id)]))[(scene.cycle.id, subject.id)]
    assert (latest.performance, latest.potential, latest.note) == ("HIGH", "HIGH", None)
    assert await count(session, NineBoxPlacement) == 2


async def test_calibration_shows_final_ratings_per_department_and_manager(session):
    scene = await make_scene(session)
    first = await add_subject(session, scene, manager=(4, None, 3))
    await add_subject(session, scene, manager=(4, None, 5))
    await add_subject(session, scene, manager=None)  # not rated yet
    await move_to(session, scene, CycleStatus.CALIBRATION)
    await calibration.adjust_final_rating(session, plain_employee(session, scene.boss.id), scene.cycle.id, first.id, 4, "Peers")
    view = await calibration.calibration_view(session, plain_employee(session, scene.boss.id), scene.cycle.id)
    [by_department] = calibration.grouped(view, "department_id")
    assert by_department.key == scene.department.id
    assert (by_department.distribution.people, by_department.distribution.rated) == (3, 2)
    assert [b.count for b in by_department.distribution.buckets] == [0, 0, 0, 1, 1]
    assert [g.key for g in calibration.grouped(view, "manager_id")] == [scene.manager.id]
    # The direct manager has nobody two levels down: no calibration view at all.
    assert await calibration.calibration_view(session, plain_employee(session, scene.manager.id), scene.cycle.id) is None


# --- release -------------------------------------------------------------------------------


async def test_release_turns_manager_leadership_ratings_into_review_assessments_once(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene, manager=(4, "Good coach", 3), peers=[(1, None, 1)] * 3, own=(5, None, 5))
    await move_to(session, scene, CycleStatus.CALIBRATION)
    await move_to(session, scene, CycleStatus.RELEASED)
    await move_to(session, scene, CycleStatus.CLOSED)  # a later transition records nothing more
    rows = list(await session.scalars(select(CompetencyAssessment).where(CompetencyAssessment.employee_id == subject.id)))
    # Only the manager's rating: not the self-rating, not the peers'.
    assert [(a.competency_id, a.level, a.source, a.assessed_by, a.assessed_on) for a in rows] == [
        (scene.competency.id, 4, AssessmentSource.REVIEW.value, scene.manager.id, date(2026, 6, 30)),
    ]
    run = await session.get(ReviewEvidenceRun, (session_tenant(session), scene.cycle.id))
    assert run.assessments == 1
    # The tenant had no scale rows: the default scale was written first, as ensure_scale would.
    assert await count(session, ProficiencyLevel) == 5
    profile = await competency_profiles(session, [ProfileSubject(subject.id, None, False)])
    [entry] = profile[ProfileSubject(subject.id, None, False)]
    assert (entry.competency.id, entry.current.level, entry.current.source) == (scene.competency.id, 4, "REVIEW")


async def test_the_subject_acknowledges_released_results_once(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene, peers=[(3, None, 3)])
    me = plain_employee(session, subject.id)
    await refused(ErrorCode.INVALID_STATE, ["cycleId"], results.acknowledge_review(session, me, None, scene.cycle.id, "ok"))
    await move_to(session, scene, CycleStatus.RELEASED)
    done = await results.acknowledge_review(session, me, None, scene.cycle.id, "  Thanks, fair  ")
    assert done.comment == "Thanks, fair" and done.acknowledged_at is not None
    await refused(ErrorCode.DUPLICATE, ["cycleId"], results.acknowledge_review(session, me, None, scene.cycle.id, "again"))
    # Nobody else acknowledges for them, and a review that is not their named one reads as missing.
    await refused(ErrorCode.INVALID, ["cycleId"], results.acknowledge_review(
        session, plain_employee(session, scene.manager.id), None, scene.cycle.id, None))
    manager_review = await session.scalar(select(Review.id).where(Review.subject_id == subject.id, Review.kind == "MANAGER"))
    await refused(ErrorCode.NOT_FOUND, ["reviewId"], results.acknowledge_review(
        session, plain_employee(session, scene.manager.id), manager_review, None, None))
    # Their own anonymous review's ID (a peer's) is no door either: it reads as missing too.
    peer_review = await session.scalar(select(Review.id).where(Review.subject_id == subject.id, Review.kind == "PEER"))
    await refused(ErrorCode.NOT_FOUND, ["reviewId"], results.acknowledge_review(session, me, peer_review, None, None))
    assert [(a.subject_id, a.comment) for a in await session.scalars(select(ReviewAcknowledgement))] == [
        (subject.id, "Thanks, fair"),
    ]


# --- anonymous authors, for HR where allowed ------------------------------------------------


async def test_hr_reads_authors_only_where_enabled_and_every_reading_is_recorded(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene, peers=[(4, "Kind", 4)])
    hr = hr_admin(session, scene.hr.id)
    await refused(ErrorCode.FORBIDDEN, None, results.reveal_anonymous_authors(
        session, hr, scene.cycle.id, subject.id, "Harassment complaint"))
    assert await count(session, AnonymousAuthorReading) == 0

    await settings.update_review_settings(session, admin(session, scene.boss.id), SettingsChanges(hr_can_see_anonymous_authors=True))
    await refused(ErrorCode.REQUIRED, ["reason"], results.reveal_anonymous_authors(session, hr, scene.cycle.id, subject.id, " "))
    [peer] = await results.reveal_anonymous_authors(session, hr, scene.cycle.id, subject.id, "Harassment complaint")
    assert peer.review.kind == "PEER" and [a.text for a in peer.answers if a.text] == ["Kind"]
    [reading] = list(await session.scalars(select(AnonymousAuthorReading)))
    assert (reading.reader_id, reading.subject_id, reading.reason) == (scene.hr.id, subject.id, "Harassment complaint")
    # Never about their own reports, even with the setting on.
    await refused(ErrorCode.FORBIDDEN, ["subjectId"], results.reveal_anonymous_authors(
        session, hr_admin(session, scene.manager.id), scene.cycle.id, subject.id, "Curious"))


# --- settings ----------------------------------------------------------------------------------


async def test_tenant_admins_change_settings_and_each_change_is_recorded_old_to_new(session):
    boss = await make_employee(session)
    before = await settings.current_settings(session)
    assert (before.anonymity_threshold, before.hr_can_see_anonymous_authors, len(before.rating_scale)) == (3, False, 5)
    await refused(ErrorCode.FORBIDDEN, None, settings.update_review_settings(
        session, hr_admin(session, boss.id), SettingsChanges(anonymity_threshold=5)))
    after = await settings.update_review_settings(session, admin(session, boss.id), SettingsChanges(
        anonymity_threshold=4, rating_scale=[RatingLevel(2, "Good"), RatingLevel(1, "Not yet"), RatingLevel(3, "Great")]))
    assert (after.anonymity_threshold, after.scale_values) == (4, [1, 2, 3])
    changes = {c.setting: (c.old_value, c.new_value, c.changed_by) for c in await session.scalars(select(ReviewSettingsChange))}
    assert changes["anonymityThreshold"] == (3, 4, boss.id)
    assert changes["ratingScale"][1] == [{"value": 1, "label": "Not yet"}, {"value": 2, "label": "Good"},
                                         {"value": 3, "label": "Great"}]
    assert set(changes) == {"anonymityThreshold", "ratingScale"}  # the unchanged one left no row
    # The same values again change nothing and record nothing.
    await settings.update_review_settings(session, admin(session, boss.id), SettingsChanges(anonymity_threshold=4))
    assert await count(session, ReviewSettingsChange) == 2


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [(SettingsChanges(anonymity_threshold=1), ErrorCode.INVALID, ["anonymityThreshold"]),
     (SettingsChanges(rating_scale=[RatingLevel(1, "Only")]), ErrorCode.INVALID, ["ratingScale"]),
     (SettingsChanges(rating_scale=[RatingLevel(1, "A"), RatingLevel(3, "B")]), ErrorCode.INVALID,
      ["ratingScale", "1", "value"]),
     (SettingsChanges(rating_scale=[RatingLevel(1, "Same"), RatingLevel(2, "same")]), ErrorCode.DUPLICATE,
      ["ratingScale", "1", "label"])],
)
async def test_bad_settings_are_refused_and_nothing_is_written(session, changes, code, field):
    boss = await make_employee(session)
    await refused(code, field, settings.update_review_settings(session, admin(session, boss.id), changes))
    assert await count(session, ReviewSettingsChange) == 0
    unchanged = await settings.current_settings(session)
    assert (unchanged.anonymity_threshold, unchanged.scale_values) == (3, [1, 2, 3, 4, 5])


async def test_the_rating_scale_is_fixed_once_something_is_rated_on_it(session):
    scene = await make_scene(session)
    await add_subject(session, scene)
    await refused(ErrorCode.INVALID_STATE, ["ratingScale"], settings.update_review_settings(
        session, admin(session, scene.boss.id), SettingsChanges(rating_scale=[RatingLevel(1, "No"), RatingLevel(2, "Yes")])))
    assert await count(session, ReviewSettingsChange) == 0


async def test_a_raised_threshold_hides_what_a_lower_one_showed(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene, peers=[(4, "a", 4), (4, "b", 4), (4, "c", 4)])
    await move_to(session, scene, CycleStatus.RELEASED)
    await settings.update_review_settings(session, admin(session, scene.boss.id), SettingsChanges(anonymity_threshold=4))
    result = await results.review_result(session, plain_employee(session, subject.id), scene.cycle.id, subject.id)
    assert peer_cells(result)[0] == ("Coaching", hidden_ratings(4), None)


async def test_reading_anonymous_reviews_one_by_one_is_recorded_once_per_subject(session):
    scene = await make_scene(session)
    subject = await add_subject(session, scene, peers=[(4, "a", 4), (3, "b", 3)])
    reviews = list(await session.scalars(select(Review).where(Review.subject_id == subject.id)))
    await results.record_direct_readings(session, hr_admin(session, scene.hr.id), reviews)
    [reading] = list(await session.scalars(select(AnonymousAuthorReading)))
    assert (reading.reader_id, reading.cycle_id, reading.subject_id, reading.reason) == (
        scene.hr.id, scene.cycle.id, subject.id, results.DIRECT_READING)
    # Named reviews and one's own anonymous review are no reading of anyone's authorship.
    peer_author = next(r.reviewer_id for r in reviews if r.kind == "PEER")
    await results.record_direct_readings(session, hr_admin(session, peer_author),
                                         [r for r in reviews if r.reviewer_id == peer_author or r.kind == "SELF"])
    assert await count(session, AnonymousAuthorReading) == 1
