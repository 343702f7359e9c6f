"""Every metric answers in well under a second on a 10,000-employee tenant.

The tenant is built in bulk (INSERT ... SELECT generate_series as the owner role, in a
transaction bound to the tenant): a 10-ary reporting tree under one head, 50 departments
under a root, six months of feedback, requests, recognitions, 1:1s, goals with check-ins,
assessments and a review cycle. Each metric is then asked as the request role for the
whole tenant, the head's reporting subtree (all 9,999 below them) and the root department's
subtree, weekly over six months (27 points, one statement each). The bound is loose (1 s)
because it checks the plan (index range scans, hash joins), not the machine.
"""

from __future__ import annotations

import time
import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.insights.metrics import Grain, MetricName, Scope, metric_series
from tenants.session import bind_tenant
from tests.factories import provision_tenant

N = 10_000


def _id(kind: str, i: str) -> str:
    """A deterministic UUID per (tenant, kind, number), so rows can refer to each other."""
    return f"md5(:tx || '{kind}' || ({i})::text)::uuid"


BUILD = [
    f"INSERT INTO departments (tenant_id, id, name) VALUES (CAST(:t AS uuid), {_id('d', '0')}, 'Root')",
    f"""INSERT INTO departments (tenant_id, id, name, parent_id)
        SELECT CAST(:t AS uuid), {_id('d', 'g')}, 'Dept ' || g, {_id('d', '0')} FROM generate_series(1, 50) g""",
    f"""INSERT INTO employees (tenant_id, id, email, name, department_id, hire_date, termination_date, status)
        SELECT CAST(:t AS uuid), {_id('e', 'g')}, 'p' || g || '@perf.test', 'Person ' || g, {_id('d', '1 + g % 50')},
               date '2024-01-01' + (g % 700),
               CASE WHEN g % 40 = 0 THEN date '2026-01-01' + (g % 150) END,
               CASE WHEN g % 40 = 0 THEN 'TERMINATED' ELSE 'ACTIVE' END
        FROM generate_series(0, {N - 1}) g""",
    # A 10-ary tree: person g reports to (g - 1) / 10; leavers keep their line in the history only.
    f"""UPDATE employees SET manager_id = {_id('e', '(substr(email, 2, strpos(email, chr(64)) - 2)::int - 1) / 10')}
        WHERE tenant_id = CAST(:t AS uuid) AND email <> 'p0@perf.test' AND termination_date IS NULL""",
    f"""INSERT INTO manager_assignments (tenant_id, id, employee_id, manager_id, effective_from)
        SELECT CAST(:t AS uuid), {_id('ma', 'g')}, {_id('e', 'g')}, {_id('e', '(g - 1) / 10')}, date '2024-01-01'
        FROM generate_series(1, {N - 1}) g""",
    f"""INSERT INTO feedback (tenant_id, id, giver_id, receiver_id, body, kind, visibility, created_at)
        SELECT CAST(:t AS uuid), {_id('f', 'g')}, {_id('e', '(g * 7919) % ' + str(N))}, {_id('e', '(g * 7 + 1) % ' + str(N))},
               'x', 'PRAISE', 'PRIVATE', timestamptz '2025-12-01' + (g % 200) * interval '1 day'
        FROM generate_series(1, 40000) g""",
    f"""INSERT INTO feedback_requests (tenant_id, id, requester_id, subject_id, question, due_date, visibility, created_at)
        SELECT CAST(:t AS uuid), {_id('fr', 'g')}, {_id('e', '(g * 31) % ' + str(N))}, {_id('e', '(g * 31) % ' + str(N))}, 'q',
               date '2026-12-31', 'PRIVATE', timestamptz '2025-12-01' + (g % 200) * interval '1 day'
        FROM generate_series(1, 5000) g""",
    f"""INSERT INTO recognitions (tenant_id, id, giver_id, message, kind, visibility, created_at)
        SELECT CAST(:t AS uuid), {_id('r', 'g')}, {_id('e', '(g * 13) % ' + str(N))}, 'thanks', 'KUDOS', 'PUBLIC',
               timestamptz '2025-12-01' + (g % 200) * interval '1 day'
        FROM generate_series(1, 20000) g""",
    f"""INSERT INTO one_on_ones (tenant_id, id, first_id, second_id, cadence, started_on)
        SELECT CAST(:t AS uuid), {_id('o', 'g')}, least({_id('e', 'g')}, {_id('e', '(g - 1) / 10')}),
               greatest({_id('e', 'g')}, {_id('e', '(g - 1) / 10')}),
               (ARRAY['WEEKLY', 'BIWEEKLY', 'MONTHLY'])[1 + g % 3], date '2025-06-01'
        FROM generate_series(1, {N - 1}) g""",
    f"""INSERT INTO one_on_one_meetings (tenant_id, id, one_on_one_id, scheduled_on, held_on, status)
        SELECT CAST(:t AS uuid), {_id('om', 'g * 10 + k')}, {_id('o', 'g')}, date '2026-01-01' + (g % 20) + 25 * k,
               date '2026-01-01' + (g % 20) + 25 * k, 'HELD'
        FROM generate_series(1, {N - 1}) g, generate_series(0, 5) k""",
    f"""INSERT INTO goals (tenant_id, id, title, owner_id, kind, scope, status, visibility, start_date, due_date,
                           metric_name, metric_unit, metric_baseline, metric_target, metric_direction)
        SELECT CAST(:t AS uuid), {_id('g', 'g')}, 'Goal', {_id('e', 'g % ' + str(N))}, 'PERFORMANCE', 'INDIVIDUAL',
               CASE WHEN g % 3 = 0 THEN 'COMPLETED' ELSE 'ACTIVE' END, 'PUBLIC', date '2025-12-01',
               date '2026-01-01' + (g % 180), 'n', 'u', 0, 10, 'INCREASE'
        FROM generate_series(1, 20000) g""",
    f"""INSERT INTO goal_check_ins (tenant_id, id, goal_id, value, confidence, checked_in_on)
        SELECT CAST(:t AS uuid), {_id('gc', 'g * 2 + k')}, {_id('g', 'g')}, (g + k) % 12, 'ON_TRACK', date '2026-01-01' + (g % 180) - 5 * k
        FROM generate_series(1, 20000) g, generate_series(0, 1) k""",
    "INSERT INTO proficiency_levels (tenant_id, level, name) SELECT CAST(:t AS uuid), l, 'Level ' || l FROM generate_series(1, 5) l",
    f"""INSERT INTO competencies (tenant_id, id, name, category)
        SELECT CAST(:t AS uuid), {_id('c', 'g')}, 'Competency ' || g, 'CORE' FROM generate_series(1, 10) g""",
    f"""INSERT INTO competency_assessments (tenant_id, id, employee_id, competency_id, level, source, assessed_on)
        SELECT CAST(:t AS uuid), {_id('ca', 'g')}, {_id('e', 'g % ' + str(N))}, {_id('c', '1 + (g / ' + str(N) + ') % 2')},
               1 + g % 5, 'MANAGER', date '2025-10-01' + (g % 270)
        FROM generate_series(1, 40000) g""",
    f"INSERT INTO review_templates (tenant_id, id, name) VALUES (CAST(:t AS uuid), {_id('rt', '1')}, 'Template')",
    f"""INSERT INTO review_cycles (tenant_id, id, name, period_start, period_end, reviewer_kinds, template_id, status)
        VALUES (CAST(:t AS uuid), {_id('rc', '1')}, 'Cycle', '2026-01-01', '2026-06-30', ARRAY['SELF', 'MANAGER'], {_id('rt', '1')}, 'ACTIVE')""",
    f"""INSERT INTO cycle_participants (tenant_id, cycle_id, subject_id)
        SELECT CAST(:t AS uuid), {_id('rc', '1')}, {_id('e', 'g')} FROM generate_series(0, {N - 1}) g""",
    f"""INSERT INTO reviews (tenant_id, id, cycle_id, subject_id, reviewer_id, kind, status, submitted_at)
        SELECT CAST(:t AS uuid), {_id('rv', 'g')}, {_id('rc', '1')}, {_id('e', 'g')}, {_id('e', 'g')}, 'SELF',
               CASE WHEN g % 3 = 0 THEN 'NOT_STARTED' ELSE 'SUBMITTED' END,
               CASE WHEN g % 3 = 0 THEN NULL ELSE timestamptz '2026-01-01' + (g % 150) * interval '1 day' END
        FROM generate_series(0, {N - 1}) g""",
]
ANALYZED = ["departments", "employees", "manager_assignments", "feedback", "feedback_requests", "recognitions",
            "one_on_ones", "one_on_one_meetings", "goals", "goal_check_ins", "competency_assessments", "reviews"]


@pytest.fixture(scope="module")
async def big_tenant(engines) -> uuid.UUID:
    owner, _ = engines
    tenant_id = await provision_tenant(owner, "perf")
    async with owner.begin() as connection:
        await connection.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})
        for statement in BUILD:
            await connection.execute(text(statement), {"t": str(tenant_id), "tx": str(tenant_id)})
    async with owner.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in ANALYZED:
            await connection.execute(text(f"ANALYZE {table}"))
    return tenant_id


@pytest.mark.parametrize("name", list(MetricName))
async def test_each_metric_answers_a_10k_tenant_in_well_under_a_second(engines, big_tenant, name):
    _, app = engines
    async with app.connect() as connection:
        session = AsyncSession(bind=connection)
        await bind_tenant(session, big_tenant)
        head = (await session.execute(text("SELECT id FROM employees WHERE email = 'p0@perf.test'"))).scalar_one()
        root = (await session.execute(text("SELECT id FROM departments WHERE name = 'Root'"))).scalar_one()
        cycle = (await session.execute(text("SELECT id FROM review_cycles WHERE name = 'Cycle'"))).scalar_one()
        cycle_id = cycle if name == MetricName.REVIEW_COMPLETION_RATE else None
        for scope in (Scope.tenant(), Scope.manager(head), Scope.department(root)):
            started = time.perf_counter()
            series = await metric_series(session, name, scope, date(2026, 1, 1), date(2026, 6, 30), Grain.WEEK, cycle_id)
            elapsed = time.perf_counter() - started
            assert len(series.points) == 26
            # The data is there: the series rests on hundreds of rows or more.
            assert sum(p.denominator for p in series.points) > 100
            assert elapsed < 1.0, f"{name} for {scope.kind}: {elapsed:.3f}s"
        await session.close()
