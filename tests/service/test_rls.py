"""Row-level security, proved with raw SQL as the restricted request role.

Nothing here goes through the domain layer: if the policies, grants or the
transaction-local tenant setting were wrong, these statements would show it even
when every service happens to filter by tenant correctly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from tenants.database import DatabaseConfig, create_app_engine
from tenants.session import mark_rollback_only, tenant_session

SET_TENANT = text("SELECT set_config('app.tenant_id', :tenant_id, true)")
CURRENT_TENANT = text("SELECT current_setting('app.tenant_id', true)")
INSUFFICIENT_PRIVILEGE = "42501"
FOREIGN_KEY_VIOLATION = "23503"

# Rows each seeded tenant holds per table (see `_seed`).
APPEND_ONLY = {"audit_log"}  # the request role may not UPDATE or DELETE at all (tests/api/test_audit.py)

SEEDED_ROWS = {
    "departments": 1, "employees": 2, "manager_assignments": 1, "employee_identities": 1, "idempotency_keys": 1,
    "audit_log": 1,
    "proficiency_levels": 1, "competencies": 1, "competency_indicators": 1, "job_levels": 1,
    "job_level_expectations": 1, "competency_assessments": 1,
    "goals": 1, "key_results": 1, "goal_competencies": 1, "goal_check_ins": 1,
}


@dataclass(frozen=True)
class Seed:
    tenant: uuid.UUID
    department: uuid.UUID
    boss: uuid.UUID
    report: uuid.UUID


async def _bind(conn: AsyncConnection, tenant_id: uuid.UUID | str) -> None:
    await conn.execute(SET_TENANT, {"tenant_id": str(tenant_id)})


async def _count(conn: AsyncConnection, table: str, where: str = "true", **params) -> int:
    return await conn.scalar(text(f'SELECT count(*) FROM "{table}" WHERE {where}'), params)


async def _fails(conn: AsyncConnection, sql: str, **params) -> DBAPIError:
    """Run `sql` in a savepoint that must fail; the enclosing transaction stays usable."""
    with pytest.raises(DBAPIError) as caught:
        async with conn.begin_nested():
            await conn.execute(text(sql), params)
    return caught.value


async def _seed(app: AsyncEngine, tenant_id: uuid.UUID) -> Seed:
    """One row or two in every tenant table, committed through the request role."""
    seed = Seed(tenant_id, uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    params = {"t": tenant_id, "dept": seed.department, "boss": seed.boss, "report": seed.report}
    async with app.begin() as conn:
        await _bind(conn, tenant_id)
        await conn.execute(text("INSERT INTO departments (tenant_id, id, name) VALUES (:t, :dept, :name)"),
                           {**params, "name": f"RLS {seed.department.hex}"})
        await conn.execute(
            text("INSERT INTO employees (tenant_id, id, email, name, department_id, manager_id) VALUES "
                 "(:t, :boss, :boss_email, 'Boss', :dept, NULL), (:t, :report, :report_email, 'Report', :dept, :boss)"),
            {**params, "boss_email": f"boss-{seed.boss.hex}@rls.test", "report_email": f"report-{seed.report.hex}@rls.test"},
        )
        await conn.execute(
            text("INSERT INTO manager_assignments (tenant_id, id, employee_id, manager_id, effective_from) "
                 "VALUES (:t, :id, :report, :boss, :since)"),
            {**params, "id": uuid.uuid4(), "since": date(2024, 1, 1)},
        )
        await conn.execute(
            text("INSERT INTO employee_identities (tenant_id, issuer, subject, employee_id) "
                 "VALUES (:t, 'https://rls.test', :subject, :boss)"),
            {**params, "subject": seed.boss.hex},
        )
        await _seed_competencies_and_goals(conn, params, seed)
    return seed


# Competencies and goals hang off the org rows above; ids derive from the seed so
# _unseed can find them. Level 9 keeps clear of the scales other tests install.
_FRAMEWORK_AND_GOALS = [
    # Append-only: the request role cannot delete it afterwards, so it names nobody.
    "INSERT INTO audit_log (tenant_id, id, actor_label, action, subject_type) VALUES (:t, :audit, :tag, 'rls.seed', 'Test')",
    "INSERT INTO idempotency_keys (tenant_id, principal, key, request_hash, response) "
    "VALUES (:t, :tag, :tag, 'h', '{}'::jsonb)",
    "INSERT INTO proficiency_levels (tenant_id, level, name) VALUES (:t, 9, :tag)",
    "INSERT INTO competencies (tenant_id, id, name, category) VALUES (:t, :competency, :tag, 'LEADERSHIP')",
    "INSERT INTO competency_indicators (tenant_id, competency_id, level, description) VALUES (:t, :competency, 9, 'x')",
    "INSERT INTO job_levels (tenant_id, id, name, rank, track) VALUES (:t, :level, :tag, 99, 'MANAGER')",
    "INSERT INTO job_level_expectations (tenant_id, job_level_id, competency_id, expected_level) "
    "VALUES (:t, :level, :competency, 9)",
    "INSERT INTO competency_assessments (tenant_id, id, employee_id, competency_id, level, source, assessed_on) "
    "VALUES (:t, :assessment, :boss, :competency, 9, 'SELF', '2024-01-01')",
    "INSERT INTO goals (tenant_id, id, title, owner_id, kind, scope, status, visibility, start_date, due_date) "
    "VALUES (:t, :goal, 'RLS goal', :boss, 'LEADERSHIP', 'INDIVIDUAL', 'ACTIVE', 'PUBLIC', '2024-01-01', '2024-06-30')",
    "INSERT INTO key_results (tenant_id, id, goal_id, name, unit, baseline, target, direction, weight) "
    "VALUES (:t, :key_result, :goal, 'kr', '%', 0, 10, 'INCREASE', 100)",
    "INSERT INTO goal_competencies (tenant_id, goal_id, competency_id) VALUES (:t, :goal, :competency)",
    "INSERT INTO goal_check_ins (tenant_id, id, goal_id, key_result_id, value, confidence, checked_in_on) "
    "VALUES (:t, :check_in, :goal, :key_result, 5, 'ON_TRACK', '2024-02-01')",
]


def _derived_ids(seed: Seed) -> dict[str, uuid.UUID]:
    names = ("competency", "level", "assessment", "goal", "key_result", "check_in", "audit")
    return {name: uuid.uuid5(seed.boss, name) for name in names}


async def _seed_competencies_and_goals(conn: AsyncConnection, params: dict, seed: Seed) -> None:
    values = {**params, **_derived_ids(seed), "tag": f"RLS {seed.boss.hex}"}
    for statement in _FRAMEWORK_AND_GOALS:
        await conn.execute(text(statement), values)


async def _unseed(app: AsyncEngine, seed: Seed) -> None:
    people = {"e": [seed.boss, seed.report]}
    derived = _derived_ids(seed)
    async with app.begin() as conn:
        await _bind(conn, seed.tenant)
        await conn.execute(text("DELETE FROM idempotency_keys WHERE principal = :p"), {"p": f"RLS {seed.boss.hex}"})
        await conn.execute(text("DELETE FROM goals WHERE id = :g"), {"g": derived["goal"]})  # cascades to its parts
        await conn.execute(text("DELETE FROM competency_assessments WHERE id = :a"), {"a": derived["assessment"]})
        await conn.execute(text("DELETE FROM job_level_expectations WHERE job_level_id = :l"), {"l": derived["level"]})
        await conn.execute(text("DELETE FROM job_levels WHERE id = :l"), {"l": derived["level"]})
        await conn.execute(text("DELETE FROM competency_indicators WHERE competency_id = :c"), {"c": derived["competency"]})
        await conn.execute(text("DELETE FROM competencies WHERE id = :c"), {"c": derived["competency"]})
        await conn.execute(text("DELETE FROM proficiency_levels WHERE level = 9"))
        await conn.execute(text("DELETE FROM employee_identities WHERE employee_id = ANY(:e)"), people)
        await conn.execute(text("DELETE FROM manager_assignments WHERE employee_id = ANY(:e)"), people)
        await conn.execute(text("DELETE FROM employees WHERE id = ANY(:e)"), people)
        await conn.execute(text("DELETE FROM departments WHERE id = :d"), {"d": seed.department})


@pytest.fixture(scope="module")
async def seeded(engines, service_tenants) -> tuple[Seed, Seed]:
    """Committed rows for tenants A and B in every tenant table, removed afterwards.

    Committed (not rolled back) so that fresh connections, which never saw the
    inserting transaction, are the ones proving what they cannot see.
    """
    _, app = engines
    seeds = (await _seed(app, service_tenants[0]), await _seed(app, service_tenants[1]))
    yield seeds
    for seed in seeds:
        await _unseed(app, seed)


@pytest.fixture(scope="module")
async def tenant_tables(engines) -> list[str]:
    """Every table with a tenant_id column, read from the catalog so new tables are covered."""
    owner, _ = engines
    async with owner.connect() as conn:
        rows = await conn.scalars(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        ))
        return list(rows)


async def test_every_tenant_table_is_seeded(tenant_tables):
    # The visibility tests below only mean something for tables that hold rows.
    assert sorted(tenant_tables) == sorted(SEEDED_ROWS)


async def test_without_a_tenant_no_tenant_rows_are_visible(engines, seeded, tenant_tables):
    owner, app = engines
    async with owner.connect() as conn:
        for table in tenant_tables:
            for seed in seeded:  # the rows really exist
                assert await _count(conn, table, "tenant_id = :t", t=seed.tenant) >= SEEDED_ROWS[table]
    async with app.connect() as conn:
        assert await conn.scalar(CURRENT_TENANT) in (None, "")
        for table in tenant_tables:
            assert await _count(conn, table) == 0, table


async def test_an_empty_tenant_setting_sees_nothing_and_raises_nothing(engines, seeded, tenant_tables):
    _, app = engines
    async with app.connect() as conn:
        await _bind(conn, "")
        for table in tenant_tables:
            assert await _count(conn, table) == 0, table
        await conn.rollback()


async def test_tenant_a_selects_only_its_own_rows(engines, seeded, tenant_tables):
    a, b = seeded
    _, app = engines
    async with app.connect() as conn:
        await _bind(conn, a.tenant)
        for table in tenant_tables:
            # A's rows are there (the policy is a filter, not deny-all) and nothing else is.
            assert await _count(conn, table, "tenant_id = :t", t=a.tenant) >= SEEDED_ROWS[table], table
            assert await _count(conn, table, "tenant_id <> :t", t=a.tenant) == 0, table
        assert await _count(conn, "employees", "id = ANY(:ids)", ids=[b.boss, b.report]) == 0
        await conn.rollback()


async def test_tenant_a_can_neither_update_nor_delete_tenant_b_rows(engines, seeded, tenant_tables):
    a, b = seeded
    _, app = engines
    async with app.connect() as conn:
        transaction = await conn.begin()
        await _bind(conn, a.tenant)
        rewritable = [table for table in tenant_tables if table not in APPEND_ONLY]  # those refuse any UPDATE
        for table in rewritable:
            updated = await conn.execute(text(f'UPDATE "{table}" SET tenant_id = tenant_id WHERE tenant_id = :b'), {"b": b.tenant})
            assert updated.rowcount == 0, table
        renamed = await conn.execute(text("UPDATE employees SET name = 'Hijacked' WHERE id = :id"), {"id": b.boss})
        assert renamed.rowcount == 0
        for table in reversed(rewritable):
            deleted = await conn.execute(text(f'DELETE FROM "{table}" WHERE tenant_id = :b'), {"b": b.tenant})
            assert deleted.rowcount == 0, table

        # Seen as B inside the same transaction, B's rows are all still there, unchanged.
        await _bind(conn, b.tenant)
        for table in tenant_tables:
            assert await _count(conn, table, "tenant_id = :t", t=b.tenant) >= SEEDED_ROWS[table], table
        assert await conn.scalar(text("SELECT name FROM employees WHERE id = :id"), {"id": b.boss}) == "Boss"
        await transaction.rollback()


async def test_tenant_a_cannot_write_a_row_into_tenant_b(engines, seeded):
    a, b = seeded
    _, app = engines
    async with app.connect() as conn:
        transaction = await conn.begin()
        await _bind(conn, a.tenant)
        inserted = await _fails(conn, "INSERT INTO departments (tenant_id, id, name) VALUES (:b, :id, 'Smuggled')",
                                b=b.tenant, id=uuid.uuid4())
        moved = await _fails(conn, "UPDATE departments SET tenant_id = :b WHERE id = :id", b=b.tenant, id=a.department)
        for error in (inserted, moved):
            assert error.orig.sqlstate == INSUFFICIENT_PRIVILEGE
            assert "new row violates row-level security policy" in str(error.orig)
        assert await _count(conn, "departments", "id = :id AND tenant_id = :a", id=a.department, a=a.tenant) == 1
        await transaction.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO employees (tenant_id, id, email, name, manager_id) VALUES (:a, :id, :email, 'X', :b_employee)",
        "INSERT INTO employees (tenant_id, id, email, name, department_id) VALUES (:a, :id, :email, 'X', :b_department)",
        "INSERT INTO departments (tenant_id, id, name, head_id) VALUES (:a, :id, :email, :b_employee)",
        "INSERT INTO departments (tenant_id, id, name, parent_id) VALUES (:a, :id, :email, :b_department)",
        "INSERT INTO manager_assignments (tenant_id, id, employee_id, effective_from) VALUES (:a, :id, :b_employee, now())",
        "INSERT INTO manager_assignments (tenant_id, id, employee_id, manager_id, effective_from) "
        "VALUES (:a, :id, :a_employee, :b_employee, now())",
        "INSERT INTO employee_identities (tenant_id, issuer, subject, employee_id) VALUES (:a, 'https://x', :email, :b_employee)",
    ],
    ids=["employee.manager", "employee.department", "department.head", "department.parent",
         "assignment.employee", "assignment.manager", "identity.employee"],
)
async def test_a_foreign_key_cannot_point_into_another_tenant(engines, seeded, statement):
    a, b = seeded
    owner, _ = engines
    async with owner.connect() as conn:
        transaction = await conn.begin()
        # The owner bypasses RLS (it sees B's row), so only the composite foreign key can refuse.
        assert await conn.scalar(text("SELECT tenant_id FROM employees WHERE id = :id"), {"id": b.boss}) == b.tenant
        error = await _fails(conn, statement, a=a.tenant, id=uuid.uuid4(), email=f"fk-{uuid.uuid4().hex}@rls.test",
                             a_employee=a.boss, b_employee=b.boss, b_department=b.department)
        assert error.orig.sqlstate == FOREIGN_KEY_VIOLATION
        await transaction.rollback()


async def test_the_tenant_setting_does_not_survive_commit_or_rollback_on_a_pooled_connection(database_url, seeded):
    a, _ = seeded
    # One pooled connection, used strictly in sequence, so every checkout is the same backend.
    engine = create_app_engine(DatabaseConfig(owner_url=database_url, pool_size=1))
    try:
        async with engine.connect() as conn:
            backend = await conn.scalar(text("SELECT pg_backend_pid()"))
            await _bind(conn, a.tenant)
            assert await _count(conn, "employees", "id = :id", id=a.boss) == 1
            await conn.commit()
            assert await conn.scalar(CURRENT_TENANT) in (None, "")
            assert await _count(conn, "employees") == 0

            await _bind(conn, a.tenant)
            await conn.rollback()
            assert await conn.scalar(CURRENT_TENANT) in (None, "")
            assert await _count(conn, "employees") == 0
            await conn.rollback()

        async with engine.connect() as conn:
            await _bind(conn, a.tenant)
            await conn.commit()
        async with engine.connect() as conn:  # the next request on the same backend
            assert await conn.scalar(text("SELECT pg_backend_pid()")) == backend
            assert await conn.scalar(CURRENT_TENANT) in (None, "")
            assert await _count(conn, "employees") == 0
            await conn.rollback()
    finally:
        await engine.dispose()


@pytest.fixture
async def escape_conn(database_url, service_tenants):
    """A request-role connection that is closed, never pooled, so no SET can outlive the test."""
    engine = create_async_engine(DatabaseConfig(owner_url=database_url).resolved_app_url(), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            yield conn
            await conn.rollback()
    finally:
        await engine.dispose()


async def test_the_request_role_cannot_switch_row_security_off(escape_conn, seeded):
    await escape_conn.execute(text("SET row_security = off"))
    # With row_security off, a query that RLS would filter is refused instead of unfiltered.
    error = await _fails(escape_conn, "SELECT count(*) FROM employees")
    assert error.orig.sqlstate == INSUFFICIENT_PRIVILEGE
    assert "row-level security" in str(error.orig)


async def test_the_request_role_cannot_alter_policies_or_truncate(escape_conn, tenant_tables):
    for table in tenant_tables:
        for statement in (
            f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
            f'DROP POLICY tenant_isolation ON "{table}"',
            f'CREATE POLICY open_door ON "{table}" USING (true)',
            f'TRUNCATE "{table}"',  # TRUNCATE ignores RLS, so the role must not hold it at all
        ):
            error = await _fails(escape_conn, statement)
            assert error.orig.sqlstate == INSUFFICIENT_PRIVILEGE, statement
    secured = await escape_conn.scalar(text(
        "SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class WHERE relname = ANY(:t)"
    ), {"t": tenant_tables})
    assert secured is True


async def test_the_request_role_cannot_become_another_role(escape_conn, engines):
    owner, _ = engines
    async with owner.connect() as conn:
        owner_name = await conn.scalar(text("SELECT current_user"))
    for statement in (f'SET ROLE "{owner_name}"', f'SET SESSION AUTHORIZATION "{owner_name}"'):
        error = await _fails(escape_conn, statement)
        assert error.orig.sqlstate == INSUFFICIENT_PRIVILEGE, statement
    role = (await escape_conn.execute(text(
        "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    ))).one()
    assert tuple(role) == ("hr_app", False, False)


async def _department_committed(owner: AsyncEngine, department_id: uuid.UUID) -> bool:
    async with owner.connect() as conn:
        return await _count(conn, "departments", "id = :id", id=department_id) == 1


async def _insert_department(session, tenant_id: uuid.UUID) -> uuid.UUID:
    department_id = uuid.uuid4()
    await session.execute(text("INSERT INTO departments (tenant_id, id, name) VALUES (:t, :id, :name)"),
                          {"t": tenant_id, "id": department_id, "name": f"Session {department_id.hex}"})
    return department_id


async def test_tenant_session_commits_when_the_block_succeeds(engines, service_tenants):
    owner, app = engines
    tenant_a = service_tenants[0]
    async with tenant_session(app, tenant_a) as session:
        assert await session.scalar(CURRENT_TENANT) == str(tenant_a)
        department_id = await _insert_department(session, tenant_a)
    try:
        assert await _department_committed(owner, department_id)
    finally:
        async with tenant_session(app, tenant_a) as session:
            await session.execute(text("DELETE FROM departments WHERE id = :id"), {"id": department_id})


async def test_tenant_session_rolls_back_when_the_block_raises(engines, service_tenants):
    owner, app = engines
    with pytest.raises(RuntimeError, match="request failed"):
        async with tenant_session(app, service_tenants[0]) as session:
            department_id = await _insert_department(session, service_tenants[0])
            raise RuntimeError("request failed")
    assert not await _department_committed(owner, department_id)


async def test_tenant_session_rolls_back_when_marked_rollback_only(engines, service_tenants):
    owner, app = engines
    async with tenant_session(app, service_tenants[0]) as session:
        department_id = await _insert_department(session, service_tenants[0])
        mark_rollback_only(session)
    assert not await _department_committed(owner, department_id)
