"""Another tenant's IDs are as good as missing, for every recognition operation that takes one.

Tenant A (the victim) holds a PUBLIC recognition in a department, tagged with a
competency, with a reaction and a comment; tenant B's admin (the attacker) calls each
ID-taking recognition query and mutation with A's IDs. The answer is byte for byte the
one for an ID that exists nowhere, malformed IDs and IDs of another type answer the same,
and afterwards both tenants' recognition is unchanged. The tenants are built once per
module: the attacks change nothing, which is what every case checks.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass

import pytest

from tests.api.test_cross_tenant import Op, gid, missing, mutation, not_found, raw_uuid
from tests.support.api import Api, TenantHandle

ID_KINDS = {"Recognition", "RecognitionComment"}


@dataclass(frozen=True)
class Victim:
    handle: TenantHandle
    department: str  # "Platform", where the recipient works
    giver: str
    recipient: str
    competency: str  # "Listening", tagged on the recognition
    recognition: str  # PUBLIC, from the giver to the recipient
    comment: str  # the recipient's comment on it


@dataclass(frozen=True)
class Attacker:
    handle: TenantHandle
    employee: str  # the attacker's own, for inputs where only the other ID is A's
    competency: str
    recognition: str
    comment: str


SNAPSHOT = """{
  recognitionFeed(first: 20) { totalCount nodes { id message kind visibility valueTags giver { id }
    recipients { id } competencies { id } reactionCounts { emoji count }
    comments(first: 20) { nodes { id body author { id } } } } }
}"""


async def snapshot(handle: TenantHandle) -> dict:
    return (await handle.gql(SNAPSHOT)).data


async def _posted(handle: TenantHandle, giver_email: str, recipient: str, competency: str) -> tuple[str, str]:
    """A PUBLIC recognition with a 👏 and a comment by the admin; (recognition, comment)."""
    made = await handle.gql(
        """mutation($r: ID!, $c: ID!) { recognize(input: {recipientIds: [$r], competencyIds: [$c], message: "Thanks",
             valueTags: ["care"]}) { recognition { id } errors { code } } }""",
        {"r": recipient, "c": competency}, token=handle.token_for(giver_email),
    )
    recognition = made.data["recognize"]["recognition"]["id"]
    engaged = await handle.gql(
        """mutation($id: ID!) { react(input: {recognitionId: $id, emoji: "👏"}) { errors { code } }
             comment(input: {recognitionId: $id, body: "Well deserved"}) { comment { id } errors { code } } }""",
        {"id": recognition},
    )
    assert engaged.data["react"]["errors"] == [] and engaged.data["comment"]["errors"] == []
    return recognition, engaged.data["comment"]["comment"]["id"]


async def _competency(handle: TenantHandle) -> str:
    made = await handle.gql('mutation { createCompetency(input: {name: "Listening", category: "CORE"}) { competency { id } } }')
    return made.data["createCompetency"]["competency"]["id"]


@pytest.fixture(scope="module")
async def victim(api: Api) -> Victim:
    a = await api.new_tenant("victim")
    department = await a.create_department("Platform")
    giver, recipient = await a.import_rows([
        {"email": f"gia@{a.slug}.test", "name": "Gia Giver", "departmentId": department["id"]},
        {"email": f"rex@{a.slug}.test", "name": "Rex Recipient", "departmentId": department["id"]},
    ])
    competency = await _competency(a)
    recognition, comment = await _posted(a, f"gia@{a.slug}.test", recipient["id"], competency)
    return Victim(a, department["id"], giver["id"], recipient["id"], competency, recognition, comment)


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Attacker:
    b = await api.new_tenant("attacker")
    (employee,) = await b.import_rows([{"email": f"eve@{b.slug}.test", "name": "Eve Attacker"}])
    competency = await _competency(b)
    recognition, comment = await _posted(b, b.admin_email, employee["id"], competency)
    return Attacker(b, employee["id"], competency, recognition, comment)


@pytest.fixture(scope="module")
async def victim_before(victim: Victim) -> dict:
    before = await snapshot(victim.handle)
    # The snapshot really sees what it guards (else "unchanged" would prove nothing).
    (item,) = before["recognitionFeed"]["nodes"]
    assert (item["id"], item["recipients"], item["competencies"]) == (
        victim.recognition, [{"id": victim.recipient}], [{"id": victim.competency}],
    )
    assert item["reactionCounts"] == [{"emoji": "👏", "count": 1}]
    assert [c["id"] for c in item["comments"]["nodes"]] == [victim.comment]
    return before


# --- the operations ---------------------------------------------------------------------

RECOGNITION = "query($id: ID!) { recognition(id: $id) { id message } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Recognition { message } } }"
FEED = "query($f: RecognitionFeedFilterInput) { recognitionFeed(first: 100, filter: $f) { totalCount nodes { id } } }"
RECOGNIZE = mutation("recognize", "RecognizeInput", "recognition")
REACT = mutation("react", "ReactInput", "recognition")
UNREACT = mutation("unreact", "ReactInput", "recognition")
COMMENT = mutation("comment", "CommentInput", "comment")
DELETE_COMMENT = mutation("deleteComment", "DeleteCommentInput", "recognition")
NO_RECOGNITION, NO_COMMENT = "Recognition not found", "RecognitionComment not found"
NO_FEED = {"recognitionFeed": {"totalCount": 0, "nodes": []}}

OPS = [
    Op("recognition", "Query.recognition(id)", "Recognition", "recognition", RECOGNITION, lambda t, b: {"id": t},
       lambda b: {"recognition": None},
       owner_sees=lambda a, b: {"recognition": {"id": a.recognition, "message": "Thanks"}}),
    Op("node-recognition", "Query.node(id)", "Node", "recognition", NODE, lambda t, b: {"id": t},
       lambda b: {"node": None}, owner_sees=lambda a, b: {"node": {"id": a.recognition, "message": "Thanks"}}),
    Op("recognitionFeed-departmentId", "Query.recognitionFeed(filter.departmentId)", "Department", "department", FEED,
       lambda t, b: {"f": {"departmentId": t}}, lambda b: NO_FEED,
       owner_sees=lambda a, b: {"recognitionFeed": {"totalCount": 1, "nodes": [{"id": a.recognition}]}}),
    Op("recognitionFeed-competencyId", "Query.recognitionFeed(filter.competencyId)", "Competency", "competency", FEED,
       lambda t, b: {"f": {"competencyId": t}}, lambda b: NO_FEED,
       owner_sees=lambda a, b: {"recognitionFeed": {"totalCount": 1, "nodes": [{"id": a.recognition}]}}),
    Op("recognize-recipientIds", "Mutation.recognize(input.recipientIds)", "Employee", "recipient", RECOGNIZE,
       lambda t, b: {"input": {"recipientIds": [b.employee, t], "message": "Stolen thanks"}},
       not_found("recognize", "recognition", ["input", "recipientIds", "1"], "Employee not found")),
    Op("recognize-competencyIds", "Mutation.recognize(input.competencyIds)", "Competency", "competency", RECOGNIZE,
       lambda t, b: {"input": {"recipientIds": [b.employee], "message": "Hi", "competencyIds": [b.competency, t]}},
       not_found("recognize", "recognition", ["input", "competencyIds", "1"], "Competency not found")),
    Op("react-recognitionId", "Mutation.react(input.recognitionId)", "Recognition", "recognition", REACT,
       lambda t, b: {"input": {"recognitionId": t, "emoji": "🎉"}},
       not_found("react", "recognition", ["input", "recognitionId"], NO_RECOGNITION)),
    Op("unreact-recognitionId", "Mutation.unreact(input.recognitionId)", "Recognition", "recognition", UNREACT,
       lambda t, b: {"input": {"recognitionId": t, "emoji": "👏"}},
       not_found("unreact", "recognition", ["input", "recognitionId"], NO_RECOGNITION)),
    Op("comment-recognitionId", "Mutation.comment(input.recognitionId)", "Recognition", "recognition", COMMENT,
       lambda t, b: {"input": {"recognitionId": t, "body": "Planted"}},
       not_found("comment", "comment", ["input", "recognitionId"], NO_RECOGNITION)),
    Op("deleteComment-id", "Mutation.deleteComment(input.id)", "RecognitionComment", "comment", DELETE_COMMENT,
       lambda t, b: {"input": {"id": t}}, not_found("deleteComment", "recognition", ["input", "id"], NO_COMMENT)),
]
QUERY_OPS = [op for op in OPS if op.owner_sees is not None]


def bad_ids(kind: str, a: Victim, b: Attacker) -> dict[str, str]:
    """Malformed IDs and IDs of another type; each must answer exactly like a missing ID."""
    other_type = {
        "Recognition": {"victim's comment": a.comment, "relabelled": gid("Recognition", raw_uuid(a.comment)),
                        "attacker's comment": b.comment},
        "RecognitionComment": {"victim's recognition": a.recognition,
                               "relabelled": gid("RecognitionComment", raw_uuid(a.recognition))},
        "Employee": {"victim's recognition": a.recognition, "relabelled": gid("Employee", raw_uuid(a.department))},
        "Department": {"attacker's employee": b.employee, "relabelled": gid("Department", raw_uuid(a.recipient))},
        "Competency": {"victim's recognition": a.recognition, "relabelled": gid("Competency", raw_uuid(a.recognition))},
        "Node": {"victim's comment": a.comment, "relabelled": gid("Recognition", raw_uuid(a.comment))},
    }[kind]
    typed = kind if kind != "Node" else "Recognition"
    return {
        **other_type,
        "empty": "",
        "garbage": "not-an-id",
        "non-ascii": "Ω-id",
        "unknown type": gid("Kudos", uuid.uuid4()),
        "bad uuid": gid(typed, "not-a-uuid"),
        "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(),
        "overlong": gid(typed, raw_uuid(a.recognition)) + "A" * 200,
    }


async def call(op: Op, api: Api, b: Attacker, value: str):
    result = await api.gql(op.document, op.variables(value, b), token=b.handle.admin_token)
    assert result.status == 200, result.body
    return result


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_another_tenants_recognition_id_answers_like_a_missing_one_and_changes_nothing(
    api, victim, attacker, victim_before, op
):
    attacker_before = await snapshot(attacker.handle)
    attacked = await call(op, api, attacker, getattr(victim, op.target))
    assert attacked.data == op.expect(attacker)
    reference = await call(op, api, attacker, missing(op.kind, victim))
    assert attacked.body == reference.body
    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_malformed_and_wrong_type_recognition_ids_answer_like_a_missing_one(api, victim, attacker, victim_before, op):
    attacker_before = await snapshot(attacker.handle)
    reference = (await call(op, api, attacker, missing(op.kind, victim))).body
    assert reference == {"data": op.expect(attacker)}
    bad = bad_ids(op.kind, victim, attacker)
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results)}
    assert {label: body for label, body in answers.items() if body != reference} == {}
    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", QUERY_OPS, ids=str)
async def test_the_same_recognition_query_finds_the_data_for_its_own_tenant(api, victim, attacker, op):
    # The control: the IDs are real, so the attacker's nulls and empty lists come from isolation.
    result = await victim.handle.gql(op.document, op.variables(getattr(victim, op.target), attacker))
    assert result.data == op.owner_sees(victim, attacker)
