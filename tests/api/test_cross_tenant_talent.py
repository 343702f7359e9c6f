"""Another tenant's IDs are as good as missing for promotion readiness and criteria.

Tenant A (the victim) holds a department with an employee, a LEADERSHIP competency and a
MANAGER-track job level with promotion criteria; tenant B's admin (the attacker) calls
each ID-taking readiness operation with A's IDs. The answer is exactly the one for an ID
that exists nowhere, malformed and wrong-type IDs answer the same, and A's criteria are
unchanged afterwards.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import pytest

from tests.api.test_cross_tenant import Op, gid, missing, raw_uuid
from tests.support.api import Api, TenantHandle


@dataclass(frozen=True)
class Victim:
    handle: TenantHandle
    department: str
    employee: str
    competency: str
    job_level: str


@dataclass(frozen=True)
class Attacker:
    handle: TenantHandle
    department: str
    employee: str
    competency: str
    job_level: str


SET_CRITERIA = """mutation($input: SetPromotionCriteriaInput!) { setPromotionCriteria(input: $input) {
  criteria { jobLevelId minFinalRating requiredCompetencies { competencyId level byDefault } } errors { code field message } } }"""
CRITERIA_OF = """query($e: ID!, $l: ID!) { employee(id: $e) { promotionReadiness(targetLevelId: $l) {
  verdict criteria { kind required competencyId } } } }"""


async def _framework(handle: TenantHandle) -> tuple[str, str]:
    made = await handle.gql(
        """mutation { createCompetency(input: {name: "Coaching", category: "LEADERSHIP"}) { competency { id } }
             createJobLevel(input: {name: "Team lead", rank: 1, track: MANAGER}) { jobLevel { id } } }"""
    )
    return made.data["createCompetency"]["competency"]["id"], made.data["createJobLevel"]["jobLevel"]["id"]


async def _tenant(api: Api, prefix: str):
    handle = await api.new_tenant(prefix)
    department = await handle.create_department("Platform")
    (employee,) = await handle.import_rows([
        {"email": f"pat@{handle.slug}.test", "name": "Pat", "departmentId": department["id"], "hireDate": "2020-01-01"},
    ])
    competency, level = await _framework(handle)
    saved = await handle.gql(SET_CRITERIA, {"input": {"jobLevelId": level, "minFinalRating": 3,
                                                      "requiredCompetencies": [{"competencyId": competency, "level": 2}]}})
    assert saved.data["setPromotionCriteria"]["errors"] == []
    return handle, department["id"], employee["id"], competency, level


@pytest.fixture(scope="module")
async def victim(api: Api) -> Victim:
    return Victim(*await _tenant(api, "victim"))


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Attacker:
    return Attacker(*await _tenant(api, "attacker"))


async def snapshot(handle: TenantHandle, employee: str, level: str) -> dict:
    return (await handle.gql(CRITERIA_OF, {"e": employee, "l": level})).data


@pytest.fixture(scope="module")
async def victim_before(victim: Victim) -> dict:
    before = await snapshot(victim.handle, victim.employee, victim.job_level)
    # The snapshot sees the criteria it guards: a rating and the one competency.
    kinds = [c["kind"] for c in before["employee"]["promotionReadiness"]["criteria"]]
    assert kinds == ["FINAL_RATING", "COMPETENCY"]
    return before


def _set(field: list[str], what: str):
    return lambda b: {"setPromotionCriteria": {"criteria": None, "errors": [
        {"code": "NOT_FOUND", "field": field, "message": f"{what} not found"}]}}


READINESS = "query($l: ID!, $e: ID!) { employee(id: $e) { promotionReadiness(targetLevelId: $l) { verdict } } }"
CANDIDATES = """query($d: ID!, $l: ID!) { promotionCandidates(departmentId: $d, targetLevelId: $l) {
  employee { id } readiness { verdict } } }"""

# The coverage test in test_cross_tenant.py walks root fields only; an argument on an object
# field (Employee.promotionReadiness) is attacked here all the same, outside OPS.
FIELD_OPS = [
    Op("promotionReadiness-targetLevelId", "Employee.promotionReadiness(targetLevelId)", "JobLevel", "job_level", READINESS,
       lambda t, b: {"l": t, "e": b.employee}, lambda b: {"employee": {"promotionReadiness": None}}),
]

OPS = [
    Op("promotionCandidates-departmentId", "Query.promotionCandidates(departmentId)", "Department", "department",
       CANDIDATES, lambda t, b: {"d": t, "l": b.job_level}, lambda b: {"promotionCandidates": None}),
    Op("promotionCandidates-targetLevelId", "Query.promotionCandidates(targetLevelId)", "JobLevel", "job_level",
       CANDIDATES, lambda t, b: {"d": b.department, "l": t}, lambda b: {"promotionCandidates": None}),
    Op("setPromotionCriteria-jobLevelId", "Mutation.setPromotionCriteria(input.jobLevelId)", "JobLevel", "job_level",
       SET_CRITERIA, lambda t, b: {"input": {"jobLevelId": t, "minFinalRating": 1}},
       _set(["input", "jobLevelId"], "JobLevel")),
    Op("setPromotionCriteria-competencyId", "Mutation.setPromotionCriteria(input.requiredCompetencies.competencyId)",
       "Competency", "competency", SET_CRITERIA,
       lambda t, b: {"input": {"jobLevelId": b.job_level, "requiredCompetencies": [
           {"competencyId": b.competency, "level": 2}, {"competencyId": t, "level": 2}]}},
       _set(["input", "requiredCompetencies", "1", "competencyId"], "Competency")),
]


def bad_ids(kind: str, a: Victim, b: Attacker) -> dict[str, str]:
    other_type = {
        "JobLevel": {"attacker's competency": b.competency, "relabelled": gid("JobLevel", raw_uuid(a.competency))},
        "Department": {"attacker's employee": b.employee, "relabelled": gid("Department", raw_uuid(a.employee))},
        "Competency": {"attacker's job level": b.job_level, "relabelled": gid("Competency", raw_uuid(a.job_level))},
    }[kind]
    return {**other_type, "empty": "", "garbage": "not-an-id", "unknown type": gid("Ladder", uuid.uuid4()),
            "bad uuid": gid(kind, "not-a-uuid"), "overlong": gid(kind, raw_uuid(a.job_level)) + "A" * 200}


async def call(op: Op, api: Api, b: Attacker, value: str):
    result = await api.gql(op.document, op.variables(value, b), token=b.handle.admin_token)
    assert result.status == 200, result.body
    return result


@pytest.mark.parametrize("op", OPS + FIELD_OPS, ids=str)
async def test_another_tenants_talent_id_answers_like_a_missing_one_and_changes_nothing(api, victim, attacker, victim_before, op):
    attacker_before = await snapshot(attacker.handle, attacker.employee, attacker.job_level)
    attacked = await call(op, api, attacker, getattr(victim, op.target))
    assert attacked.data == op.expect(attacker)
    reference = await call(op, api, attacker, missing(op.kind, victim))
    assert attacked.body == reference.body
    after = await asyncio.gather(snapshot(victim.handle, victim.employee, victim.job_level),
                                 snapshot(attacker.handle, attacker.employee, attacker.job_level))
    assert after == [victim_before, attacker_before]


@pytest.mark.parametrize("op", OPS + FIELD_OPS, ids=str)
async def test_malformed_and_wrong_type_talent_ids_answer_like_a_missing_one(api, victim, attacker, victim_before, op):
    reference = (await call(op, api, attacker, missing(op.kind, victim))).body
    assert reference == {"data": op.expect(attacker)}
    bad = bad_ids(op.kind, victim, attacker)
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results)}
    assert {label: body for label, body in answers.items() if body != reference} == {}
    assert await snapshot(victim.handle, victim.employee, victim.job_level) == victim_before
