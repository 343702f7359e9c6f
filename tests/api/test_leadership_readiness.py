"""The leadership index and promotion readiness over HTTP: who sees what, who changes
settings, and a candidates list whose SQL does not grow with the department.

Tenant: S manages M; M manages A and B; O is outside; all hired 2025-01-01.
"""

from __future__ import annotations

import pytest

from tests.support.api import TenantHandle

HIRED = "2025-01-01"
INDEX = """query($e: ID!) { employee(id: $e) { leadershipEffectiveness(period: {from: "2026-03-01", to: "2026-03-31"}) {
  score previousScore trend explanation components { component value weight effectiveWeight contribution restsOn present } } } }"""
READINESS = """query($e: ID!, $l: ID!) { employee(id: $e) { promotionReadiness(targetLevelId: $l) {
  verdict explanation criteria { kind required actual met close evidence competencyId } } } }"""
CANDIDATES = """query($d: ID!, $l: ID!) { promotionCandidates(departmentId: $d, targetLevelId: $l) {
  employee { name department { id } manager { id } } readiness { verdict } } }"""
WEIGHTS = """mutation($input: SetLeadershipIndexWeightsInput!) { setLeadershipIndexWeights(input: $input) {
  weights { upwardRatings retention } errors { code field } } }"""
DEFAULTS = {"upwardRatings": 30, "goalAttainment": 20, "feedbackParticipation": 15, "oneOnOneCadence": 15,
            "retention": 10, "competencyGrowth": 10}


@pytest.fixture
async def org(tenant: TenantHandle) -> dict:
    team = await tenant.create_department("Team")
    other = await tenant.create_department("Other")
    email = lambda n: f"{n}@{tenant.slug}.test"
    rows = await tenant.import_rows([
        {"email": email("s"), "name": "S", "departmentId": team["id"], "hireDate": HIRED},
        {"email": email("m"), "name": "M", "departmentId": team["id"], "managerEmail": email("s"), "hireDate": HIRED},
        {"email": email("a"), "name": "A", "departmentId": team["id"], "managerEmail": email("m"), "hireDate": HIRED},
        {"email": email("b"), "name": "B", "departmentId": team["id"], "managerEmail": email("m"), "hireDate": HIRED},
        {"email": email("o"), "name": "O", "departmentId": other["id"], "hireDate": HIRED},
    ])
    made = await tenant.gql(
        """mutation { createCompetency(input: {name: "Coaching", category: "LEADERSHIP"}) { competency { id } }
             createJobLevel(input: {name: "Team lead", rank: 1, track: MANAGER}) { jobLevel { id } } }"""
    )
    people = {row["name"].lower(): row["id"] for row in rows}
    tokens = {name: tenant.token_for(email(name)) for name in people}
    return {"team": team["id"], "other": other["id"], **people, "tokens": tokens,
            "competency": made.data["createCompetency"]["competency"]["id"],
            "level": made.data["createJobLevel"]["jobLevel"]["id"]}


async def test_the_index_is_shown_to_the_manager_their_manager_and_hr_and_null_to_others(tenant, org):
    seen = {}
    for who in ("m", "s", "a", "o"):
        seen[who] = (await tenant.gql(INDEX, {"e": org["m"]}, token=org["tokens"][who])).data["employee"]["leadershipEffectiveness"]
    admin = (await tenant.gql(INDEX, {"e": org["m"]})).data["employee"]["leadershipEffectiveness"]
    assert seen["a"] is None and seen["o"] is None
    assert seen["m"] == seen["s"] == admin
    # Only feedback (0/2), cadence (0/2, no series) and retention (2/2) have data: 10 of 40 -> 25.
    assert admin["score"] == 25.0 and admin["previousScore"] == 25.0 and admin["trend"] == 0.0
    parts = {p["component"]: p for p in admin["components"]}
    assert parts["RETENTION"] == {"component": "RETENTION", "value": 1.0, "weight": 10, "effectiveWeight": 25.0,
                                  "contribution": 25.0, "restsOn": 2, "present": True}
    assert parts["UPWARD_RATINGS"]["present"] is False and parts["UPWARD_RATINGS"]["value"] is None
    assert "Left out for lack of data" in admin["explanation"]


async def test_only_hr_changes_the_index_weights(tenant, org):
    changed = {**DEFAULTS, "retention": 0}
    refused = (await tenant.gql(WEIGHTS, {"input": changed}, token=org["tokens"]["m"])).data["setLeadershipIndexWeights"]
    assert refused == {"weights": None, "errors": [{"code": "FORBIDDEN", "field": None}]}
    assert (await tenant.gql("{ leadershipIndexWeights { retention } }")).data == {"leadershipIndexWeights": {"retention": 10}}
    saved = (await tenant.gql(WEIGHTS, {"input": changed})).data["setLeadershipIndexWeights"]
    assert saved == {"weights": {"upwardRatings": 30, "retention": 0}, "errors": []}
    # Retention weighs nothing now: feedback 0 and cadence 0 at 50 each.
    index = (await tenant.gql(INDEX, {"e": org["m"]})).data["employee"]["leadershipEffectiveness"]
    assert index["score"] == 0.0


async def test_readiness_defaults_leadership_for_a_manager_level_and_is_private(tenant, org):
    saved = await tenant.gql(
        """mutation($l: ID!) { setPromotionCriteria(input: {jobLevelId: $l, minTenureMonths: 12}) {
             criteria { minTenureMonths requiredCompetencies { level byDefault } } errors { code } } }""",
        {"l": org["level"]},
    )
    # No expectations on the level yet: nothing is required by default.
    assert saved.data["setPromotionCriteria"] == {"criteria": {"minTenureMonths": 12, "requiredCompetencies": []}, "errors": []}
    mine = (await tenant.gql(READINESS, {"e": org["a"], "l": org["level"]}, token=org["tokens"]["a"])).data
    (tenure,) = mine["employee"]["promotionReadiness"]["criteria"]
    assert (tenure["kind"], tenure["required"], tenure["met"]) == ("TENURE", 12.0, True)
    assert mine["employee"]["promotionReadiness"]["verdict"] == "READY"
    for who in ("b", "o"):
        other = (await tenant.gql(READINESS, {"e": org["a"], "l": org["level"]}, token=org["tokens"][who])).data
        assert other == {"employee": {"promotionReadiness": None}}


async def test_candidates_are_for_hr_only_and_cost_the_same_sql_whatever_the_department_size(tenant, org):
    await tenant.gql("""mutation($l: ID!, $c: ID!) { setPromotionCriteria(input: {jobLevelId: $l, minFinalRating: 3,
        minTenureMonths: 12, requiredCompetencies: [{competencyId: $c, level: 2}]}) { errors { code } } }""",
                     {"l": org["level"], "c": org["competency"]})
    small = await tenant.gql(CANDIDATES, {"d": org["other"], "l": org["level"]})
    small = await tenant.gql(CANDIDATES, {"d": org["other"], "l": org["level"]})  # warm: the first request binds the token
    assert [c["employee"]["name"] for c in small.data["promotionCandidates"]] == ["O"]
    await tenant.import_rows([
        {"email": f"x{i}@{tenant.slug}.test", "name": f"X{i:02}", "departmentId": org["other"], "hireDate": HIRED}
        for i in range(20)
    ])
    large = await tenant.gql(CANDIDATES, {"d": org["other"], "l": org["level"]})
    assert len(large.data["promotionCandidates"]) == 21
    assert {c["readiness"]["verdict"] for c in large.data["promotionCandidates"]} == {"NOT_YET"}  # no rating, never assessed
    assert large.sql_statements == small.sql_statements
    refused = await tenant.gql(CANDIDATES, {"d": org["team"], "l": org["level"]}, token=org["tokens"]["s"])
    assert refused.errors[0]["extensions"]["code"] == "FORBIDDEN"
