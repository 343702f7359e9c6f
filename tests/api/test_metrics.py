"""The `metric` query over HTTP: the numbers for each scope kind, and who may see which scope."""

from __future__ import annotations

import pytest

METRIC = """query($name: MetricName!, $scope: MetricScopeInput!, $from: Date!, $to: Date!, $grain: MetricGrain!) {
  metric(name: $name, scope: $scope, from: $from, to: $to, grain: $grain) {
    name unit definition points { at value numerator denominator } } }"""


@pytest.fixture
async def org(tenant):
    """Mia manages Rob and Ria; Rob manages Sam (all in Platform); Oz is elsewhere. Sam leaves on 20 Jan."""
    platform = await tenant.create_department("Platform")
    people = await tenant.import_rows([
        {"email": f"mia@{tenant.slug}.test", "name": "Mia", "hireDate": "2025-01-01", "departmentId": platform["id"]},
        {"email": f"rob@{tenant.slug}.test", "name": "Rob", "hireDate": "2025-01-01", "managerEmail": f"mia@{tenant.slug}.test",
         "departmentId": platform["id"]},
        {"email": f"ria@{tenant.slug}.test", "name": "Ria", "hireDate": "2025-01-01", "managerEmail": f"mia@{tenant.slug}.test",
         "departmentId": platform["id"]},
        {"email": f"sam@{tenant.slug}.test", "name": "Sam", "hireDate": "2025-01-01", "managerEmail": f"rob@{tenant.slug}.test",
         "departmentId": platform["id"]},
        {"email": f"oz@{tenant.slug}.test", "name": "Oz", "hireDate": "2025-01-01"},
    ])
    ids = {p["name"]: p["id"] for p in people}
    ended = await tenant.gql(
        """mutation($id: ID!) { terminateEmployee(input: {employeeId: $id, terminationDate: "2026-01-20"}) { errors { code } } }""",
        {"id": ids["Sam"]},
    )
    assert ended.data["terminateEmployee"]["errors"] == []
    return tenant, platform["id"], ids


def _ask(scope: dict, name: str = "RETENTION_RATE") -> dict:
    return {"name": name, "scope": scope, "from": "2026-01-01", "to": "2026-01-31", "grain": "MONTH"}


async def test_a_managers_reporting_subtree_retention_counts_everyone_below_them(org):
    tenant, _, ids = org
    result = await tenant.gql(METRIC, _ask({"managerId": ids["Mia"]}))
    metric = result.data["metric"]
    assert (metric["name"], metric["unit"]) == ("RETENTION_RATE", "RATIO")
    assert "still active at its end" in metric["definition"]
    # Rob, Ria and Sam (two levels down) were active on 1 Jan; Sam left on the 20th.
    assert metric["points"] == [{"at": "2026-01-31", "value": 0.6667, "numerator": 2.0, "denominator": 3.0}]


async def test_a_department_scope_covers_the_department_and_the_tenant_scope_everyone(org):
    tenant, platform, _ = org
    department = (await tenant.gql(METRIC, _ask({"departmentId": platform}))).data["metric"]["points"]
    assert department == [{"at": "2026-01-31", "value": 0.75, "numerator": 3.0, "denominator": 4.0}]
    everyone = (await tenant.gql(METRIC, _ask({"tenant": True}))).data["metric"]["points"]
    # Plus Oz and the tenant's admin (no hire date: counted as active).
    assert everyone == [{"at": "2026-01-31", "value": 0.8333, "numerator": 5.0, "denominator": 6.0}]


async def test_a_manager_sees_their_own_subtree_and_the_subtrees_below_it(org):
    tenant, _, ids = org
    mia = tenant.token_for(f"mia@{tenant.slug}.test")
    own = await tenant.gql(METRIC, _ask({"managerId": ids["Mia"]}), token=mia)
    below = await tenant.gql(METRIC, _ask({"managerId": ids["Rob"]}), token=mia)
    assert own.data["metric"]["points"][0]["denominator"] == 3.0
    assert below.data["metric"]["points"][0]["denominator"] == 1.0  # Sam


@pytest.mark.parametrize(
    "who, scope",
    [
        ("mia", {"tenant": True}),
        ("mia", "department"),
        ("mia", "Oz"),  # not in her subtree
        ("rob", "Mia"),  # his own manager's team
        ("oz", "Mia"),
        ("ria", {"tenant": True}),
    ],
)
async def test_everyone_else_is_forbidden(org, who, scope):
    tenant, platform, ids = org
    if scope == "department":
        scope = {"departmentId": platform}
    elif isinstance(scope, str):
        scope = {"managerId": ids[scope]}
    result = await tenant.gql(METRIC, _ask(scope), token=tenant.token_for(f"{who}@{tenant.slug}.test"))
    assert result.errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert result.body["data"] is None or result.body["data"].get("metric") is None


async def test_a_scope_needs_exactly_one_kind_and_a_completion_rate_needs_its_cycle(org):
    tenant, platform, ids = org
    both = await tenant.gql(METRIC, _ask({"departmentId": platform, "managerId": ids["Mia"]}))
    assert (both.errors[0]["extensions"]["code"], both.errors[0]["extensions"]["field"]) == ("INVALID", ["scope"])
    no_cycle = await tenant.gql(METRIC, _ask({"tenant": True}, "REVIEW_COMPLETION_RATE"))
    assert (no_cycle.errors[0]["extensions"]["code"], no_cycle.errors[0]["extensions"]["field"]) == ("REQUIRED", ["cycleId"])


# --- a goal tracked live ----------------------------------------------------------------------

import base64
import uuid
from datetime import date, timedelta

import httpx
from sqlalchemy import text

from api.app import create_app
from tests.support.api import Api
from tests.support.servers import ServerThread, free_port


class Clock:
    day = date(2026, 1, 1)


@pytest.fixture(scope="module")
async def clocked(settings, api):
    """A server of our own whose `today` the test moves (the database clock stays real)."""
    tuned = settings.model_copy(update={"port": free_port(), "dev_issuer_url": settings.dev_issuer})
    app = create_app(tuned)
    server = ServerThread(app, tuned.port).start()
    app.state.services.today = lambda: Clock.day
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield Api(client, api.dev_key, api.dev_issuer)
    server.stop()


def _raw(global_id: str) -> str:
    return base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")[2]


GOAL = """query($id: ID!) { goal(id: $id) { metric { baseline target current source } progress { value }
  health { status } checkIns(first: 20) { nodes { value checkedInOn author { id } } } } }"""
GIVE = """mutation($to: ID!) { giveFeedback(input: {toEmployeeId: $to, body: "Thanks", kind: PRAISE, visibility: PRIVATE}) {
  errors { code field message } } }"""


async def test_a_goal_bound_to_team_feedback_participation_tracks_itself_week_by_week(clocked, tenant, engines):
    owner_engine, _ = engines
    real_today = (await _db_today(owner_engine))
    team = [{"email": f"t{i}@{tenant.slug}.test", "name": f"Team {i}", "hireDate": "2025-01-01",
             "managerEmail": f"mia@{tenant.slug}.test"} for i in range(10)]
    mia, *members = await tenant.import_rows([{"email": f"mia@{tenant.slug}.test", "name": "Mia", "hireDate": "2025-01-01"}, *team])
    # Before the goal starts (60 days ago), half the team gave feedback: the baseline is 50%.
    start = real_today - timedelta(days=60)
    async with owner_engine.begin() as connection:
        await connection.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": _raw(tenant.id)})
        for member in members[:5]:
            await connection.execute(
                text("INSERT INTO feedback (tenant_id, id, giver_id, receiver_id, body, kind, visibility, created_at) "
                     "VALUES (:t, :id, :g, :r, 'x', 'PRAISE', 'PRIVATE', CAST(:day AS date) + time '12:00')"),
                {"t": uuid.UUID(_raw(tenant.id)), "id": uuid.uuid4(), "g": uuid.UUID(_raw(member["id"])),
                 "r": uuid.UUID(_raw(mia["id"])), "day": start - timedelta(days=10)},
            )
    Clock.day = real_today
    mia_token = tenant.token_for(f"mia@{tenant.slug}.test")
    created = await clocked.gql(
        """mutation($input: CreateGoalInput!) { createGoal(input: $input) { goal { id } errors { code field message } } }""",
        {"input": {"title": "Increase employee feedback participation by 30% within six months", "kind": "LEADERSHIP",
                   "scope": "TEAM", "status": "ACTIVE", "startDate": start.isoformat(),
                   "dueDate": (start + timedelta(days=182)).isoformat(),
                   "metric": {"name": "Team feedback participation", "unit": "share", "relativeChangePercent": 30,
                              "source": "FEEDBACK_PARTICIPATION_RATE", "scope": {"managerId": mia["id"]}}}},
        token=mia_token,
    )
    assert created.data["createGoal"]["errors"] == []
    goal_id = created.data["createGoal"]["goal"]["id"]

    async def read():
        return (await clocked.gql(GOAL, {"id": goal_id}, token=mia_token)).data["goal"]

    # Today: the feedback from before the start is out of the trailing 30 days; nobody gave since.
    now = await read()
    assert now["metric"] == {"baseline": 0.5, "target": 0.65, "current": 0.0, "source": "FEEDBACK_PARTICIPATION_RATE"}
    assert (now["progress"]["value"], now["health"]["status"]) == (0.0, "OFF_TRACK")

    # Six of the team give feedback; a week later the goal has measured itself.
    for member in members[:6]:
        given = await clocked.gql(GIVE, {"to": mia["id"]}, token=tenant.token_for(member["email"]))
        assert given.data["giveFeedback"]["errors"] == []
    Clock.day = real_today + timedelta(days=7)
    week = await read()
    assert week["metric"]["current"] == 0.6
    assert (week["progress"]["value"], week["health"]["status"]) == (0.6667, "ON_TRACK")

    # Two more, another week: the target is reached.
    for member in members[6:8]:
        await clocked.gql(GIVE, {"to": mia["id"]}, token=tenant.token_for(member["email"]))
    Clock.day = real_today + timedelta(days=14)
    await read()
    later = await read()  # reading twice on one day keeps one automatic check-in for the day
    assert (later["metric"]["current"], later["progress"]["value"]) == (0.8, 1.0)
    history = sorted((c["checkedInOn"], c["value"], c["author"]) for c in later["checkIns"]["nodes"])
    assert history == [
        (real_today.isoformat(), 0.0, None),
        ((real_today + timedelta(days=7)).isoformat(), 0.6, None),
        ((real_today + timedelta(days=14)).isoformat(), 0.8, None),
    ]


async def _db_today(owner_engine) -> date:
    async with owner_engine.connect() as connection:
        return (await connection.execute(text("SELECT (now() AT TIME ZONE 'UTC')::date"))).scalar_one()
