"""`leadershipEffectiveness` on a page of managers costs the same SQL for 3 managers as for 30,
and each answer is the one the manager's own page shows.

Tenant: H heads every manager; department Few holds 3 managers, Many holds 30; each manager
leads two people in department Crew. Everyone hired 2025-01-01.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import clock
from tests.support.api import TenantHandle

HIRED = "2025-01-01"
FIELDS = """from to score previousFrom previousTo previousScore trend explanation
  components { component value rawValue normalisation weight effectiveWeight contribution restsOn present }"""
PAGE = """query($d: ID!, $from: Date!, $to: Date!) { employees(first: 100, filter: {departmentId: $d}) { nodes { id
  leadershipEffectiveness(period: {from: $from, to: $to}) { %s } } } }""" % FIELDS
ONE = """query($e: ID!, $from: Date!, $to: Date!) { employee(id: $e) {
  leadershipEffectiveness(period: {from: $from, to: $to}) { %s } } }""" % FIELDS
TODAY = clock.TODAY
RECENT = {"from": (TODAY - timedelta(days=30)).isoformat(), "to": TODAY.isoformat()}  # holds the feedback given below


@pytest.fixture
async def org(tenant: TenantHandle) -> dict:
    few, many, crew = [await tenant.create_department(name) for name in ("Few", "Many", "Crew")]
    email = lambda n: f"{n}@{tenant.slug}.test"
    rows = [{"email": email("h"), "name": "H", "departmentId": crew["id"], "hireDate": HIRED}]
    for department, count, prefix in ((few, 3, "f"), (many, 30, "m")):
        for i in range(count):
            manager = f"{prefix}{i}"
            rows.append({"email": email(manager), "name": manager.upper(), "departmentId": department["id"],
                         "managerEmail": email("h"), "hireDate": HIRED})
            rows += [{"email": email(f"{manager}r{k}"), "name": f"{manager.upper()} R{k}", "departmentId": crew["id"],
                      "managerEmail": email(manager), "hireDate": HIRED} for k in range(2)]
    made = {row["name"]: row["id"] for row in await tenant.import_rows(rows)}
    # Some feedback in the team of one manager of each page, so not every index is alike.
    for giver in ("F0 R0", "M7 R1"):
        await tenant.gql("""mutation($r: ID!) { giveFeedback(input: {toEmployeeId: $r, body: "thanks", kind: PRAISE,
                             visibility: PRIVATE}) { errors { code } } }""", {"r": made["H"]},
                         token=tenant.token_for(email(giver.lower().replace(" ", ""))))
    return {"few": few["id"], "many": many["id"], "made": made, "head": tenant.token_for(email("h"))}


async def _page(tenant: TenantHandle, department: str, token: str | None = None, period: dict = RECENT):
    return await tenant.gql(PAGE, {"d": department, **period}, token=token)


@pytest.mark.parametrize("as_head", [False, True], ids=["hr-admin", "head-of-the-chain"])
async def test_a_page_of_managers_costs_the_same_sql_for_3_as_for_30(tenant, org, as_head):
    token = org["head"] if as_head else None
    await _page(tenant, org["few"], token)  # warm: the first request binds the token
    few = await _page(tenant, org["few"], token)
    many = await _page(tenant, org["many"], token)
    assert len(few.data["employees"]["nodes"]) == 3 and len(many.data["employees"]["nodes"]) == 30
    assert all(n["leadershipEffectiveness"]["score"] is not None for n in many.data["employees"]["nodes"])
    assert many.sql_statements == few.sql_statements


async def test_each_answer_on_the_page_is_the_managers_own(tenant, org):
    nodes = (await _page(tenant, org["many"])).data["employees"]["nodes"]
    scores = {n["leadershipEffectiveness"]["score"] for n in nodes}
    assert len(scores) == 2  # M7's team gave feedback, the others did not
    for node in nodes[:3] + [n for n in nodes if n["id"] == org["made"]["M7"]]:
        alone = (await tenant.gql(ONE, {"e": node["id"], **RECENT})).data["employee"]["leadershipEffectiveness"]
        assert node["leadershipEffectiveness"] == alone


async def test_only_visible_managers_answer_and_reports_answer_null(tenant, org):
    crew_token = tenant.token_for(f"f0r0@{tenant.slug}.test")
    nodes = (await _page(tenant, org["few"], crew_token)).data["employees"]["nodes"]
    assert [n["leadershipEffectiveness"] for n in nodes] == [None, None, None]
    alone = (await tenant.gql(ONE, {"e": org["made"]["F0 R0"], **RECENT})).data["employee"]["leadershipEffectiveness"]
    assert alone is None  # no reports


@pytest.mark.parametrize("period,message", [({"from": "2026-03-31", "to": "2026-03-01"}, "end on or after"),
                                            ({"from": "2010-01-01", "to": "2026-03-31"}, "ten years")])
async def test_bad_periods_keep_their_codes_and_fields(tenant, org, period, message):
    errors = (await _page(tenant, org["few"], period=period)).errors
    assert len(errors) == 3
    for error in errors:
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID", ["period", "to"])
        assert message in error["message"]
