"""Another tenant's IDs are as good as missing, for every feedback operation that takes one.

Tenant A (the victim) holds PUBLIC feedback from a giver to a receiver about a
competency, and an open request by its admin asking the giver; tenant B's admin (the
attacker) calls each ID-taking feedback query and mutation with A's IDs. The answer is
byte for byte the one for an ID that exists nowhere, malformed IDs and IDs of another
type answer the same, and afterwards both tenants' feedback is unchanged. The tenants
are built once per module: the attacks change nothing, which is what every case checks.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass

import pytest

from tests.api.test_cross_tenant import Op, gid, missing, mutation, not_found, raw_uuid
from tests.support.api import Api, TenantHandle

ID_KINDS = {"Feedback", "FeedbackRequest"}


@dataclass(frozen=True)
class Victim:
    handle: TenantHandle
    giver: str
    receiver: str
    competency: str  # "Listening", on the feedback
    feedback: str  # PUBLIC, from the giver to the receiver
    request: str  # by the admin about themselves, asking the giver (open)


@dataclass(frozen=True)
class Attacker:
    handle: TenantHandle
    employee: str  # the attacker's own, for inputs where only the other ID is A's
    competency: str
    feedback: str
    request: str  # by the employee about themselves, asking the attacker's admin (open)


SNAPSHOT = """{
  viewer { feedbackInbox { openCount requests(first: 20) { nodes { id myStatus } }
    sent(first: 20) { nodes { id question dueDate visibility asked { employee { id } status declineReason feedback { id } } } } } }
  employees(first: 10) { nodes { id
    feedbackReceived(first: 20) { nodes { id body kind visibility giver { id } competencies { id } } }
    feedbackGiven(first: 20) { nodes { id } } } }
}"""


async def snapshot(handle: TenantHandle) -> dict:
    return (await handle.gql(SNAPSHOT)).data


async def _competency(handle: TenantHandle) -> str:
    made = await handle.gql('mutation { createCompetency(input: {name: "Listening", category: "CORE"}) { competency { id } } }')
    return made.data["createCompetency"]["competency"]["id"]


async def _scene(handle: TenantHandle, giver_email: str, receiver: str, competency: str, requester_email: str,
                 requester: str, asked: str) -> tuple[str, str]:
    """PUBLIC feedback with the competency, and an open request about the requester; (feedback, request)."""
    given = await handle.gql(
        """mutation($to: ID!, $c: ID!) { giveFeedback(input: {toEmployeeId: $to, body: "Thanks for the review",
             kind: PRAISE, visibility: PUBLIC, competencyIds: [$c]}) { feedback { id } errors { code } } }""",
        {"to": receiver, "c": competency}, token=handle.token_for(giver_email),
    )
    asked_for = await handle.gql(
        """mutation($about: ID!, $from: ID!) { requestFeedback(input: {aboutEmployeeId: $about, fromEmployeeIds: [$from],
             question: "How do I listen?", dueDate: "2099-01-01"}) { feedbackRequest { id } errors { code } } }""",
        {"about": requester, "from": asked}, token=handle.token_for(requester_email),
    )
    assert given.data["giveFeedback"]["errors"] == [] and asked_for.data["requestFeedback"]["errors"] == []
    return given.data["giveFeedback"]["feedback"]["id"], asked_for.data["requestFeedback"]["feedbackRequest"]["id"]


@pytest.fixture(scope="module")
async def victim(api: Api) -> Victim:
    a = await api.new_tenant("victim")
    giver, receiver = await a.import_rows([
        {"email": f"gia@{a.slug}.test", "name": "Gia Giver"},
        {"email": f"rex@{a.slug}.test", "name": "Rex Receiver"},
    ])
    competency = await _competency(a)
    feedback, request = await _scene(
        a, f"gia@{a.slug}.test", receiver["id"], competency, a.admin_email, a.admin_id, giver["id"]
    )
    return Victim(a, giver["id"], receiver["id"], competency, feedback, request)


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Attacker:
    b = await api.new_tenant("attacker")
    (employee,) = await b.import_rows([{"email": f"eve@{b.slug}.test", "name": "Eve Attacker"}])
    competency = await _competency(b)
    feedback, request = await _scene(
        b, b.admin_email, employee["id"], competency, f"eve@{b.slug}.test", employee["id"], b.admin_id
    )
    return Attacker(b, employee["id"], competency, feedback, request)


@pytest.fixture(scope="module")
async def victim_before(victim: Victim) -> dict:
    before = await snapshot(victim.handle)
    # The snapshot really sees what it guards (else "unchanged" would prove nothing).
    (sent,) = before["viewer"]["feedbackInbox"]["sent"]["nodes"]
    assert (sent["id"], sent["asked"]) == (
        victim.request, [{"employee": {"id": victim.giver}, "status": "OPEN", "declineReason": None, "feedback": None}],
    )
    received = {e["id"]: e["feedbackReceived"]["nodes"] for e in before["employees"]["nodes"]}
    assert [(f["id"], f["giver"], f["competencies"]) for f in received[victim.receiver]] == [
        (victim.feedback, {"id": victim.giver}, [{"id": victim.competency}]),
    ]
    return before


# --- the operations ---------------------------------------------------------------------

NODE = "query($id: ID!) { node(id: $id) { id ... on Feedback { body } ... on FeedbackRequest { question } } }"
GIVE = mutation("giveFeedback", "GiveFeedbackInput", "feedback")
REQUEST = mutation("requestFeedback", "RequestFeedbackInput", "feedbackRequest")
RESPOND = mutation("respondToFeedbackRequest", "RespondToFeedbackRequestInput", "feedback")
DECLINE = mutation("declineFeedbackRequest", "DeclineFeedbackRequestInput", "feedbackRequest")
NO_EMPLOYEE, NO_COMPETENCY, NO_REQUEST = "Employee not found", "Competency not found", "FeedbackRequest not found"


def _give(to: str, competencies: list[str] | None = None) -> dict:
    return {"input": {"toEmployeeId": to, "body": "Planted", "kind": "PRAISE", "visibility": "PUBLIC",
                      "competencyIds": competencies or []}}


def _ask(about: str, asked: list[str]) -> dict:
    return {"input": {"aboutEmployeeId": about, "fromEmployeeIds": asked, "question": "Spy?", "dueDate": "2099-01-01"}}


_THING = {"giveFeedback": "feedback", "respondToFeedbackRequest": "feedback", "requestFeedback": "feedbackRequest",
          "declineFeedbackRequest": "feedbackRequest"}


def _not_found(name: str, field: list[str], message: str):
    return not_found(name, _THING[name], field, message)


OPS = [
    Op("node-feedback", "Query.node(id)", "Node", "feedback", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.feedback, "body": "Thanks for the review"}}),
    Op("node-feedback-request", "Query.node(id)", "Node", "request", NODE, lambda t, b: {"id": t},
       lambda b: {"node": None}, owner_sees=lambda a, b: {"node": {"id": a.request, "question": "How do I listen?"}}),
    Op("giveFeedback-toEmployeeId", "Mutation.giveFeedback(input.toEmployeeId)", "Employee", "receiver", GIVE,
       lambda t, b: _give(t), _not_found("giveFeedback", ["input", "toEmployeeId"], NO_EMPLOYEE)),
    Op("giveFeedback-competencyIds", "Mutation.giveFeedback(input.competencyIds)", "Competency", "competency", GIVE,
       lambda t, b: _give(b.employee, [b.competency, t]),
       _not_found("giveFeedback", ["input", "competencyIds", "1"], NO_COMPETENCY)),
    Op("requestFeedback-aboutEmployeeId", "Mutation.requestFeedback(input.aboutEmployeeId)", "Employee", "receiver",
       REQUEST, lambda t, b: _ask(t, [b.employee]),
       _not_found("requestFeedback", ["input", "aboutEmployeeId"], NO_EMPLOYEE)),
    Op("requestFeedback-fromEmployeeIds", "Mutation.requestFeedback(input.fromEmployeeIds)", "Employee", "giver",
       REQUEST, lambda t, b: _ask(b.handle.admin_id, [b.employee, t]),
       _not_found("requestFeedback", ["input", "fromEmployeeIds", "1"], NO_EMPLOYEE)),
    Op("respondToFeedbackRequest-requestId", "Mutation.respondToFeedbackRequest(input.requestId)", "FeedbackRequest",
       "request", RESPOND, lambda t, b: {"input": {"requestId": t, "body": "Planted"}},
       _not_found("respondToFeedbackRequest", ["input", "requestId"], NO_REQUEST)),
    Op("respondToFeedbackRequest-competencyIds", "Mutation.respondToFeedbackRequest(input.competencyIds)", "Competency",
       "competency", RESPOND,
       lambda t, b: {"input": {"requestId": b.request, "body": "Planted", "competencyIds": [b.competency, t]}},
       _not_found("respondToFeedbackRequest", ["input", "competencyIds", "1"], NO_COMPETENCY)),
    Op("declineFeedbackRequest-requestId", "Mutation.declineFeedbackRequest(input.requestId)", "FeedbackRequest",
       "request", DECLINE, lambda t, b: {"input": {"requestId": t, "reason": "No"}},
       _not_found("declineFeedbackRequest", ["input", "requestId"], NO_REQUEST)),
]
QUERY_OPS = [op for op in OPS if op.owner_sees is not None]


def bad_ids(kind: str, a: Victim, b: Attacker) -> dict[str, str]:
    """Malformed IDs and IDs of another type; each must answer exactly like a missing ID."""
    other_type = {
        "Employee": {"victim's feedback": a.feedback, "relabelled": gid("Employee", raw_uuid(a.feedback)),
                     "attacker's request": b.request},
        "Competency": {"victim's feedback": a.feedback, "relabelled": gid("Competency", raw_uuid(a.request))},
        "FeedbackRequest": {"victim's feedback": a.feedback, "relabelled": gid("FeedbackRequest", raw_uuid(a.feedback)),
                            "attacker's feedback": b.feedback, "attacker's employee": b.employee},
        "Node": {"relabelled feedback": gid("FeedbackRequest", raw_uuid(a.feedback)),
                 "relabelled request": gid("Feedback", raw_uuid(a.request))},
    }[kind]
    typed = kind if kind != "Node" else "Feedback"
    return {
        **other_type,
        "empty": "",
        "garbage": "not-an-id",
        "non-ascii": "Ω-id",
        "unknown type": gid("Kudos", uuid.uuid4()),
        "bad uuid": gid(typed, "not-a-uuid"),
        "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(),
        "overlong": gid(typed, raw_uuid(a.feedback)) + "A" * 200,
    }


async def call(op: Op, api: Api, b: Attacker, value: str):
    result = await api.gql(op.document, op.variables(value, b), token=b.handle.admin_token)
    assert result.status == 200, result.body
    return result


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_another_tenants_feedback_id_answers_like_a_missing_one_and_changes_nothing(
    api, victim, attacker, victim_before, op
):
    attacker_before = await snapshot(attacker.handle)
    attacked = await call(op, api, attacker, getattr(victim, op.target))
    assert attacked.data == op.expect(attacker)
    reference = await call(op, api, attacker, missing(op.kind, victim))
    assert attacked.body == reference.body
    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_malformed_and_wrong_type_feedback_ids_answer_like_a_missing_one(api, victim, attacker, victim_before, op):
    attacker_before = await snapshot(attacker.handle)
    reference = (await call(op, api, attacker, missing(op.kind, victim))).body
    assert reference == {"data": op.expect(attacker)}
    bad = bad_ids(op.kind, victim, attacker)
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results)}
    assert {label: body for label, body in answers.items() if body != reference} == {}
    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", QUERY_OPS, ids=str)
async def test_the_same_feedback_query_finds_the_data_for_its_own_tenant(api, victim, attacker, op):
    # The control: the IDs are real, so the attacker's nulls come from isolation.
    result = await victim.handle.gql(op.document, op.variables(getattr(victim, op.target), attacker))
    assert result.data == op.owner_sees(victim, attacker)
