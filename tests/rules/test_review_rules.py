"""Pure review rules: the cycle state machine (every status x action), validation of
templates, cycles, nominations and answers, and the effective question list."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.reviews.models import CycleStatus, QuestionKind, ReviewerKind, ReviewStatus
from domain.reviews.rules import (
    LEADERSHIP_SECTION,
    TRANSITIONS,
    AnswerSpec,
    CycleAction,
    CycleSpec,
    GoalItem,
    QuestionSpec,
    RatingLevel,
    ScaleKind,
    SectionSpec,
    StoredAnswer,
    Tally,
    TemplateItem,
    accepts_answers,
    accepts_nominations,
    accepts_participants,
    accepts_reopening,
    check_cycle,
    check_peer,
    check_peer_count,
    check_submission,
    clean_answers,
    clean_long_text,
    clean_sections,
    effective_questions,
    is_overdue,
    next_status,
    rating_levels,
)

ALL = [k.value for k in ReviewerKind]
SCALES = {ScaleKind.PROFICIENCY: {1, 2, 3, 4, 5}, ScaleKind.RATING: {1, 2, 3, 4}}


def fails(work, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        work(*args, **kwargs)
    return caught.value


# --- the state machine ----------------------------------------------------------------------

LEGAL = {
    (CycleStatus.DRAFT, CycleAction.LAUNCH): CycleStatus.ACTIVE,
    (CycleStatus.ACTIVE, CycleAction.ADVANCE): CycleStatus.CALIBRATION,
    (CycleStatus.CALIBRATION, CycleAction.ADVANCE): CycleStatus.RELEASED,
    (CycleStatus.RELEASED, CycleAction.CLOSE): CycleStatus.CLOSED,
}
VERBS = {CycleAction.LAUNCH: "launched", CycleAction.ADVANCE: "advanced", CycleAction.CLOSE: "closed"}


@pytest.mark.parametrize("status", list(CycleStatus))
@pytest.mark.parametrize("action", list(CycleAction))
def test_every_status_and_action_either_moves_on_or_is_invalid_state(status, action):
    if (status, action) in LEGAL:
        assert next_status(status, action) == LEGAL[(status, action)]
        return
    error = fails(next_status, status, action)
    assert (error.code, error.field, error.message) == (
        ErrorCode.INVALID_STATE, ["id"], f"A {status.value} cycle cannot be {VERBS[action]}",
    )


def test_the_transition_table_is_exactly_the_documented_path():
    assert dict(TRANSITIONS) == LEGAL
    # Every status but CLOSED has exactly one way forward, and nothing leads back.
    order = list(CycleStatus)
    assert all(order.index(target) == order.index(source) + 1 for (source, _), target in LEGAL.items())


@pytest.mark.parametrize("status", list(CycleStatus))
def test_what_each_status_accepts(status):
    open_ = status in (CycleStatus.DRAFT, CycleStatus.ACTIVE)
    assert accepts_participants(status) is open_
    assert accepts_nominations(status) is open_
    assert accepts_answers(status, 0) is (status == CycleStatus.ACTIVE)
    # A review HR reopened may still be answered during calibration, never after release.
    assert accepts_answers(status, 1) is (status in (CycleStatus.ACTIVE, CycleStatus.CALIBRATION))
    assert accepts_reopening(status) is (status in (CycleStatus.ACTIVE, CycleStatus.CALIBRATION))


# --- templates ------------------------------------------------------------------------------


def q(kind=QuestionKind.TEXT, prompt="Why?", kinds=("SELF",), competency=None, required=True) -> QuestionSpec:
    return QuestionSpec(kind, prompt, list(kinds), required, competency)


def test_a_valid_template_is_cleaned_and_kinds_put_in_order():
    competency = uuid.uuid4()
    sections = clean_sections([SectionSpec("  Skills ", [
        q(QuestionKind.RATING_COMPETENCY, "Coach?", ("PEER", "SELF"), competency),
        q(prompt="Strengths\nand more", kinds=("DIRECT_REPORT", "MANAGER")),
    ])])
    assert sections[0].title == "Skills"
    assert [(x.kind, x.prompt, x.reviewer_kinds, x.competency_id) for x in sections[0].questions] == [
        (QuestionKind.RATING_COMPETENCY, "Coach?", ["SELF", "PEER"], competency),
        (QuestionKind.TEXT, "Strengths\nand more", ["MANAGER", "DIRECT_REPORT"], None),
    ]


@pytest.mark.parametrize(("sections", "code", "field"), [
    ([], ErrorCode.REQUIRED, ["sections"]),
    ([SectionSpec("S", [])], ErrorCode.REQUIRED, ["sections", "0", "questions"]),
    ([SectionSpec(" ", [q()])], ErrorCode.REQUIRED, ["sections", "0", "title"]),
    ([SectionSpec("S", [q(), q(prompt="")])], ErrorCode.REQUIRED, ["sections", "0", "questions", "1", "prompt"]),
    ([SectionSpec("S", [q(prompt="x" * 1001)])], ErrorCode.TOO_LONG, ["sections", "0", "questions", "0", "prompt"]),
    ([SectionSpec("S", [q(prompt="a\x00b")])], ErrorCode.INVALID, ["sections", "0", "questions", "0", "prompt"]),
    ([SectionSpec("S", [q(kinds=())])], ErrorCode.REQUIRED, ["sections", "0", "questions", "0", "reviewerKinds"]),
    ([SectionSpec("S", [q(kinds=("SELF", "SELF"))])], ErrorCode.DUPLICATE, ["sections", "0", "questions", "0", "reviewerKinds"]),
    ([SectionSpec("S", [q(QuestionKind.RATING_COMPETENCY)])], ErrorCode.REQUIRED,
     ["sections", "0", "questions", "0", "competencyId"]),
    ([SectionSpec("S", [q(QuestionKind.OVERALL_RATING, competency=uuid.UUID(int=1))])], ErrorCode.INVALID,
     ["sections", "0", "questions", "0", "competencyId"]),
    ([SectionSpec("S", [q(QuestionKind.RATING_COMPETENCY, competency=uuid.UUID(int=1))]),
      SectionSpec("T", [q(QuestionKind.RATING_COMPETENCY, competency=uuid.UUID(int=1))])], ErrorCode.DUPLICATE,
     ["sections", "1", "questions", "0", "competencyId"]),
    ([SectionSpec("S", [q(QuestionKind.OVERALL_RATING), q(QuestionKind.OVERALL_RATING)])], ErrorCode.DUPLICATE,
     ["sections", "0", "questions", "1", "kind"]),
    ([SectionSpec("S", [q()])] * 21, ErrorCode.INVALID, ["sections"]),
    ([SectionSpec("S", [q()] * 51), SectionSpec("T", [q()] * 50)], ErrorCode.INVALID, ["sections"]),
])
def test_bad_templates_name_the_field_at_fault(sections, code, field):
    error = fails(clean_sections, sections)
    assert (error.code, error.field) == (code, field)


# --- cycles ---------------------------------------------------------------------------------


def spec(**overrides) -> CycleSpec:
    values = dict(name="H1", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), reviewer_kinds=ALL,
                  peer_min=1, peer_max=3)
    return CycleSpec(**{**values, **overrides})


def test_a_valid_cycle_keeps_its_name_and_kinds():
    assert check_cycle(spec(name=" H1 ", reviewer_kinds=["PEER", "SELF"])) == ("H1", ["SELF", "PEER"])


@pytest.mark.parametrize(("overrides", "code", "field"), [
    ({"name": ""}, ErrorCode.REQUIRED, ["name"]),
    ({"name": "a\nb"}, ErrorCode.INVALID, ["name"]),
    ({"period_end": date(2025, 12, 31)}, ErrorCode.INVALID, ["periodEnd"]),
    ({"reviewer_kinds": []}, ErrorCode.REQUIRED, ["reviewerKinds"]),
    ({"reviewer_kinds": ["SELF", "SELF"]}, ErrorCode.DUPLICATE, ["reviewerKinds"]),
    ({"peer_min": -1}, ErrorCode.INVALID, ["peerMin"]),
    ({"peer_min": 21, "peer_max": 21}, ErrorCode.INVALID, ["peerMin"]),
    ({"peer_min": 3, "peer_max": 2}, ErrorCode.INVALID, ["peerMax"]),
    ({"peer_max": 21}, ErrorCode.INVALID, ["peerMax"]),
    ({"peer_min": 0, "peer_max": 0}, ErrorCode.INVALID, ["peerMax"]),
    ({"self_due": date(2025, 12, 31)}, ErrorCode.INVALID, ["selfDue"]),
    ({"direct_report_due": date(2025, 1, 1)}, ErrorCode.INVALID, ["directReportDue"]),
])
def test_bad_cycles_name_the_field_at_fault(overrides, code, field):
    error = fails(check_cycle, spec(**overrides))
    assert (error.code, error.field) == (code, field)


def test_a_cycle_without_peer_reviews_needs_no_peers():
    assert check_cycle(spec(reviewer_kinds=["SELF"], peer_min=0, peer_max=0))[1] == ["SELF"]


# --- nominations ----------------------------------------------------------------------------

SUBJECT, MANAGER, REPORT, PEER = (uuid.UUID(int=i) for i in range(1, 5))


@pytest.mark.parametrize(("peer", "message"), [
    (SUBJECT, "Nobody can be their own peer reviewer"),
    (MANAGER, "A manager cannot review their report as a peer"),
    (REPORT, "A direct report cannot review their manager as a peer"),
])
def test_nobody_reviews_themselves_their_report_or_their_manager_as_a_peer(peer, message):
    error = fails(check_peer, SUBJECT, peer, {MANAGER}, {REPORT}, ["peerIds", "2"])
    assert (error.code, error.field, error.message) == (ErrorCode.INVALID, ["peerIds", "2"], message)
    check_peer(SUBJECT, PEER, {MANAGER}, {REPORT}, ["peerIds", "0"])


@pytest.mark.parametrize(("count", "ok"), [(1, False), (2, True), (3, True), (4, False)])
def test_the_number_of_peers_stays_within_the_cycles_range(count, ok):
    if ok:
        check_peer_count(count, 2, 3, ["peerIds"])
    else:
        error = fails(check_peer_count, count, 2, 3, ["peerIds"])
        assert (error.code, error.field, error.message) == (
            ErrorCode.INVALID, ["peerIds"], f"Nominate between 2 and 3 peers (you named {count})",
        )


# --- effective questions --------------------------------------------------------------------

COACHING, DELEGATION = uuid.UUID(int=10), uuid.UUID(int=11)
Q_RATE, Q_GOALS, Q_TEXT, Q_OVERALL = (uuid.UUID(int=i) for i in range(20, 24))
TEMPLATE = [
    # given out of order: positions decide
    TemplateItem(Q_OVERALL, "Overall", 2, 0, QuestionKind.OVERALL_RATING, "Overall", None, ["MANAGER"], True),
    TemplateItem(Q_RATE, "Skills", 0, 0, QuestionKind.RATING_COMPETENCY, "Coach?", COACHING, ALL, True),
    TemplateItem(Q_TEXT, "Skills", 0, 2, QuestionKind.TEXT, "Strengths", None, ["PEER"], False),
    TemplateItem(Q_GOALS, "Skills", 0, 1, QuestionKind.RATING_GOALS, "Goals?", None, ["SELF", "MANAGER"], True),
]
GOALS = [GoalItem(uuid.UUID(int=30), "Ship"), GoalItem(uuid.UUID(int=31), "Hire")]


def test_questions_follow_the_template_order_for_the_reviewer_kind():
    manager = effective_questions(TEMPLATE, "MANAGER", GOALS, [])
    assert [(x.question_id, x.goal_id, x.scale) for x in manager] == [
        (Q_RATE, None, ScaleKind.PROFICIENCY), (Q_GOALS, GOALS[0].id, ScaleKind.RATING),
        (Q_GOALS, GOALS[1].id, ScaleKind.RATING), (Q_OVERALL, None, ScaleKind.RATING),
    ]
    peer = effective_questions(TEMPLATE, ReviewerKind.PEER, GOALS, [])
    assert [(x.question_id, x.scale, x.required) for x in peer] == [(Q_RATE, ScaleKind.PROFICIENCY, True), (Q_TEXT, None, False)]


def test_a_goals_rating_without_goals_asks_nothing():
    assert [x.question_id for x in effective_questions(TEMPLATE, "SELF", [], [])] == [Q_RATE]


def test_leadership_competencies_are_appended_as_required_automatic_ratings_for_every_kind():
    for kind in ReviewerKind:
        items = effective_questions(TEMPLATE, kind, [], [(DELEGATION, "Delegation")])
        last = items[-1]
        assert (last.section, last.automatic, last.competency_id, last.question_id, last.required, last.scale) == (
            LEADERSHIP_SECTION, True, DELEGATION, None, True, ScaleKind.PROFICIENCY,
        )
        assert last.key == (None, DELEGATION, None)


# --- answers --------------------------------------------------------------------------------

MANAGER_ITEMS = effective_questions(TEMPLATE, "MANAGER", GOALS, [(DELEGATION, "Delegation")])
PEER_ITEMS = effective_questions(TEMPLATE, "PEER", [], [])


def test_answers_are_matched_to_their_questions():
    cleaned = clean_answers([
        AnswerSpec(question_id=Q_GOALS, goal_id=GOALS[1].id, rating=4),
        AnswerSpec(competency_id=DELEGATION, rating=5),
        AnswerSpec(question_id=Q_RATE),  # clears
    ], MANAGER_ITEMS, SCALES)
    assert [(c.key, c.rating, c.is_empty) for c in cleaned] == [
        ((Q_GOALS, None, GOALS[1].id), 4, False), ((None, DELEGATION, None), 5, False), ((Q_RATE, COACHING, None), None, True),
    ]


@pytest.mark.parametrize(("answer", "code", "field", "message"), [
    (AnswerSpec(rating=1), ErrorCode.INVALID, ["answers", "0", "questionId"],
     "Give questionId, or competencyId for an automatic leadership rating"),
    (AnswerSpec(question_id=Q_RATE, competency_id=DELEGATION, rating=1), ErrorCode.INVALID, ["answers", "0", "questionId"],
     "Give questionId, or competencyId for an automatic leadership rating"),
    (AnswerSpec(question_id=uuid.uuid4(), rating=1), ErrorCode.NOT_FOUND, ["answers", "0", "questionId"], "Question not found"),
    (AnswerSpec(question_id=Q_TEXT, text="hi"), ErrorCode.NOT_FOUND, ["answers", "0", "questionId"], "Question not found"),
    (AnswerSpec(competency_id=COACHING, rating=1), ErrorCode.NOT_FOUND, ["answers", "0", "competencyId"], "Question not found"),
    (AnswerSpec(question_id=Q_GOALS, rating=1), ErrorCode.NOT_FOUND, ["answers", "0", "questionId"], "Question not found"),
    (AnswerSpec(question_id=Q_GOALS, goal_id=uuid.uuid4(), rating=1), ErrorCode.NOT_FOUND, ["answers", "0", "goalId"],
     "Goal not found"),
    (AnswerSpec(question_id=Q_RATE, rating=6), ErrorCode.INVALID, ["answers", "0", "rating"],
     "The rating must be on the scale (1 to 5)"),
    (AnswerSpec(question_id=Q_OVERALL, rating=5), ErrorCode.INVALID, ["answers", "0", "rating"],
     "The rating must be on the scale (1 to 4)"),
    (AnswerSpec(question_id=Q_RATE, rating=0), ErrorCode.INVALID, ["answers", "0", "rating"],
     "The rating must be on the scale (1 to 5)"),
    (AnswerSpec(question_id=Q_RATE, text="great"), ErrorCode.INVALID, ["answers", "0", "text"],
     "A rating question takes a rating, not text"),
])
def test_bad_answers_name_the_field_at_fault(answer, code, field, message):
    error = fails(clean_answers, [answer], MANAGER_ITEMS, SCALES)
    assert (error.code, error.field, error.message) == (code, field, message)


def test_text_answers_take_text_only_and_keep_their_lines():
    (cleaned,) = clean_answers([AnswerSpec(question_id=Q_TEXT, text="  Calm.\nClear.  ")], PEER_ITEMS, SCALES)
    assert cleaned.text == "Calm.\nClear."
    error = fails(clean_answers, [AnswerSpec(question_id=Q_TEXT, rating=3)], PEER_ITEMS, SCALES)
    assert (error.code, error.field) == (ErrorCode.INVALID, ["answers", "0", "rating"])
    error = fails(clean_answers, [AnswerSpec(question_id=Q_TEXT, text="x" * 5001)], PEER_ITEMS, SCALES)
    assert (error.code, error.field) == (ErrorCode.TOO_LONG, ["answers", "0", "text"])


def test_a_question_answered_twice_is_refused_at_the_second():
    error = fails(clean_answers, [AnswerSpec(question_id=Q_RATE, rating=1)] * 2, MANAGER_ITEMS, SCALES)
    assert (error.code, error.field) == (ErrorCode.DUPLICATE, ["answers", "1", "questionId"])


def test_submission_lists_every_missing_required_answer_and_skips_optional_ones():
    stored = [StoredAnswer((Q_RATE, COACHING, None), 3, None)]
    with pytest.raises(DomainErrors) as caught:
        check_submission(MANAGER_ITEMS, stored, SCALES)
    assert [(e.code, e.field, e.message) for e in caught.value.errors] == [
        (ErrorCode.REQUIRED, ["answers"], "Answer required: Goals? (Ship)"),
        (ErrorCode.REQUIRED, ["answers"], "Answer required: Goals? (Hire)"),
        (ErrorCode.REQUIRED, ["answers"], "Answer required: Overall"),
        (ErrorCode.REQUIRED, ["answers"], "Answer required: Rate Delegation: a leadership competency expected at this job level."),
    ]
    check_submission(PEER_ITEMS, stored, SCALES)  # the text question is optional for peers


def test_submission_rechecks_stored_ratings_against_the_current_scale():
    stored = [StoredAnswer((Q_RATE, COACHING, None), 5, None)]
    with pytest.raises(DomainErrors) as caught:
        check_submission(PEER_ITEMS, stored, {**SCALES, ScaleKind.PROFICIENCY: {1, 2, 3}})
    assert [(e.code, e.message) for e in caught.value.errors] == [(ErrorCode.INVALID, "Rating off the scale: Coach?")]


# --- small things ---------------------------------------------------------------------------


def test_the_rating_scale_defaults_to_one_to_five_and_sorts_stored_levels():
    assert [level.value for level in rating_levels(None)] == [1, 2, 3, 4, 5]
    assert rating_levels([{"value": 2, "label": "Good"}, {"value": 1, "label": "Bad"}]) == [RatingLevel(1, "Bad"), RatingLevel(2, "Good")]


@pytest.mark.parametrize(("due", "status", "late"), [
    (date(2026, 5, 31), ReviewStatus.NOT_STARTED, True),
    (date(2026, 5, 31), ReviewStatus.IN_PROGRESS, True),
    (date(2026, 5, 31), ReviewStatus.SUBMITTED, False),
    (date(2026, 6, 1), ReviewStatus.NOT_STARTED, False),  # due today is not late yet
    (None, ReviewStatus.NOT_STARTED, False),
])
def test_a_review_is_overdue_after_its_deadline_until_submitted(due, status, late):
    assert is_overdue(due, status, date(2026, 6, 1)) is late


def test_a_tally_explains_itself():
    assert Tally(3, 8).explain() == "3 of 8 reviews submitted (38%)."
    assert (Tally(0, 0).ratio, Tally(0, 0).explain("PEER reviews")) == (0.0, "No PEER reviews assigned yet.")


def test_long_text_keeps_newlines_but_not_other_controls():
    assert clean_long_text(" a\r\n\tb ", ["text"], required=True, max_length=10) == "a\r\n\tb"
    error = fails(clean_long_text, "a\x07b", ["answers", "0", "text"], required=True, max_length=10)
    assert (error.code, error.field) == (ErrorCode.INVALID, ["answers", "0", "text"])
    assert clean_long_text("   ", ["text"], required=False, max_length=10) is None
