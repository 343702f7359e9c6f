"""Review services on real PostgreSQL, as the restricted request role.

Each test runs in the `session` fixture's transaction (tenant A, rolled back afterwards).
Refused calls run in a savepoint, as the API runs every mutation, and each negative case
re-reads the rows to show nothing changed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import delete, func, select, update

from domain.actor import Actor
from domain.competencies.models import Competency, JobLevel, JobLevelExpectation
from domain.competencies.scale import ensure_scale
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.goals.models import Goal
from domain.org.models import Department, Employee, ManagerAssignment, Role
from domain.persistence import session_tenant
from domain.reviews import cycles, nominations, queries, reviewing, templates
from domain.reviews.cycles import ParticipantFilter
from domain.reviews.models import (
    CycleParticipant,
    NominationStatus,
    PeerNomination,
    QuestionKind,
    Review,
    ReviewAnswer,
    ReviewReopening,
    ReviewStatus,
    TemplateQuestion,
)
from domain.reviews.questions import questions_for_reviews
from domain.reviews.rules import AnswerSpec, CycleSpec, QuestionSpec, SectionSpec
from domain.reviews.templates import NewTemplate
from tests.factories import TODAY, hr_admin, make_department, make_employee, plain_employee

ALL_KINDS = ["SELF", "MANAGER", "PEER", "DIRECT_REPORT"]
PERIOD = (date(2026, 1, 1), date(2026, 6, 30))


@dataclass
class Org:
    """company > eng; boss > lead > (ann, bob, cat); hr aside. The lead's job level expects
    two LEADERSHIP competencies (coaching, delegation) and one CORE (clarity)."""

    hr: Employee
    boss: Employee
    lead: Employee
    ann: Employee
    bob: Employee
    cat: Employee
    company: Department
    eng: Department
    coaching: Competency
    delegation: Competency
    clarity: Competency

    def actor(self, who: str, session) -> Actor:
        person = getattr(self, who)
        return hr_admin(session, person.id) if who == "hr" else plain_employee(session, person.id)


async def _competency(session, name: str, category: str, position: int) -> Competency:
    competency = Competency(tenant_id=session_tenant(session), name=name, category=category, position=position)
    session.add(competency)
    await session.flush()
    return competency


@pytest.fixture
async def org(session) -> Org:
    await ensure_scale(session)
    company = await make_department(session, "Company")
    eng = await make_department(session, "Engineering", company)
    hr = await make_employee(session, name="Hana HR", roles=[Role.HR_ADMIN], department=company)
    boss = await make_employee(session, name="Bea Boss", department=company)
    lead = await make_employee(session, name="Lou Lead", manager=boss, department=eng)
    ann = await make_employee(session, name="Ann", manager=lead, department=eng)
    bob = await make_employee(session, name="Bob", manager=lead, department=eng)
    cat = await make_employee(session, name="Cat", manager=lead, department=eng)
    coaching = await _competency(session, "Coaching", "LEADERSHIP", 1)
    delegation = await _competency(session, "Delegation", "LEADERSHIP", 2)
    clarity = await _competency(session, "Clarity", "CORE", 3)
    level = JobLevel(tenant_id=session_tenant(session), name="Lead", rank=3, track="MANAGER")
    session.add(level)
    await session.flush()
    session.add_all([
        JobLevelExpectation(tenant_id=level.tenant_id, job_level_id=level.id, competency_id=c.id, expected_level=3)
        for c in (coaching, delegation, clarity)
    ])
    lead.job_level_id = level.id
    await session.flush()
    return Org(hr, boss, lead, ann, bob, cat, company, eng, coaching, delegation, clarity)


def standard_sections(org: Org) -> list[SectionSpec]:
    return [
        SectionSpec("Competencies", [QuestionSpec(QuestionKind.RATING_COMPETENCY, "How well do they coach?", ALL_KINDS,
                                                  competency_id=org.coaching.id)]),
        SectionSpec("Goals", [QuestionSpec(QuestionKind.RATING_GOALS, "How far did they get?", ["SELF", "MANAGER"])]),
        SectionSpec("Feedback", [
            QuestionSpec(QuestionKind.TEXT, "Leadership strengths", ALL_KINDS),
            QuestionSpec(QuestionKind.TEXT, "Areas to improve", ["PEER", "DIRECT_REPORT"], required=False),
        ]),
        SectionSpec("Overall", [QuestionSpec(QuestionKind.OVERALL_RATING, "Overall", ["MANAGER"])]),
    ]


async def refused(session, work) -> DomainError:
    """Run `work()` in a savepoint, as perform() does, and return the domain error it raised."""
    with pytest.raises(DomainError) as caught:
        async with session.begin_nested():
            await work()
    return caught.value


async def make_cycle(session, org: Org, kinds=ALL_KINDS, **fields):
    hr = org.actor("hr", session)
    template = await templates.create_template(session, hr, NewTemplate(f"T {uuid.uuid4().hex[:6]}", standard_sections(org)))
    spec = CycleSpec(f"C {uuid.uuid4().hex[:6]}", *PERIOD, kinds, **{"peer_min": 1, "peer_max": 3, **fields})
    cycle = await cycles.create_cycle(session, hr, spec, template.id)
    await cycles.add_participants(session, hr, cycle.id, ParticipantFilter(department_id=org.eng.id))
    return cycle


async def assignments(session, cycle_id) -> set[tuple[str, str, str]]:
    rows = await session.execute(
        select(Review.subject_id, Review.reviewer_id, Review.kind).where(Review.cycle_id == cycle_id)
    )
    return {(str(s), str(r), k) for s, r, k in rows}


def who(org: Org, *names_and_kinds) -> set[tuple[str, str, str]]:
    return {(str(getattr(org, s).id), str(getattr(org, r).id), k) for s, r, k in names_and_kinds}


# --- templates ----------------------------------------------------------------------------


async def test_a_template_keeps_its_sections_and_questions_in_order(session, org):
    template = await templates.create_template(session, org.actor("hr", session), NewTemplate("Annual", standard_sections(org)))
    sections = (await templates.sections_by_template_ids(session, [template.id]))[template.id]
    assert [s.title for s in sections] == ["Competencies", "Goals", "Feedback", "Overall"]
    questions = await templates.questions_by_section_ids(session, [s.id for s in sections])
    feedback = questions[sections[2].id]
    assert [(q.prompt, q.reviewer_kinds, q.required) for q in feedback] == [
        ("Leadership strengths", ALL_KINDS, True), ("Areas to improve", ["PEER", "DIRECT_REPORT"], False),
    ]
    assert questions[sections[0].id][0].competency_id == org.coaching.id


async def test_a_template_rating_an_unknown_competency_is_refused(session, org):
    sections = [SectionSpec("S", [QuestionSpec(QuestionKind.RATING_COMPETENCY, "Q", ["SELF"], competency_id=uuid.uuid4())])]
    error = await refused(session, lambda: templates.create_template(session, org.actor("hr", session), NewTemplate("X", sections)))
    assert (error.code, error.field) == (ErrorCode.NOT_FOUND, ["sections", "0", "questions", "0", "competencyId"])
    assert await session.scalar(select(func.count()).select_from(TemplateQuestion)) == 0


async def test_only_hr_admins_write_templates(session, org):
    error = await refused(
        session, lambda: templates.create_template(session, org.actor("lead", session), NewTemplate("X", standard_sections(org)))
    )
    assert error.code == ErrorCode.FORBIDDEN


async def test_a_launched_template_keeps_its_questions(session, org):
    cycle = await make_cycle(session, org)
    await cycles.launch_cycle(session, org.actor("hr", session), cycle.id)
    before = await session.scalar(select(func.count()).select_from(TemplateQuestion))
    error = await refused(session, lambda: templates.update_template(
        session, org.actor("hr", session), cycle.template_id, {"sections": standard_sections(org)[:1]}))
    assert (error.code, error.field) == (ErrorCode.INVALID_STATE, ["sections"])
    assert await session.scalar(select(func.count()).select_from(TemplateQuestion)) == before


# --- cycles and assignments ---------------------------------------------------------------


async def test_participants_come_from_the_department_subtree_once(session, org):
    cycle = await make_cycle(session, org)
    # Adding the company adds only those not already in (boss, hr); eng was added by make_cycle.
    _, added = await cycles.add_participants(session, org.actor("hr", session), cycle.id, ParticipantFilter(department_id=org.company.id))
    assert added == 2
    rows = await session.execute(select(CycleParticipant.subject_id, CycleParticipant.department_id).where(
        CycleParticipant.cycle_id == cycle.id))
    assert {(s, d) for s, d in rows} == {
        (org.lead.id, org.eng.id), (org.ann.id, org.eng.id), (org.bob.id, org.eng.id), (org.cat.id, org.eng.id),
        (org.boss.id, org.company.id), (org.hr.id, org.company.id),
    }


async def test_launch_assigns_self_manager_and_upward_reviews_and_approved_peers(session, org):
    cycle = await make_cycle(session, org)
    lead = org.actor("lead", session)
    await nominations.nominate_peers(session, lead, cycle.id, [org.hr.id])
    (nomination,) = await nominations.nominations_of(session, lead, cycle.id, org.lead.id)
    await nominations.approve_nominations(session, org.actor("boss", session), [nomination.id])
    await cycles.launch_cycle(session, org.actor("hr", session), cycle.id)
    assert await assignments(session, cycle.id) == who(
        org,
        ("lead", "lead", "SELF"), ("lead", "boss", "MANAGER"), ("lead", "hr", "PEER"),
        ("lead", "ann", "DIRECT_REPORT"), ("lead", "bob", "DIRECT_REPORT"), ("lead", "cat", "DIRECT_REPORT"),
        *((p, p, "SELF") for p in ("ann", "bob", "cat")), *((p, "lead", "MANAGER") for p in ("ann", "bob", "cat")),
    )


async def test_the_manager_review_goes_to_the_manager_as_of_the_period_end(session, org):
    # Ann moved from the lead to the boss after the period ended: the lead judged her period.
    await session.execute(update(ManagerAssignment).where(ManagerAssignment.employee_id == org.ann.id).values(
        effective_to=date(2026, 7, 15)))
    session.add(ManagerAssignment(tenant_id=org.ann.tenant_id, employee_id=org.ann.id, manager_id=org.boss.id,
                                  effective_from=date(2026, 7, 15)))
    org.ann.manager_id = org.boss.id
    await session.flush()
    cycle = await make_cycle(session, org, kinds=["MANAGER"])
    await cycles.launch_cycle(session, org.actor("hr", session), cycle.id)
    assert (org.ann.id, org.lead.id, "MANAGER") in {
        (s, r, k) for s, r, k in await session.execute(select(Review.subject_id, Review.reviewer_id, Review.kind))
    }


async def test_a_people_managers_review_adds_the_leadership_competencies_of_their_level(session, org):
    cycle = await make_cycle(session, org)
    await cycles.launch_cycle(session, org.actor("hr", session), cycle.id)
    reviews = list(await session.scalars(select(Review).where(Review.cycle_id == cycle.id, Review.kind == "SELF")))
    questions = await questions_for_reviews(session, reviews, {cycle.id: cycle})
    by_subject = {r.subject_id: questions[r.id] for r in reviews}
    # Coaching is rated by the template already; Clarity is CORE; Delegation is added.
    automatic = [(q.section, q.competency_id, q.required) for q in by_subject[org.lead.id] if q.automatic]
    assert automatic == [("Leadership", org.delegation.id, True)]
    assert [q for q in by_subject[org.ann.id] if q.automatic] == []


async def test_illegal_transitions_are_refused_and_change_nothing(session, org):
    cycle = await make_cycle(session, org)
    hr = org.actor("hr", session)
    for call in (cycles.advance_cycle, cycles.close_cycle):
        error = await refused(session, lambda call=call: call(session, hr, cycle.id))
        assert (error.code, error.field) == (ErrorCode.INVALID_STATE, ["id"])
    assert (await cycles.get_cycle(session, cycle.id)).status == "DRAFT"
    assert await assignments(session, cycle.id) == set()


async def test_a_participant_added_to_an_active_cycle_gets_reviews_at_once(session, org):
    cycle = await make_cycle(session, org, kinds=["SELF"])
    hr = org.actor("hr", session)
    await cycles.launch_cycle(session, hr, cycle.id)
    await cycles.add_participants(session, hr, cycle.id, ParticipantFilter(all=True))
    assert (str(org.boss.id), str(org.boss.id), "SELF") in await assignments(session, cycle.id)


# --- nominations ----------------------------------------------------------------------------


@pytest.mark.parametrize(("peer", "message"), [
    ("ann", "Nobody can be their own peer reviewer"),
    ("lead", "A manager cannot review their report as a peer"),
    ("boss", "A manager cannot review their report as a peer"),
])
async def test_nobody_nominates_themselves_or_a_manager(session, org, peer, message):
    cycle = await make_cycle(session, org)
    error = await refused(session, lambda: nominations.nominate_peers(
        session, org.actor("ann", session), cycle.id, [org.bob.id, getattr(org, peer).id]))
    assert (error.code, error.field, error.message) == (ErrorCode.INVALID, ["peerIds", "1"], message)
    assert await session.scalar(select(func.count()).select_from(PeerNomination)) == 0


async def test_nominations_respect_the_cycles_min_and_max(session, org):
    cycle = await make_cycle(session, org, peer_min=2, peer_max=2)
    error = await refused(session, lambda: nominations.nominate_peers(session, org.actor("ann", session), cycle.id, [org.bob.id]))
    assert (error.code, error.field) == (ErrorCode.INVALID, ["peerIds"])


async def test_approving_in_an_active_cycle_creates_the_peer_review(session, org):
    cycle = await make_cycle(session, org, kinds=["SELF", "PEER"])
    await cycles.launch_cycle(session, org.actor("hr", session), cycle.id)
    (nomination,) = await nominations.nominate_peers(session, org.actor("ann", session), cycle.id, [org.bob.id])
    # Bob cannot approve his own nomination, and Ann (the subject) cannot either.
    for outsider, code in (("bob", ErrorCode.NOT_FOUND), ("ann", ErrorCode.FORBIDDEN)):
        error = await refused(session, lambda o=outsider: nominations.approve_nominations(session, org.actor(o, session), [nomination.id]))
        assert (error.code, error.field) == (code, ["nominationIds", "0"])
    await nominations.approve_nominations(session, org.actor("lead", session), [nomination.id])
    assert who(org, ("ann", "bob", "PEER")) <= await assignments(session, cycle.id)


async def test_a_manager_replaces_a_nomination_with_an_approved_one(session, org):
    cycle = await make_cycle(session, org, kinds=["PEER"])
    (nomination,) = await nominations.nominate_peers(session, org.actor("ann", session), cycle.id, [org.bob.id])
    new = await nominations.replace_nomination(session, org.actor("lead", session), nomination.id, org.cat.id)
    rows = await nominations.nominations_of(session, org.actor("lead", session), cycle.id, org.ann.id)
    assert {(n.peer_id, n.status, n.replaced_by_id) for n in rows} == {
        (org.bob.id, NominationStatus.REPLACED, new.id), (org.cat.id, NominationStatus.APPROVED, None),
    }


# --- reviewing ------------------------------------------------------------------------------


async def launched(session, org: Org, kinds=("SELF", "MANAGER")):
    cycle = await make_cycle(session, org, kinds=list(kinds))
    await cycles.launch_cycle(session, org.actor("hr", session), cycle.id)
    return cycle


async def review_of(session, cycle, subject: Employee, kind: str) -> Review:
    return (await session.scalars(select(Review).where(
        Review.cycle_id == cycle.id, Review.subject_id == subject.id, Review.kind == kind))).one()


async def answers_of(session, review: Review) -> set[tuple]:
    rows = await session.scalars(select(ReviewAnswer).where(ReviewAnswer.review_id == review.id))
    return {(a.question_id, a.competency_id, a.goal_id, a.rating, a.text) for a in rows}


async def items(session, cycle, review):
    return (await questions_for_reviews(session, [review], {cycle.id: cycle}))[review.id]


def full_answers(questions, rating=3) -> list[AnswerSpec]:
    return [
        AnswerSpec(question_id=q.question_id, competency_id=None if q.question_id else q.competency_id, goal_id=q.goal_id,
                   rating=None if q.scale is None else rating, text="Clear and kind" if q.scale is None else None)
        for q in questions
    ]


async def test_a_draft_saves_and_a_complete_review_submits(session, org):
    cycle = await launched(session, org)
    review = await review_of(session, cycle, org.lead, "SELF")
    questions = await items(session, cycle, review)
    lead = org.actor("lead", session)
    draft = await reviewing.save_draft(session, lead, review.id, full_answers(questions)[:1])
    assert draft.status == ReviewStatus.IN_PROGRESS
    assert await answers_of(session, review) == {(questions[0].question_id, org.coaching.id, None, 3, None)}
    submitted = await reviewing.submit_review(session, lead, review.id, full_answers(questions, rating=4))
    assert (submitted.status, submitted.submitted_at is not None) == (ReviewStatus.SUBMITTED, True)
    assert len(await answers_of(session, review)) == len(questions)


async def test_submitting_without_a_required_answer_is_refused_and_keeps_the_draft(session, org):
    cycle = await launched(session, org)
    review = await review_of(session, cycle, org.ann, "SELF")
    questions = await items(session, cycle, review)
    ann = org.actor("ann", session)
    await reviewing.save_draft(session, ann, review.id, full_answers(questions)[:1])
    before = await answers_of(session, review)
    with pytest.raises(DomainErrors) as caught:
        async with session.begin_nested():
            await reviewing.submit_review(session, ann, review.id, [])
    assert [(e.code, e.field, e.message) for e in caught.value.errors] == [
        (ErrorCode.REQUIRED, ["answers"], "Answer required: Leadership strengths"),
    ]
    assert await answers_of(session, review) == before
    assert (await review_of(session, cycle, org.ann, "SELF")).status == ReviewStatus.IN_PROGRESS


async def test_a_rating_off_the_scale_is_refused_at_its_index(session, org):
    cycle = await launched(session, org)
    review = await review_of(session, cycle, org.ann, "SELF")
    questions = await items(session, cycle, review)
    answers = full_answers(questions)
    answers[0] = AnswerSpec(question_id=questions[0].question_id, rating=6)
    error = await refused(session, lambda: reviewing.submit_review(session, org.actor("ann", session), review.id, answers))
    assert (error.code, error.field) == (ErrorCode.INVALID, ["answers", "0", "rating"])
    assert await answers_of(session, review) == set()


async def test_submitted_answers_are_immutable_until_hr_reopens_with_a_reason(session, org):
    cycle = await launched(session, org)
    review = await review_of(session, cycle, org.ann, "SELF")
    ann = org.actor("ann", session)
    questions = await items(session, cycle, review)
    await reviewing.submit_review(session, ann, review.id, full_answers(questions))
    before = await answers_of(session, review)
    for call in (reviewing.save_draft, reviewing.submit_review):
        error = await refused(session, lambda call=call: call(session, ann, review.id, full_answers(questions, 1)))
        assert (error.code, error.field) == (ErrorCode.INVALID_STATE, ["reviewId"])
    assert await answers_of(session, review) == before
    reopened = await reviewing.reopen_review(session, org.actor("hr", session), review.id, "Rated the wrong person")
    assert (reopened.status, reopened.reopened_count, reopened.submitted_at) == (ReviewStatus.IN_PROGRESS, 1, None)
    reasons = await session.scalars(select(ReviewReopening.reason).where(ReviewReopening.review_id == review.id))
    assert list(reasons) == ["Rated the wrong person"]
    await reviewing.save_draft(session, ann, review.id, full_answers(questions, 2)[:1])


async def test_only_the_reviewer_writes_a_review(session, org):
    cycle = await launched(session, org)
    review = await review_of(session, cycle, org.ann, "MANAGER")
    # Ann is the subject: a draft of her manager's review is not even visible to her.
    error = await refused(session, lambda: reviewing.save_draft(session, org.actor("ann", session), review.id, []))
    assert (error.code, error.field) == (ErrorCode.NOT_FOUND, ["reviewId"])


async def test_a_goals_rating_covers_the_subjects_goals_of_the_period(session, org):
    def goal(title, start, due, visibility="PUBLIC", status="ACTIVE"):
        return Goal(tenant_id=org.ann.tenant_id, title=title, owner_id=org.ann.id, kind="PERFORMANCE", scope="INDIVIDUAL",
                    status=status, visibility=visibility, start_date=start, due_date=due)

    session.add_all([
        goal("In period", date(2026, 2, 1), date(2026, 5, 1)),
        goal("Private", date(2026, 2, 1), date(2026, 5, 1), visibility="PRIVATE"),
        goal("Last year", date(2025, 1, 1), date(2025, 6, 1)),
        goal("Draft", date(2026, 2, 1), date(2026, 5, 1), status="DRAFT"),
    ])
    await session.flush()
    cycle = await launched(session, org)
    titles = {
        kind: [q.goal_title for q in await items(session, cycle, await review_of(session, cycle, org.ann, kind)) if q.goal_id]
        for kind in ("SELF", "MANAGER")
    }
    assert titles == {"SELF": ["In period", "Private"], "MANAGER": ["In period"]}


# --- reading --------------------------------------------------------------------------------


async def test_upward_reviews_are_never_readable_by_their_subject_or_the_subjects_managers(session, org):
    cycle = await launched(session, org, kinds=("DIRECT_REPORT",))
    review = (await session.scalars(select(Review).where(Review.cycle_id == cycle.id, Review.reviewer_id == org.ann.id))).one()
    await reviewing.submit_review(session, org.actor("ann", session), review.id,
                                  full_answers(await items(session, cycle, review)))
    seen = {
        name: review.id in await queries.visible_reviews_by_ids(session, org.actor(name, session), [review.id])
        for name in ("ann", "lead", "boss", "hr", "bob")
    }
    assert seen == {"ann": True, "lead": False, "boss": False, "hr": False, "bob": False}


async def test_progress_counts_per_kind_and_department(session, org):
    cycle = await launched(session, org)
    review = await review_of(session, cycle, org.ann, "SELF")
    await reviewing.submit_review(session, org.actor("ann", session), review.id, full_answers(await items(session, cycle, review)))
    progress = (await queries.cycle_progress(session, [cycle.id]))[cycle.id]
    assert (progress.overall.submitted, progress.overall.assigned) == (1, 8)
    assert {k: (t.submitted, t.assigned) for k, t in progress.by_kind.items()} == {"SELF": (1, 4), "MANAGER": (0, 4)}
    assert {d: (t.submitted, t.assigned) for d, t in progress.by_department.items()} == {org.eng.id: (1, 8)}


async def test_overdue_reviewers_are_those_past_their_kinds_deadline(session, org):
    cycle = await launched(session, org)
    cycle.self_due, cycle.manager_due = date(2026, 5, 1), date(2026, 7, 1)
    await session.flush()
    review = await review_of(session, cycle, org.ann, "SELF")
    await reviewing.submit_review(session, org.actor("ann", session), review.id, full_answers(await items(session, cycle, review)))
    overdue = await queries.overdue_reviewers(session, cycle, TODAY, 100)
    assert [(o.reviewer.name, o.kind, o.due, o.pending) for o in overdue] == [
        ("Bob", "SELF", date(2026, 5, 1), 1), ("Cat", "SELF", date(2026, 5, 1), 1), ("Lou Lead", "SELF", date(2026, 5, 1), 1),
    ]


async def test_hr_reads_anonymous_reviews_only_where_the_tenant_allows_and_never_as_the_subjects_manager(session, org):
    from domain.reviews.models import TenantSettings

    cycle = await launched(session, org, kinds=("DIRECT_REPORT",))
    review = (await session.scalars(select(Review).where(Review.cycle_id == cycle.id, Review.reviewer_id == org.ann.id))).one()
    await reviewing.submit_review(session, org.actor("ann", session), review.id, full_answers(await items(session, cycle, review)))
    session.add(TenantSettings(tenant_id=session_tenant(session), hr_can_see_anonymous_authors=True))
    await session.flush()
    # The boss as an HR admin still manages the subject (the lead): the upward review stays hidden.
    readers = {"hr": org.actor("hr", session), "boss as HR": hr_admin(session, org.boss.id)}
    seen = {name: review.id in await queries.visible_reviews_by_ids(session, actor, [review.id]) for name, actor in readers.items()}
    assert seen == {"hr": True, "boss as HR": False}
    # Every such reading is recorded, in the reading's own transaction.
    from domain.reviews.results import AnonymousAuthorReading

    readings = (await session.scalars(select(AnonymousAuthorReading))).all()
    assert [(r.reader_id, r.subject_id) for r in readings] == [(org.hr.id, review.subject_id)]


async def test_competency_ratings_in_reviews_pin_the_proficiency_scale(session, org):
    from domain.competencies.rules import ScaleLevel
    from domain.competencies.scale import current_scale, set_proficiency_scale

    cycle = await launched(session, org)
    review = await review_of(session, cycle, org.ann, "SELF")
    questions = await items(session, cycle, review)
    await reviewing.save_draft(session, org.actor("ann", session), review.id, full_answers(questions)[:1])
    # Nothing else pins the scale: only the review's competency rating does.
    await session.execute(delete(JobLevelExpectation))
    three = [ScaleLevel(1, "Low"), ScaleLevel(2, "Mid"), ScaleLevel(3, "High")]
    error = await refused(session, lambda: set_proficiency_scale(session, org.actor("hr", session), three))
    assert (error.code, error.field, error.message) == (
        ErrorCode.INVALID_STATE, ["levels"], "The scale cannot change once reviews rate competencies on it")
    assert len(await current_scale(session)) == 5


async def test_a_participant_leaves_until_a_review_of_them_is_submitted(session, org):
    cycle = await launched(session, org, kinds=("SELF",))
    hr = org.actor("hr", session)
    await cycles.remove_participant(session, hr, cycle.id, org.bob.id)
    review = await review_of(session, cycle, org.ann, "SELF")
    await reviewing.submit_review(session, org.actor("ann", session), review.id, full_answers(await items(session, cycle, review)))
    error = await refused(session, lambda: cycles.remove_participant(session, hr, cycle.id, org.ann.id))
    assert (error.code, error.field) == (ErrorCode.INVALID_STATE, ["employeeId"])
    error = await refused(session, lambda: cycles.remove_participant(session, hr, cycle.id, org.bob.id))
    assert (error.code, error.field, error.message) == (ErrorCode.NOT_FOUND, ["employeeId"], "Participant not found")
    assert {s for s, _, _ in await assignments(session, cycle.id)} == {str(p.id) for p in (org.lead, org.ann, org.cat)}
