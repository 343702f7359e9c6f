"""Org services on real PostgreSQL, as the restricted request role.

Each test runs in the `session` fixture's transaction (bound to tenant A, rolled back
afterwards), so the tenant starts empty and nothing a test writes survives it.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import delete, event, func, insert, select, text

from domain import onboarding
from domain.errors import DomainError, DomainErrors, ErrorCode, NotFound
from domain.org import employees, hierarchy, identities, importing
from domain.org.hierarchy import EmployeeFilter, EmployeeIncludes
from domain.org.importing import ImportRow
from domain.org.models import Employee, EmployeeIdentity, EmployeeStatus, ManagerAssignment, Role
from domain.pagination import PageRequest
from domain.persistence import session_tenant
from tenants.models import Tenant
from tenants.session import bind_tenant, provisioning_session, tenant_session
from tests.factories import TODAY, admin, make_department, make_employee, plain_employee

ISSUER = "https://idp.example.test"
OTHER_ISSUER = "https://other-idp.example.test"


@contextmanager
def counted_statements(session):
    """Record the SQL statements sent through the session's engine while the block runs.

    The fixture's engine has no counter installed, so the test brings its own listener.
    """
    engine = session.bind.sync_engine
    sent: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", _record)


async def terminate_directly(session, employee: Employee) -> None:
    """Scene setup only: mark someone terminated without the reassignment rules."""
    employee.status = EmployeeStatus.TERMINATED
    employee.termination_date = TODAY
    await session.flush()


async def count_rows(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


# --- effective-dated reporting lines -------------------------------------------------


async def test_manager_as_of_answers_for_every_day_around_dated_changes(session):
    first = await make_employee(session, name="First")
    second = await make_employee(session, name="Second")
    third = await make_employee(session, name="Third")
    person = await make_employee(session, manager=first, effective_from=date(2020, 1, 1))
    actor = admin(session)
    await employees.change_manager(session, actor, person.id, second.id, date(2024, 3, 1))
    await employees.change_manager(session, actor, person.id, third.id, date(2025, 7, 15))

    async def on(day: date):
        return await hierarchy.manager_as_of(session, person.id, day)

    assert await on(date(2019, 12, 31)) is None  # before any reporting line
    assert await on(date(2020, 1, 1)) == first.id
    assert await on(date(2024, 2, 29)) == first.id
    # effective_to is exclusive: on the change day the new manager already applies.
    assert await on(date(2024, 3, 1)) == second.id
    assert await on(date(2025, 7, 14)) == second.id
    assert await on(date(2025, 7, 15)) == third.id
    assert await on(TODAY) == third.id
    assert (await employees.get_employee(session, person.id)).manager_id == third.id


async def test_manager_history_lines_are_ordered_and_contiguous(session):
    first = await make_employee(session)
    second = await make_employee(session)
    person = await make_employee(session, manager=first, effective_from=date(2020, 1, 1))
    actor = admin(session)
    await employees.change_manager(session, actor, person.id, second.id, date(2024, 3, 1))
    await employees.change_manager(session, actor, person.id, None, date(2025, 1, 1))  # becomes a root

    history = await hierarchy.manager_history(session, person.id)
    assert [(line.manager_id, line.effective_from, line.effective_to) for line in history] == [
        (first.id, date(2020, 1, 1), date(2024, 3, 1)),
        (second.id, date(2024, 3, 1), date(2025, 1, 1)),
        (None, date(2025, 1, 1), None),
    ]
    assert await hierarchy.manager_as_of(session, person.id, TODAY) is None


async def test_a_manager_change_cannot_start_before_the_current_line(session):
    first = await make_employee(session)
    second = await make_employee(session)
    person = await make_employee(session, manager=first, effective_from=date(2024, 1, 1))

    with pytest.raises(DomainError) as raised:
        await employees.change_manager(session, admin(session), person.id, second.id, date(2023, 12, 31))
    assert (raised.value.code, raised.value.field) == (ErrorCode.INVALID, ["effectiveDate"])
    history = await hierarchy.manager_history(session, person.id)
    assert [(line.manager_id, line.effective_to) for line in history] == [(first.id, None)]


# --- trees: subtree, chains, ancestors -------------------------------------------------


async def four_levels(session) -> dict[str, Employee]:
    """root > (a, b); a > (a1, a2); a1 > a1x: four levels, names sort like their keys."""
    people: dict[str, Employee] = {}
    people["root"] = await make_employee(session, name="root")
    for key, boss in (("a", "root"), ("b", "root"), ("a1", "a"), ("a2", "a"), ("a1x", "a1")):
        people[key] = await make_employee(session, name=key, manager=people[boss])
    return people


async def test_subtree_depth_limits_the_levels(session):
    p = await four_levels(session)

    def named(rows):
        return [(employee.name, depth) for employee, depth in rows]

    assert named(await hierarchy.subtree(session, p["root"].id, None)) == [
        ("a", 1), ("b", 1), ("a1", 2), ("a2", 2), ("a1x", 3)
    ]
    assert named(await hierarchy.subtree(session, p["root"].id, 1)) == [("a", 1), ("b", 1)]
    assert named(await hierarchy.subtree(session, p["root"].id, 2)) == [("a", 1), ("b", 1), ("a1", 2), ("a2", 2)]
    assert named(await hierarchy.subtree(session, p["a"].id, None)) == [("a1", 1), ("a2", 1), ("a1x", 2)]
    assert await hierarchy.subtree(session, p["a1x"].id, None) == []


async def test_subtree_leaves_out_terminated_people(session):
    p = await four_levels(session)
    await terminate_directly(session, p["b"])
    rows = await hierarchy.subtree(session, p["root"].id, None)
    assert [employee.name for employee, _ in rows] == ["a", "a1", "a2", "a1x"]


async def test_reporting_chain_goes_from_the_direct_manager_up_to_the_root(session):
    p = await four_levels(session)
    chain = await hierarchy.reporting_chain(session, p["a1x"].id)
    assert [e.name for e in chain] == ["a1", "a", "root"]
    assert await hierarchy.reporting_chain(session, p["root"].id) == []


async def test_ancestor_ids_start_with_the_employee_and_end_at_the_root(session):
    p = await four_levels(session)
    assert await hierarchy.ancestor_ids(session, p["a1x"].id) == [p["a1x"].id, p["a1"].id, p["a"].id, p["root"].id]
    assert await hierarchy.ancestor_ids(session, p["b"].id) == [p["b"].id, p["root"].id]
    assert await hierarchy.ancestor_ids(session, uuid.uuid4()) == []


async def test_a_manager_cannot_move_under_their_own_report(session):
    p = await four_levels(session)
    with pytest.raises(DomainError) as raised:
        await employees.change_manager(session, admin(session), p["a"].id, p["a1x"].id, TODAY)
    assert (raised.value.code, raised.value.field) == (ErrorCode.CYCLE, ["managerId"])
    assert await hierarchy.ancestor_ids(session, p["a1x"].id) == [p["a1x"].id, p["a1"].id, p["a"].id, p["root"].id]


LEVEL_SIZES = (1, 4, 16, 64, 256, 1659)  # six levels, 2,000 people


async def test_subtree_of_a_large_tree_is_one_statement_with_right_depths(session):
    tenant_id = session_tenant(session)
    levels: list[list[uuid.UUID]] = []
    people, lines = [], []
    for depth, size in enumerate(LEVEL_SIZES):
        ids = [uuid.uuid4() for _ in range(size)]
        for n, employee_id in enumerate(ids):
            # Round-robin over the level above gives a wide and uneven tree.
            boss = levels[-1][n % len(levels[-1])] if levels else None
            people.append({
                "tenant_id": tenant_id, "id": employee_id, "email": f"l{depth}-{n}@big.test", "name": f"L{depth} {n:05d}",
                "manager_id": boss, "roles": [Role.EMPLOYEE.value], "status": EmployeeStatus.ACTIVE.value,
            })
            lines.append({
                "tenant_id": tenant_id, "id": uuid.uuid4(), "employee_id": employee_id, "manager_id": boss,
                "effective_from": date(2020, 1, 1),
            })
        levels.append(ids)
    # Managers come first in the list, so the foreign key holds batch by batch.
    await session.execute(insert(Employee), people)
    await session.execute(insert(ManagerAssignment), lines)
    root = levels[0][0]
    expected_depth = {employee_id: depth for depth, ids in enumerate(levels) for employee_id in ids}

    with counted_statements(session) as sent:
        everyone = await hierarchy.subtree(session, root, None)
    assert len(sent) == 1, sent
    assert len(everyone) == 1_999
    assert all(depth == expected_depth[employee.id] for employee, depth in everyone)
    assert [depth for _, depth in everyone] == sorted(depth for _, depth in everyone)  # nearest levels first

    with counted_statements(session) as sent:
        top = await hierarchy.subtree(session, root, 3)
    assert len(sent) == 1, sent
    assert {employee.id for employee, _ in top} == set(levels[1]) | set(levels[2]) | set(levels[3])
    assert len(top) == 4 + 16 + 64


# --- the directory listing -------------------------------------------------------------


async def test_list_employees_fills_managers_only_for_the_page(session):
    bosses = [await make_employee(session, name=f"Boss {n}") for n in range(3)]
    for n, boss in enumerate(bosses):
        await make_employee(session, name=f"Worker {n}", manager=boss)
    criteria = EmployeeFilter(search="Worker")

    listing = await hierarchy.list_employees(session, criteria, PageRequest(first=2), EmployeeIncludes(manager=True))
    assert [e.name for e in listing.page.items] == ["Worker 0", "Worker 1"]
    assert set(listing.managers) == {bosses[0].id, bosses[1].id}
    assert listing.managers[bosses[0].id].name == "Boss 0"
    assert listing.departments == {} and listing.report_counts == {}


async def test_list_employees_fills_departments_only_for_the_page(session):
    sales = await make_department(session, "Sales")
    support = await make_department(session, "Support")
    legal = await make_department(session, "Legal")
    await make_employee(session, name="Ann", department=sales)
    await make_employee(session, name="Bob", department=support)
    await make_employee(session, name="Cid")  # no department
    await make_employee(session, name="Dee", department=legal)

    listing = await hierarchy.list_employees(session, EmployeeFilter(), PageRequest(first=3), EmployeeIncludes(department=True))
    assert [e.name for e in listing.page.items] == ["Ann", "Bob", "Cid"]
    assert set(listing.departments) == {sales.id, support.id}
    assert listing.departments[support.id].name == "Support"
    assert listing.managers == {} and listing.report_counts == {}


async def test_list_employees_counts_active_direct_reports_for_the_page(session):
    ann = await make_employee(session, name="Ann")
    bob = await make_employee(session, name="Bob", manager=ann)
    await make_employee(session, name="Cid", manager=ann)
    gone = await make_employee(session, name="Dee", manager=ann)
    await make_employee(session, name="Eve", manager=bob)
    await terminate_directly(session, gone)

    listing = await hierarchy.list_employees(
        session, EmployeeFilter(), PageRequest(first=3), EmployeeIncludes(report_count=True)
    )
    assert [e.name for e in listing.page.items] == ["Ann", "Bob", "Cid"]
    # The terminated report does not count; rows outside the page get no entry.
    assert listing.report_counts == {ann.id: 2, bob.id: 1, listing.page.items[2].id: 0}


async def test_list_employees_with_every_include_is_one_statement(session):
    dept = await make_department(session, "Ops")
    boss = await make_employee(session, name="Boss", department=dept)
    await make_employee(session, name="Worker", manager=boss, department=dept)

    with counted_statements(session) as sent:
        listing = await hierarchy.list_employees(
            session, EmployeeFilter(), PageRequest(), EmployeeIncludes(manager=True, department=True, report_count=True)
        )
    assert len(sent) == 1
    assert [e.name for e in listing.page.items] == ["Boss", "Worker"]
    assert set(listing.managers) == {boss.id}
    assert set(listing.departments) == {dept.id}
    assert listing.report_counts == {boss.id: 1, listing.page.items[1].id: 0}


async def test_keyset_pages_continue_after_the_last_key_including_name_ties(session):
    # Three people share a name, so the id must break the tie between pages.
    for name in ("Kim", "Kim", "Kim", "Lee", "Max", "Ned", "Oda"):
        await make_employee(session, name=name)
    everyone = (await hierarchy.list_employees(session, EmployeeFilter(), PageRequest(first=100), EmployeeIncludes())).page
    expected = [(e.name, e.id) for e in everyone.items]
    assert len(expected) == 7 and not everyone.has_next

    seen, after, pages = [], None, 0
    while True:
        request = PageRequest(first=2, after=after)
        page = (await hierarchy.list_employees(session, EmployeeFilter(), request, EmployeeIncludes())).page
        pages += 1
        seen += [(e.name, e.id) for e in page.items]
        assert page.keys == [(e.name, e.id) for e in page.items]
        if not page.has_next:
            break
        after = page.keys[-1]
    assert seen == expected
    assert pages == 4


async def test_with_total_counts_every_match_not_just_the_page(session):
    for n in range(5):
        await make_employee(session, name=f"Match {n}")
    await make_employee(session, name="Other")
    gone = await make_employee(session, name="Match gone")
    await terminate_directly(session, gone)

    page = (await hierarchy.list_employees(
        session, EmployeeFilter(search="match"), PageRequest(first=2, with_total=True), EmployeeIncludes()
    )).page
    assert (len(page.items), page.has_next, page.total) == (2, True, 5)
    unasked = (await hierarchy.list_employees(
        session, EmployeeFilter(search="match"), PageRequest(first=2), EmployeeIncludes()
    )).page
    assert unasked.total is None
    everyone = (await hierarchy.list_employees(
        session, EmployeeFilter(search="match", status=None), PageRequest(first=2, with_total=True), EmployeeIncludes()
    )).page
    assert everyone.total == 6


async def test_search_treats_percent_underscore_and_backslash_literally(session):
    for name in ("100% Sales", "1000 Sales", "a_b", "axb", "back\\slash", "backslash"):
        await make_employee(session, name=name)

    async def found(search: str) -> list[str]:
        listing = await hierarchy.list_employees(session, EmployeeFilter(search=search), PageRequest(), EmployeeIncludes())
        return [e.name for e in listing.page.items]

    assert await found("0%") == ["100% Sales"]
    assert await found("%") == ["100% Sales"]
    assert await found("a_b") == ["a_b"]
    assert await found("_") == ["a_b"]
    assert await found("k\\s") == ["back\\slash"]
    assert await found("SALES") == ["100% Sales", "1000 Sales"]  # case-insensitive


# --- sign-in identities ----------------------------------------------------------------


async def test_first_sign_in_binds_by_email_case_insensitively(session):
    person = await make_employee(session, email="Mixed.Case@Example.test")

    found = await identities.signed_in_employee(session, ISSUER, "sub-1", "mixed.case@EXAMPLE.TEST")
    assert found is not None and found.id == person.id
    bound = (await session.scalars(select(EmployeeIdentity))).all()
    assert [(i.issuer, i.subject, i.employee_id) for i in bound] == [(ISSUER, "sub-1", person.id)]


async def test_after_binding_the_subject_decides_not_the_email(session):
    person = await make_employee(session, email="first@example.test")
    await make_employee(session, email="other@example.test")
    await identities.signed_in_employee(session, ISSUER, "sub-1", "first@example.test")

    again = await identities.signed_in_employee(session, ISSUER, "sub-1", "other@example.test")
    assert again is not None and again.id == person.id
    assert (await identities.signed_in_employee(session, ISSUER, "sub-1", None)).id == person.id
    assert await count_rows(session, EmployeeIdentity) == 1


async def test_a_terminated_employee_cannot_sign_in_bound_or_not(session):
    bound = await make_employee(session, email="bound@example.test")
    unbound = await make_employee(session, email="unbound@example.test")
    await identities.signed_in_employee(session, ISSUER, "sub-bound", "bound@example.test")
    await terminate_directly(session, bound)
    await terminate_directly(session, unbound)

    assert await identities.signed_in_employee(session, ISSUER, "sub-bound", "bound@example.test") is None
    assert await identities.signed_in_employee(session, ISSUER, "sub-unbound", "unbound@example.test") is None
    assert await count_rows(session, EmployeeIdentity) == 1


async def test_a_second_subject_of_the_same_issuer_cannot_take_over_a_bound_employee(session):
    person = await make_employee(session, email="taken@example.test")
    await identities.signed_in_employee(session, ISSUER, "sub-1", "taken@example.test")

    assert await identities.signed_in_employee(session, ISSUER, "sub-2", "taken@example.test") is None
    bound = (await session.scalars(select(EmployeeIdentity))).all()
    assert [(i.subject, i.employee_id) for i in bound] == [("sub-1", person.id)]


async def test_the_same_subject_under_another_issuer_binds_separately(session):
    person = await make_employee(session, email="two@example.test")
    stranger = await make_employee(session, email="stranger@example.test")
    await identities.signed_in_employee(session, ISSUER, "shared-sub", "two@example.test")

    # Subjects are only unique per issuer: the other issuer's "shared-sub" is someone else's account.
    other = await identities.signed_in_employee(session, OTHER_ISSUER, "shared-sub", "stranger@example.test")
    assert other is not None and other.id == stranger.id
    mine = await identities.signed_in_employee(session, ISSUER, "shared-sub", "stranger@example.test")
    assert mine.id == person.id
    bound = (await session.scalars(select(EmployeeIdentity).order_by(EmployeeIdentity.issuer))).all()
    assert [(i.issuer, i.employee_id) for i in bound] == [(ISSUER, person.id), (OTHER_ISSUER, stranger.id)]


async def test_an_unbound_identity_without_an_email_matches_nobody(session):
    await make_employee(session, email="someone@example.test")
    assert await identities.signed_in_employee(session, ISSUER, "sub-x", None) is None
    assert await identities.signed_in_employee(session, ISSUER, "sub-x", "") is None
    assert await identities.signed_in_employee(session, ISSUER, "sub-x", "nobody@example.test") is None
    assert await count_rows(session, EmployeeIdentity) == 0


# --- bulk import -------------------------------------------------------------------------


async def test_import_reports_every_problem_at_once_ordered_by_row(session):
    await make_employee(session, email="existing@example.test")
    gone = await make_employee(session, email="gone@example.test")
    await terminate_directly(session, gone)
    before = await count_rows(session, Employee)
    rows = [ImportRow(email=f"ok{n}@example.test", name=f"Ok {n}") for n in range(12)]
    # Problems are planted out of row order and across validation stages.
    rows[11] = ImportRow(email="not-an-email", name="Bad email")
    rows[10] = ImportRow(email="dept@example.test", name="Dept", department_id=uuid.uuid4())
    rows[9] = ImportRow(email="OK0@example.test", name="Repeats row 1")
    rows[7] = ImportRow(email="loop-a@example.test", name="Loop A", manager_email="loop-b@example.test")
    rows[8] = ImportRow(email="loop-b@example.test", name="Loop B", manager_email="loop-a@example.test")
    rows[3] = ImportRow(email="EXISTING@example.test", name="Exists")
    rows[2] = ImportRow(email="orphan@example.test", name="Orphan", manager_email="gone@example.test")
    rows[1] = ImportRow(email="blank@example.test", name="  ")

    with pytest.raises(DomainErrors) as raised:
        await importing.import_employees(session, admin(session), rows, as_of=TODAY)
    assert [(e.code, e.field) for e in raised.value.errors] == [
        (ErrorCode.REQUIRED, ["rows", "1", "name"]),
        (ErrorCode.NOT_FOUND, ["rows", "2", "managerEmail"]),
        (ErrorCode.DUPLICATE, ["rows", "3", "email"]),
        (ErrorCode.CYCLE, ["rows", "7", "managerEmail"]),
        (ErrorCode.CYCLE, ["rows", "8", "managerEmail"]),
        (ErrorCode.DUPLICATE, ["rows", "9", "email"]),
        (ErrorCode.NOT_FOUND, ["rows", "10", "departmentId"]),
        (ErrorCode.INVALID, ["rows", "11", "email"]),
    ]
    assert raised.value.errors[0].message.startswith("Row 2:")  # messages count rows from 1
    assert await count_rows(session, Employee) == before  # all or nothing


async def test_import_accepts_reports_listed_before_their_managers(session):
    outside = await make_employee(session, email="outside.boss@example.test")
    rows = [
        ImportRow(email="grunt@example.test", name="Grunt", manager_email="MIDDLE@example.test"),
        ImportRow(email="middle@example.test", name="Middle", manager_email="top@example.test", hire_date=date(2023, 4, 1)),
        ImportRow(email="top@example.test", name="Top", manager_email="outside.boss@example.test"),
    ]
    created = await importing.import_employees(session, admin(session), rows, as_of=TODAY)

    assert [e.email for e in created] == ["grunt@example.test", "middle@example.test", "top@example.test"]
    grunt, middle, top = created
    assert (grunt.manager_id, middle.manager_id, top.manager_id) == (middle.id, top.id, outside.id)
    assert await hierarchy.ancestor_ids(session, grunt.id) == [grunt.id, middle.id, top.id, outside.id]
    # Each imported person starts one open reporting line (from the hire date, else the import day).
    assert await hierarchy.manager_as_of(session, middle.id, date(2023, 4, 1)) == top.id
    assert await hierarchy.manager_as_of(session, grunt.id, TODAY) == middle.id
    assert await hierarchy.manager_as_of(session, grunt.id, date(2026, 5, 31)) is None


async def test_import_needs_an_org_manager_and_changes_nothing_otherwise(session):
    worker = await make_employee(session)
    plain = plain_employee(session, worker.id)
    before = await count_rows(session, Employee)
    with pytest.raises(DomainError) as raised:
        await importing.import_employees(session, plain, [ImportRow(email="x@example.test", name="X")], as_of=TODAY)
    assert raised.value.code == ErrorCode.FORBIDDEN
    assert await count_rows(session, Employee) == before


# --- onboarding (owner role, registry writes) --------------------------------------------


async def drop_tenant(owner_engine, tenant_id: uuid.UUID) -> None:
    """Remove what onboarding committed, children first (the test database is shared by the run)."""
    async with provisioning_session(owner_engine) as owner:
        await bind_tenant(owner, tenant_id)  # in case the owner is not a superuser: FORCE RLS applies
        for model in (EmployeeIdentity, ManagerAssignment, Employee):
            await owner.execute(delete(model).where(model.tenant_id == tenant_id))
        await owner.execute(delete(Tenant).where(Tenant.id == tenant_id))


async def onboard(owner_engine, slug: str, admin_email: str = "founder@acme.test"):
    async with provisioning_session(owner_engine) as owner:
        return await onboarding.onboard_tenant(
            owner, slug=slug, name="Acme", admin_email=admin_email, admin_name="Founder", oidc_issuer=None, today=TODAY
        )


async def tenants_with_slug(owner_engine, slug: str) -> int:
    async with owner_engine.connect() as connection:
        return await connection.scalar(text("SELECT count(*) FROM tenants WHERE slug = :s"), {"s": slug})


async def test_onboarding_creates_the_tenant_and_a_founding_admin_with_every_role(engines):
    owner_engine, app_engine = engines
    slug = f"acme-{uuid.uuid4().hex[:8]}"
    done = await onboard(owner_engine, slug)
    try:
        assert done.tenant.slug == slug
        assert done.admin.roles == [Role.EMPLOYEE.value, Role.HR_ADMIN.value, Role.TENANT_ADMIN.value]
        # The request role, bound to the new tenant, sees the admin and their open reporting line.
        async with tenant_session(app_engine, done.tenant.id) as session:
            founder = await employees.get_employee(session, done.admin.id)
            assert (founder.email, founder.tenant_id) == ("founder@acme.test", done.tenant.id)
            assert await hierarchy.manager_as_of(session, founder.id, TODAY) is None
            history = await hierarchy.manager_history(session, founder.id)
            assert [(line.manager_id, line.effective_from, line.effective_to) for line in history] == [(None, TODAY, None)]
    finally:
        await drop_tenant(owner_engine, done.tenant.id)


async def test_onboarding_a_taken_slug_is_a_duplicate_and_adds_nothing(engines):
    owner_engine, _ = engines
    slug = f"dupe-{uuid.uuid4().hex[:8]}"
    first = await onboard(owner_engine, slug)
    try:
        with pytest.raises(DomainError) as raised:
            await onboard(owner_engine, slug, admin_email="second@acme.test")
        assert (raised.value.code, raised.value.field) == (ErrorCode.DUPLICATE, ["slug"])
        assert await tenants_with_slug(owner_engine, slug) == 1
        async with owner_engine.connect() as connection:
            stray = await connection.scalar(text("SELECT count(*) FROM employees WHERE email = 'second@acme.test'"))
        assert stray == 0
    finally:
        await drop_tenant(owner_engine, first.tenant.id)


@pytest.mark.parametrize(("email", "code"), [("not-an-email", ErrorCode.INVALID), ("  ", ErrorCode.REQUIRED)])
async def test_onboarding_with_a_bad_admin_email_creates_no_tenant(engines, email, code):
    owner_engine, _ = engines
    slug = f"bad-{uuid.uuid4().hex[:8]}"
    with pytest.raises(DomainError) as raised:
        await onboard(owner_engine, slug, admin_email=email)
    assert (raised.value.code, raised.value.field) == (code, ["adminEmail"])
    assert await tenants_with_slug(owner_engine, slug) == 0


# --- tenant isolation through the domain functions ---------------------------------------


async def test_another_tenants_employees_are_invisible_to_domain_functions(session, service_tenants):
    tenant_a, tenant_b = service_tenants
    await bind_tenant(session, tenant_b)
    b_boss = await make_employee(session, name="B boss", email="b.boss@example.test")
    b_worker = await make_employee(session, name="B worker", email="b.worker@example.test", manager=b_boss)
    assert await count_rows(session, Employee) == 2  # the rows exist, seen from B
    await bind_tenant(session, tenant_a)
    a_person = await make_employee(session, name="A person")
    actor = admin(session)

    with pytest.raises(NotFound):
        await employees.get_employee(session, b_boss.id)
    assert await hierarchy.employees_by_ids(session, [b_boss.id, b_worker.id, a_person.id]) == {a_person.id: a_person}
    assert await hierarchy.subtree(session, b_boss.id, None) == []
    assert await hierarchy.ancestor_ids(session, b_worker.id) == []
    assert await hierarchy.manager_history(session, b_worker.id) == []
    assert await employees.find_by_email(session, "b.boss@example.test") is None
    assert await identities.signed_in_employee(session, ISSUER, "sub-b", "b.boss@example.test") is None
    listing = await hierarchy.list_employees(
        session, EmployeeFilter(status=None), PageRequest(with_total=True), EmployeeIncludes()
    )
    assert [e.id for e in listing.page.items] == [a_person.id] and listing.page.total == 1

    with pytest.raises(DomainError) as raised:
        await employees.change_manager(session, actor, a_person.id, b_boss.id, TODAY)
    assert (raised.value.code, raised.value.field) == (ErrorCode.NOT_FOUND, ["managerId"])
    with pytest.raises(DomainErrors) as failed:
        await importing.import_employees(
            session, actor, [ImportRow(email="new@example.test", name="New", manager_email="b.boss@example.test")], as_of=TODAY
        )
    assert [(e.code, e.field) for e in failed.value.errors] == [(ErrorCode.NOT_FOUND, ["rows", "0", "managerEmail"])]
    # A's own email space is separate: B's address is free to use in A.
    twin = ImportRow(email="b.boss@example.test", name="A twin")
    created = await importing.import_employees(session, actor, [twin], as_of=TODAY)
    assert created[0].tenant_id == tenant_a
