"""Recognition services on real PostgreSQL, as the restricted request role.

Each test runs in the `session` fixture's transaction (tenant A, rolled back afterwards).
Refused calls run in a savepoint, as the API runs every mutation, and each negative case
re-counts the rows to show nothing was written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, text, update

from domain.actor import Actor
from domain.competencies.models import Competency
from domain.errors import DomainError, ErrorCode
from domain.org.hierarchy import ancestor_ids
from domain.org.models import Employee, EmployeeStatus, Role
from domain.pagination import PageRequest
from domain.persistence import session_tenant
from domain.recognition import evidence, policy, queries, recognitions
from domain.recognition.models import (
    Recognition,
    RecognitionComment,
    RecognitionCompetency,
    RecognitionKind,
    RecognitionReaction,
    RecognitionRecipient,
    RecognitionVisibility,
)
from domain.recognition.queries import FeedFilter
from domain.recognition.recognitions import NewRecognition
from tests.factories import hr_admin, make_department, make_employee, plain_employee

PRIVATE, PUBLIC = RecognitionVisibility.PRIVATE, RecognitionVisibility.PUBLIC
PEOPLE = ("boss", "manager", "ana", "ben", "cy", "hr")


@dataclass
class Org:
    """boss > manager > (ana, ben); cy and hr (an HR admin) aside; "Coaching" active, "Old" archived."""

    boss: Employee
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
    team = await make_department(session, "Team")
    boss = await make_employee(session, name="Boss")
    manager = await make_employee(session, name="Manager", manager=boss)
    ana = await make_employee(session, name="Ana", manager=manager, department=team)
    ben = await make_employee(session, name="Ben", manager=manager, department=team)
    cy = await make_employee(session, name="Cy")
    hr = await make_employee(session, name="HR", roles=[Role.HR_ADMIN])
    tenant = session_tenant(session)
    coaching = Competency(tenant_id=tenant, name=f"Coaching {uuid.uuid4().hex[:6]}", category="LEADERSHIP")
    old = Competency(tenant_id=tenant, name=f"Old {uuid.uuid4().hex[:6]}", category="CORE", active=False)
    session.add_all([coaching, old])
    await session.flush()
    return Org(boss, manager, ana, ben, cy, hr, coaching, old)


async def refused(session, work) -> DomainError:
    """Run `work()` in a savepoint, as perform() does, and return the domain error it raised."""
    with pytest.raises(DomainError) as caught:
        async with session.begin_nested():
            await work()
    return caught.value


async def rows(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def counts(session) -> tuple[int, ...]:
    tables = (Recognition, RecognitionRecipient, RecognitionCompetency, RecognitionReaction, RecognitionComment)
    return tuple([await rows(session, table) for table in tables])


async def give(session, org: Org, giver: str, to: list[str], visibility=PUBLIC, **values) -> Recognition:
    data = NewRecognition(
        recipient_ids=[getattr(org, who).id for who in to], message=values.pop("message", "Thanks"),
        visibility=visibility, **values,
    )
    return await recognitions.recognize(session, org.actor(giver, session), data)


# --- recognize ------------------------------------------------------------------------------


async def test_recognize_stores_recipients_in_order_competencies_and_normalized_tags(session, org):
    made = await give(
        session, org, "ana", ["cy", "ben", "cy"], competency_ids=[org.coaching.id, org.coaching.id],
        value_tags=["#Team Work", "team work"], kind=RecognitionKind.LEADERSHIP_ACHIEVEMENT,
    )
    stored = await session.get(Recognition, (made.tenant_id, made.id))
    assert (stored.giver_id, stored.kind, stored.visibility, stored.value_tags) == (
        org.ana.id, "LEADERSHIP_ACHIEVEMENT", "PUBLIC", ["team-work"],
    )
    assert stored.created_at is not None
    assert (await queries.recipient_ids(session, [made.id]))[made.id] == [org.cy.id, org.ben.id]
    assert (await queries.competencies(session, [made.id]))[made.id] == [org.coaching]


async def test_a_refused_recognition_writes_nothing(session, org):
    before = await counts(session)
    org.ben.status = EmployeeStatus.TERMINATED
    await session.flush()
    cases = [
        (lambda: give(session, org, "ana", ["cy", "ana"]), (ErrorCode.INVALID, ["recipientIds", "1"])),
        (lambda: give(session, org, "ana", ["cy", "ben"]), (ErrorCode.INVALID_STATE, ["recipientIds", "1"])),
        (lambda: give(session, org, "ana", ["cy"], competency_ids=[org.coaching.id, org.old.id]),
         (ErrorCode.INVALID_STATE, ["competencyIds", "1"])),
        (lambda: give(session, org, "ana", ["cy"], competency_ids=[uuid.uuid4()]), (ErrorCode.NOT_FOUND, ["competencyIds", "0"])),
        (lambda: give(session, org, "ana", ["cy"], value_tags=["x" * 31]), (ErrorCode.TOO_LONG, ["valueTags", "0"])),
    ]
    for work, expected in cases:
        error = await refused(session, work)
        assert (error.code, error.field) == expected
    assert await counts(session) == before


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
        data = NewRecognition(recipient_ids=[org.cy.id, other], message="hi")
        error = await refused(session, lambda: recognitions.recognize(session, org.actor("ana", session), data))
        assert (error.code, error.field) == (ErrorCode.NOT_FOUND, ["recipientIds", "1"])
    finally:
        async with owner.begin() as conn:
            await conn.execute(text("DELETE FROM employees WHERE id = :id"), {"id": other})


# --- visibility -----------------------------------------------------------------------------


async def test_visibility_in_sql_agrees_with_the_policy_for_every_person(session, org):
    shown = [
        await give(session, org, "cy", ["ben"], PRIVATE),
        await give(session, org, "ana", ["cy"], PRIVATE),
        await give(session, org, "hr", ["ana", "cy"], PRIVATE),
        await give(session, org, "cy", ["hr"], PUBLIC),
    ]
    recipients = await queries.recipient_ids(session, [r.id for r in shown])
    for who in PEOPLE:
        actor = org.actor(who, session)
        in_sql = set(await queries.visible_by_ids(session, actor, [r.id for r in shown]))
        by_policy = set()
        for r in shown:
            managers = {m for e in recipients[r.id] for m in (await ancestor_ids(session, e))[1:]}
            if policy.can_see(actor, r.visibility, r.giver_id, recipients[r.id], managers):
                by_policy.add(r.id)
        assert in_sql == by_policy, who
    # The cases that matter, spelled out: the skip-level boss sees a report's private one, HR does not.
    boss, hr = org.actor("boss", session), org.actor("hr", session)
    assert await queries.find_visible(session, boss, shown[0].id) is not None
    assert await queries.find_visible(session, hr, shown[0].id) is None
    assert await queries.find_visible(session, hr, shown[2].id) is not None  # HR gave it


async def test_received_and_given_pages_batch_several_people_and_filter_before_paging(session, org):
    for i in range(3):
        await give(session, org, "cy", ["ana", "ben"], message=f"public {i}")
    await give(session, org, "cy", ["ana"], PRIVATE, message="private")
    peer = org.actor("ben", session)
    pages = await queries.received_pages(session, peer, [org.ana.id, org.ben.id, org.hr.id], 2, None)
    assert [r.message for r in pages[org.ana.id].items] == ["public 2", "public 1"]
    assert pages[org.ana.id].has_next and pages[org.ben.id].has_next
    assert (pages[org.hr.id].items, pages[org.hr.id].has_next) == ([], False)
    rest = await queries.received_pages(session, peer, [org.ana.id], 2, pages[org.ana.id].keys[-1])
    assert ([r.message for r in rest[org.ana.id].items], rest[org.ana.id].has_next) == (["public 0"], False)
    # Her manager sees the private one in her list; the giver sees it among what they gave.
    as_manager = await queries.received_pages(session, org.actor("manager", session), [org.ana.id], 10, None)
    assert [r.message for r in as_manager[org.ana.id].items][0] == "private"
    given = await queries.given_pages(session, org.actor("cy", session), [org.cy.id], 10, None)
    assert len(given[org.cy.id].items) == 4


async def test_the_feed_holds_public_recognition_only(session, org):
    await give(session, org, "cy", ["ana"], PRIVATE, message="private")
    public = await give(session, org, "cy", ["ana"], message="public")
    page = await queries.feed(session, FeedFilter(), PageRequest(first=10, with_total=True))
    assert [r.id for r in page.items] == [public.id] and page.total == 1


# --- reactions and comments -----------------------------------------------------------------


async def test_reacting_twice_with_one_emoji_is_a_duplicate_and_changes_nothing(session, org):
    target = await give(session, org, "ana", ["ben"])
    cy = org.actor("cy", session)
    await recognitions.react(session, cy, target.id, "👏")
    await recognitions.react(session, cy, target.id, "🎉")
    error = await refused(session, lambda: recognitions.react(session, cy, target.id, "👏\ufe0f"))
    assert (error.code, error.field) == (ErrorCode.DUPLICATE, ["emoji"])
    summary = (await queries.reactions(session, org.cy.id, [target.id]))[target.id]
    assert (summary.counts, summary.mine) == ([("👏", 1), ("🎉", 1)], ["👏", "🎉"])
    other_view = (await queries.reactions(session, org.ben.id, [target.id]))[target.id]
    assert other_view.mine == []


async def test_comment_summaries_count_and_keep_the_three_newest_for_each_recognition(session, org):
    first, second, quiet = [await give(session, org, "ana", ["ben"]) for _ in range(3)]
    for i in range(5):
        await recognitions.comment(session, org.actor("cy", session), first.id, f"c{i}")
    await recognitions.comment(session, org.actor("ben", session), second.id, "only")
    found = await queries.comment_summaries(session, [first.id, second.id, quiet.id])
    assert (found[first.id].count, [c.body for c in found[first.id].latest]) == (5, ["c4", "c3", "c2"])
    assert (found[second.id].count, [c.body for c in found[second.id].latest]) == (1, ["only"])
    assert (found[quiet.id].count, found[quiet.id].latest) == (0, [])


async def test_a_comment_is_deleted_by_its_author_or_hr_and_hidden_ones_are_not_found(session, org):
    public = await give(session, org, "ana", ["ben"])
    private = await give(session, org, "ana", ["ben"], PRIVATE)
    mine = await recognitions.comment(session, org.actor("cy", session), public.id, "mine")
    theirs = await recognitions.comment(session, org.actor("ben", session), private.id, "theirs")
    before = await rows(session, RecognitionComment)
    stranger = await refused(session, lambda: recognitions.delete_comment(session, org.actor("ana", session), mine.id))
    assert (stranger.code, stranger.field) == (ErrorCode.FORBIDDEN, ["id"])
    hidden = await refused(session, lambda: recognitions.delete_comment(session, org.actor("hr", session), theirs.id))
    assert (hidden.code, hidden.field) == (ErrorCode.NOT_FOUND, ["id"])
    assert await rows(session, RecognitionComment) == before
    assert (await recognitions.delete_comment(session, org.actor("hr", session), mine.id)).id == public.id
    assert (await recognitions.delete_comment(session, org.actor("ben", session), theirs.id)).id == private.id
    assert await rows(session, RecognitionComment) == before - 2


# --- evidence -------------------------------------------------------------------------------


async def test_evidence_counts_visible_recognition_of_the_last_twelve_months(session, org):
    today = date(2026, 12, 1)  # the window starts 2025-12-01
    made = [
        (await give(session, org, "ana", ["ben"], competency_ids=[org.coaching.id]), datetime(2026, 11, 1, tzinfo=UTC)),
        (await give(session, org, "cy", ["ben", "ana"], competency_ids=[org.coaching.id]), datetime(2025, 12, 1, tzinfo=UTC)),
        (await give(session, org, "cy", ["ben"], competency_ids=[org.coaching.id]), datetime(2025, 11, 30, 23, 59, tzinfo=UTC)),
        (await give(session, org, "cy", ["ben"], PRIVATE, competency_ids=[org.coaching.id]), datetime(2026, 6, 1, tzinfo=UTC)),
        (await give(session, org, "cy", ["ben"]), datetime(2026, 6, 1, tzinfo=UTC)),  # no competency
    ]
    for recognition, at in made:
        await session.execute(update(Recognition).where(Recognition.id == recognition.id).values(created_at=at))
    keys = [(org.ben.id, org.coaching.id), (org.ana.id, org.coaching.id), (org.cy.id, org.coaching.id)]
    as_ben = await evidence.recognition_counts(session, org.actor("ben", session), keys, today)
    assert as_ben == {keys[0]: 3, keys[1]: 1, keys[2]: 0}  # the boundary day counts; the day before does not
    as_hr = await evidence.recognition_counts(session, org.actor("hr", session), keys, today)
    assert as_hr[keys[0]] == 2  # the private one stays invisible to HR
