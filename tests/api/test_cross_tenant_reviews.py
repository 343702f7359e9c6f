"""Another tenant's review IDs are as good as missing, for every review operation taking an ID.

Tenant A (the victim) runs a launched cycle (tests/support/reviews.py) with the lead's
reviews submitted and a pending nomination; tenant B (the attacker) runs the same scene
of its own, so every input can be valid except for the one ID taken from A. Each case
answers byte for byte like an ID that exists nowhere, malformed and wrong-type IDs answer
the same, and neither tenant's review data changes. Covers every review ID argument for
tests/api/test_cross_tenant.py's schema coverage test.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass

import pytest

from tests.api.test_cross_tenant import Op, gid, mutation, not_found, raw_uuid
from tests.support.api import Api
from tests.support.reviews import ReviewScene, launched_cycle, ok, reviews_to_write

ID_KINDS = {"ReviewTemplate", "ReviewCycle", "Review", "PeerNomination", "TemplateQuestion"}


@dataclass
class Side:
    """One tenant's review objects, as global IDs."""

    scene: ReviewScene
    template: str = ""
    question: str = ""  # the template's RATING_GOALS question
    cycle: str = ""
    review: str = ""  # ann's own SELF review, not submitted
    lead_review: str = ""  # the lead's SELF review (rates the lead's goal and Delegation automatically)
    nomination: str = ""  # ann's pending nomination of pia
    employee: str = ""  # pia
    department: str = ""
    job_level: str = ""
    competency: str = ""  # Delegation
    goal: str = ""


async def _side(api: Api, prefix: str, submit: tuple[str, ...]) -> Side:
    scene = await launched_cycle(await api.new_tenant(prefix), submit=submit)
    ann = {r["kind"]: r for r in await reviews_to_write(scene, "ann") if r["subject"]["id"] == scene.id("ann")}
    lead = {r["kind"]: r for r in await reviews_to_write(scene, "lead") if r["subject"]["id"] == scene.id("lead")}
    nominated = await ok(scene.handle, """mutation($c: ID!, $p: [ID!]!) { nominatePeers(input: {cycleId: $c, peerIds: $p}) {
        nominations { id peer { id } } errors { code field message } } }""",
                         {"c": scene.cycle, "p": [scene.id("pia"), scene.id("pat")]}, token=scene.token("ann"))
    goals_question = next(q["questionId"] for q in lead["SELF"]["questions"] if q["kind"] == "RATING_GOALS")
    return Side(
        scene, scene.template, goals_question, scene.cycle, ann["SELF"]["id"], lead["SELF"]["id"],
        next(n["id"] for n in nominated["nominations"] if n["peer"]["id"] == scene.id("pia")),
        scene.id("pia"), scene.departments["Engineering"], scene.job_levels["Engineer"], scene.competencies["Delegation"],
        scene.goal,
    )


@pytest.fixture(scope="module")
async def victim(api: Api) -> Side:
    return await _side(api, "rvictim", ("lead",))


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Side:
    return await _side(api, "rattacker", ())


SNAPSHOT = """{
  reviewTemplates(first: 5) { totalCount nodes { id name description includeLeadershipForManagers
    sections { title position questions { id kind prompt required reviewerKinds competency { id } } } } }
  reviewCycles(first: 5) { totalCount nodes { id name status reviewerKinds peerMin peerMax launchedAt
    deadlines { self manager peer directReport }
    participants(first: 20) { totalCount nodes { employee { id } department { id } jobLevel { id } manager { id } leadsPeople } }
    progress { overall { submitted assigned } byKind { kind progress { submitted assigned } } }
    nominations { id status peer { id } subject { id } decidedBy { id } } } }
}"""
MINE = """{ viewer { reviewsToWrite { id kind status submittedAt reopenedCount subject { id }
  questions { questionId competency { id } goal { id } answer { rating text } } } } }"""


async def snapshot(side: Side) -> dict:
    """The tenant's review data as HR sees it, plus the drafts and answers of two reviewers."""
    scene = side.scene
    hr, ann, lead = await asyncio.gather(scene.gql("hr", SNAPSHOT), scene.gql("ann", MINE), scene.gql("lead", MINE))
    return {"hr": hr, "ann": ann, "lead": lead}


@pytest.fixture(scope="module")
async def victim_before(victim: Side) -> dict:
    before = await snapshot(victim)
    # The snapshot sees what it guards (else "unchanged" would prove nothing).
    (cycle,) = before["hr"]["reviewCycles"]["nodes"]
    assert (cycle["status"], cycle["participants"]["totalCount"], cycle["progress"]["overall"]) == (
        "ACTIVE", 9, {"submitted": 9, "assigned": 28})
    assert sum(n["status"] == "NOMINATED" for n in cycle["nominations"]) == 2
    ann = {r["id"]: r for r in before["ann"]["viewer"]["reviewsToWrite"]}
    assert ann[victim.review]["status"] == "NOT_STARTED"
    return before


# --- the operations ---------------------------------------------------------------------------

CREATE_TEMPLATE = mutation("createReviewTemplate", "CreateReviewTemplateInput", "template")
UPDATE_TEMPLATE = mutation("updateReviewTemplate", "UpdateReviewTemplateInput", "template")
CREATE_CYCLE = mutation("createReviewCycle", "CreateReviewCycleInput", "cycle")
ADD_PARTICIPANTS = mutation("addCycleParticipants", "AddCycleParticipantsInput", "cycle")
REMOVE_PARTICIPANT = mutation("removeCycleParticipant", "RemoveCycleParticipantInput", "cycle")
NOMINATE = mutation("nominatePeers", "NominatePeersInput", "nominations")
APPROVE = mutation("approveNominations", "ApproveNominationsInput", "nominations")
REPLACE = mutation("replaceNomination", "ReplaceNominationInput", "nomination")
SAVE = mutation("saveReviewDraft", "SaveReviewDraftInput", "review")
SUBMIT = mutation("submitReview", "SubmitReviewInput", "review")
REOPEN = mutation("reopenReview", "ReopenReviewInput", "review")

NO_TEMPLATE, NO_CYCLE, NO_REVIEW = "ReviewTemplate not found", "ReviewCycle not found", "Review not found"
NO_NOMINATION, NO_QUESTION = "PeerNomination not found", "Question not found"


def question_input(competency: str) -> dict:
    return {"title": "S", "questions": [{"kind": "RATING_COMPETENCY", "prompt": "Q", "reviewerKinds": ["SELF"],
                                         "competencyId": competency}]}


def answer_ops(name: str, document: str) -> list[Op]:
    """One per ID inside an answer, on the attacker lead's own open review."""
    at = ["input", "answers", "0"]
    return [
        Op(f"{name}-questionId", f"Mutation.{name}(input.answers.questionId)", "TemplateQuestion", "question", document,
           lambda t, b: {"input": {"reviewId": b.lead_review, "answers": [{"questionId": t, "goalId": b.goal, "rating": 3}]}},
           not_found(name, "review", [*at, "questionId"], NO_QUESTION), token="lead"),
        Op(f"{name}-competencyId", f"Mutation.{name}(input.answers.competencyId)", "Competency", "competency", document,
           lambda t, b: {"input": {"reviewId": b.lead_review, "answers": [{"competencyId": t, "rating": 3}]}},
           not_found(name, "review", [*at, "competencyId"], NO_QUESTION), token="lead"),
        Op(f"{name}-goalId", f"Mutation.{name}(input.answers.goalId)", "Goal", "goal", document,
           lambda t, b: {"input": {"reviewId": b.lead_review, "answers": [{"questionId": b.question, "goalId": t, "rating": 3}]}},
           not_found(name, "review", [*at, "goalId"], "Goal not found"), token="lead"),
        Op(f"{name}-reviewId", f"Mutation.{name}(input.reviewId)", "Review", "review", document,
           lambda t, b: {"input": {"reviewId": t, "answers": []}}, not_found(name, "review", ["input", "reviewId"], NO_REVIEW)),
    ]


OPS = [
    # queries
    Op("reviewTemplate", "Query.reviewTemplate(id)", "ReviewTemplate", "template",
       "query($id: ID!) { reviewTemplate(id: $id) { id name } }", lambda t, b: {"id": t}, lambda b: {"reviewTemplate": None},
       owner_sees=lambda a, b: {"reviewTemplate": {"id": a.template, "name": "Annual review"}}),
    Op("reviewCycle", "Query.reviewCycle(id)", "ReviewCycle", "cycle",
       "query($id: ID!) { reviewCycle(id: $id) { id name } }", lambda t, b: {"id": t}, lambda b: {"reviewCycle": None},
       owner_sees=lambda a, b: {"reviewCycle": {"id": a.cycle, "name": "2026 H1"}}),
    Op("review", "Query.review(id)", "Review", "lead_review",
       "query($id: ID!) { review(id: $id) { id kind } }", lambda t, b: {"id": t}, lambda b: {"review": None},
       owner_sees=lambda a, b: {"review": {"id": a.lead_review, "kind": "SELF"}}),
    Op("node-review-cycle", "Query.node(id)", "ReviewCycle", "cycle",
       "query($id: ID!) { node(id: $id) { id } }", lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.cycle}}),
    # templates
    Op("createReviewTemplate-competencyId", "Mutation.createReviewTemplate(input.sections.questions.competencyId)",
       "Competency", "competency", CREATE_TEMPLATE, lambda t, b: {"input": {"name": "Stolen", "sections": [question_input(t)]}},
       not_found("createReviewTemplate", "template", ["input", "sections", "0", "questions", "0", "competencyId"],
                 "Competency not found")),
    Op("updateReviewTemplate-id", "Mutation.updateReviewTemplate(input.id)", "ReviewTemplate", "template", UPDATE_TEMPLATE,
       lambda t, b: {"input": {"id": t, "name": "Renamed"}}, not_found("updateReviewTemplate", "template", ["input", "id"], NO_TEMPLATE)),
    Op("updateReviewTemplate-competencyId", "Mutation.updateReviewTemplate(input.sections.questions.competencyId)",
       "Competency", "competency", UPDATE_TEMPLATE, lambda t, b: {"input": {"id": b.template, "sections": [question_input(t)]}},
       not_found("updateReviewTemplate", "template", ["input", "sections", "0", "questions", "0", "competencyId"],
                 "Competency not found")),
    # cycles
    Op("createReviewCycle-templateId", "Mutation.createReviewCycle(input.templateId)", "ReviewTemplate", "template", CREATE_CYCLE,
       lambda t, b: {"input": {"name": "Stolen", "periodStart": "2026-01-01", "periodEnd": "2026-06-30", "templateId": t,
                               "reviewerKinds": ["SELF"]}},
       not_found("createReviewCycle", "cycle", ["input", "templateId"], NO_TEMPLATE)),
    Op("addCycleParticipants-cycleId", "Mutation.addCycleParticipants(input.cycleId)", "ReviewCycle", "cycle", ADD_PARTICIPANTS,
       lambda t, b: {"input": {"cycleId": t, "filter": {"all": True}}},
       not_found("addCycleParticipants", "cycle", ["input", "cycleId"], NO_CYCLE)),
    Op("addCycleParticipants-departmentId", "Mutation.addCycleParticipants(input.filter.departmentId)", "Department",
       "department", ADD_PARTICIPANTS, lambda t, b: {"input": {"cycleId": b.cycle, "filter": {"departmentId": t}}},
       not_found("addCycleParticipants", "cycle", ["input", "filter", "departmentId"], "Department not found")),
    Op("addCycleParticipants-jobLevelId", "Mutation.addCycleParticipants(input.filter.jobLevelId)", "JobLevel",
       "job_level", ADD_PARTICIPANTS, lambda t, b: {"input": {"cycleId": b.cycle, "filter": {"jobLevelId": t}}},
       not_found("addCycleParticipants", "cycle", ["input", "filter", "jobLevelId"], "JobLevel not found")),
    Op("removeCycleParticipant-cycleId", "Mutation.removeCycleParticipant(input.cycleId)", "ReviewCycle", "cycle",
       REMOVE_PARTICIPANT, lambda t, b: {"input": {"cycleId": t, "employeeId": b.employee}},
       not_found("removeCycleParticipant", "cycle", ["input", "cycleId"], NO_CYCLE)),
    Op("removeCycleParticipant-employeeId", "Mutation.removeCycleParticipant(input.employeeId)", "Employee", "employee",
       REMOVE_PARTICIPANT, lambda t, b: {"input": {"cycleId": b.cycle, "employeeId": t}},
       not_found("removeCycleParticipant", "cycle", ["input", "employeeId"], "Participant not found")),
    *(
        Op(f"{name}-id", f"Mutation.{name}(input.id)", "ReviewCycle", "cycle", mutation(name, "ReviewCycleIdInput", "cycle"),
           lambda t, b: {"input": {"id": t}}, not_found(name, "cycle", ["input", "id"], NO_CYCLE))
        for name in ("launchReviewCycle", "advanceReviewCycle", "closeReviewCycle")
    ),
    # nominations
    Op("nominatePeers-cycleId", "Mutation.nominatePeers(input.cycleId)", "ReviewCycle", "cycle", NOMINATE,
       lambda t, b: {"input": {"cycleId": t, "peerIds": []}}, not_found("nominatePeers", "nominations", ["input", "cycleId"], NO_CYCLE),
       token="ann"),
    Op("nominatePeers-peerIds", "Mutation.nominatePeers(input.peerIds)", "Employee", "employee", NOMINATE,
       lambda t, b: {"input": {"cycleId": b.cycle, "peerIds": [t]}},
       not_found("nominatePeers", "nominations", ["input", "peerIds", "0"], "Employee not found"), token="ann"),
    Op("approveNominations-nominationIds", "Mutation.approveNominations(input.nominationIds)", "PeerNomination", "nomination",
       APPROVE, lambda t, b: {"input": {"nominationIds": [t]}},
       not_found("approveNominations", "nominations", ["input", "nominationIds", "0"], NO_NOMINATION)),
    Op("replaceNomination-nominationId", "Mutation.replaceNomination(input.nominationId)", "PeerNomination", "nomination",
       REPLACE, lambda t, b: {"input": {"nominationId": t, "peerId": b.employee}},
       not_found("replaceNomination", "nomination", ["input", "nominationId"], NO_NOMINATION)),
    Op("replaceNomination-peerId", "Mutation.replaceNomination(input.peerId)", "Employee", "employee", REPLACE,
       lambda t, b: {"input": {"nominationId": b.nomination, "peerId": t}},
       not_found("replaceNomination", "nomination", ["input", "peerId"], "Employee not found")),
    # reviewing
    *answer_ops("saveReviewDraft", SAVE),
    *answer_ops("submitReview", SUBMIT),
    Op("reopenReview-reviewId", "Mutation.reopenReview(input.reviewId)", "Review", "lead_review", REOPEN,
       lambda t, b: {"input": {"reviewId": t, "reason": "Stolen"}},
       not_found("reopenReview", "review", ["input", "reviewId"], NO_REVIEW)),
]
QUERY_OPS = [op for op in OPS if op.owner_sees is not None]


async def call(op: Op, api: Api, b: Side, value: str):
    token = b.scene.token("hr" if op.token == "attacker" else op.token)
    result = await api.gql(op.document, op.variables(value, b), token=token)
    assert result.status == 200, result.body
    return result


def missing(kind: str) -> str:
    return gid(kind, uuid.uuid4())


def bad_ids(kind: str, a: Side, b: Side) -> dict[str, str]:
    """Malformed IDs and IDs of another type; each must answer exactly like a missing ID."""
    real = getattr(a, {"TemplateQuestion": "question", "PeerNomination": "nomination", "ReviewTemplate": "template",
                       "ReviewCycle": "cycle", "Review": "review", "Employee": "employee", "Department": "department",
                       "JobLevel": "job_level", "Competency": "competency", "Goal": "goal"}[kind])
    return {
        "attacker's cycle as another type": b.cycle if kind != "ReviewCycle" else b.template,
        "relabelled": gid(kind, raw_uuid(a.cycle if kind != "ReviewCycle" else a.template)),
        "victim's id relabelled as a review": gid("Review" if kind != "Review" else "ReviewCycle", raw_uuid(real)),
        "empty": "",
        "garbage": "not-an-id",
        "non-ascii": "Ω-id",
        "unknown type": gid("Payroll", uuid.uuid4()),
        "bad uuid": gid(kind, "not-a-uuid"),
        "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(),
        "overlong": real + "A" * 200,
    }


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_another_tenants_or_a_malformed_review_id_answers_like_a_missing_one_and_changes_nothing(
    api, victim, attacker, victim_before, op
):
    attacker_before = await snapshot(attacker)
    reference = await call(op, api, attacker, missing(op.kind))
    assert reference.body == {"data": op.expect(attacker)}
    # Same body as for a value that exists nowhere: A's things are not even confirmed to exist.
    attacked = await call(op, api, attacker, getattr(victim, op.target))
    assert attacked.body == reference.body

    bad = bad_ids(op.kind, victim, attacker)
    if op.covers == "Query.node(id)":
        del bad["attacker's cycle as another type"]  # node() resolves the attacker's own objects of any type
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results)}
    assert {label: body for label, body in answers.items() if body != reference.body} == {}

    # A refused mutation wrote nothing, not even half-way into the attacker's own tenant.
    assert await asyncio.gather(snapshot(victim), snapshot(attacker)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", QUERY_OPS, ids=str)
async def test_the_same_review_query_finds_the_data_for_its_own_tenant(victim, attacker, op):
    # The control: the IDs are real, so the attacker's nulls come from isolation.
    result = await victim.scene.handle.gql(op.document, op.variables(getattr(victim, op.target), attacker))
    assert result.data == op.owner_sees(victim, attacker)


async def test_a_cycles_nominations_filtered_by_another_tenants_employee_are_empty(victim, attacker):
    query = "query($c: ID!, $s: ID) { reviewCycle(id: $c) { nominations(subjectId: $s) { id } } }"
    theirs = await attacker.scene.gql("hr", query, {"c": attacker.cycle, "s": victim.scene.id("ann")})
    assert theirs == {"reviewCycle": {"nominations": []}}
    own = await attacker.scene.gql("hr", query, {"c": attacker.cycle, "s": attacker.scene.id("ann")})
    assert len(own["reviewCycle"]["nominations"]) == 2
