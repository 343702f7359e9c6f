"""The competency framework over HTTP: scale, competencies, career levels, assessments, profiles.

Each test gets its own tenant. Most install the starter framework and import one small
org, so assertions can name exact people, levels and gaps:

    ceo (M3) ── lead (M1) ── ic (IC2)
       │                 └── peer (IC1)
       └── hr (IC3, HR_ADMIN)

plus the tenant's founding admin (TENANT_ADMIN). `lead` manages `ic` directly, `ceo` is
`ic`'s skip-level manager, `peer` is `ic`'s peer.
"""

from __future__ import annotations

import base64
import uuid
from datetime import date, timedelta

import pytest

from domain.competencies.assessments import NewAssessment, assess_competency
from domain.competencies.framework import (
    NewCompetency,
    competency_ids_by_name,
    create_competency,
)
from domain.competencies.models import AssessmentSource
from domain.competencies.rules import LevelText
from tenants.session import tenant_session
from tests.factories import admin as admin_actor
from tests.support import clock

ERRORS = "errors { code field message }"
PEOPLE = [  # key, manager key, job level, roles
    ("ceo", None, "M3", []),
    ("lead", "ceo", "M1", []),
    ("ic", "lead", "IC2", []),
    ("peer", "lead", "IC1", []),
    ("hr", "ceo", "IC3", ["HR_ADMIN"]),
]
PROFILE = """query($id: ID!) { employee(id: $id) { competencyProfile {
  competency { name category } expectedLevel currentLevel currentSource currentAssessedOn selfLevel gap explanation
  evidence { title } } } }"""
HISTORY = """query($id: ID!, $c: ID) { employee(id: $id) { competencyAssessments(competencyId: $c) {
  level source note assessedOn levelLabel competency { name } assessedBy { name } employee { name } } } }"""
SCALE = "{ proficiencyScale { level name description } }"
COMPETENCY = """query($id: ID!) { competency(id: $id) { name description category isLeadership active position
  levels { level name description indicators } } }"""


def _uuid(global_id: str) -> uuid.UUID:
    return uuid.UUID(base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")[2])


def _utc_today() -> date:
    """The service's clock (UTC, pinned for the session), which dates assessments."""
    return clock.TODAY


async def _mutate(tenant, field: str, values: dict | None, returns: str, token: str | None = None) -> dict:
    input_type = field[0].upper() + field[1:] + "Input"
    query = f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {returns} {ERRORS} }} }}"
    return (await tenant.gql(query, {"input": values}, token=token)).data[field]


def _codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def _install(tenant) -> tuple[dict[str, str], dict[str, str]]:
    """Installs the starter framework; returns competency and job level IDs by name."""
    payload = (await tenant.gql(
        "mutation { installStarterFramework { competencies { id name } jobLevels { id name } skipped " + ERRORS + " } }"
    )).data["installStarterFramework"]
    assert payload["errors"] == [] and payload["skipped"] == []
    return {c["name"]: c["id"] for c in payload["competencies"]}, {j["name"]: j["id"] for j in payload["jobLevels"]}


async def _org(tenant) -> dict[str, str]:
    rows = [
        {"email": f"{key}@{tenant.slug}.test", "name": key.upper(), "jobLevel": level, "roles": roles,
         "managerEmail": f"{boss}@{tenant.slug}.test" if boss else None, "hireDate": "2020-01-01"}
        for key, boss, level, roles in PEOPLE
    ]
    return {person["email"].split("@")[0]: person["id"] for person in await tenant.import_rows(rows)}


def _token(tenant, key: str) -> str:
    return tenant.token_for(f"{key}@{tenant.slug}.test")


async def _assess(tenant, employee: str, competency: str, level: int, source: str, token: str | None = None,
                  note: str | None = None) -> dict:
    return await _mutate(
        tenant, "assessCompetency",
        {"employeeId": employee, "competencyId": competency, "level": level, "source": source, "note": note},
        "assessment { level source assessedOn note assessedBy { name } }", token,
    )


async def _history(tenant, employee: str, competency: str | None = None, token: str | None = None):
    result = await tenant.gql(HISTORY, {"id": employee, "c": competency}, token=token)
    return result.data["employee"]["competencyAssessments"]


async def _profile(tenant, employee: str, token: str | None = None) -> dict[str, dict] | None:
    entries = (await tenant.gql(PROFILE, {"id": employee}, token=token)).data["employee"]["competencyProfile"]
    return None if entries is None else {entry["competency"]["name"]: entry for entry in entries}


async def _scale(tenant) -> list[dict]:
    return (await tenant.gql(SCALE)).data["proficiencyScale"]


def _levels(n: int, prefix: str = "L") -> list[dict]:
    return [{"level": i, "name": f"{prefix}{i}", "description": None} for i in range(1, n + 1)]


async def _competency(tenant, competency_id: str) -> dict | None:
    return (await tenant.gql(COMPETENCY, {"id": competency_id})).data["competency"]


async def _create_competency(tenant, **fields) -> dict:
    fields.setdefault("category", "TECHNICAL")
    payload = await _mutate(tenant, "createCompetency", fields, "competency { id name category position }")
    assert payload["errors"] == [], payload
    return payload["competency"]


# --- the proficiency scale ---------------------------------------------------------------------


async def test_a_tenant_without_a_scale_reads_the_default_one(tenant):
    scale = await _scale(tenant)
    assert [(item["level"], item["name"]) for item in scale] == [
        (1, "Beginner"), (2, "Developing"), (3, "Proficient"), (4, "Advanced"), (5, "Expert"),
    ]
    assert all(item["description"] for item in scale)


async def test_an_admin_replaces_the_scale_and_competencies_show_the_new_levels(tenant):
    competency = await _create_competency(
        tenant, name="Writing", levels=[{"level": 1, "description": "Writes notes", "indicators": ["Spell-checks"]},
                                        {"level": 5, "description": "Writes books"}],
    )
    # Level names may swap places: the old names are moved aside before the new ones land.
    levels = [{"level": 1, "name": "Advanced", "description": "Knows it"}, {"level": 2, "name": "Beginner"},
              {"level": 3, "name": "Master"}]
    payload = await _mutate(tenant, "setProficiencyScale", {"levels": list(reversed(levels))}, "scale { level name description }")
    assert payload == {"scale": [
        {"level": 1, "name": "Advanced", "description": "Knows it"},
        {"level": 2, "name": "Beginner", "description": None},
        {"level": 3, "name": "Master", "description": None},
    ], "errors": []}
    assert await _scale(tenant) == payload["scale"]
    # Level 1's text stays (renamed level); level 5 left the scale and took its text along.
    assert (await _competency(tenant, competency["id"]))["levels"] == [
        {"level": 1, "name": "Advanced", "description": "Writes notes", "indicators": ["Spell-checks"]},
        {"level": 2, "name": "Beginner", "description": None, "indicators": []},
        {"level": 3, "name": "Master", "description": None, "indicators": []},
    ]


@pytest.mark.parametrize(
    ("levels", "code", "field"),
    [
        (_levels(1), "INVALID", ["input", "levels"]),
        (_levels(11), "INVALID", ["input", "levels"]),
        ([{"level": 1, "name": "One"}, {"level": 3, "name": "Three"}], "INVALID", ["input", "levels", "1", "level"]),
        ([{"level": 0, "name": "Zero"}, {"level": 1, "name": "One"}], "INVALID", ["input", "levels", "0", "level"]),
        ([{"level": 1, "name": "One"}, {"level": 1, "name": "Uno"}], "DUPLICATE", ["input", "levels", "1", "level"]),
        ([{"level": 1, "name": "Good"}, {"level": 2, "name": "GOOD"}], "DUPLICATE", ["input", "levels", "1", "name"]),
        ([{"level": 1, "name": "  "}, {"level": 2, "name": "Two"}], "REQUIRED", ["input", "levels", "0", "name"]),
        ([{"level": 1, "name": "x" * 51}, {"level": 2, "name": "Two"}], "TOO_LONG", ["input", "levels", "0", "name"]),
    ],
    ids=["one-level", "eleven-levels", "gap", "zero", "level-twice", "name-twice-any-case", "blank-name", "long-name"],
)
async def test_a_bad_scale_names_the_field_and_changes_nothing(tenant, levels, code, field):
    payload = await _mutate(tenant, "setProficiencyScale", {"levels": levels}, "scale { level }")
    assert payload["scale"] is None
    assert _codes(payload) == [(code, field)]
    assert [item["name"] for item in await _scale(tenant)] == ["Beginner", "Developing", "Proficient", "Advanced", "Expert"]


async def test_the_scale_is_fixed_once_an_assessment_is_rated_on_it(tenant):
    people = await _org_with_framework(tenant)
    assert (await _assess(tenant, people["ic"], people["Coaching"], 2, "SELF", _token(tenant, "ic")))["errors"] == []
    payload = await _mutate(tenant, "setProficiencyScale", {"levels": _levels(3)}, "scale { level }")
    assert _codes(payload) == [("INVALID_STATE", ["input", "levels"])]
    assert "assessments: 1" in payload["errors"][0]["message"]
    assert len(await _scale(tenant)) == 5


async def test_the_scale_is_fixed_once_a_job_level_expects_a_level(tenant):
    competency = await _create_competency(tenant, name="Testing")
    level = await _mutate(tenant, "createJobLevel", {"name": "E1", "rank": 1, "track": "INDIVIDUAL_CONTRIBUTOR"}, "jobLevel { id }")
    expectations = {"jobLevelId": level["jobLevel"]["id"], "expectations": [{"competencyId": competency["id"], "expectedLevel": 2}]}
    assert (await _mutate(tenant, "setJobLevelExpectations", expectations, "jobLevel { id }"))["errors"] == []
    payload = await _mutate(tenant, "setProficiencyScale", {"levels": _levels(4)}, "scale { level }")
    assert _codes(payload) == [("INVALID_STATE", ["input", "levels"])]
    assert len(await _scale(tenant)) == 5


# --- who changes the framework ------------------------------------------------------------------

FRAMEWORK = """{ proficiencyScale { level name }
  competencies(first: 100, filter: {active: null}) { nodes { id name description category active position
    levels { description indicators } } }
  jobLevels { id name rank track description expectations { competency { id } expectedLevel } } }"""


async def _framework_snapshot(tenant) -> dict:
    return (await tenant.gql(FRAMEWORK)).data


async def test_only_hr_and_tenant_admins_change_the_framework(tenant):
    people = await _org_with_framework(tenant)
    attempts = [
        ("setProficiencyScale", {"levels": _levels(3)}, "scale { level }"),
        ("createCompetency", {"name": "Juggling", "category": "CORE"}, "competency { id }"),
        ("updateCompetency", {"id": people["Coaching"], "name": "Shouting"}, "competency { id }"),
        ("archiveCompetency", {"id": people["Coaching"]}, "competency { id }"),
        ("reorderCompetencies", {"ids": [people["Ownership"], people["Coaching"]]}, "competencies { id }"),
        ("createJobLevel", {"name": "X1", "rank": 9, "track": "MANAGER"}, "jobLevel { id }"),
        ("updateJobLevel", {"id": people["level M1"], "name": "Boss"}, "jobLevel { id }"),
        ("setJobLevelExpectations", {"jobLevelId": people["level IC1"], "expectations": []}, "jobLevel { id }"),
    ]
    before = await _framework_snapshot(tenant)
    for key in ("ceo", "ic"):
        for field, values, returns in attempts:
            payload = await _mutate(tenant, field, values, returns, _token(tenant, key))
            assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"], (key, field)
        install = (await tenant.gql("mutation { installStarterFramework { skipped errors { code } } }",
                                    token=_token(tenant, key))).data["installStarterFramework"]
        assert install == {"skipped": [], "errors": [{"code": "FORBIDDEN"}]}
    assert await _framework_snapshot(tenant) == before
    # An HR admin who is not a tenant admin may.
    created = await _mutate(tenant, "createCompetency", {"name": "Juggling", "category": "CORE"}, "competency { name }",
                            _token(tenant, "hr"))
    assert created == {"competency": {"name": "Juggling"}, "errors": []}


# --- competencies -------------------------------------------------------------------------------


async def test_a_competency_is_created_with_its_level_texts_and_a_custom_category(tenant):
    payload = await _mutate(
        tenant, "createCompetency",
        {"name": "  Negotiation ", "category": " sales  & marketing ", "description": "Gets to yes",
         "levels": [{"level": 3, "description": "Closes deals", "indicators": [" Prepares a walk-away point ", "Listens"]},
                    {"level": 1, "description": "Joins calls"}]},
        "competency { id }",
    )
    assert payload["errors"] == []
    assert await _competency(tenant, payload["competency"]["id"]) == {
        "name": "Negotiation", "description": "Gets to yes", "category": "SALES & MARKETING", "isLeadership": False,
        "active": True, "position": 0,
        "levels": [
            {"level": 1, "name": "Beginner", "description": "Joins calls", "indicators": []},
            {"level": 2, "name": "Developing", "description": None, "indicators": []},
            {"level": 3, "name": "Proficient", "description": "Closes deals", "indicators": ["Prepares a walk-away point", "Listens"]},
            {"level": 4, "name": "Advanced", "description": None, "indicators": []},
            {"level": 5, "name": "Expert", "description": None, "indicators": []},
        ],
    }
    second = await _create_competency(tenant, name="Pricing", category="leadership")
    assert second["position"] == 1 and second["category"] == "LEADERSHIP"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"name": " "}, "REQUIRED", ["input", "name"]),
        ({"name": "x" * 101}, "TOO_LONG", ["input", "name"]),
        ({"name": "Existing".upper()}, "DUPLICATE", ["input", "name"]),
        ({"category": ""}, "REQUIRED", ["input", "category"]),
        ({"category": "C" * 51}, "TOO_LONG", ["input", "category"]),
        ({"category": "CORE; DROP"}, "INVALID", ["input", "category"]),
        ({"levels": [{"level": 6, "description": "Beyond"}]}, "INVALID", ["input", "levels", "0", "level"]),
        ({"levels": [{"level": 2, "description": "a"}, {"level": 2, "description": "b"}]}, "DUPLICATE",
         ["input", "levels", "1", "level"]),
        ({"levels": [{"level": 2, "description": " "}]}, "REQUIRED", ["input", "levels", "0", "description"]),
        ({"levels": [{"level": 2, "description": "d", "indicators": ["ok", ""]}]}, "REQUIRED",
         ["input", "levels", "0", "indicators", "1"]),
        ({"levels": [{"level": 2, "description": "d", "indicators": ["i"] * 11}]}, "INVALID",
         ["input", "levels", "0", "indicators"]),
        ({"levels": [{"level": 2, "description": "d", "indicators": ["i" * 301]}]}, "TOO_LONG",
         ["input", "levels", "0", "indicators", "0"]),
    ],
    ids=["blank-name", "long-name", "duplicate-name-any-case", "blank-category", "long-category", "bad-category",
         "level-off-scale", "level-twice", "blank-level-text", "blank-indicator", "eleven-indicators", "long-indicator"],
)
async def test_a_bad_competency_names_the_field_and_writes_nothing(tenant, fields, code, field):
    await _create_competency(tenant, name="Existing")
    payload = await _mutate(tenant, "createCompetency", {"name": "New", "category": "CORE", **fields}, "competency { id }")
    assert payload["competency"] is None
    assert _codes(payload) == [(code, field)]
    names = (await tenant.gql("{ competencies(filter: {active: null}) { nodes { name } } }")).data["competencies"]["nodes"]
    assert names == [{"name": "Existing"}]


async def test_updating_a_competency_replaces_its_level_texts_only_when_given(tenant):
    competency = await _create_competency(
        tenant, name="Testing", levels=[{"level": 1, "description": "Runs tests"}, {"level": 2, "description": "Writes tests"}]
    )
    renamed = await _mutate(tenant, "updateCompetency", {"id": competency["id"], "name": "Quality", "category": "core"},
                            "competency { name category levels { description } }")
    assert renamed["errors"] == []
    assert [lvl["description"] for lvl in renamed["competency"]["levels"]] == ["Runs tests", "Writes tests", None, None, None]
    replaced = await _mutate(
        tenant, "updateCompetency",
        {"id": competency["id"], "levels": [{"level": 4, "description": "Designs test strategy", "indicators": ["Sets the bar"]}]},
        "competency { name category levels { level description indicators } }",
    )
    assert replaced["competency"]["name"] == "Quality" and replaced["competency"]["category"] == "CORE"
    assert [(lvl["level"], lvl["description"], lvl["indicators"]) for lvl in replaced["competency"]["levels"]] == [
        (1, None, []), (2, None, []), (3, None, []), (4, "Designs test strategy", ["Sets the bar"]), (5, None, []),
    ]
    clash = await _create_competency(tenant, name="Speed")
    refused = await _mutate(tenant, "updateCompetency", {"id": clash["id"], "name": "QUALITY"}, "competency { id }")
    assert _codes(refused) == [("DUPLICATE", ["input", "name"])]
    assert (await _competency(tenant, clash["id"]))["name"] == "Speed"


async def test_archiving_keeps_the_history_and_blocks_new_ratings_until_restored(tenant):
    people = await _org_with_framework(tenant)
    coaching = people["Coaching"]
    assert (await _assess(tenant, people["lead"], coaching, 2, "MANAGER", _token(tenant, "ceo")))["errors"] == []
    archived = await _mutate(tenant, "archiveCompetency", {"id": coaching}, "competency { active }")
    assert archived == {"competency": {"active": False}, "errors": []}
    again = await _mutate(tenant, "archiveCompetency", {"id": coaching}, "competency { active }")
    assert _codes(again) == [("INVALID_STATE", ["input", "id"])]

    # The history and the competency itself stay readable; the profile leaves it out.
    assert [(a["level"], a["source"]) for a in await _history(tenant, people["lead"], coaching)] == [(2, "MANAGER")]
    assert (await _competency(tenant, coaching))["active"] is False
    assert "Coaching" not in await _profile(tenant, people["lead"])
    active = (await tenant.gql("{ competencies(first: 100) { nodes { name } } }")).data["competencies"]["nodes"]
    assert {"name": "Coaching"} not in active and len(active) == 12
    archived_list = (await tenant.gql("{ competencies(filter: {active: false}) { nodes { name } } }")).data
    assert archived_list["competencies"]["nodes"] == [{"name": "Coaching"}]

    refused = await _assess(tenant, people["lead"], coaching, 3, "MANAGER", _token(tenant, "ceo"))
    assert _codes(refused) == [("INVALID_STATE", ["input", "competencyId"])]
    expect = {"jobLevelId": people["level M1"], "expectations": [{"competencyId": coaching, "expectedLevel": 3}]}
    refused = await _mutate(tenant, "setJobLevelExpectations", expect, "jobLevel { id }")
    assert _codes(refused) == [("INVALID_STATE", ["input", "expectations", "0", "competencyId"])]
    assert len(await _history(tenant, people["lead"], coaching)) == 1

    restored = await _mutate(tenant, "restoreCompetency", {"id": coaching}, "competency { active }")
    assert restored == {"competency": {"active": True}, "errors": []}
    entry = (await _profile(tenant, people["lead"]))["Coaching"]
    assert (entry["expectedLevel"], entry["currentLevel"], entry["gap"]) == (3, 2, 1)


async def test_reordering_moves_the_listed_competencies_into_the_slots_they_held(tenant):
    names = ["A", "B", "C", "D", "E"]
    ids = {name: (await _create_competency(tenant, name=name))["id"] for name in names}
    # D and B swap; A, C and E keep their places.
    payload = await _mutate(tenant, "reorderCompetencies", {"ids": [ids["D"], ids["B"]]}, "competencies { name position }")
    assert payload["errors"] == []
    assert [(c["name"], c["position"]) for c in payload["competencies"]] == [("A", 0), ("D", 1), ("C", 2), ("B", 3), ("E", 4)]
    listed = (await tenant.gql("{ competencies { nodes { name } } }")).data["competencies"]["nodes"]
    assert [c["name"] for c in listed] == ["A", "D", "C", "B", "E"]

    for values, expected in [
        ({"ids": []}, ("REQUIRED", ["input", "ids"])),
        ({"ids": [ids["A"], ids["C"], ids["A"]]}, ("DUPLICATE", ["input", "ids", "2"])),
        ({"ids": [ids["A"], "bogus"]}, ("NOT_FOUND", ["input", "ids", "1"])),
    ]:
        refused = await _mutate(tenant, "reorderCompetencies", values, "competencies { name }")
        assert (_codes(refused), refused["competencies"]) == ([expected], [])
    listed = (await tenant.gql("{ competencies { nodes { name } } }")).data["competencies"]["nodes"]
    assert [c["name"] for c in listed] == ["A", "D", "C", "B", "E"]


async def test_the_competency_list_filters_and_pages_in_position_order(tenant):
    await _install(tenant)
    query = """query($f: CompetencyFilterInput, $after: String) { competencies(first: 5, after: $after, filter: $f) {
      totalCount pageInfo { hasNextPage endCursor } nodes { name category } } }"""
    first = (await tenant.gql(query, {"f": {"category": "leadership"}})).data["competencies"]
    assert first["totalCount"] == 8 and first["pageInfo"]["hasNextPage"] is True
    rest = (await tenant.gql(query, {"f": {"category": "LEADERSHIP"}, "after": first["pageInfo"]["endCursor"]})).data
    names = [c["name"] for c in first["nodes"] + rest["competencies"]["nodes"]]
    assert names == ["Communication", "Coaching", "Delegation", "Strategic Thinking", "Decision Making",
                     "Accountability", "Developing Others", "Change Leadership"]
    assert rest["competencies"]["pageInfo"]["hasNextPage"] is False
    found = (await tenant.gql(query, {"f": {"search": "CUSTOMER"}})).data["competencies"]
    assert [c["name"] for c in found["nodes"]] == ["Customer Focus"]
    categories = (await tenant.gql("{ competencyCategories }")).data["competencyCategories"]
    assert categories == ["CORE", "LEADERSHIP"]
    bad = await tenant.gql(query, {"f": {"search": "a\u0000b"}})
    assert [e["extensions"] for e in bad.errors] == [{"code": "INVALID", "field": ["filter", "search"]}]


# --- career levels ------------------------------------------------------------------------------


async def test_job_levels_are_created_ranked_and_listed_by_track(tenant):
    ic = await _mutate(tenant, "createJobLevel", {"name": "Engineer", "rank": 2, "track": "INDIVIDUAL_CONTRIBUTOR"},
                       "jobLevel { id name rank track description employeeCount expectations { expectedLevel } }")
    assert ic["errors"] == [] and ic["jobLevel"]["employeeCount"] == 0 and ic["jobLevel"]["expectations"] == []
    await _mutate(tenant, "createJobLevel", {"name": "Lead", "rank": 1, "track": "MANAGER"}, "jobLevel { id }")
    await _mutate(tenant, "createJobLevel", {"name": "Junior", "rank": 1, "track": "INDIVIDUAL_CONTRIBUTOR"}, "jobLevel { id }")
    for values, expected in [
        ({"name": "engineer", "rank": 3, "track": "MANAGER"}, ("DUPLICATE", ["input", "name"])),
        ({"name": "Senior", "rank": 2, "track": "INDIVIDUAL_CONTRIBUTOR"}, ("DUPLICATE", ["input", "rank"])),
        ({"name": "Senior", "rank": 0, "track": "INDIVIDUAL_CONTRIBUTOR"}, ("INVALID", ["input", "rank"])),
        ({"name": " ", "rank": 5, "track": "INDIVIDUAL_CONTRIBUTOR"}, ("REQUIRED", ["input", "name"])),
    ]:
        assert _codes(await _mutate(tenant, "createJobLevel", values, "jobLevel { id }")) == [expected]
    everything = (await tenant.gql("{ jobLevels { name track rank } }")).data["jobLevels"]
    assert [(j["name"], j["rank"]) for j in everything] == [("Junior", 1), ("Engineer", 2), ("Lead", 1)]
    managers = (await tenant.gql("{ jobLevels(track: MANAGER) { name } }")).data["jobLevels"]
    assert managers == [{"name": "Lead"}]

    await tenant.create_employee(jobLevelId=ic["jobLevel"]["id"])
    updated = await _mutate(tenant, "updateJobLevel", {"id": ic["jobLevel"]["id"], "name": "Engineer II", "rank": 3,
                                                       "description": "Ships"},
                            "jobLevel { name rank description employeeCount }")
    assert updated == {"jobLevel": {"name": "Engineer II", "rank": 3, "description": "Ships", "employeeCount": 1}, "errors": []}
    refused = await _mutate(tenant, "updateJobLevel", {"id": ic["jobLevel"]["id"], "rank": None}, "jobLevel { id }")
    assert _codes(refused) == [("REQUIRED", ["input", "rank"])]


async def test_expectations_are_replaced_and_checked_row_by_row(tenant):
    people = await _org_with_framework(tenant)
    ic1 = people["level IC1"]
    payload = await _mutate(
        tenant, "setJobLevelExpectations",
        {"jobLevelId": ic1, "expectations": [{"competencyId": people["Ownership"], "expectedLevel": 3},
                                             {"competencyId": people["Communication"], "expectedLevel": 1}]},
        "jobLevel { expectations { competency { name } expectedLevel } }",
    )
    # In the framework's order, whatever the input order; the old set is gone.
    assert payload["jobLevel"]["expectations"] == [
        {"competency": {"name": "Communication"}, "expectedLevel": 1}, {"competency": {"name": "Ownership"}, "expectedLevel": 3},
    ]
    ownership = people["Ownership"]
    for values, expected in [
        ([{"competencyId": ownership, "expectedLevel": 6}], ("INVALID", ["input", "expectations", "0", "expectedLevel"])),
        ([{"competencyId": ownership, "expectedLevel": 2}, {"competencyId": ownership, "expectedLevel": 3}],
         ("DUPLICATE", ["input", "expectations", "1", "competencyId"])),
        ([{"competencyId": ownership, "expectedLevel": 2}, {"competencyId": "nope", "expectedLevel": 3}],
         ("NOT_FOUND", ["input", "expectations", "1", "competencyId"])),
    ]:
        refused = await _mutate(tenant, "setJobLevelExpectations", {"jobLevelId": ic1, "expectations": values}, "jobLevel { id }")
        assert _codes(refused) == [expected]
    after = (await tenant.gql("query($id: ID!) { jobLevel(id: $id) { expectations { expectedLevel } } }", {"id": ic1})).data
    assert after["jobLevel"]["expectations"] == [{"expectedLevel": 1}, {"expectedLevel": 3}]


async def test_a_manager_level_must_expect_a_leadership_competency(tenant):
    people = await _org_with_framework(tenant)
    core_only = [{"competencyId": people["Ownership"], "expectedLevel": 3}]
    refused = await _mutate(tenant, "setJobLevelExpectations", {"jobLevelId": people["level M1"], "expectations": core_only},
                            "jobLevel { id }")
    assert _codes(refused) == [("INVALID", ["input", "expectations"])]
    cleared = await _mutate(tenant, "setJobLevelExpectations", {"jobLevelId": people["level M1"], "expectations": []},
                            "jobLevel { id }")
    assert _codes(cleared) == [("INVALID", ["input", "expectations"])]
    m1 = (await tenant.gql("query($id: ID!) { jobLevel(id: $id) { expectations { competency { isLeadership } } } }",
                           {"id": people["level M1"]})).data["jobLevel"]
    assert sum(e["competency"]["isLeadership"] for e in m1["expectations"]) == 8
    # An IC level with core-only expectations cannot move to the manager track.
    assert (await _mutate(tenant, "setJobLevelExpectations", {"jobLevelId": people["level IC1"], "expectations": core_only},
                          "jobLevel { id }"))["errors"] == []
    moved = await _mutate(tenant, "updateJobLevel", {"id": people["level IC1"], "track": "MANAGER", "rank": 9}, "jobLevel { track }")
    assert _codes(moved) == [("INVALID", ["input", "track"])]


# --- the starter framework ----------------------------------------------------------------------


async def test_the_starter_framework_installs_leadership_and_core_competencies_with_indicators(tenant):
    competencies, levels = await _install(tenant)
    listed = (await tenant.gql("{ competencies(first: 100) { nodes { name category levels { description indicators } } } }")).data
    nodes = listed["competencies"]["nodes"]
    assert [c["category"] for c in nodes] == ["LEADERSHIP"] * 8 + ["CORE"] * 5
    assert {"Communication", "Coaching", "Delegation", "Strategic Thinking", "Decision Making", "Accountability"} <= set(competencies)
    for competency in nodes:
        assert len(competency["levels"]) == 5
        assert all(level["description"] and 2 <= len(level["indicators"]) <= 3 for level in competency["levels"]), competency["name"]
    tracks = (await tenant.gql("{ jobLevels { name track rank expectations { competency { name isLeadership } expectedLevel } } }")).data
    by_name = {j["name"]: j for j in tracks["jobLevels"]}
    assert list(by_name) == ["IC1", "IC2", "IC3", "IC4", "M1", "M2", "M3"] and set(levels) == set(by_name)

    def leadership(name: str) -> dict[str, int]:
        return {e["competency"]["name"]: e["expectedLevel"] for e in by_name[name]["expectations"] if e["competency"]["isLeadership"]}

    # Manager levels expect every leadership competency, never less as rank rises, more in total.
    m1, m2, m3 = leadership("M1"), leadership("M2"), leadership("M3")
    assert len(m1) == len(m2) == len(m3) == 8
    assert all(m1[name] <= m2[name] <= m3[name] for name in m1)
    assert sum(m1.values()) < sum(m2.values()) < sum(m3.values())


async def test_installing_twice_skips_everything_that_exists_and_keeps_edits(tenant):
    competencies, _ = await _install(tenant)
    edited = await _mutate(tenant, "updateCompetency", {"id": competencies["Coaching"], "description": "Our own words"},
                           "competency { id }")
    assert edited["errors"] == []
    again = (await tenant.gql("mutation { installStarterFramework(input: {jobLevels: true}) { competencies { id } jobLevels { id } skipped errors { code } } }")).data
    payload = again["installStarterFramework"]
    assert payload["competencies"] == [] and payload["jobLevels"] == [] and payload["errors"] == []
    assert len(payload["skipped"]) == 13 + 7
    assert "competency Coaching: already exists" in payload["skipped"]
    assert (await _competency(tenant, competencies["Coaching"]))["description"] == "Our own words"
    total = (await tenant.gql("{ competencies(filter: {active: null}) { totalCount } jobLevels { id } }")).data
    assert total["competencies"]["totalCount"] == 13 and len(total["jobLevels"]) == 7


# --- assessments: who may record what ---------------------------------------------------------


async def _org_with_framework(tenant) -> dict[str, str]:
    """People by key, competencies by name and job levels as "level <name>", all global IDs."""
    competencies, levels = await _install(tenant)
    return {**await _org(tenant), **competencies, **{f"level {name}": i for name, i in levels.items()}}


@pytest.mark.parametrize(
    ("assessor", "subject", "source", "allowed"),
    [
        ("ic", "ic", "SELF", None),
        ("ic", "ic", "MANAGER", ("FORBIDDEN", ["input", "source"])),
        ("lead", "ic", "MANAGER", None),
        ("lead", "ic", "SELF", ("FORBIDDEN", ["input", "source"])),
        ("lead", "ic", "REVIEW", ("FORBIDDEN", ["input", "source"])),
        ("ceo", "ic", "MANAGER", None),  # skip-level
        ("peer", "ic", "MANAGER", ("FORBIDDEN", ["input", "employeeId"])),
        ("peer", "ic", "SELF", ("FORBIDDEN", ["input", "employeeId"])),
        ("ic", "lead", "MANAGER", ("FORBIDDEN", ["input", "employeeId"])),  # a report rates up
        ("hr", "ic", "REVIEW", None),
        ("hr", "ic", "SELF", None),  # e.g. transcribing a paper self-assessment
        ("hr", "hr", "MANAGER", ("FORBIDDEN", ["input", "source"])),  # nobody rates themselves as a manager
        ("admin", "lead", "EVIDENCE", None),
    ],
)
async def test_who_may_record_which_assessment(tenant, assessor, subject, source, allowed):
    people = await _org_with_framework(tenant)
    token = tenant.admin_token if assessor == "admin" else _token(tenant, assessor)
    payload = await _assess(tenant, people[subject], people["Communication"], 3, source, token)
    history = await _history(tenant, people[subject])
    if allowed is None:
        assert payload["errors"] == []
        assert payload["assessment"]["level"] == 3 and payload["assessment"]["source"] == source
        assert [(a["level"], a["source"]) for a in history] == [(3, source)]
    else:
        assert (_codes(payload), payload["assessment"]) == ([allowed], None)
        assert history == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"level": 0}, ("INVALID", ["input", "level"])),
        ({"level": 6}, ("INVALID", ["input", "level"])),
        ({"note": "n" * 2001}, ("TOO_LONG", ["input", "note"])),
        ({"competencyId": "bogus"}, ("NOT_FOUND", ["input", "competencyId"])),
        ({"employeeId": "bogus"}, ("NOT_FOUND", ["input", "employeeId"])),
    ],
    ids=["level-0", "level-6", "long-note", "unknown-competency", "unknown-employee"],
)
async def test_a_bad_assessment_names_the_field_and_records_nothing(tenant, values, expected):
    people = await _org_with_framework(tenant)
    base = {"employeeId": people["ic"], "competencyId": people["Coaching"], "level": 3, "source": "MANAGER"}
    payload = await _mutate(tenant, "assessCompetency", {**base, **values}, "assessment { level }")
    assert (_codes(payload), payload["assessment"]) == ([expected], None)
    assert await _history(tenant, people["ic"]) == []


async def test_a_terminated_employee_is_not_assessed_any_more(tenant):
    people = await _org_with_framework(tenant)
    left = await _mutate(tenant, "terminateEmployee", {"employeeId": people["peer"]}, "employee { status }")
    assert left["errors"] == []
    refused = await _assess(tenant, people["peer"], people["Coaching"], 2, "REVIEW")
    assert _codes(refused) == [("INVALID_STATE", ["input", "employeeId"])]


async def test_assessments_are_a_dated_history_that_is_never_rewritten(tenant):
    people = await _org_with_framework(tenant)
    ic, communication = people["ic"], people["Communication"]
    await _assess(tenant, ic, communication, 4, "SELF", _token(tenant, "ic"), note="I present weekly")
    await _assess(tenant, ic, communication, 2, "MANAGER", _token(tenant, "lead"))
    await _assess(tenant, ic, communication, 3, "MANAGER", _token(tenant, "lead"), note="Better after the workshop")
    await _assess(tenant, ic, people["Ownership"], 3, "REVIEW", _token(tenant, "hr"))
    history = await _history(tenant, ic, communication)
    today = _utc_today().isoformat()
    assert [(a["level"], a["source"], a["note"], a["assessedBy"]["name"], a["levelLabel"]) for a in history] == [
        (3, "MANAGER", "Better after the workshop", "LEAD", "Proficient (3)"),
        (2, "MANAGER", None, "LEAD", "Developing (2)"),
        (4, "SELF", "I present weekly", "IC", "Advanced (4)"),
    ]
    assert {a["assessedOn"] for a in history} <= {today, (_utc_today() - timedelta(days=1)).isoformat()}
    assert all(a["competency"]["name"] == "Communication" and a["employee"]["name"] == "IC" for a in history)
    assert len(await _history(tenant, ic)) == 4
    # Another tenant's or a malformed competency ID filters the history to nothing.
    assert await _history(tenant, ic, "bogus") == []


# --- the profile --------------------------------------------------------------------------------


async def test_the_profile_compares_the_current_level_with_the_job_levels_expectation(tenant):
    people = await _org_with_framework(tenant)
    ic = people["ic"]
    await _assess(tenant, ic, people["Communication"], 4, "SELF", _token(tenant, "ic"))
    await _assess(tenant, ic, people["Communication"], 2, "MANAGER", _token(tenant, "lead"))
    await _assess(tenant, ic, people["Problem Solving"], 3, "SELF", _token(tenant, "ic"))
    await _assess(tenant, ic, people["Ownership"], 5, "REVIEW", _token(tenant, "hr"))
    await _assess(tenant, ic, people["Coaching"], 2, "MANAGER", _token(tenant, "ceo"))
    profile = await _profile(tenant, ic)
    today = _utc_today().isoformat()

    # IC2 expects Communication 3: the manager's 2 counts over the self-assessed 4.
    communication = profile["Communication"]
    assert {k: communication[k] for k in ("expectedLevel", "currentLevel", "currentSource", "selfLevel", "gap")} == {
        "expectedLevel": 3, "currentLevel": 2, "currentSource": "MANAGER", "selfLevel": 4, "gap": 1,
    }
    assert communication["explanation"] == (
        f"Expected at IC2: Proficient (3). Current: Developing (2), from a MANAGER assessment on {today}, "
        f"1 level below the expectation. Self-assessed Advanced (4) on {today}."
    )
    # Only a self-assessment: it counts, and says so.
    solving = profile["Problem Solving"]
    assert (solving["expectedLevel"], solving["currentLevel"], solving["currentSource"], solving["gap"]) == (3, 3, "SELF", 0)
    assert "(no manager, review or evidence assessment yet)" in solving["explanation"]
    # Above the expectation: a negative gap.
    assert (profile["Ownership"]["expectedLevel"], profile["Ownership"]["currentLevel"], profile["Ownership"]["gap"]) == (3, 5, -2)
    # Expected but never assessed: no current level, no gap.
    collaboration = profile["Collaboration"]
    assert (collaboration["currentLevel"], collaboration["gap"], collaboration["currentAssessedOn"]) == (None, None, None)
    assert collaboration["explanation"] == "Expected at IC2: Proficient (3). Not assessed yet, so there is no gap."
    # Assessed but not expected at IC2: listed after the expectations, without a gap.
    coaching = profile["Coaching"]
    assert (coaching["expectedLevel"], coaching["currentLevel"], coaching["gap"]) == (None, 2, None)
    assert list(profile) == ["Communication", "Decision Making", "Collaboration", "Customer Focus", "Problem Solving",
                             "Adaptability", "Ownership", "Coaching"]


async def test_the_profile_follows_the_job_level(tenant):
    people = await _org_with_framework(tenant)
    await _assess(tenant, people["ic"], people["Coaching"], 2, "MANAGER", _token(tenant, "lead"))
    promoted = await _mutate(tenant, "updateEmployee", {"id": people["ic"], "jobLevelId": people["level M1"]}, "employee { id }")
    assert promoted["errors"] == []
    coaching = (await _profile(tenant, people["ic"]))["Coaching"]
    assert (coaching["expectedLevel"], coaching["currentLevel"], coaching["gap"]) == (3, 2, 1)
    unlevelled = await _mutate(tenant, "updateEmployee", {"id": people["ic"], "jobLevelId": None}, "employee { id }")
    assert unlevelled["errors"] == []
    profile = await _profile(tenant, people["ic"])
    assert list(profile) == ["Coaching"]
    assert profile["Coaching"]["explanation"].startswith("No job level is set, so nothing is expected.")


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [("ic", True), ("lead", True), ("ceo", True), ("hr", True), ("admin", True), ("peer", False)],
)
async def test_a_profile_is_visible_to_the_person_their_managers_and_hr_only(tenant, viewer, sees):
    people = await _org_with_framework(tenant)
    await _assess(tenant, people["ic"], people["Communication"], 2, "MANAGER", _token(tenant, "lead"))
    token = tenant.admin_token if viewer == "admin" else _token(tenant, viewer)
    result = await tenant.gql(
        "query($id: ID!) { employee(id: $id) { name competencyProfile { currentLevel } competencyAssessments { level } } }",
        {"id": people["ic"]}, token=token,
    )
    employee = result.data["employee"]
    assert employee["name"] == "IC"  # the directory stays public
    if sees:
        assert len(employee["competencyProfile"]) == 7 and employee["competencyAssessments"] == [{"level": 2}]
    else:
        assert employee["competencyProfile"] is None and employee["competencyAssessments"] is None


async def test_a_report_does_not_see_their_managers_profile(tenant):
    people = await _org_with_framework(tenant)
    result = await tenant.gql("query($id: ID!) { employee(id: $id) { competencyProfile { gap } } }", {"id": people["lead"]},
                              token=_token(tenant, "ic"))
    assert result.data["employee"]["competencyProfile"] is None


# --- statement budget ----------------------------------------------------------------------------

DIRECTORY_PROFILES = """query($first: Int!) { employees(first: $first) { nodes { name jobLevel { name }
  competencyProfile { expectedLevel currentLevel gap competency { name } } } } }"""
FRAMEWORK_PAGE = """query($first: Int!) { competencies(first: $first) { nodes { name
  levels { level name description indicators } } } }"""
JOB_LEVELS = "{ jobLevels { name employeeCount expectations { expectedLevel competency { name } } } }"


async def _signed_in(tenant, token: str | None = None) -> None:
    """The first request of a token binds its identity (extra statements); measure after it."""
    assert (await tenant.gql("{ viewer { roles } }", token=token)).data["viewer"]["roles"]


async def _bulk(engines, tenant, build) -> None:
    """Scene setup through the domain services, in one transaction (HTTP would take 100 calls)."""
    _, app = engines
    async with tenant_session(app, _uuid(tenant.id)) as session:
        await build(session)


async def test_a_page_of_profiles_runs_the_same_statements_for_10_or_100_employees(engines, tenant):
    await _install(tenant)
    boss_email = f"boss@{tenant.slug}.test"
    rows = [{"email": boss_email, "name": "BOSS", "jobLevel": "M2"}]
    rows += [{"email": f"e{i:03}@{tenant.slug}.test", "name": f"E{i:03}", "jobLevel": ("IC1", "IC2", "M1")[i % 3],
              "managerEmail": boss_email} for i in range(110)]
    people = await tenant.import_rows(rows)

    async def assess_everyone(session):
        actor = admin_actor(session, _uuid(tenant.admin_id))
        competency_ids = await competency_ids_by_name(session)
        for number, person in enumerate(people[1:]):
            data = NewAssessment(_uuid(person["id"]), competency_ids[("Coaching", "Ownership")[number % 2]],
                                 1 + number % 5, AssessmentSource.REVIEW)
            await assess_competency(session, actor, data, today=date(2026, 1, 1))

    await _bulk(engines, tenant, assess_everyone)
    boss = tenant.token_for(boss_email)
    await _signed_in(tenant, boss)
    small = await tenant.gql(DIRECTORY_PROFILES, {"first": 10})
    large = await tenant.gql(DIRECTORY_PROFILES, {"first": 100})
    nodes = large.data["employees"]["nodes"]
    assert len(nodes) == 100 and all(node["competencyProfile"] for node in nodes)
    assert large.sql_statements == small.sql_statements
    # The boss sees their reports' profiles through the batched chain check: one more statement.
    as_boss = await tenant.gql(DIRECTORY_PROFILES, {"first": 100}, token=boss)
    as_boss_small = await tenant.gql(DIRECTORY_PROFILES, {"first": 10}, token=boss)
    # The boss and 99 reports (the founding admin sorts after the page).
    assert all(node["competencyProfile"] is not None for node in as_boss.data["employees"]["nodes"])
    assert as_boss.sql_statements == as_boss_small.sql_statements
    # Every job level with its expectations, their competencies and head counts: batched too.
    levels = await tenant.gql(JOB_LEVELS)
    counts = {level["name"]: level["employeeCount"] for level in levels.data["jobLevels"]}
    assert counts == {"IC1": 37, "IC2": 37, "IC3": 0, "IC4": 0, "M1": 36, "M2": 1, "M3": 0}
    print(f"profiles page: {small.sql_statements} statements for 10, {large.sql_statements} for 100; "
          f"as a manager {as_boss_small.sql_statements}/{as_boss.sql_statements}; job levels {levels.sql_statements}")
    assert large.sql_statements <= 12 and levels.sql_statements <= 7


async def test_a_page_of_competencies_with_levels_runs_the_same_statements_for_10_or_100(engines, tenant):
    async def many(session):
        actor = admin_actor(session, _uuid(tenant.admin_id))
        for i in range(110):
            texts = [LevelText(level, f"Level {level} of skill {i}", (f"Does {i}.{level}",)) for level in (1, 3)]
            await create_competency(session, actor, NewCompetency(f"Skill {i:03}", "TECHNICAL", None, texts))

    await _bulk(engines, tenant, many)
    await _signed_in(tenant)
    small = await tenant.gql(FRAMEWORK_PAGE, {"first": 10})
    large = await tenant.gql(FRAMEWORK_PAGE, {"first": 100})
    nodes = large.data["competencies"]["nodes"]
    assert len(nodes) == 100 and nodes[99]["levels"][2] == {
        "level": 3, "name": "Proficient", "description": "Level 3 of skill 99", "indicators": ["Does 99.3"],
    }
    assert large.sql_statements == small.sql_statements
    print(f"competencies page: {small.sql_statements} statements for 10, {large.sql_statements} for 100")
    assert large.sql_statements <= 8

