"""Another tenant's IDs are as good as missing for the `metric` query (scope ids, cycleId).

Tenant A (the victim) has a department with a manager and a report, and a draft review
cycle; tenant B's HR admin (the attacker) asks for A's scopes and cycle. The answer is byte
for byte the one for an ID that exists nowhere (null), malformed IDs and IDs of another type
answer the same, and both tenants' metrics are unchanged afterwards.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass

import pytest

from tests.api.test_cross_tenant import Op, gid, missing, mutation, not_found, raw_uuid
from tests.support.api import Api, TenantHandle

ID_KINDS = {"ReviewCycle"}


@dataclass(frozen=True)
class Side:
    handle: TenantHandle
    department: str
    manager: str
    report: str
    cycle: str  # DRAFT, no reviews yet
    goal: str  # the admin's DRAFT goal, measured by hand


async def _side(api: Api, prefix: str) -> Side:
    t = await api.new_tenant(prefix)
    department = await t.create_department("Platform")
    manager, report = await t.import_rows([
        {"email": f"mia@{t.slug}.test", "name": "Mia", "hireDate": "2025-01-01", "departmentId": department["id"]},
        {"email": f"rob@{t.slug}.test", "name": "Rob", "hireDate": "2025-01-01", "departmentId": department["id"],
         "managerEmail": f"mia@{t.slug}.test"},
    ])
    template = await t.gql(
        """mutation { createReviewTemplate(input: {name: "Basic", sections: [{title: "S", questions: [
             {kind: TEXT, prompt: "Q", reviewerKinds: [SELF]}]}]}) { template { id } errors { code field message } } }"""
    )
    cycle = await t.gql(
        """mutation($t: ID!) { createReviewCycle(input: {name: "H1", periodStart: "2026-01-01", periodEnd: "2026-06-30",
             templateId: $t, reviewerKinds: [SELF]}) { cycle { id } errors { code field message } } }""",
        {"t": template.data["createReviewTemplate"]["template"]["id"]},
    )
    goal = await t.gql('mutation { createGoal(input: {title: "Mine", dueDate: "2026-12-31"}) { goal { id } } }')
    return Side(t, department["id"], manager["id"], report["id"], cycle.data["createReviewCycle"]["cycle"]["id"],
                goal.data["createGoal"]["goal"]["id"])


@pytest.fixture(scope="module")
async def victim(api: Api) -> Side:
    return await _side(api, "mvictim")


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Side:
    return await _side(api, "mattacker")


METRIC = """query($name: MetricName!, $scope: MetricScopeInput!, $cycle: ID) {
  metric(name: $name, scope: $scope, from: "2026-01-01", to: "2026-01-31", grain: MONTH, cycleId: $cycle) {
    name points { at value numerator denominator } } }"""


GOALS = "{ goals(first: 20) { nodes { id title metric { baseline current source } } } }"


async def snapshot(side: Side) -> dict:
    metric = (await side.handle.gql(METRIC, {"name": "RETENTION_RATE", "scope": {"tenant": True}})).data
    return {**metric, **(await side.handle.gql(GOALS)).data}


@pytest.fixture(scope="module")
async def victim_before(victim: Side) -> dict:
    before = await snapshot(victim)
    assert before["metric"]["points"][0]["denominator"] == 3.0  # the admin, Mia and Rob: it sees the data
    return before


def _retention(numerator: float, denominator: float) -> dict:
    value = round(numerator / denominator, 4)
    return {"metric": {"name": "RETENTION_RATE", "points": [
        {"at": "2026-01-31", "value": value, "numerator": numerator, "denominator": denominator}]}}


OPS = [
    Op("metric-scope.departmentId", "Query.metric(scope.departmentId)", "Department", "department", METRIC,
       lambda t, b: {"name": "RETENTION_RATE", "scope": {"departmentId": t}}, lambda b: {"metric": None},
       owner_sees=lambda a, b: _retention(2.0, 2.0)),
    Op("metric-scope.managerId", "Query.metric(scope.managerId)", "Employee", "manager", METRIC,
       lambda t, b: {"name": "RETENTION_RATE", "scope": {"managerId": t}}, lambda b: {"metric": None},
       owner_sees=lambda a, b: _retention(1.0, 1.0)),
    Op("metric-cycleId", "Query.metric(cycleId)", "ReviewCycle", "cycle", METRIC,
       lambda t, b: {"name": "REVIEW_COMPLETION_RATE", "scope": {"tenant": True}, "cycle": t}, lambda b: {"metric": None},
       owner_sees=lambda a, b: {"metric": {"name": "REVIEW_COMPLETION_RATE", "points": [
           {"at": "2026-01-31", "value": None, "numerator": 0.0, "denominator": 0.0}]}}),
]


CREATE_GOAL = mutation("createGoal", "CreateGoalInput", "goal")
UPDATE_GOAL = mutation("updateGoal", "UpdateGoalInput", "goal")


def _tracked(key: str, value: str) -> dict:
    return {"name": "Participation", "unit": "share", "relativeChangePercent": 30,
            "source": "FEEDBACK_PARTICIPATION_RATE", "scope": {key: value}}


def _goal_ops() -> list[Op]:
    ops = []
    for key, kind, target, message in (("managerId", "Employee", "manager", "Employee not found"),
                                       ("departmentId", "Department", "department", "Department not found")):
        field = ["input", "metric", "scope", key]
        ops += [
            Op(f"createGoal-metric.scope.{key}", f"Mutation.createGoal(input.metric.scope.{key})", kind, target, CREATE_GOAL,
               lambda t, b, key=key: {"input": {"title": "Tracked", "dueDate": "2026-12-31", "metric": _tracked(key, t)}},
               not_found("createGoal", "goal", field, message)),
            Op(f"updateGoal-metric.scope.{key}", f"Mutation.updateGoal(input.metric.scope.{key})", kind, target, UPDATE_GOAL,
               lambda t, b, key=key: {"input": {"id": b.goal, "metric": _tracked(key, t)}},
               not_found("updateGoal", "goal", field, message)),
        ]
    return ops


OPS += _goal_ops()


def bad_ids(kind: str, a: Side, b: Side) -> dict[str, str]:
    """Malformed IDs and IDs of another type; each must answer exactly like a missing ID."""
    other_type = {
        "Department": {"attacker's employee": b.manager, "relabelled": gid("Department", raw_uuid(a.manager))},
        "Employee": {"attacker's department": b.department, "relabelled": gid("Employee", raw_uuid(a.department))},
        "ReviewCycle": {"attacker's department": b.department, "relabelled": gid("ReviewCycle", raw_uuid(a.manager))},
    }[kind]
    return {
        **other_type,
        "empty": "",
        "garbage": "not-an-id",
        "non-ascii": "Ω-id",
        "unknown type": gid("Payroll", uuid.uuid4()),
        "bad uuid": gid(kind, "not-a-uuid"),
        "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(),
        "overlong": gid(kind, raw_uuid(a.manager)) + "A" * 200,
    }


async def call(op: Op, api: Api, b: Side, value: str):
    result = await api.gql(op.document, op.variables(value, b), token=b.handle.admin_token)
    assert result.status == 200, result.body
    return result


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_another_tenants_scope_or_cycle_answers_like_a_missing_one(api, victim, attacker, victim_before, op):
    attacker_before = await snapshot(attacker)
    attacked = await call(op, api, attacker, getattr(victim, op.target))
    assert attacked.data == op.expect(attacker)
    reference = await call(op, api, attacker, missing(op.kind, victim))
    assert attacked.body == reference.body
    assert await asyncio.gather(snapshot(victim), snapshot(attacker)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_malformed_and_wrong_type_metric_ids_answer_like_a_missing_one(api, victim, attacker, victim_before, op):
    reference = (await call(op, api, attacker, missing(op.kind, victim))).body
    assert reference == {"data": op.expect(attacker)}
    bad = bad_ids(op.kind, victim, attacker)
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results)}
    assert {label: body for label, body in answers.items() if body != reference} == {}


@pytest.mark.parametrize("op", [op for op in OPS if op.owner_sees is not None], ids=str)
async def test_the_same_metric_query_finds_the_data_for_its_own_tenant(api, victim, attacker, op):
    # The control: the IDs are real, so the attacker's nulls come from isolation.
    result = await victim.handle.gql(op.document, op.variables(getattr(victim, op.target), attacker))
    assert result.data == op.owner_sees(victim, attacker)
