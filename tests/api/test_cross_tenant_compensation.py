"""Another tenant's IDs are as good as missing, for every compensation operation that takes one.

Tenant A (the victim) has an OPEN cycle, a job level and a proposal (boss for ann); tenant
B's admin, an HR admin of B with its own open cycle and job level, calls each ID-taking
compensation query and mutation with A's IDs. The answer is the one for an ID that exists
nowhere, malformed IDs and IDs of another type answer the same, and afterwards both
tenants' compensation data is unchanged. Built once per module: the attacks change nothing.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass

import pytest

from tests.api.test_compensation import FORMULA, PROPOSE, company
from tests.api.test_cross_tenant import Op, gid, missing, mutation, not_found, raw_uuid
from tests.support.api import Api, TenantHandle

ID_KINDS = {"CompensationCycle", "BonusProposal"}


@dataclass(frozen=True)
class Side:
    handle: TenantHandle
    cycle: str
    employee: str  # ann, a report of the boss (through the lead)
    job_level: str
    proposal: str  # the boss's proposal for ann


SNAPSHOT = """{ compensationCycles { id name status budget formulaVersion
  bonuses { employee { id } recommendation { amount } proposal { id amount status decisionReason } } }
  bonusFormula { version } }"""


async def snapshot(handle: TenantHandle) -> dict:
    return (await handle.gql(SNAPSHOT)).data


async def _side(api: Api, prefix: str) -> Side:
    c = await company(await api.new_tenant(prefix))
    level = await c.handle.gql("""mutation { createJobLevel(input: {name: "Engineer", rank: 1,
        track: INDIVIDUAL_CONTRIBUTOR}) { jobLevel { id } errors { code } } }""")
    made = await c.handle.gql(PROPOSE, {"input": {"cycleId": c.cycle, "employeeId": c.ids["ann"], "amount": "100"}},
                              token=c.token("boss"))
    return Side(c.handle, c.cycle, c.ids["ann"], level.data["createJobLevel"]["jobLevel"]["id"],
                made.data["proposeBonus"]["proposal"]["id"])


@pytest.fixture(scope="module")
async def victim(api: Api) -> Side:
    return await _side(api, "victim")


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Side:
    return await _side(api, "attacker")


@pytest.fixture(scope="module")
async def victim_before(victim: Side) -> dict:
    before = await snapshot(victim.handle)
    # The snapshot really sees what it guards (else "unchanged" would prove nothing).
    [cycle] = before["compensationCycles"]
    proposals = [line["proposal"]["id"] for line in cycle["bonuses"] if line["proposal"]]
    assert (cycle["id"], cycle["status"], proposals) == (victim.cycle, "OPEN", [victim.proposal])
    return before


CYCLE = "query($id: ID!) { compensationCycle(id: $id) { id name } }"
PREVIEW = "query($input: PreviewFormulaInput!) { previewFormula(input: $input) { version newTotal } }"
MY_BONUS = "query($id: ID!) { myBonus(cycleId: $id) { amount } }"
CREATE = mutation("createCompensationCycle", "CreateCompensationCycleInput", "cycle")
ADVANCE = mutation("advanceCompensationCycle", "AdvanceCompensationCycleInput", "cycle")
TARGET = """mutation($input: SetBonusTargetInput!) { setBonusTarget(input: $input) { amount errors { code field message } } }"""
PROPOSE_OP = mutation("proposeBonus", "ProposeBonusInput", "proposal")
APPROVE = mutation("approveProposal", "ApproveProposalInput", "proposal")
SEND_BACK = mutation("sendBackProposal", "SendBackProposalInput", "proposal")
NO_CYCLE, NO_PROPOSAL = "CompensationCycle not found", "BonusProposal not found"

OPS = [
    Op("compensationCycle", "Query.compensationCycle(id)", "CompensationCycle", "cycle", CYCLE, lambda t, b: {"id": t},
       lambda b: {"compensationCycle": None},
       owner_sees=lambda a, b: {"compensationCycle": {"id": a.cycle, "name": "2026"}}),
    Op("previewFormula-cycleId", "Query.previewFormula(input.cycleId)", "CompensationCycle", "cycle", PREVIEW,
       lambda t, b: {"input": {"cycleId": t, "formula": FORMULA}}, lambda b: {"previewFormula": None},
       owner_sees=lambda a, b: {"previewFormula": {"version": 2, "newTotal": "0.00"}}),
    Op("myBonus-cycleId", "Query.myBonus(cycleId)", "CompensationCycle", "cycle", MY_BONUS, lambda t, b: {"id": t},
       lambda b: {"myBonus": None}),
    Op("createCompensationCycle-jobLevelIds", "Mutation.createCompensationCycle(input.jobLevelIds)", "JobLevel",
       "job_level", CREATE,
       lambda t, b: {"input": {"name": "Stolen", "budget": "1", "currency": "EUR", "jobLevelIds": [b.job_level, t]}},
       not_found("createCompensationCycle", "cycle", ["input", "jobLevelIds", "1"], "JobLevel not found")),
    Op("advanceCompensationCycle-cycleId", "Mutation.advanceCompensationCycle(input.cycleId)", "CompensationCycle", "cycle",
       ADVANCE, lambda t, b: {"input": {"cycleId": t}},
       not_found("advanceCompensationCycle", "cycle", ["input", "cycleId"], NO_CYCLE)),
    Op("setBonusTarget-jobLevelId", "Mutation.setBonusTarget(input.jobLevelId)", "JobLevel", "job_level", TARGET,
       lambda t, b: {"input": {"jobLevelId": t, "amount": "5", "currency": "EUR"}},
       not_found("setBonusTarget", "amount", ["input", "jobLevelId"], "JobLevel not found")),
    Op("proposeBonus-cycleId", "Mutation.proposeBonus(input.cycleId)", "CompensationCycle", "cycle", PROPOSE_OP,
       lambda t, b: {"input": {"cycleId": t, "employeeId": b.employee, "amount": "5"}},
       not_found("proposeBonus", "proposal", ["input", "cycleId"], NO_CYCLE)),
    Op("proposeBonus-employeeId", "Mutation.proposeBonus(input.employeeId)", "Employee", "employee", PROPOSE_OP,
       lambda t, b: {"input": {"cycleId": b.cycle, "employeeId": t, "amount": "5"}},
       not_found("proposeBonus", "proposal", ["input", "employeeId"], "Employee not found")),
    Op("approveProposal-proposalId", "Mutation.approveProposal(input.proposalId)", "BonusProposal", "proposal", APPROVE,
       lambda t, b: {"input": {"proposalId": t}},
       not_found("approveProposal", "proposal", ["input", "proposalId"], NO_PROPOSAL)),
    Op("sendBackProposal-proposalId", "Mutation.sendBackProposal(input.proposalId)", "BonusProposal", "proposal",
       SEND_BACK, lambda t, b: {"input": {"proposalId": t, "reason": "Mine now"}},
       not_found("sendBackProposal", "proposal", ["input", "proposalId"], NO_PROPOSAL)),
]
QUERY_OPS = [op for op in OPS if op.owner_sees is not None]


def bad_ids(kind: str, a: Side, b: Side) -> dict[str, str]:
    """Malformed IDs and IDs of another type; each must answer exactly like a missing ID."""
    other_type = {
        "CompensationCycle": {"victim's proposal": a.proposal, "relabelled": gid("CompensationCycle", raw_uuid(a.proposal)),
                              "attacker's proposal": b.proposal},
        "BonusProposal": {"victim's cycle": a.cycle, "relabelled": gid("BonusProposal", raw_uuid(a.cycle))},
        "JobLevel": {"victim's cycle": a.cycle, "relabelled": gid("JobLevel", raw_uuid(a.cycle))},
        "Employee": {"attacker's cycle": b.cycle, "relabelled": gid("Employee", raw_uuid(a.proposal))},
    }[kind]
    return {
        **other_type,
        "empty": "",
        "garbage": "not-an-id",
        "non-ascii": "Ω-id",
        "unknown type": gid("Payslip", uuid.uuid4()),
        "bad uuid": gid(kind, "not-a-uuid"),
        "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(),
        "overlong": gid(kind, raw_uuid(a.cycle)) + "A" * 200,
    }


async def call(op: Op, api: Api, b: Side, value: str):
    result = await api.gql(op.document, op.variables(value, b), token=b.handle.admin_token)
    assert result.status == 200, result.body
    return result


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_another_tenants_compensation_id_answers_like_a_missing_one_and_changes_nothing(
    api, victim, attacker, victim_before, op
):
    attacker_before = await snapshot(attacker.handle)
    attacked = await call(op, api, attacker, getattr(victim, op.target))
    assert attacked.data == op.expect(attacker)
    reference = await call(op, api, attacker, missing(op.kind, victim))
    assert attacked.body == reference.body
    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_malformed_and_wrong_type_compensation_ids_answer_like_a_missing_one(api, victim, attacker, victim_before, op):
    attacker_before = await snapshot(attacker.handle)
    reference = (await call(op, api, attacker, missing(op.kind, victim))).body
    assert reference == {"data": op.expect(attacker)}
    bad = bad_ids(op.kind, victim, attacker)
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results)}
    assert {label: body for label, body in answers.items() if body != reference} == {}
    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", QUERY_OPS, ids=str)
async def test_the_same_compensation_query_finds_the_data_for_its_own_tenant(api, victim, attacker, op):
    # The control: the IDs are real, so the attacker's nulls come from isolation.
    result = await victim.handle.gql(op.document, op.variables(getattr(victim, op.target), attacker))
    assert result.data == op.owner_sees(victim, attacker)
