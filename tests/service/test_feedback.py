"""Feedback services on real PostgreSQL, as the restricted request role.

Each test runs in the `session` fixture's transaction (tenant A, rolled back afterwards).
Refused calls run in a savepoint, as the API runs every mutation, and each negative case
re-counts the rows to show nothing was written.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from domain.actor import Actor
from domain.competencies.models import Competency
from domain.errors import DomainError, ErrorCode
from domain.feedback import policy, queries, services
from domain.feedback.models import (
    Feedback,
    FeedbackAsk,
    FeedbackCompetency,
    FeedbackKind,
    FeedbackRequest,
    FeedbackVisibility,
)
from domain.org.hierarchy import ancestor_ids
from domain.org.models import Employee, EmployeeStatus, Role
from domain.pagination import PageRequest
from domain.persistence import session_tenant
from tests.factories import TODAY, hr_admin, make_employee, plain_employee

PRIVATE, MANAGER_VISIBLE, PUBLIC = FeedbackVisibility.PRIVATE, FeedbackVisibility.MANAGER_VISIBLE, FeedbackVisibility.PUBLIC
PEOPLE = ("skip", "manager", "ana", "ben", "cy", "hr")


@dataclass
class Org:
    """skip > manager > (ana, ben); cy and hr (an HR admin) aside; "Coaching" active, "Old" archived."""

    skip: Employee
    manager: Employee
    ana: Employee
    ben: Employee
    cy: Employee
    hr: Employee
    coaching: Competency
    old: Competency

    def actor(self, who: str, session) -> Actor:
        person = getattr(self, who)
        return hr_admin(session, person.id) if who == "hr" else plain_employee(session, person.id)


@pytest.fixture
async def org(session) -> Org:
    skip = await make_employee(session, name="Skip")
    manager = await make_employee(session, name="Manager", manager=skip)
    ana = await make_employee(session, name="Ana", manager=manager)
    ben = await make_employee(session, name="Ben", manager=manager)
    cy = await make_employee(session, name="Cy")
    hr = await make_employee(session, name="HR", roles=[Role.HR_ADMIN])
    tenant = session_tenant(session)
    coaching = Competency(tenant_id=tenant, name=f"Coaching {uuid.uuid4().hex[:6]}", category="LEADERSHIP")
    old = Competency(tenant_id=tenant, name=f"Old {uuid.uuid4().hex[:6]}", category="CORE", active=False)
    session.add_all([coaching, old])
    await session.flush()
    return Org(skip, manager, ana, ben, cy, hr, coaching, old)


async def refused(session, work) -> DomainError:
    """Run `work()` in a savepoint, as perform() does, and return the domain error it raised."""
    with pytest.raises(DomainError) as caught:
        async with session.begin_nested():
            await work()
    return caught.value


async def counts(session) -> tuple[int, ...]:
    tables = (Feedback, FeedbackCompetency, FeedbackRequest, FeedbackAsk)
    return tuple([await session.scalar(select(func.count()).select_from(t)) for t in tables])


async def give(session, org: Org, giver: str, to: str, visibility=PRIVATE, **values) -> Feedback:
    data = services.NewFeedback(
        to_employee_id=getattr(org, to).id, body=values.pop("body", "Clear and kind."), visibility=visibility, **values
    )
    return await services.give_feedback(session, org.actor(giver, session), data)


async def ask(session, org: Org, requester: str, about: str, asked: list[str], **values) -> FeedbackRequest:
    data = services.NewRequest(
        from_employee_ids=[getattr(org, who).id for who in asked], about_employee_id=getattr(org, about).id,
        question=values.pop("question", "How did the launch go?"), due_date=values.pop("due_date", TODAY), **values,
    )
    return await services.request_feedback(session, org.actor(requester, session), data, TODAY)


# --- giving -------------------------------------------------------------------------------------


async def test_given_feedback_is_stored_with_its_competencies_once_each(session, org):
    made = await give(
        session, org, "cy", "ana", MANAGER_VISIBLE, body="  Great demo.\nMore pauses.  ", kind=FeedbackKind.COACHING,
        competency_ids=[org.coaching.id, org.coaching.id],
    )
    stored = await session.get(Feedback, (made.tenant_id, made.id))
    assert (stored.giver_id, stored.receiver_id, stored.body, stored.kind, stored.visibility, stored.request_id) == (
        org.cy.id, org.ana.id, "Great demo.\nMore pauses.", "COACHING", "MANAGER_VISIBLE", None,
    )
    assert (await queries.competencies(session, [made.id]))[made.id] == [org.coaching]


async def test_refused_feedback_writes_nothing(session, org):
    before = await counts(session)
    org.ben.status = EmployeeStatus.TERMINATED
    await session.flush()
    cases = [
        (lambda: give(session, org, "ana", "ana"), (ErrorCode.INVALID, ["toEmployeeId"])),
        (lambda: give(session, org, "ana", "ben"), (ErrorCode.INVALID_STATE, ["toEmployeeId"])),
        (lambda: give(session, org, "ana", "cy", body=" "), (ErrorCode.REQUIRED, ["body"])),
        (lambda: give(session, org, "ana", "cy", body="x" * 5001), (ErrorCode.TOO_LONG, ["body"])),
        (lambda: give(session, org, "ana", "cy", competency_ids=[org.coaching.id, org.old.id]),
         (ErrorCode.INVALID_STATE, ["competencyIds", "1"])),
        (lambda: give(session, org, "ana", "cy", competency_ids=[uuid.uuid4()]), (ErrorCode.NOT_FOUND, ["competencyIds", "0"])),
    ]
    for work, expected in cases:
        error = await refused(session, work)
        assert (error.code, error.field) == expected
    assert await counts(session) == before


async def test_the_database_refuses_feedback_to_yourself_even_past_the_service(session, org):
    # The CHECK is the last line: a bug that skipped the rule still could not store it.
    with pytest.raises(DBAPIError) as caught:
        async with session.begin_nested():
            await session.execute(text(
                "INSERT INTO feedback (tenant_id, id, giver_id, receiver_id, body, kind, visibility) "
                "VALUES (:t, :id, :e, :e, 'me', 'PRAISE', 'PUBLIC')"
            ), {"t": session_tenant(session), "id": uuid.uuid4(), "e": org.ana.id})
    assert caught.value.orig.sqlstate == "23514"  # check_violation


# --- visibility: the SQL agrees with the policy, for every viewer and every kind ------------------


async def test_sql_visibility_matches_the_policy_for_every_viewer_and_every_pair(session, org):
    # Feedback between every ordered pair of the org, in each visibility.
    made: list[Feedback] = []
    for (giver, receiver), visibility in itertools.product(itertools.permutations(PEOPLE, 2), FeedbackVisibility):
        made.append(await give(session, org, giver, receiver, visibility))
    receivers = [getattr(org, who).id for who in PEOPLE]
    chains = {r: set(await ancestor_ids(session, r)) - {r} for r in receivers}
    for viewer in PEOPLE:
        actor = org.actor(viewer, session)
        pages = await queries.received_pages(session, actor, receivers, 100, None)
        shown = {f.id for page in pages.values() for f in page.items}
        expected = {
            f.id for f in made
            if policy.can_see_feedback(actor, f.giver_id, f.receiver_id, f.visibility, chains[f.receiver_id])
        }
        assert shown == expected, viewer
    # The matrix is not trivial: the manager sees more than the peer, and HR no more than the peer.
    sizes = {}
    for viewer in ("manager", "cy", "hr"):
        pages = await queries.given_pages(session, org.actor(viewer, session), receivers, 100, None)
        sizes[viewer] = sum(len(p.items) for p in pages.values())
    assert sizes["manager"] > sizes["cy"] == sizes["hr"]


async def test_pages_are_cut_after_filtering_newest_first(session, org):
    # Five PRIVATE notes to ana that cy cannot see, then two PUBLIC ones: cy's first page holds both.
    for i in range(5):
        await give(session, org, "ben", "ana", PRIVATE, body=f"private {i}")
    public = [await give(session, org, "ben", "ana", PUBLIC, body=f"public {i}") for i in range(2)]
    page = (await queries.received_pages(session, org.actor("cy", session), [org.ana.id], 2, None))[org.ana.id]
    assert [f.body for f in page.items] == ["public 1", "public 0"] and page.has_next is False
    assert page.items[0].id == public[1].id
    mine = (await queries.received_pages(session, org.actor("ana", session), [org.ana.id], 3, None))[org.ana.id]
    assert [f.body for f in mine.items] == ["public 1", "public 0", "private 4"] and mine.has_next is True
    rest = (await queries.received_pages(session, org.actor("ana", session), [org.ana.id], 10, mine.keys[-1]))[org.ana.id]
    assert [f.body for f in rest.items] == ["private 3", "private 2", "private 1", "private 0"]


# --- requests -----------------------------------------------------------------------------------


async def test_a_request_asks_each_person_once_and_an_answer_becomes_feedback_about_the_subject(session, org):
    request = await ask(session, org, "manager", "ana", ["ben", "cy"], question="How was her demo?")
    assert (request.requester_id, request.subject_id, request.visibility) == (org.manager.id, org.ana.id, "MANAGER_VISIBLE")
    asks = (await queries.asks_by_request_ids(session, [request.id]))[request.id]
    assert sorted((a.employee_id, a.status) for a in asks) == sorted([(org.ben.id, "OPEN"), (org.cy.id, "OPEN")])

    answer = services.Answer(body="Crisp.", competency_ids=[org.coaching.id], kind=FeedbackKind.PRAISE)
    feedback, same = await services.respond(session, org.actor("cy", session), request.id, answer)
    assert same.id == request.id
    assert (feedback.giver_id, feedback.receiver_id, feedback.visibility, feedback.kind, feedback.request_id) == (
        org.cy.id, org.ana.id, "MANAGER_VISIBLE", "PRAISE", request.id,
    )
    parts = {a.employee_id: a for a in (await queries.asks_by_request_ids(session, [request.id]))[request.id]}
    assert (parts[org.cy.id].status, parts[org.cy.id].feedback_id) == ("ANSWERED", feedback.id)
    assert parts[org.cy.id].responded_at is not None
    assert (parts[org.ben.id].status, parts[org.ben.id].feedback_id) == ("OPEN", None)


async def test_answering_twice_or_after_declining_is_invalid_state_and_writes_nothing(session, org):
    request = await ask(session, org, "ana", "ana", ["ben", "cy"], visibility=PRIVATE)
    await services.respond(session, org.actor("ben", session), request.id, services.Answer(body="Good."))
    declined = await services.decline(session, org.actor("cy", session), request.id, "  Busy this week  ")
    assert declined.id == request.id
    parts = {a.employee_id: a for a in (await queries.asks_by_request_ids(session, [request.id]))[request.id]}
    assert (parts[org.cy.id].status, parts[org.cy.id].decline_reason) == ("DECLINED", "Busy this week")
    before = await counts(session)
    again = services.Answer(body="Again.")
    cases = [
        (lambda: services.respond(session, org.actor("ben", session), request.id, again), "You already answered this request"),
        (lambda: services.respond(session, org.actor("cy", session), request.id, again), "You declined this request"),
        (lambda: services.decline(session, org.actor("ben", session), request.id, None), "You already answered this request"),
        (lambda: services.decline(session, org.actor("cy", session), request.id, None), "You declined this request"),
    ]
    for work, message in cases:
        error = await refused(session, work)
        assert (error.code, error.field, error.message) == (ErrorCode.INVALID_STATE, ["requestId"], message)
    assert await counts(session) == before


async def test_only_people_asked_may_answer_the_requester_is_refused_and_strangers_learn_nothing(session, org):
    request = await ask(session, org, "manager", "ana", ["ben"])
    before = await counts(session)
    answer = services.Answer(body="Hi")
    requester = await refused(session, lambda: services.respond(session, org.actor("manager", session), request.id, answer))
    stranger = await refused(session, lambda: services.respond(session, org.actor("cy", session), request.id, answer))
    subject = await refused(session, lambda: services.decline(session, org.actor("ana", session), request.id, None))
    missing = await refused(session, lambda: services.respond(session, org.actor("cy", session), uuid.uuid4(), answer))
    assert (requester.code, requester.field) == (ErrorCode.FORBIDDEN, ["requestId"])
    assert [(e.code, e.field, e.message) for e in (stranger, subject)] == [
        (missing.code, missing.field, missing.message)
    ] * 2 == [(ErrorCode.NOT_FOUND, ["requestId"], "FeedbackRequest not found")] * 2
    assert await counts(session) == before


async def test_managers_up_the_chain_may_ask_about_reports_and_nobody_else_may(session, org):
    assert (await ask(session, org, "skip", "ana", ["cy"])).requester_id == org.skip.id  # skip level
    before = await counts(session)
    for requester in ("ben", "cy", "hr"):
        error = await refused(session, lambda: ask(session, org, requester, "ana", ["manager"]))
        assert (error.code, error.field) == (ErrorCode.FORBIDDEN, ["aboutEmployeeId"]), requester
    # A report may not ask about their manager either.
    error = await refused(session, lambda: ask(session, org, "ana", "manager", ["ben"]))
    assert (error.code, error.field) == (ErrorCode.FORBIDDEN, ["aboutEmployeeId"])
    assert await counts(session) == before


async def test_refused_requests_write_nothing(session, org):
    before = await counts(session)
    org.ben.status = EmployeeStatus.TERMINATED
    await session.flush()
    cases = [
        (lambda: ask(session, org, "manager", "ana", ["ana"]), (ErrorCode.INVALID, ["fromEmployeeIds", "0"])),
        (lambda: ask(session, org, "manager", "ana", ["cy", "cy"]), (ErrorCode.DUPLICATE, ["fromEmployeeIds", "1"])),
        (lambda: ask(session, org, "manager", "ana", ["cy", "ben"]), (ErrorCode.INVALID_STATE, ["fromEmployeeIds", "1"])),
        (lambda: ask(session, org, "manager", "ana", []), (ErrorCode.REQUIRED, ["fromEmployeeIds"])),
        (lambda: ask(session, org, "manager", "ana", ["cy"], question=""), (ErrorCode.REQUIRED, ["question"])),
        (lambda: ask(session, org, "manager", "ana", ["cy"], due_date=TODAY - timedelta(days=1)),
         (ErrorCode.INVALID, ["dueDate"])),
    ]
    for work, expected in cases:
        error = await refused(session, work)
        assert (error.code, error.field) == expected
    assert await counts(session) == before


async def test_the_inbox_lists_open_requests_addressed_to_me_soonest_due_first_with_counts(session, org):
    late = await ask(session, org, "ana", "ana", ["cy"], due_date=TODAY, question="late")
    soon = await ask(session, org, "ben", "ben", ["cy"], due_date=TODAY + timedelta(days=3), question="soon")
    answered = await ask(session, org, "manager", "ben", ["cy"], due_date=TODAY, question="answered")
    await ask(session, org, "manager", "ana", ["ben"], question="not mine")
    await services.respond(session, org.actor("cy", session), answered.id, services.Answer(body="Done."))
    cy = org.actor("cy", session)
    page = await queries.inbox(session, cy, PageRequest(first=10))
    assert [r.question for r in page.items] == ["late", "soon"]
    # A day later the first one is past due; counts move with the clock the caller passes.
    assert await queries.inbox_counts(session, cy, TODAY) == queries.InboxCounts(open=2, overdue=0)
    assert await queries.inbox_counts(session, cy, TODAY + timedelta(days=1)) == queries.InboxCounts(open=2, overdue=1)
    first = await queries.inbox(session, cy, PageRequest(first=1))
    rest = await queries.inbox(session, cy, PageRequest(first=1, after=first.keys[-1]))
    assert ([r.id for r in first.items], first.has_next, [r.id for r in rest.items]) == ([late.id], True, [soon.id])


async def test_requests_are_seen_by_the_requester_and_the_people_asked_only(session, org):
    request = await ask(session, org, "manager", "ana", ["ben"])
    seen = {
        who: request.id in await queries.visible_requests_by_ids(session, org.actor(who, session), [request.id])
        for who in PEOPLE
    }
    assert seen == {"skip": False, "manager": True, "ana": False, "ben": True, "cy": False, "hr": False}


async def test_another_tenants_employee_is_not_found(session, engines, service_tenants, org):
    # An employee of tenant B, committed, so only RLS and the composite keys keep it out.
    owner, _ = engines
    other = uuid.uuid4()
    async with owner.begin() as conn:
        await conn.execute(
            text("INSERT INTO employees (tenant_id, id, email, name) VALUES (:t, :id, :email, 'Other')"),
            {"t": service_tenants[1], "id": other, "email": f"o-{other.hex}@b.test"},
        )
    try:
        before = await counts(session)
        data = services.NewFeedback(to_employee_id=other, body="Hi", visibility=PUBLIC)
        error = await refused(session, lambda: services.give_feedback(session, org.actor("ana", session), data))
        assert (error.code, error.field) == (ErrorCode.NOT_FOUND, ["toEmployeeId"])
        request = services.NewRequest([org.cy.id, other], org.ana.id, "Q?", TODAY)
        error = await refused(session, lambda: services.request_feedback(session, org.actor("ana", session), request, TODAY))
        assert (error.code, error.field) == (ErrorCode.NOT_FOUND, ["fromEmployeeIds", "1"])
        assert await counts(session) == before
    finally:
        async with owner.begin() as conn:
            await conn.execute(text("DELETE FROM employees WHERE id = :id"), {"id": other})
