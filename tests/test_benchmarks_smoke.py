"""The benchmark harness cannot drift from the API unnoticed: a tenant loaded by the
benchmark's seeder is read through the real API with the benchmark's own documents, and
the floor's hand-written SQL answers the directory with exactly the API's JSON."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import orjson
import pytest

from benchmarks import db, floor, screens, seed
from tenants.database import app_role_url


@pytest.fixture(scope="module")
async def seeded(database_url: str):
    """A tiny tenant written by benchmarks/seed.py (COPY as the owner), like the bench platform."""
    slug = f"bench-{uuid.uuid4().hex[:8]}"
    generated = seed.generate([seed.tiny_plan(slug, people=30)])
    owner = await db.connect(database_url)
    try:
        await seed.load(owner, generated, bulk=False)
    finally:
        await owner.close()
    return slug, generated


@pytest.fixture
async def request_role(database_url: str):
    dsn = db.plain_dsn(app_role_url(database_url, "hr_app", "").render_as_string(hide_password=False))
    connection = await asyncpg.connect(dsn)
    yield connection
    await connection.close()


def _value(table: str, row: tuple, column: str):
    return row[seed.COLUMNS[table].index(column)]


def _active_people(generated: seed.Generated) -> dict[str, tuple]:
    """email -> employees row, for the people who can sign in."""
    rows = generated.rows["employees"]
    return {_value("employees", row, "email"): row for row in rows if _value("employees", row, "status") == "ACTIVE"}


async def test_the_floor_answers_the_directory_with_the_apis_json(api, seeded, request_role):
    slug, generated = seeded
    tenant_id = generated.rows["tenants"][0][0]
    viewer = next(iter(_active_people(generated)))
    token = api.token(viewer, slug)
    # The first page, a fragment that matches some people, and a search that matches nobody.
    for search in ("", "a", "nobody-at-all"):
        variables = screens.directory_variables(search, 25)
        ours = (await api.gql(screens.DIRECTORY, variables, token=token)).data["employees"]["nodes"]
        theirs = orjson.loads(await floor.directory_json(request_role, tenant_id, search, 25))
        assert theirs == ours, search
    everyone = (await api.gql(screens.DIRECTORY, screens.directory_variables("", 25), token=token)).data
    nodes = everyone["employees"]["nodes"]
    # Not vacuous: a full page, with managers and departments filled in from the joins.
    assert len(nodes) == 25
    assert sum(node["manager"] is not None for node in nodes) >= 20
    assert all(node["department"]["name"] for node in nodes)


async def test_the_floor_sees_nothing_of_a_tenant_it_is_not_bound_to(seeded, request_role):
    # The request role under forced row-level security: another tenant id reads nothing.
    assert orjson.loads(await floor.directory_json(request_role, uuid.uuid4(), "", 25)) == []


async def test_the_seeded_goals_read_back_through_the_dashboard_document(api, seeded):
    slug, generated = seeded
    owned: dict[uuid.UUID, set[str]] = {}
    for row in generated.rows["goals"]:
        owned.setdefault(_value("goals", row, "owner_id"), set()).add(screens.gid("Goal", str(_value("goals", row, "id"))))
    email, person = next((e, row) for e, row in _active_people(generated).items() if len(owned.get(row[1], ())) >= 2)
    data = (await api.gql(screens.VIEWER, token=api.token(email, slug))).data
    goals = data["viewer"]["employee"]["goals"]
    assert {goal["id"] for goal in goals} == owned[_value("employees", person, "id")]
    assert all(0 <= goal["progress"]["value"] <= 1 and goal["health"]["explanation"] for goal in goals)


# --- the activity screens: reviews, feedback, recognition, 1:1s, leadership -----------------


async def _fetch(database_url: str, sql: str, *args) -> list[asyncpg.Record]:
    """Seeded facts, read as the owner (every tenant)."""
    owner = await db.connect(database_url)
    try:
        return await owner.fetch(sql, *args)
    finally:
        await owner.close()


def _cycle(generated: seed.Generated, status: str) -> str:
    return next(str(_value("review_cycles", row, "id")) for row in generated.rows["review_cycles"]
                if _value("review_cycles", row, "status") == status)


def _hr_admin(generated: seed.Generated) -> str:
    return next(email for email, row in _active_people(generated).items() if "HR_ADMIN" in _value("employees", row, "roles"))


def _managers(generated: seed.Generated, reports: int) -> list[tuple]:
    """Active employees rows of people with at least `reports` active direct reports."""
    active = _active_people(generated).values()
    counts: dict[uuid.UUID, int] = {}
    for row in active:
        counts[_value("employees", row, "manager_id")] = counts.get(_value("employees", row, "manager_id"), 0) + 1
    return [row for row in active if counts.get(_value("employees", row, "id"), 0) >= reports]


async def test_the_dashboard_shows_the_seeded_inbox_next_one_on_one_and_latest_recognition(api, seeded, database_url):
    slug, generated = seeded
    managers = {_value("employees", row, "id") for row in _managers(generated, 1)}
    email, person = next((e, row) for e, row in _active_people(generated).items()
                         if _value("employees", row, "manager_id") and _value("employees", row, "id") not in managers)
    employee_id = _value("employees", person, "id")
    viewer = (await api.gql(screens.VIEWER, token=api.token(email, slug))).data["viewer"]
    [counts] = await _fetch(
        database_url,
        """SELECT count(*) FILTER (WHERE a.status = 'OPEN') AS open,
                  count(*) FILTER (WHERE a.status = 'OPEN' AND q.due_date < current_date) AS overdue
           FROM feedback_request_recipients a JOIN feedback_requests q ON q.tenant_id = a.tenant_id AND q.id = a.request_id
           WHERE a.employee_id = $1""", employee_id)
    assert viewer["feedbackInbox"] == {"openCount": counts["open"], "overdueCount": counts["overdue"]}
    [series] = viewer["oneOnOnes"]["nodes"]
    manager = next(row for row in generated.rows["employees"]
                   if _value("employees", row, "id") == _value("employees", person, "manager_id"))
    assert series["otherParticipant"]["name"] == _value("employees", manager, "name")
    [held] = await _fetch(
        database_url,
        """SELECT max(m.held_on) AS last, min(m.scheduled_on) FILTER (WHERE m.status = 'SCHEDULED') AS next
           FROM one_on_ones s JOIN one_on_one_meetings m ON m.tenant_id = s.tenant_id AND m.one_on_one_id = s.id
           WHERE $1 IN (s.first_id, s.second_id)""", employee_id)
    assert series["lastHeldOn"] == (held["last"] and held["last"].isoformat())
    assert (series["nextMeeting"] or {}).get("scheduledOn") == (held["next"] and held["next"].isoformat())
    newest = await _fetch(
        database_url,
        """SELECT r.id FROM recognitions r JOIN recognition_recipients p ON p.tenant_id = r.tenant_id AND p.recognition_id = r.id
           WHERE p.employee_id = $1 ORDER BY r.created_at DESC, r.id DESC LIMIT 1""", employee_id)
    assert [n["id"] for n in viewer["employee"]["recognitionsReceived"]["nodes"]] == [
        screens.gid("Recognition", str(row["id"])) for row in newest]


async def test_the_team_page_shows_last_one_on_one_and_the_released_rating(api, seeded, database_url):
    slug, generated = seeded
    manager = _managers(generated, 4)[0]
    released = _cycle(generated, "CLOSED")
    variables = screens.team_variables(str(_value("employees", manager, "id")), released)
    nodes = (await api.gql(screens.TEAM, variables, token=api.token(_value("employees", manager, "email"), slug))).data[
        "employees"]["nodes"]
    facts = {
        screens.gid("Employee", str(row["id"])): row for row in await _fetch(
            database_url,
            """SELECT e.id,
                      (SELECT max(m.held_on) FROM one_on_ones s JOIN one_on_one_meetings m
                         ON m.tenant_id = s.tenant_id AND m.one_on_one_id = s.id
                       WHERE s.first_id = least(e.id, e.manager_id) AND s.second_id = greatest(e.id, e.manager_id)) AS last,
                      coalesce(
                          (SELECT c.rating FROM calibration_adjustments c WHERE c.cycle_id = $2 AND c.subject_id = e.id
                           ORDER BY c.adjusted_at DESC, c.id DESC LIMIT 1),
                          (SELECT a.rating FROM reviews r
                             JOIN review_answers a ON a.tenant_id = r.tenant_id AND a.review_id = r.id
                             JOIN template_questions q ON q.tenant_id = a.tenant_id AND q.id = a.question_id
                           WHERE r.cycle_id = $2 AND r.subject_id = e.id AND r.kind = 'MANAGER'
                             AND r.status = 'SUBMITTED' AND q.kind = 'OVERALL_RATING')) AS rating
               FROM employees e WHERE e.manager_id = $1 AND e.status = 'ACTIVE'""",
            _value("employees", manager, "id"), uuid.UUID(released))
    }
    assert len(nodes) == len(facts) >= 4
    for node in nodes:
        fact = facts[node["id"]]
        assert node["lastOneOnOneAt"] == (fact["last"] and fact["last"].isoformat())
        assert (node["reviewResult"] or {}).get("finalRating", {}).get("rating") == fact["rating"]
    # Not vacuous: the seed gives most of the team a rating and a recent 1:1.
    assert sum(node["reviewResult"] is not None and node["reviewResult"]["finalRating"]["rating"] is not None
               for node in nodes) >= len(nodes) - 1
    assert sum(node["lastOneOnOneAt"] is not None for node in nodes) >= len(nodes) - 1


async def test_the_recognition_feed_shows_recipients_and_reaction_counts(api, seeded, database_url):
    slug, generated = seeded
    email = next(iter(_active_people(generated)))
    nodes = (await api.gql(screens.RECOGNITION_FEED, {"first": 20}, token=api.token(email, slug))).data[
        "recognitionFeed"]["nodes"]
    assert len(nodes) == 20
    reactions = {
        screens.gid("Recognition", str(row["recognition_id"])): row["count"] for row in await _fetch(
            database_url, "SELECT recognition_id, count(*) FROM recognition_reactions GROUP BY 1")
    }
    for node in nodes:
        assert node["recipients"] and node["giver"]["id"] not in {r["id"] for r in node["recipients"]}
        assert sum(c["count"] for c in node["reactionCounts"]) == reactions.get(node["id"], 0)
    assert any(node["reactionCounts"] for node in nodes)


async def test_hr_sees_the_cycle_in_calibration_with_its_overdue_reviewers(api, seeded, database_url):
    slug, generated = seeded
    cycle = _cycle(generated, "CALIBRATION")
    token = api.token(_hr_admin(generated), slug)
    found = (await api.gql(screens.CYCLE_PROGRESS, screens.cycle_progress_variables(cycle, 5), token=token)).data[
        "reviewCycle"]
    [tally] = await _fetch(
        database_url, "SELECT count(*) AS assigned, count(*) FILTER (WHERE status = 'SUBMITTED') AS submitted "
                      "FROM reviews WHERE cycle_id = $1", uuid.UUID(cycle))
    overall = found["progress"]["overall"]
    assert (overall["assigned"], overall["submitted"]) == (tally["assigned"], tally["submitted"])
    assert 0.7 < overall["ratio"] < 0.95  # some reviews are still open, past their deadlines
    assert {k["kind"] for k in found["progress"]["byKind"]} == {"SELF", "MANAGER", "PEER", "DIRECT_REPORT"}
    assert len(found["overdueReviewers"]) == 5 and all(r["pending"] >= 1 for r in found["overdueReviewers"])


async def test_leadership_effectiveness_rests_on_upward_ratings_above_the_threshold(api, seeded):
    slug, generated = seeded
    managers = [str(_value("employees", row, "id")) for row in _managers(generated, 3)]
    period = {"from": (seed.ANCHOR - timedelta(days=364)).isoformat(), "to": seed.ANCHOR.isoformat()}
    nodes = (await api.gql(screens.LEADERSHIP, screens.leadership_variables(managers, period),
                           token=api.token(_hr_admin(generated), slug))).data["nodes"]
    assert len(nodes) == len(managers) >= 3
    upward = [next(c for c in n["leadershipEffectiveness"]["components"] if c["component"] == "UPWARD_RATINGS")
              for n in nodes]
    assert all(n["leadershipEffectiveness"]["score"] is not None for n in nodes)
    assert any(c["present"] and c["restsOn"] >= 3 for c in upward)


async def test_the_writes_documents_give_feedback_and_check_in(api, seeded):
    slug, generated = seeded
    # Which goals are ACTIVE depends on the day the seed ran: pick someone who has one.
    checkable = {_value("goals", row, "owner_id"): _value("goals", row, "id") for row in generated.rows["goals"]
                 if _value("goals", row, "status") == "ACTIVE" and _value("goals", row, "metric_target") is not None}
    email, person, goal = next((e, row, checkable[_value("employees", row, "id")])
                               for e, row in _active_people(generated).items()
                               if _value("employees", row, "manager_id") and _value("employees", row, "id") in checkable)
    token = api.token(email, slug)
    feedback = (await api.gql(screens.GIVE_FEEDBACK, screens.give_feedback_variables(
        str(_value("employees", person, "manager_id"))), token=token)).data["giveFeedback"]
    assert feedback["errors"] == [] and feedback["feedback"]["id"]
    variables = {"input": {"goalId": screens.gid("Goal", str(goal)), "value": 42, "confidence": "ON_TRACK",
                           "note": "Benchmark check-in"}}
    assert (await api.gql(screens.CHECK_IN, variables, token=token)).data["checkInGoal"]["errors"] == []


@pytest.mark.parametrize("name", [s.name for s in screens.SCREENS if s.page_sizes])
async def test_every_paged_screen_sends_the_same_statements_for_a_small_and_a_larger_page(api, seeded, name):
    slug, generated = seeded
    screen = next(s for s in screens.SCREENS if s.name == name)
    variable, _, _ = screen.page_sizes
    managers = _managers(generated, 4)
    fixtures = {
        "viewers": list(_active_people(generated))[:3], "searches": [""],
        "team_managers": [{"id": str(_value("employees", managers[0], "id")),
                           "email": _value("employees", managers[0], "email")}],
        "cycles": {"closed": {"id": _cycle(generated, "CLOSED")}, "calibrating": {"id": _cycle(generated, "CALIBRATION")}},
        "hr_admins": [{"email": _hr_admin(generated)}],
        "leaders": [str(_value("employees", row, "id")) for row in _managers(generated, 3)],
        "leadership_period": {"from": (seed.ANCHOR - timedelta(days=364)).isoformat(), "to": seed.ANCHOR.isoformat()},
    }
    request = screen.requests(fixtures)[0][0]
    token = api.token(request.email, slug)
    statements = []
    for size in (2, 2, 4):  # the first one warms up (sign-in binding, caches)
        payload = orjson.loads(request.body)
        value = payload["variables"][variable]
        payload["variables"][variable] = value[:size] if isinstance(value, list) else size
        response = await api.gql(payload["query"], payload["variables"], token=token)
        assert response.data
        statements.append(response.sql_statements)
    assert statements[1] == statements[2], statements


async def test_the_tenant_scaling_phase_removes_every_row_of_the_tenants_it_added(database_url):
    from benchmarks import scaling

    added = await scaling.add(database_url, 2, log=lambda line: None)
    assert added["extra_tenants"] == 2 and added["extra_people"] >= 2 * scaling.PEOPLE[0]
    tables = [row["table_name"] for row in await _fetch(
        database_url, "SELECT table_name FROM information_schema.columns c JOIN pg_tables t "
                      "ON t.schemaname = c.table_schema AND t.tablename = c.table_name "
                      "WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'")]
    ids = [row["id"] for row in await _fetch(database_url, "SELECT id FROM tenants WHERE slug LIKE 'bench-extra-%'")]
    assert len(ids) == 2

    async def rows_left() -> dict[str, int]:
        counts = {}
        for table in tables:
            [row] = await _fetch(database_url, f'SELECT count(*) FROM "{table}" WHERE tenant_id = ANY($1::uuid[])', ids)
            counts[table] = row["count"]
        return {table: n for table, n in counts.items() if n}

    assert {"employees", "reviews", "feedback", "recognitions", "one_on_one_meetings"} <= set(await rows_left())
    removed, _ = await scaling.remove(database_url)
    assert removed == 2
    assert await rows_left() == {}
    assert await _fetch(database_url, "SELECT id FROM tenants WHERE id = ANY($1::uuid[])", ids) == []
