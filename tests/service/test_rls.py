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
APPEND_ONLY = {"audit_log", "review_settings_changes", "anonymous_author_readings"}  # the request role may not UPDATE or DELETE at all (tests/api/test_audit.py)

SEEDED_ROWS = {
    "departments": 1, "employees": 2, "manager_assignments": 1, "employee_identities": 1, "idempotency_keys": 1,
    "audit_log": 1,
    "leadership_index_weights": 1, "promotion_criteria": 1, "promotion_criteria_competencies": 1,
    "bonus_targets": 1, "bonus_formulas": 1, "compensation_cycles": 1, "bonus_proposals": 1,
    "proficiency_levels": 1, "competencies": 1, "competency_indicators": 1, "job_levels": 1,
    "job_level_expectations": 1, "competency_assessments": 1,
    "goals": 1, "key_results": 1, "goal_competencies": 1, "goal_check_ins": 1,
    "one_on_ones": 1, "one_on_one_meetings": 1, "one_on_one_agenda_items": 1, "one_on_one_notes": 1,
    "one_on_one_action_items": 1, "development_plans": 1, "development_plan_focus": 1, "development_plan_actions": 1,
    "recognitions": 1, "recognition_recipients": 1, "recognition_competencies": 1, "recognition_reactions": 1,
    "recognition_comments": 1,
    "tenant_settings": 1, "review_templates": 1, "template_sections": 1, "template_questions": 1, "review_cycles": 1,
    "cycle_participants": 1, "participant_competencies": 1, "peer_nominations": 1, "reviews": 1, "review_answers": 1,
    "review_reopenings": 1,
    "review_settings_changes": 1, "anonymous_author_readings": 1, "calibration_adjustments": 1,
    "nine_box_placements": 1, "review_acknowledgements": 1, "review_evidence_runs": 1,
    "mentorship_programs": 1, "mentorship_program_competencies": 1, "mentorship_participants": 1,
    "mentorship_participant_competencies": 1, "mentorships": 1, "mentorship_sessions": 1,
    "mentorship_session_competencies": 1, "stretch_projects": 1, "stretch_project_competencies": 1,
    "stretch_applications": 1, "stretch_outcomes": 1, "training_programs": 1, "training_program_competencies": 1,
    "training_enrolments": 1,
    "feedback_requests": 1, "feedback": 1, "feedback_competencies": 1, "feedback_request_recipients": 1,
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
    "INSERT INTO promotion_criteria (tenant_id, job_level_id, min_final_rating) VALUES (:t, :level, 3)",
    "INSERT INTO promotion_criteria_competencies (tenant_id, job_level_id, competency_id, level) VALUES (:t, :level, :competency, 2)",
    "INSERT INTO leadership_index_weights (tenant_id, weights) VALUES (:t, '{}')",
    "INSERT INTO bonus_targets (tenant_id, job_level_id, amount, currency) VALUES (:t, :level, 1000, 'EUR')",
    "INSERT INTO bonus_formulas (tenant_id, version, definition) VALUES (:t, 99, '{}')",
    "INSERT INTO compensation_cycles (tenant_id, id, name, budget, currency, status, formula_version) "
    "VALUES (:t, :comp_cycle, :tag, 1000, 'EUR', 'OPEN', 99)",
    "INSERT INTO bonus_proposals (tenant_id, id, cycle_id, employee_id, amount, status) "
    "VALUES (:t, :bonus_proposal, :comp_cycle, :report, 100, 'PROPOSED')",
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
    # A 1:1 between boss and report (stored in uuid order), with one of everything inside it.
    "INSERT INTO one_on_ones (tenant_id, id, first_id, second_id, cadence, started_on) "
    "VALUES (:t, :one_on_one, least(CAST(:boss AS uuid), CAST(:report AS uuid)), "
    "greatest(CAST(:boss AS uuid), CAST(:report AS uuid)), 'WEEKLY', '2024-01-01')",
    "INSERT INTO one_on_one_meetings (tenant_id, id, one_on_one_id, scheduled_on) VALUES (:t, :meeting, :one_on_one, '2024-01-08')",
    "INSERT INTO one_on_one_agenda_items (tenant_id, id, one_on_one_id, meeting_id, body, added_by) "
    "VALUES (:t, :agenda_item, :one_on_one, :meeting, 'RLS agenda', :report)",
    "INSERT INTO one_on_one_notes (tenant_id, id, one_on_one_id, meeting_id, author_id, body, private) "
    "VALUES (:t, :note, :one_on_one, :meeting, :boss, 'RLS private note', true)",
    "INSERT INTO one_on_one_action_items (tenant_id, id, one_on_one_id, meeting_id, title, owner_id, goal_id, competency_id) "
    "VALUES (:t, :action_item, :one_on_one, :meeting, 'RLS action', :report, :goal, :competency)",
    "INSERT INTO development_plans (tenant_id, id, employee_id, period_start, period_end, focus_basis, focus_explanation) "
    "VALUES (:t, :plan, :report, '2024-01-01', '2024-06-30', 'CHOSEN', 'RLS')",
    "INSERT INTO development_plan_focus (tenant_id, plan_id, competency_id, position, reason) "
    "VALUES (:t, :plan, :competency, 0, 'RLS')",
    "INSERT INTO development_plan_actions (tenant_id, id, plan_id, kind, title, action_item_id) "
    "VALUES (:t, :plan_action, :plan, 'ONE_ON_ONE_ACTION', 'RLS step', :action_item)",
    "INSERT INTO recognitions (tenant_id, id, giver_id, message, kind, visibility) "
    "VALUES (:t, :recognition, :boss, 'RLS thanks', 'KUDOS', 'PUBLIC')",
    "INSERT INTO recognition_recipients (tenant_id, recognition_id, employee_id) VALUES (:t, :recognition, :report)",
    "INSERT INTO recognition_competencies (tenant_id, recognition_id, competency_id) VALUES (:t, :recognition, :competency)",
    "INSERT INTO recognition_reactions (tenant_id, recognition_id, employee_id, emoji) VALUES (:t, :recognition, :report, 'x')",
    "INSERT INTO recognition_comments (tenant_id, id, recognition_id, author_id, body) "
    "VALUES (:t, :recognition_comment, :recognition, :report, 'RLS comment')",
    # Feedback: boss asks about report (boss is also the one asked), and gives report feedback on that request.
    "INSERT INTO feedback_requests (tenant_id, id, requester_id, subject_id, question, due_date, visibility) "
    "VALUES (:t, :feedback_request, :boss, :report, 'RLS?', '2024-01-01', 'PRIVATE')",
    "INSERT INTO feedback (tenant_id, id, giver_id, receiver_id, body, kind, visibility, request_id) "
    "VALUES (:t, :feedback, :boss, :report, 'RLS feedback', 'PRAISE', 'PRIVATE', :feedback_request)",
    "INSERT INTO feedback_competencies (tenant_id, feedback_id, competency_id) VALUES (:t, :feedback, :competency)",
    "INSERT INTO feedback_request_recipients (tenant_id, request_id, employee_id) VALUES (:t, :feedback_request, :boss)",
    # Development programs: boss mentors report, report is staffed on boss's project and enrolled in a course.
    "INSERT INTO mentorship_programs (tenant_id, id, name, start_date, end_date, capacity_per_mentor, status, owner_id) "
    "VALUES (:t, :mentorship_program, :tag, '2024-01-01', '2024-12-31', 2, 'OPEN', :boss)",
    "INSERT INTO mentorship_program_competencies (tenant_id, program_id, competency_id) "
    "VALUES (:t, :mentorship_program, :competency)",
    "INSERT INTO mentorship_participants (tenant_id, id, program_id, employee_id, role) "
    "VALUES (:t, :mentor, :mentorship_program, :boss, 'MENTOR')",
    "INSERT INTO mentorship_participant_competencies (tenant_id, participant_id, competency_id) VALUES (:t, :mentor, :competency)",
    "INSERT INTO mentorships (tenant_id, id, program_id, mentor_id, mentee_id, status, started_on) "
    "VALUES (:t, :mentorship, :mentorship_program, :boss, :report, 'ACTIVE', '2024-01-01')",
    "INSERT INTO mentorship_sessions (tenant_id, id, mentorship_id, held_on, notes) "
    "VALUES (:t, :mentorship_session, :mentorship, '2024-01-15', 'RLS session')",
    "INSERT INTO mentorship_session_competencies (tenant_id, session_id, competency_id) "
    "VALUES (:t, :mentorship_session, :competency)",
    "INSERT INTO stretch_projects (tenant_id, id, title, sponsor_id, start_date, end_date, seats, status) "
    "VALUES (:t, :stretch_project, 'RLS project', :boss, '2024-01-01', '2024-03-31', 1, 'IN_PROGRESS')",
    "INSERT INTO stretch_project_competencies (tenant_id, project_id, competency_id) VALUES (:t, :stretch_project, :competency)",
    "INSERT INTO stretch_applications (tenant_id, id, project_id, applicant_id, motivation, status) "
    "VALUES (:t, :stretch_application, :stretch_project, :report, 'RLS', 'APPROVED')",
    "INSERT INTO stretch_outcomes (tenant_id, project_id, employee_id, competency_id, assessment_id) "
    "VALUES (:t, :stretch_project, :report, :competency, :assessment)",
    "INSERT INTO training_programs (tenant_id, id, name, format, duration_hours) "
    "VALUES (:t, :training_program, :tag, 'COURSE', 2)",
    "INSERT INTO training_program_competencies (tenant_id, program_id, competency_id) "
    "VALUES (:t, :training_program, :competency)",
    "INSERT INTO training_enrolments (tenant_id, id, program_id, employee_id, status, enrolled_on) "
    "VALUES (:t, :training_enrolment, :training_program, :report, 'ENROLLED', '2024-01-01')",
    # A review cycle: the report reviews the boss as a peer, answered, reopened once.
    "INSERT INTO tenant_settings (tenant_id, anonymity_threshold) VALUES (:t, 3)",
    "INSERT INTO review_templates (tenant_id, id, name) VALUES (:t, :review_template, :tag)",
    "INSERT INTO template_sections (tenant_id, id, template_id, title, position) VALUES (:t, :template_section, :review_template, 'RLS', 0)",
    "INSERT INTO template_questions (tenant_id, id, template_id, section_id, position, kind, prompt, competency_id, reviewer_kinds) "
    "VALUES (:t, :template_question, :review_template, :template_section, 0, 'RATING_COMPETENCY', 'RLS?', :competency, "
    "ARRAY['SELF', 'PEER'])",
    "INSERT INTO review_cycles (tenant_id, id, name, period_start, period_end, status, reviewer_kinds, template_id, peer_min, peer_max) "
    "VALUES (:t, :review_cycle, :tag, '2024-01-01', '2024-06-30', 'ACTIVE', ARRAY['SELF', 'PEER'], :review_template, 1, 2)",
    "INSERT INTO cycle_participants (tenant_id, cycle_id, subject_id, department_id, job_level_id, leads_people) "
    "VALUES (:t, :review_cycle, :boss, :dept, :level, true)",
    "INSERT INTO participant_competencies (tenant_id, cycle_id, subject_id, competency_id, expected_level) "
    "VALUES (:t, :review_cycle, :boss, :competency, 9)",
    "INSERT INTO peer_nominations (tenant_id, id, cycle_id, subject_id, peer_id, status) "
    "VALUES (:t, :nomination, :review_cycle, :boss, :report, 'APPROVED')",
    "INSERT INTO reviews (tenant_id, id, cycle_id, subject_id, reviewer_id, kind, status) "
    "VALUES (:t, :review, :review_cycle, :boss, :report, 'PEER', 'IN_PROGRESS')",
    "INSERT INTO review_answers (tenant_id, id, review_id, question_id, competency_id, rating) "
    "VALUES (:t, :review_answer, :review, :template_question, :competency, 4)",
    "INSERT INTO review_reopenings (tenant_id, id, review_id, reason) VALUES (:t, :review_reopening, :review, 'RLS')",
    # Results of that cycle: the boss calibrated, placed, acknowledged, evidenced. The two
    # append-only trails cannot be deleted afterwards, so they name nobody.
    "INSERT INTO calibration_adjustments (tenant_id, id, cycle_id, subject_id, rating, reason, adjusted_by) "
    "VALUES (:t, :adjustment, :review_cycle, :boss, 3, 'RLS', :report)",
    "INSERT INTO nine_box_placements (tenant_id, id, cycle_id, subject_id, performance, potential, placed_by) "
    "VALUES (:t, :placement, :review_cycle, :boss, 'LOW', 'HIGH', :report)",
    "INSERT INTO review_acknowledgements (tenant_id, cycle_id, subject_id) VALUES (:t, :review_cycle, :boss)",
    "INSERT INTO review_evidence_runs (tenant_id, cycle_id, assessments) VALUES (:t, :review_cycle, 0)",
    "INSERT INTO review_settings_changes (tenant_id, id, setting, old_value, new_value) "
    "VALUES (:t, :settings_change, 'anonymityThreshold', '3', '4')",
    "INSERT INTO anonymous_author_readings (tenant_id, id, reader_id, cycle_id, subject_id, reason) "
    "VALUES (:t, :author_reading, :author_reading, :author_reading, :author_reading, 'RLS')",
]


def _derived_ids(seed: Seed) -> dict[str, uuid.UUID]:
    names = ("competency", "level", "assessment", "goal", "key_result", "check_in", "audit", "recognition",
             "recognition_comment", "one_on_one", "meeting", "agenda_item", "note", "action_item", "plan", "plan_action",
             "review_template", "template_section", "template_question", "review_cycle", "nomination", "review",
             "review_answer", "review_reopening", "adjustment", "placement", "settings_change", "author_reading",
             "mentorship_program", "mentor", "mentorship", "mentorship_session", "stretch_project", "stretch_application",
             "training_program", "training_enrolment", "feedback_request", "feedback", "comp_cycle", "bonus_proposal")
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
        # Plans first (their actions point at 1:1 action items), then the 1:1 (cascades to its contents).
        await conn.execute(text("DELETE FROM development_plans WHERE id = :p"), {"p": derived["plan"]})
        await conn.execute(text("DELETE FROM one_on_ones WHERE id = :o"), {"o": derived["one_on_one"]})
        # Programs before the competency and assessment they point at (each cascades to its parts).
        await conn.execute(text("DELETE FROM mentorships WHERE id = :m"), {"m": derived["mentorship"]})
        await conn.execute(text("DELETE FROM mentorship_programs WHERE id = :p"), {"p": derived["mentorship_program"]})
        await conn.execute(text("DELETE FROM stretch_projects WHERE id = :p"), {"p": derived["stretch_project"]})
        await conn.execute(text("DELETE FROM training_enrolments WHERE id = :e"), {"e": derived["training_enrolment"]})
        await conn.execute(text("DELETE FROM training_programs WHERE id = :p"), {"p": derived["training_program"]})
        # Calibration history keeps its participant (no cascade): it goes first.
        for table in ("calibration_adjustments", "nine_box_placements", "review_acknowledgements", "review_evidence_runs"):
            await conn.execute(text(f"DELETE FROM {table} WHERE cycle_id = :c"), {"c": derived["review_cycle"]})
        # The cycle cascades to participants, nominations, reviews, answers and reopenings; then its template.
        await conn.execute(text("DELETE FROM review_cycles WHERE id = :c"), {"c": derived["review_cycle"]})
        await conn.execute(text("DELETE FROM review_templates WHERE id = :r"), {"r": derived["review_template"]})
        await conn.execute(text("DELETE FROM tenant_settings WHERE tenant_id = :t"), {"t": seed.tenant})
        await conn.execute(text("DELETE FROM goals WHERE id = :g"), {"g": derived["goal"]})  # cascades to its parts
        await conn.execute(text("DELETE FROM recognitions WHERE id = :r"), {"r": derived["recognition"]})  # and these
        await conn.execute(text("DELETE FROM feedback WHERE id = :f"), {"f": derived["feedback"]})  # and its competencies
        await conn.execute(text("DELETE FROM feedback_requests WHERE id = :r"), {"r": derived["feedback_request"]})
        await conn.execute(text("DELETE FROM competency_assessments WHERE id = :a"), {"a": derived["assessment"]})
        await conn.execute(text("DELETE FROM job_level_expectations WHERE job_level_id = :l"), {"l": derived["level"]})
        await conn.execute(text("DELETE FROM promotion_criteria WHERE job_level_id = :l"), {"l": derived["level"]})  # and its competencies
        await conn.execute(text("DELETE FROM leadership_index_weights WHERE tenant_id = :t"), {"t": seed.tenant})
        # The compensation cycle cascades to its proposals; then the formula it pinned and the level's target.
        await conn.execute(text("DELETE FROM compensation_cycles WHERE id = :c"), {"c": derived["comp_cycle"]})
        await conn.execute(text("DELETE FROM bonus_formulas WHERE tenant_id = :t AND version = 99"), {"t": seed.tenant})
        await conn.execute(text("DELETE FROM bonus_targets WHERE job_level_id = :l"), {"l": derived["level"]})
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
