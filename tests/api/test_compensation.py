"""Compensation over HTTP: who sees what, proposals with warnings, the approval flow, and
formula versions. Company: boss > lead > (ann, bob); pat reports to the boss and leads
nobody. The tenant admin is an HR admin. Amounts are Decimal strings on the wire."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.api import TenantHandle

FORMULA = {"ratingMultipliers": [{"rating": r, "multiplier": m} for r, m in
                                 [(1, "0"), (2, "0.5"), (3, "1"), (4, "1.25"), (5, "1.5")]],
           "leadershipBands": [{"minScore": "0", "multiplier": "1"}, {"minScore": "75", "multiplier": "1.2"}]}
SET_FORMULA = """mutation($f: BonusFormulaInput!) { setBonusFormula(input: {formula: $f}) {
  formula { version ratingMultipliers { rating multiplier } } errors { code field message } } }"""
CREATE = """mutation($input: CreateCompensationCycleInput!) { createCompensationCycle(input: $input) {
  cycle { id status budget currency formulaVersion } errors { code field message } } }"""
ADVANCE = """mutation($id: ID!) { advanceCompensationCycle(input: {cycleId: $id}) {
  cycle { id status formulaVersion } errors { code field message } } }"""
CYCLE = """query($id: ID!) { compensationCycle(id: $id) { id name budget status formulaVersion
  bonuses { employee { name } recommendation { amount explanation } proposal { amount status } } } }"""
PROPOSE = """mutation($input: ProposeBonusInput!) { proposeBonus(input: $input) {
  proposal { id amount status } recommendation { amount } warnings errors { code field message } } }"""
APPROVE = """mutation($id: ID!) { approveProposal(input: {proposalId: $id}) { proposal { status } errors { code field } } }"""
SEND_BACK = """mutation($id: ID!, $r: String!) { sendBackProposal(input: {proposalId: $id, reason: $r}) {
  proposal { status decisionReason } errors { code field } } }"""
AUDIT = """query($a: String) { auditLog(first: 50, filter: {action: $a}) { nodes { action before after actor { name } } } }"""


@dataclass
class Company:
    handle: TenantHandle
    ids: dict[str, str]
    emails: dict[str, str]
    cycle: str

    def token(self, who: str) -> str:
        return self.handle.token_for(self.emails[who])


async def company(tenant: TenantHandle, budget: str = "1000") -> Company:
    emails = {name: f"{name}@{tenant.slug}.test" for name in ("boss", "lead", "ann", "bob", "pat")}
    managers = {"lead": "boss", "ann": "lead", "bob": "lead", "pat": "boss"}
    rows = [{"email": email, "name": name.title(), "managerEmail": emails.get(managers.get(name, ""))}
            for name, email in emails.items()]
    made = await tenant.import_rows(rows)
    ids = {row["name"].lower(): row["id"] for row in made}
    assert (await tenant.gql(SET_FORMULA, {"f": FORMULA})).data["setBonusFormula"]["errors"] == []
    created = (await tenant.gql(CREATE, {"input": {"name": "2026", "budget": budget, "currency": "eur"}})).data
    cycle = created["createCompensationCycle"]["cycle"]
    assert (cycle["status"], cycle["budget"], cycle["currency"], cycle["formulaVersion"]) == ("DRAFT", "1000.00", "EUR", None)
    opened = (await tenant.gql(ADVANCE, {"id": cycle["id"]})).data["advanceCompensationCycle"]["cycle"]
    assert (opened["status"], opened["formulaVersion"]) == ("OPEN", 1)
    return Company(tenant, ids, emails, cycle["id"])


def names(result) -> list[str]:
    return sorted(line["employee"]["name"] for line in result["compensationCycle"]["bonuses"])


async def test_hr_sees_everyone_managers_their_chain_and_others_nothing(tenant):
    c = await company(tenant)
    gql = c.handle.gql
    assert len((await gql(CYCLE, {"id": c.cycle})).data["compensationCycle"]["bonuses"]) == 6  # the admin too
    assert names((await gql(CYCLE, {"id": c.cycle}, token=c.token("boss"))).data) == ["Ann", "Bob", "Lead", "Pat"]
    assert names((await gql(CYCLE, {"id": c.cycle}, token=c.token("lead"))).data) == ["Ann", "Bob"]
    for who in ("ann", "pat"):  # no reports: the cycle does not exist for them
        assert (await gql(CYCLE, {"id": c.cycle}, token=c.token(who))).data == {"compensationCycle": None}
    line = (await gql(CYCLE, {"id": c.cycle}, token=c.token("lead"))).data["compensationCycle"]["bonuses"][0]
    # No job-level target and no released review: no amount, and it says why (never a zero).
    assert line["recommendation"] == {
        "amount": None, "explanation": "No recommendation: the employee's job level has no target bonus."}


async def test_a_skip_level_manager_proposes_with_a_warning_and_hr_decides_on_the_record(tenant):
    c = await company(tenant)
    gql = c.handle.gql
    made = (await gql(PROPOSE, {"input": {"cycleId": c.cycle, "employeeId": c.ids["ann"], "amount": "1200.005",
                                          "note": "Carried the launch"}}, token=c.token("boss"))).data["proposeBonus"]
    assert (made["proposal"]["amount"], made["proposal"]["status"], made["errors"]) == ("1200.00", "PROPOSED", [])
    assert made["warnings"] == ["Proposals total 1200.00, over the cycle budget of 1000.00."]
    second = (await gql(PROPOSE, {"input": {"cycleId": c.cycle, "employeeId": c.ids["bob"], "amount": "10"}},
                        token=c.token("lead"))).data["proposeBonus"]["proposal"]
    # The employee and a manager outside the chain are refused and write nothing.
    for who, field in (("ann", ["input", "cycleId"]), ("pat", ["input", "cycleId"])):
        refused = (await gql(PROPOSE, {"input": {"cycleId": c.cycle, "employeeId": c.ids["bob"], "amount": "1"}},
                             token=c.token(who))).data["proposeBonus"]
        assert (refused["proposal"], [(e["code"], e["field"]) for e in refused["errors"]]) == (None, [("NOT_FOUND", field)])
    assert (await gql(APPROVE, {"id": made["proposal"]["id"]}, token=c.token("boss"))).data["approveProposal"]["errors"] == [
        {"code": "FORBIDDEN", "field": None}]
    assert (await gql(APPROVE, {"id": made["proposal"]["id"]})).data["approveProposal"] == {
        "proposal": {"status": "APPROVED"}, "errors": []}
    back = (await gql(SEND_BACK, {"id": second["id"], "r": "Too low"})).data["sendBackProposal"]
    assert back == {"proposal": {"status": "SENT_BACK", "decisionReason": "Too low"}, "errors": []}
    lines = {line["employee"]["name"]: line["proposal"] for line in
             (await gql(CYCLE, {"id": c.cycle}, token=c.token("boss"))).data["compensationCycle"]["bonuses"]}
    assert (lines["Ann"], lines["Bob"], lines["Pat"]) == (
        {"amount": "1200.00", "status": "APPROVED"}, {"amount": "10.00", "status": "SENT_BACK"}, None)
    proposed = (await gql(AUDIT, {"a": "bonus.proposed"})).data["auditLog"]["nodes"]
    assert sorted((e["actor"]["name"], e["after"]["amount"]) for e in proposed) == [("Boss", "1200.00"), ("Lead", "10.00")]
    [approved] = (await gql(AUDIT, {"a": "bonus.approved"})).data["auditLog"]["nodes"]
    assert (approved["before"]["status"], approved["after"]["status"]) == ("PROPOSED", "APPROVED")


async def test_a_formula_change_after_opening_does_not_change_the_open_cycle(tenant):
    c = await company(tenant)
    changed = {**FORMULA, "ratingMultipliers": [*FORMULA["ratingMultipliers"][:3], {"rating": 4, "multiplier": "1.5"},
                                                {"rating": 5, "multiplier": "2"}]}
    saved = (await c.handle.gql(SET_FORMULA, {"f": changed})).data["setBonusFormula"]
    assert (saved["formula"]["version"], saved["errors"]) == (2, [])
    assert (await c.handle.gql(CYCLE, {"id": c.cycle})).data["compensationCycle"]["formulaVersion"] == 1
    later = (await c.handle.gql(CREATE, {"input": {"name": "Later", "budget": "5", "currency": "EUR"}})).data
    assert (await c.handle.gql(ADVANCE, {"id": later["createCompensationCycle"]["cycle"]["id"]})).data[
        "advanceCompensationCycle"]["cycle"]["formulaVersion"] == 2
    changes = (await c.handle.gql(AUDIT, {"a": "bonus_formula.changed"})).data["auditLog"]["nodes"]
    assert sorted(e["after"]["version"] for e in changes) == [1, 2]


@pytest.mark.parametrize("who", ["boss", "ann"])
async def test_only_hr_changes_formulas(tenant, who):
    c = await company(tenant)
    refused = (await c.handle.gql(SET_FORMULA, {"f": FORMULA}, token=c.token(who))).data["setBonusFormula"]
    assert (refused["formula"], refused["errors"][0]["code"]) == (None, "FORBIDDEN")
    assert len((await c.handle.gql(AUDIT, {"a": "bonus_formula.changed"})).data["auditLog"]["nodes"]) == 1


async def test_a_what_if_preview_saves_nothing(tenant):
    c = await company(tenant)
    before = (await c.handle.gql(AUDIT, {"a": None})).data
    preview = await c.handle.gql(
        """query($input: PreviewFormulaInput!) { previewFormula(input: $input) { version oldTotal newTotal
             lines { employee { name } old { amount } new { amount explanation } } } }""",
        {"input": {"cycleId": c.cycle, "formula": FORMULA}})
    found = preview.data["previewFormula"]
    assert (found["version"], found["oldTotal"], found["newTotal"], len(found["lines"])) == (2, "0.00", "0.00", 6)
    assert (await c.handle.gql("{ bonusFormula { version } }")).data == {"bonusFormula": {"version": 1}}
    assert (await c.handle.gql(AUDIT, {"a": None})).data == before
