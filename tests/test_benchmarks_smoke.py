"""The benchmark harness cannot drift from the API unnoticed: a tenant loaded by the
benchmark's seeder is read through the real API with the benchmark's own documents, and
the floor's hand-written SQL answers the directory with exactly the API's JSON."""

from __future__ import annotations

import uuid

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
