"""Another tenant's IDs are as good as missing, for every review-results operation that
takes one (results, calibration, acknowledgement, reading anonymous authors).

Tenant A (the victim) has a cycle in CALIBRATION with ann's rating adjusted and ann on
the 9-box; tenant B's admin (the attacker, a tenant admin with a cycle of their own)
calls each operation with A's IDs. The answer is byte for byte the one for an ID that
exists nowhere, malformed IDs and IDs of another type answer the same, and afterwards
both tenants are unchanged. The tenants are built once per module.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass

import pytest

from tests.api.test_cross_tenant import Op, gid, missing, raw_uuid
from tests.support.api import Api, TenantHandle
from tests.support.review_results import ADJUST, NINE_BOX, advance
from tests.support.reviews import launched_cycle, ok, reviews_to_write

ID_KINDS = {"ReviewCycle", "Review"}


@dataclass(frozen=True)
class Victim:
    handle: TenantHandle
    cycle: str  # in CALIBRATION
    subject: str  # ann: rated by the lead, adjusted by the boss, on the 9-box
    review: str  # the lead's MANAGER review of ann


@dataclass(frozen=True)
class Attacker:
    handle: TenantHandle
    cycle: str  # a DRAFT cycle of the attacker's own
    employee: str  # a participant of it


SNAPSHOT = """query($c: ID!, $s: ID!) {
  reviewCalibration(cycleId: $c) { entries { subject { id } finalRating { rating adjusted }
    adjustments { rating reason } nineBox { performance potential } } }
  reviewResult(cycleId: $c, subjectId: $s) { finalRating { rating } acknowledgement { comment } }
  tenant { reviewSettings { hrCanSeeAnonymousAuthors changes { setting } anonymousAuthorReadings { reason } } }
}"""


async def snapshot(handle: TenantHandle, cycle: str, subject: str) -> dict:
    return (await handle.gql(SNAPSHOT, {"c": cycle, "s": subject})).data


@pytest.fixture(scope="module")
async def victim(api: Api) -> Victim:
    scene = await launched_cycle(await api.new_tenant("victim"), submit=("ann",))
    review = next(r["id"] for r in await reviews_to_write(scene, "lead") if r["subject"]["id"] == scene.id("ann"))
    await advance(scene, "CALIBRATION")
    ann = scene.id("ann")
    await ok(scene.handle, ADJUST, {"input": {"cycleId": scene.cycle, "subjectId": ann, "rating": 4, "reason": "Impact"}},
             token=scene.token("boss"))
    await ok(scene.handle, NINE_BOX, {"input": {"cycleId": scene.cycle, "subjectId": ann, "performance": "HIGH",
                                                "potential": "LOW"}})
    return Victim(scene.handle, scene.cycle, ann, review)


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Attacker:
    b = await api.new_tenant("attacker")
    (employee,) = await b.import_rows([{"email": f"eve@{b.slug}.test", "name": "Eve Attacker"}])
    template = await ok(b, """mutation { createReviewTemplate(input: {name: "Mine", sections: [{title: "All", questions: [
        {kind: OVERALL_RATING, prompt: "Overall", reviewerKinds: [MANAGER]}]}]}) { template { id } errors { code field message } } }""")
    cycle = await ok(b, """mutation($t: ID!) { createReviewCycle(input: {name: "Mine", periodStart: "2026-01-01",
        periodEnd: "2026-06-30", templateId: $t, reviewerKinds: [SELF, MANAGER]}) { cycle { id } errors { code field message } } }""",
                     {"t": template["template"]["id"]})
    await ok(b, """mutation($c: ID!) { addCycleParticipants(input: {cycleId: $c, filter: {all: true}}) {
        added errors { code field message } } }""", {"c": cycle["cycle"]["id"]})
    return Attacker(b, cycle["cycle"]["id"], employee["id"])


@pytest.fixture(scope="module")
async def victim_before(victim: Victim) -> dict:
    before = await snapshot(victim.handle, victim.cycle, victim.subject)
    # The snapshot really sees what it guards (else "unchanged" would prove nothing).
    [ann] = [e for e in before["reviewCalibration"]["entries"] if e["subject"]["id"] == victim.subject]
    assert ann == {"subject": {"id": victim.subject}, "finalRating": {"rating": 4, "adjusted": True},
                   "adjustments": [{"rating": 4, "reason": "Impact"}], "nineBox": {"performance": "HIGH", "potential": "LOW"}}
    assert before["reviewResult"]["finalRating"] == {"rating": 4}
    return before


async def attacker_snapshot(b: Attacker) -> dict:
    return await snapshot(b.handle, b.cycle, b.employee)


# --- the operations ---------------------------------------------------------------------

RESULT = "query($c: ID!, $s: ID!) { reviewResult(cycleId: $c, subjectId: $s) { released finalRating { rating } } }"
CALIBRATION = "query($c: ID!) { reviewCalibration(cycleId: $c) { entries { subject { id } } } }"
ADJUST_DOC = """mutation($input: AdjustFinalRatingInput!) { adjustFinalRating(input: $input) {
  finalRating { rating } adjustment { rating } errors { code field message } } }"""
NINE_BOX_DOC = """mutation($input: PlaceOnNineBoxInput!) { placeOnNineBox(input: $input) {
  placement { performance } errors { code field message } } }"""
ACKNOWLEDGE_DOC = """mutation($input: AcknowledgeReviewInput!) { acknowledgeReview(input: $input) {
  acknowledgement { comment } errors { code field message } } }"""
REVEAL_DOC = """mutation($input: RevealAnonymousAuthorsInput!) { revealAnonymousAuthors(input: $input) {
  reviews { kind } errors { code field message } } }"""
NO_CYCLE, NO_EMPLOYEE, NO_REVIEW = "ReviewCycle not found", "Employee not found", "Review not found"


def refused(name: str, things: list[str], field: str, message: str):
    return lambda b: {name: {**{thing: None for thing in things},
                             "errors": [{"code": "NOT_FOUND", "field": ["input", field], "message": message}]}}


def adjust(cycle: str, subject: str) -> dict:
    return {"input": {"cycleId": cycle, "subjectId": subject, "rating": 1, "reason": "Sabotage"}}


def nine_box(cycle: str, subject: str) -> dict:
    return {"input": {"cycleId": cycle, "subjectId": subject, "performance": "LOW", "potential": "LOW"}}


def reveal(cycle: str, subject: str) -> dict:
    return {"input": {"cycleId": cycle, "subjectId": subject, "reason": "Curious"}}


OPS = [
    Op("reviewResult-cycleId", "Query.reviewResult(cycleId)", "ReviewCycle", "cycle", RESULT,
       lambda t, b: {"c": t, "s": b.employee}, lambda b: {"reviewResult": None}),
    Op("reviewResult-subjectId", "Query.reviewResult(subjectId)", "Employee", "subject", RESULT,
       lambda t, b: {"c": b.cycle, "s": t}, lambda b: {"reviewResult": None}),
    Op("reviewCalibration-cycleId", "Query.reviewCalibration(cycleId)", "ReviewCycle", "cycle", CALIBRATION,
       lambda t, b: {"c": t}, lambda b: {"reviewCalibration": None}),
    Op("adjustFinalRating-cycleId", "Mutation.adjustFinalRating(input.cycleId)", "ReviewCycle", "cycle", ADJUST_DOC,
       lambda t, b: adjust(t, b.employee), refused("adjustFinalRating", ["finalRating", "adjustment"], "cycleId", NO_CYCLE)),
    Op("adjustFinalRating-subjectId", "Mutation.adjustFinalRating(input.subjectId)", "Employee", "subject", ADJUST_DOC,
       lambda t, b: adjust(b.cycle, t), refused("adjustFinalRating", ["finalRating", "adjustment"], "subjectId", NO_EMPLOYEE)),
    Op("placeOnNineBox-cycleId", "Mutation.placeOnNineBox(input.cycleId)", "ReviewCycle", "cycle", NINE_BOX_DOC,
       lambda t, b: nine_box(t, b.employee), refused("placeOnNineBox", ["placement"], "cycleId", NO_CYCLE)),
    Op("placeOnNineBox-subjectId", "Mutation.placeOnNineBox(input.subjectId)", "Employee", "subject", NINE_BOX_DOC,
       lambda t, b: nine_box(b.cycle, t), refused("placeOnNineBox", ["placement"], "subjectId", NO_EMPLOYEE)),
    Op("acknowledgeReview-reviewId", "Mutation.acknowledgeReview(input.reviewId)", "Review", "review", ACKNOWLEDGE_DOC,
       lambda t, b: {"input": {"reviewId": t, "comment": "ok"}},
       refused("acknowledgeReview", ["acknowledgement"], "reviewId", NO_REVIEW)),
    Op("acknowledgeReview-cycleId", "Mutation.acknowledgeReview(input.cycleId)", "ReviewCycle", "cycle", ACKNOWLEDGE_DOC,
       lambda t, b: {"input": {"cycleId": t, "comment": "ok"}},
       refused("acknowledgeReview", ["acknowledgement"], "cycleId", NO_CYCLE)),
    Op("revealAnonymousAuthors-cycleId", "Mutation.revealAnonymousAuthors(input.cycleId)", "ReviewCycle", "cycle",
       REVEAL_DOC, lambda t, b: reveal(t, b.employee), refused("revealAnonymousAuthors", ["reviews"], "cycleId", NO_CYCLE)),
    Op("revealAnonymousAuthors-subjectId", "Mutation.revealAnonymousAuthors(input.subjectId)", "Employee", "subject",
       REVEAL_DOC, lambda t, b: reveal(b.cycle, t),
       refused("revealAnonymousAuthors", ["reviews"], "subjectId", NO_EMPLOYEE)),
]


def bad_ids(kind: str, a: Victim, b: Attacker) -> dict[str, str]:
    """Malformed IDs and IDs of another type; each must answer exactly like a missing ID."""
    other_type = {
        "ReviewCycle": {"victim's review": a.review, "relabelled": gid("ReviewCycle", raw_uuid(a.review)),
                        "attacker's employee": b.employee},
        "Review": {"victim's cycle": a.cycle, "relabelled": gid("Review", raw_uuid(a.cycle)), "attacker's cycle": b.cycle},
        "Employee": {"victim's cycle": a.cycle, "relabelled": gid("Employee", raw_uuid(a.review))},
    }[kind]
    return {
        **other_type,
        "empty": "",
        "garbage": "not-an-id",
        "non-ascii": "Ω-id",
        "unknown type": gid("Appraisal", uuid.uuid4()),
        "bad uuid": gid(kind, "not-a-uuid"),
        "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(),
        "overlong": gid(kind, raw_uuid(a.subject)) + "A" * 200,
    }


async def call(op: Op, api: Api, b: Attacker, value: str):
    result = await api.gql(op.document, op.variables(value, b), token=b.handle.admin_token)
    assert result.status == 200, result.body
    return result


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_another_tenants_review_result_id_answers_like_a_missing_one_and_changes_nothing(
    api, victim, attacker, victim_before, op
):
    attacker_before = await attacker_snapshot(attacker)
    attacked = await call(op, api, attacker, getattr(victim, op.target))
    assert attacked.data == op.expect(attacker)
    reference = await call(op, api, attacker, missing(op.kind, victim))
    assert attacked.body == reference.body
    after = await asyncio.gather(snapshot(victim.handle, victim.cycle, victim.subject), attacker_snapshot(attacker))
    assert after == [victim_before, attacker_before]


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_malformed_and_wrong_type_review_result_ids_answer_like_a_missing_one(api, victim, attacker, victim_before, op):
    attacker_before = await attacker_snapshot(attacker)
    reference = (await call(op, api, attacker, missing(op.kind, victim))).body
    assert reference == {"data": op.expect(attacker)}
    bad = bad_ids(op.kind, victim, attacker)
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results)}
    assert {label: body for label, body in answers.items() if body != reference} == {}
    after = await asyncio.gather(snapshot(victim.handle, victim.cycle, victim.subject), attacker_snapshot(attacker))
    assert after == [victim_before, attacker_before]


async def test_the_same_queries_find_the_data_in_its_own_tenant(victim):
    # The control: the IDs are real, so the attacker's nulls come from isolation.
    result = await victim.handle.gql(RESULT, {"c": victim.cycle, "s": victim.subject})
    assert result.data == {"reviewResult": {"released": False, "finalRating": {"rating": 4}}}
    calibration = await victim.handle.gql(CALIBRATION, {"c": victim.cycle})
    assert {"subject": {"id": victim.subject}} in calibration.data["reviewCalibration"]["entries"]


async def test_an_employees_result_in_another_tenants_cycle_reads_as_missing(api, victim, attacker):
    document = "query($e: ID!, $c: ID!) { employee(id: $e) { reviewResult(cycleId: $c) { released } } }"
    attacked = await attacker.handle.gql(document, {"e": attacker.employee, "c": victim.cycle})
    reference = await attacker.handle.gql(document, {"e": attacker.employee, "c": gid("ReviewCycle", uuid.uuid4())})
    assert attacked.body == reference.body == {"data": {"employee": {"reviewResult": None}}}
