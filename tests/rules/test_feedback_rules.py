"""Pure feedback rules: who sees feedback (the visibility matrix per role), who may ask,
who sees a request, and the shapes of bodies, questions, asked people and due dates."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.feedback import policy, rules
from domain.feedback.models import AskStatus, FeedbackVisibility
from domain.org.models import Role

TODAY = date(2026, 6, 1)


def _error(call, *args) -> tuple[ErrorCode, list[str] | None]:
    with pytest.raises(DomainError) as caught:
        call(*args)
    return caught.value.code, caught.value.field


def _actor(employee_id: uuid.UUID, *roles: Role) -> Actor:
    return Actor(uuid.uuid4(), employee_id, frozenset({Role.EMPLOYEE, *roles}))


# --- the visibility matrix -------------------------------------------------------------------

# skip > manager > receiver; giver and peer elsewhere; hr is an HR admin outside the chain.
PEOPLE = ("giver", "receiver", "manager", "skip", "peer", "hr")
SEES = {
    FeedbackVisibility.PRIVATE: {"giver", "receiver"},
    FeedbackVisibility.MANAGER_VISIBLE: {"giver", "receiver", "manager", "skip"},
    FeedbackVisibility.PUBLIC: set(PEOPLE),
}


@pytest.mark.parametrize("visibility", list(FeedbackVisibility), ids=str)
def test_who_sees_feedback_per_role(visibility):
    ids = {name: uuid.uuid4() for name in PEOPLE}
    chain = {ids["manager"], ids["skip"]}  # above the receiver
    actors = {name: _actor(ids[name], *([Role.HR_ADMIN] if name == "hr" else [])) for name in PEOPLE}
    seen = {
        name for name, actor in actors.items()
        if policy.can_see_feedback(actor, ids["giver"], ids["receiver"], visibility, chain)
    }
    assert seen == SEES[visibility]


def test_hr_and_tenant_admins_get_no_extra_sight_of_private_or_manager_visible_feedback():
    # A PRIVATE note stays between its two people, whatever roles others hold.
    giver, receiver = uuid.uuid4(), uuid.uuid4()
    for roles in ([Role.HR_ADMIN], [Role.TENANT_ADMIN, Role.HR_ADMIN]):
        admin = _actor(uuid.uuid4(), *roles)
        for visibility in (FeedbackVisibility.PRIVATE, FeedbackVisibility.MANAGER_VISIBLE):
            assert not policy.can_see_feedback(admin, giver, receiver, visibility, set())


def test_a_manager_sees_manager_visible_feedback_about_a_report_but_not_feedback_the_report_gave():
    manager, report, colleague = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    me = _actor(manager)
    about_report = policy.can_see_feedback(me, colleague, report, FeedbackVisibility.MANAGER_VISIBLE, {manager})
    by_report = policy.can_see_feedback(me, report, colleague, FeedbackVisibility.MANAGER_VISIBLE, set())
    assert (about_report, by_report) == (True, False)


# --- requests ---------------------------------------------------------------------------------


def test_anyone_asks_about_themselves_and_managers_up_the_chain_about_their_reports():
    subject, manager, skip, peer = (uuid.uuid4() for _ in range(4))
    chain = {manager, skip}
    assert [policy.can_request_about(_actor(who), subject, chain) for who in (subject, manager, skip, peer)] == [
        True, True, True, False,
    ]
    assert not policy.can_request_about(_actor(peer, Role.HR_ADMIN), subject, chain)


def test_a_request_is_seen_by_its_requester_and_the_people_asked_and_who_was_asked_by_the_requester_only():
    requester, asked, subject = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    sees = [policy.can_see_request(_actor(who), requester, {asked}) for who in (requester, asked, subject)]
    assert sees == [True, True, False]
    assert [policy.sees_who_was_asked(_actor(who), requester) for who in (requester, asked)] == [True, False]


def test_asked_people_are_one_to_twenty_distinct_and_neither_the_subject_nor_the_requester():
    me, subject = uuid.uuid4(), uuid.uuid4()
    people = [uuid.uuid4() for _ in range(21)]
    assert rules.check_asked(me, subject, people[:20]) == people[:20]
    assert _error(rules.check_asked, me, subject, []) == (ErrorCode.REQUIRED, ["fromEmployeeIds"])
    assert _error(rules.check_asked, me, subject, people) == (ErrorCode.INVALID, ["fromEmployeeIds"])
    assert _error(rules.check_asked, me, subject, [people[0], subject]) == (ErrorCode.INVALID, ["fromEmployeeIds", "1"])
    assert _error(rules.check_asked, me, subject, [me]) == (ErrorCode.INVALID, ["fromEmployeeIds", "0"])
    assert _error(rules.check_asked, me, subject, [people[0], people[1], people[0]]) == (
        ErrorCode.DUPLICATE, ["fromEmployeeIds", "2"],
    )


def test_asking_about_yourself_never_asks_yourself():
    me = uuid.uuid4()
    assert _error(rules.check_asked, me, me, [me]) == (ErrorCode.INVALID, ["fromEmployeeIds", "0"])


def test_the_due_date_is_today_or_later():
    assert rules.check_due_date(TODAY, TODAY) == TODAY
    assert _error(rules.check_due_date, date(2026, 5, 31), TODAY) == (ErrorCode.INVALID, ["dueDate"])


def test_only_an_open_part_past_its_due_date_is_overdue():
    yesterday, today = date(2026, 5, 31), TODAY
    assert rules.is_overdue(yesterday, AskStatus.OPEN, today)
    assert not rules.is_overdue(today, AskStatus.OPEN, today)  # due today is not late yet
    assert not rules.is_overdue(yesterday, AskStatus.ANSWERED, today)
    assert not rules.is_overdue(yesterday, AskStatus.DECLINED, today)


def test_one_answer_per_asked_person_and_none_after_declining():
    rules.require_open(AskStatus.OPEN)
    assert _error(rules.require_open, AskStatus.ANSWERED) == (ErrorCode.INVALID_STATE, ["requestId"])
    assert _error(rules.require_open, AskStatus.DECLINED) == (ErrorCode.INVALID_STATE, ["requestId"])


# --- text -------------------------------------------------------------------------------------


def test_a_body_is_trimmed_1_to_5000_characters_and_keeps_its_line_breaks():
    assert rules.clean_body("  Good call.\n\nNext time:\tearlier.  ") == "Good call.\n\nNext time:\tearlier."
    assert rules.clean_body("x" * 5000) == "x" * 5000
    assert _error(rules.clean_body, "x" * 5001) == (ErrorCode.TOO_LONG, ["body"])
    assert _error(rules.clean_body, " \n ") == (ErrorCode.REQUIRED, ["body"])
    assert _error(rules.clean_body, "bell\x07") == (ErrorCode.INVALID, ["body"])


def test_a_question_is_1_to_1000_characters_and_a_decline_reason_is_optional():
    assert _error(rules.clean_question, "q" * 1001) == (ErrorCode.TOO_LONG, ["question"])
    assert rules.clean_reason("   ") is None
    assert _error(rules.clean_reason, "r" * 1001) == (ErrorCode.TOO_LONG, ["reason"])


def test_nobody_gives_feedback_to_themselves():
    me = uuid.uuid4()
    assert _error(rules.check_receiver, me, me) == (ErrorCode.INVALID, ["toEmployeeId"])
    rules.check_receiver(me, uuid.uuid4())


@given(st.text(max_size=6000))
def test_a_cleaned_body_is_never_blank_too_long_or_holding_other_control_characters(text):
    try:
        body = rules.clean_body(text)
    except DomainError as error:
        assert error.code in (ErrorCode.REQUIRED, ErrorCode.TOO_LONG, ErrorCode.INVALID)
        return
    assert 1 <= len(body) <= rules.BODY_MAX and body == body.strip()
    assert not any(ord(ch) < 32 and ch not in "\n\r\t" for ch in body)
