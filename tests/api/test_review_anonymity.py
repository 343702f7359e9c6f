"""Trying to identify the author of a PEER or DIRECT_REPORT answer through every path the
API offers, and failing: counts below the threshold, slices and filters, ordering,
timestamps, IDs (node() with real review IDs), error messages, HR without the setting,
and the subject and managers before release.

One released cycle is built per module (the tests only read it; the one that changes a
setting builds its own). The org is tests/support/reviews.py's: boss > lead > ann, ben,
cal, dee (Platform); pia, pat, pax (Engineering) report to the boss. Every kind answers
"How well do they coach?", "Leadership strengths" and "Overall performance".

    lead: peers pia, pat, pax (3: shown), reports ann, ben, cal, dee (4: shown)
    ann:  peers ben, cal, dee, writing the lead's peers' texts in the opposite order
    ben:  peers ann, cal (2);  dee: peer ann (1);  cal: no peer (0)
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, build_schema

from tests.api.test_cross_tenant import SCHEMA_FILE, gid
from tests.support.api import Api
from tests.support.review_results import (
    ACKNOWLEDGE,
    CALIBRATION,
    RESULT,
    REVEAL,
    advance,
    cells,
    rating_template,
    result_of,
    set_review_settings,
)
from tests.support.reviews import (
    SUBMIT,
    ReviewScene,
    build_org,
    launch,
    launched_cycle,
    nominate_and_approve,
    ok,
    reviews_to_write,
)

TEXTS = ["Listens well", "Clear priorities", "Shields the team"]
LEAD_PEERS = {"pia": (2, TEXTS[0]), "pat": (4, TEXTS[1]), "pax": (5, TEXTS[2])}
# ann's peers write the same texts, in the opposite order of submission.
ANN_PEERS = {"dee": (3, TEXTS[0]), "cal": (3, TEXTS[1]), "ben": (3, TEXTS[2])}


@dataclass
class Released:
    scene: ReviewScene
    peer_reviews: list[str]  # the IDs of the lead's PEER reviews, as their authors saw them


async def submit(scene: ReviewScene, reviewer: str, subject: str, rating: int, text: str | None) -> str:
    """`reviewer` answers every question of their review of `subject`; returns the review's ID."""
    [review] = [r for r in await reviews_to_write(scene, reviewer) if r["subject"]["id"] == scene.id(subject)]
    answers = []
    for q in review["questions"]:
        answer = {"questionId": q["questionId"]} if q["questionId"] else {"competencyId": q["competency"]["id"]}
        if q["scaleKind"] is None:
            answer["text"] = text or "Fine"
        else:
            answer["rating"] = rating
        answers.append(answer)
    await ok(scene.handle, SUBMIT, {"input": {"reviewId": review["id"], "answers": answers}}, token=scene.token(reviewer))
    return review["id"]


async def build(api: Api) -> Released:
    scene = await build_org(await api.new_tenant("anon"))
    h = scene.handle
    scene.template = (await ok(h, """mutation($input: CreateReviewTemplateInput!) { createReviewTemplate(input: $input) {
        template { id } errors { code field message } } }""", {"input": rating_template(scene)}))["template"]["id"]
    scene.cycle = (await ok(h, """mutation($t: ID!) { createReviewCycle(input: {name: "360", periodStart: "2026-01-01",
        periodEnd: "2026-06-30", templateId: $t, reviewerKinds: [SELF, MANAGER, PEER, DIRECT_REPORT], peerMax: 3}) {
        cycle { id } errors { code field message } } }""", {"t": scene.template}))["cycle"]["id"]
    await ok(h, """mutation($c: ID!, $d: ID!) { addCycleParticipants(input: {cycleId: $c, filter: {departmentId: $d}}) {
        added errors { code field message } } }""", {"c": scene.cycle, "d": scene.departments["Engineering"]})
    await nominate_and_approve(scene, "lead", LEAD_PEERS, "boss")
    await nominate_and_approve(scene, "ann", ["ben", "cal", "dee"], "lead")
    await nominate_and_approve(scene, "ben", ["ann", "cal"], "lead")
    await nominate_and_approve(scene, "dee", ["ann"], "lead")
    await launch(scene)
    peer_reviews = [await submit(scene, peer, "lead", rating, text) for peer, (rating, text) in LEAD_PEERS.items()]
    for report, rating in zip(("ann", "ben", "cal", "dee"), (1, 2, 4, 4), strict=True):
        await submit(scene, report, "lead", rating, f"Upward {report}")
    await submit(scene, "boss", "lead", 3, "Named")
    for peer, (rating, text) in ANN_PEERS.items():
        await submit(scene, peer, "ann", rating, text)
    await submit(scene, "ann", "ben", 1, "Harsh")
    await submit(scene, "cal", "ben", 1, "Harsher")
    await submit(scene, "ann", "dee", 5, "Lonely voice")
    await advance(scene, "RELEASED")
    return Released(scene, peer_reviews)


@pytest.fixture(scope="module")
async def released(api) -> Released:
    return await build(api)


def body_text(response) -> str:
    return json.dumps(response.body, sort_keys=True)


# --- counts below the threshold -----------------------------------------------------------------


async def test_zero_one_and_two_peers_read_exactly_alike(released):
    scene = released.scene
    # Each subject reads their own results; cal had no peer, dee one, ben two (threshold 3).
    seen = {key: cells(await result_of(scene, key, key), "PEER") for key in ("cal", "dee", "ben")}
    assert seen["cal"] == seen["dee"] == seen["ben"]
    assert [(c["question"]["prompt"], (c["ratings"] or c["texts"])["enoughResponses"]) for c in seen["cal"]] == [
        ("How well do they coach?", False), ("Leadership strengths", False), ("Overall performance", False),
    ]
    hidden = seen["cal"][0]["ratings"]
    assert hidden == {"enoughResponses": False, "average": None, "responses": None, "distribution": [],
                      "explanation": "Not enough responses: answers of this kind are shown only in aggregate, "
                                     "once at least 3 people have answered."}
    # HR reads exactly the same: there is no richer view of a small group.
    assert cells(await result_of(scene, "hr", "ben"), "PEER") == seen["ben"]


async def test_at_the_threshold_answers_are_exact_aggregates_that_name_nobody(released):
    scene = released.scene
    response = await scene.handle.gql(RESULT, {"c": scene.cycle, "s": scene.id("lead")}, token=scene.token("lead"))
    coaching, strengths, overall, delegation = cells(response.data["reviewResult"], "PEER")
    assert (delegation["question"]["automatic"], delegation["question"]["competency"]) == (True, {"name": "Delegation"})
    assert (coaching["ratings"]["average"], coaching["ratings"]["responses"]) == (3.67, 3)
    assert overall["ratings"]["distribution"] == [{"value": v, "count": c} for v, c in ((1, 0), (2, 1), (3, 0), (4, 1), (5, 1))]
    assert sorted(strengths["texts"]["answers"]) == sorted(TEXTS)
    upward = cells(response.data["reviewResult"], "DIRECT_REPORT")
    assert upward[0]["ratings"]["responses"] == 4
    # Nothing in the whole answer names a peer or a report: no ID, name or email, no timestamp.
    text = body_text(response)
    for key in ("pia", "pat", "pax", "ann", "ben", "cal", "dee"):
        person = scene.people[key]
        assert person["id"] not in text and person["email"] not in text and f'"{person["name"]}"' not in text
    assert re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", text) is None


# --- ordering -------------------------------------------------------------------------------


async def test_text_order_does_not_follow_who_submitted_first(released):
    scene = released.scene
    lead = cells(await result_of(scene, "lead", "lead"), "PEER")[1]["texts"]["answers"]
    ann = cells(await result_of(scene, "ann", "ann"), "PEER")[1]["texts"]["answers"]
    # The same three texts, submitted in opposite orders, read in one and the same order.
    assert lead == ann and sorted(lead) == sorted(TEXTS)


# --- the schema itself --------------------------------------------------------------------------


def reachable(type_name: str, stop: set[str]) -> dict[str, set[str]]:
    """Every object type reachable from `type_name` (not entering `stop`), with its field types."""
    schema = build_schema(SCHEMA_FILE.read_text())
    seen: dict[str, set[str]] = {}
    todo = [schema.type_map[type_name]]
    while todo:
        current = todo.pop()
        if current.name in seen or current.name in stop:
            continue
        seen[current.name] = set()
        for field in current.fields.values():
            named = field.type
            while isinstance(named, (GraphQLNonNull, GraphQLList)):
                named = named.of_type
            seen[current.name].add(named.name)
            if isinstance(named, GraphQLObjectType):
                todo.append(named)
    return seen


@pytest.mark.parametrize("root", ["AnonymousQuestionResult", "RatingDistribution"])
def test_no_field_of_an_anonymous_result_reaches_a_person_an_id_or_a_time(root):
    # The question's competency and goal describe what was asked, not who answered.
    found = reachable(root, stop={"Competency", "Goal"})
    field_types = set().union(*found.values())
    assert field_types & {"ID", "DateTime", "Date", "Employee", "Review", "ReviewAnswer", "ReviewCycle"} == set()
    assert set(found) <= {"AnonymousQuestionResult", "ReviewResultQuestion", "RatingAggregate", "RatingBucket",
                          "TextAggregate", "RatingDistribution"}


# --- IDs and node() ---------------------------------------------------------------------------


NODE = "query($id: ID!) { node(id: $id) { id ... on Review { kind reviewer { id } answers { text } } } }"
REVIEW = "query($id: ID!) { review(id: $id) { id kind reviewer { id } submittedAt } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"


@pytest.mark.parametrize("viewer", ["lead", "boss", "hr", "ann"])
async def test_real_anonymous_review_ids_read_exactly_like_missing_ones(released, viewer):
    scene = released.scene
    missing = gid("Review", uuid.uuid4())
    for document, variables in ((NODE, "id"), (REVIEW, "id")):
        for real in released.peer_reviews:
            attacked = await scene.handle.gql(document, {variables: real}, token=scene.token(viewer))
            reference = await scene.handle.gql(document, {variables: missing}, token=scene.token(viewer))
            assert attacked.body == reference.body and attacked.errors == []
    many = await scene.handle.gql(NODES, {"ids": released.peer_reviews}, token=scene.token(viewer))
    assert many.data == {"nodes": [None, None, None]}


async def test_the_ids_are_real_their_authors_still_read_their_own_reviews(released):
    scene = released.scene
    # The control for the test above: nulls come from the rules, not from bad IDs.
    own = await scene.gql("pia", REVIEW, {"id": released.peer_reviews[0]})
    assert own["review"]["reviewer"] == {"id": scene.id("pia")} and own["review"]["kind"] == "PEER"


async def test_the_subject_cannot_use_an_anonymous_review_id_to_learn_anything(released):
    scene = released.scene
    # The error for a real peer review of themselves is word for word the one for no review at all.
    real = await scene.handle.gql(ACKNOWLEDGE, {"input": {"reviewId": released.peer_reviews[0]}}, token=scene.token("lead"))
    missing = await scene.handle.gql(ACKNOWLEDGE, {"input": {"reviewId": gid("Review", uuid.uuid4())}},
                                     token=scene.token("lead"))
    assert real.body == missing.body
    assert real.data["acknowledgeReview"]["errors"] == [
        {"code": "NOT_FOUND", "field": ["input", "reviewId"], "message": "Review not found"}]


# --- slices and filters -------------------------------------------------------------------------


DISTRIBUTION = """query($c: ID!, $f: RatingDistributionFilter) { reviewCalibration(cycleId: $c) {
  ratingDistribution(filter: $f) { enoughResponses people rated average buckets { value count } explanation } } }"""


async def distribution(scene: ReviewScene, viewer: str = "hr", **filters) -> dict:
    data = await scene.gql(viewer, DISTRIBUTION, {"c": scene.cycle, "f": filters})
    return data["reviewCalibration"]["ratingDistribution"]


async def test_peer_slices_only_ever_add_up_subjects_with_enough_answers(released):
    scene = released.scene
    nobody = await distribution(scene, reviewerKind="PEER", departmentId=gid("Department", uuid.uuid4()))
    assert nobody == {"enoughResponses": False, "people": None, "rated": None, "average": None, "buckets": [],
                      "explanation": "Not enough responses: answers of this kind are shown only in aggregate, "
                                     "once at least 3 people have answered."}
    everyone = await distribution(scene, reviewerKind="PEER")
    platform = await distribution(scene, reviewerKind="PEER", departmentId=scene.departments["Platform"])
    team = await distribution(scene, reviewerKind="PEER", managerId=scene.id("lead"), jobLevelId=scene.job_levels["Engineer"])
    # The lead's peers gave 2, 4, 5 and ann's 3, 3, 3; ben's two 1s and dee's lone 5 are in no slice at all,
    # so no two slices differ by fewer than a whole subject's three answers.
    assert (everyone["rated"], [b["count"] for b in everyone["buckets"]]) == (6, [0, 1, 3, 1, 1])
    assert platform == everyone
    assert (team["rated"], [b["count"] for b in team["buckets"]]) == (3, [0, 0, 3, 0, 0])
    # A slice holding only subjects below the threshold reads exactly like a slice of nobody.
    assert await distribution(scene, reviewerKind="DIRECT_REPORT", managerId=scene.id("lead")) == nobody
    assert (await distribution(scene, reviewerKind="DIRECT_REPORT"))["rated"] == 4  # the lead's four reports
    selfish = await scene.handle.gql(DISTRIBUTION, {"c": scene.cycle, "f": {"reviewerKind": "SELF"}})
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in selfish.errors] == [
        ("INVALID", ["filter", "reviewerKind"])]


async def test_malformed_and_foreign_filter_ids_answer_like_a_slice_of_nobody(released, other_tenant):
    scene = released.scene
    reference = await distribution(scene, reviewerKind="PEER", departmentId=gid("Department", uuid.uuid4()))
    foreign = (await other_tenant.create_department("Elsewhere"))["id"]
    for value in (foreign, "garbage", "", gid("Employee", uuid.uuid4())):
        assert await distribution(scene, reviewerKind="PEER", departmentId=value) == reference


# --- who may look, and when ------------------------------------------------------------------------


async def test_peers_reports_and_strangers_read_nothing_and_get_no_error(released):
    scene = released.scene
    for viewer in ("pia", "ann", "cal"):
        response = await scene.handle.gql(RESULT, {"c": scene.cycle, "s": scene.id("lead")}, token=scene.token(viewer))
        missing = await scene.handle.gql(RESULT, {"c": scene.cycle, "s": gid("Employee", uuid.uuid4())},
                                         token=scene.token(viewer))
        assert response.body == missing.body == {"data": {"reviewResult": None}}
    assert (await scene.gql("pia", CALIBRATION, {"c": scene.cycle}))["reviewCalibration"] is None


async def test_before_release_the_subject_and_managers_see_nothing_and_hr_no_anonymous_answer(tenant):
    scene = await launched_cycle(tenant)  # the lead's nine reviews submitted, three of them by peers
    await advance(scene, "CALIBRATION")
    for viewer in ("lead", "boss"):
        assert await result_of(scene, viewer, "lead") is None
    hr = await result_of(scene, "hr", "lead")
    assert [r["kind"] for r in hr["namedReviews"]] == ["SELF", "MANAGER"]
    anonymous = [c["ratings"] or c["texts"] for c in hr["anonymousFeedback"]]
    assert anonymous and {a["enoughResponses"] for a in anonymous} == {False}
    assert {a["explanation"] for a in anonymous} == {
        "Peer and direct-report answers are shown, in aggregate only, once the results are released."}
    assert await distribution(scene, reviewerKind="PEER") == {
        "enoughResponses": False, "people": None, "rated": None, "average": None, "buckets": [],
        "explanation": "Peer and direct-report answers are shown, in aggregate only, once the results are released.",
    }
    await advance(scene, "RELEASED")
    assert (await result_of(scene, "lead", "lead"))["released"] is True


async def test_hr_reads_authors_only_once_enabled_and_each_reading_is_recorded(tenant):
    scene = await launched_cycle(tenant)
    reveal = {"cycleId": scene.cycle, "subjectId": scene.id("lead"), "reason": "Complaint #12"}
    refused = await scene.handle.gql(REVEAL, {"input": reveal})
    assert refused.data["revealAnonymousAuthors"] == {"reviews": None, "errors": [
        {"code": "FORBIDDEN", "field": None,
         "message": "Anonymous authors are shown to HR admins only where the tenant enabled it"}]}
    readings = "{ tenant { reviewSettings { anonymousAuthorReadings { reason reader { id } subject { id } } } } }"
    assert (await scene.gql("hr", readings))["tenant"]["reviewSettings"]["anonymousAuthorReadings"] == []
    await set_review_settings(scene, hrCanSeeAnonymousAuthors=True)
    shown = await ok(scene.handle, REVEAL, {"input": reveal})
    assert sorted((r["kind"], scene.key_of(r["reviewer"]["id"])) for r in shown["reviews"]) == sorted(
        [("PEER", p) for p in ("pia", "pat", "pax")] + [("DIRECT_REPORT", r) for r in ("ann", "ben", "cal", "dee")])
    assert (await scene.gql("hr", readings))["tenant"]["reviewSettings"]["anonymousAuthorReadings"] == [
        {"reason": "Complaint #12", "reader": {"id": scene.handle.admin_id}, "subject": {"id": scene.id("lead")}}]
    # The setting changes left their trail too: who, old -> new.
    changes = (await scene.gql("hr", "{ tenant { reviewSettings { changes { setting oldValue newValue changedBy { id } } } } }"))
    assert changes["tenant"]["reviewSettings"]["changes"] == [
        {"setting": "hrCanSeeAnonymousAuthors", "oldValue": False, "newValue": True, "changedBy": {"id": scene.handle.admin_id}}]


async def test_only_tenant_admins_change_the_review_settings(tenant):
    (hr,) = await tenant.import_rows([{"email": f"hana@{tenant.slug}.test", "name": "Hana HR", "roles": ["HR_ADMIN"]}])
    tried = await tenant.gql("""mutation { updateReviewSettings(input: {hrCanSeeAnonymousAuthors: true, anonymityThreshold: 2}) {
        reviewSettings { anonymityThreshold } errors { code field message } } }""", token=tenant.token_for(hr["email"]))
    assert tried.data["updateReviewSettings"] == {"reviewSettings": None, "errors": [
        {"code": "FORBIDDEN", "field": None, "message": "Only tenant admins change the review settings"}]}
    now = await tenant.gql("{ tenant { reviewSettings { anonymityThreshold hrCanSeeAnonymousAuthors changes { setting } } } }",
                           token=tenant.token_for(hr["email"]))
    assert now.data["tenant"]["reviewSettings"] == {"anonymityThreshold": 3, "hrCanSeeAnonymousAuthors": False, "changes": []}


async def test_bad_settings_are_typed_errors_that_change_nothing(tenant):
    for fields, error in (
        ({"anonymityThreshold": 1}, ("INVALID", ["input", "anonymityThreshold"])),
        ({"ratingScale": [{"value": 1, "label": "Yes"}, {"value": 3, "label": "No"}]},
         ("INVALID", ["input", "ratingScale", "1", "value"])),
        ({"ratingScale": [{"value": 1, "label": "Same"}, {"value": 2, "label": " same "}]},
         ("DUPLICATE", ["input", "ratingScale", "1", "label"])),
    ):
        done = await tenant.gql("""mutation($input: UpdateReviewSettingsInput!) { updateReviewSettings(input: $input) {
            reviewSettings { anonymityThreshold } errors { code field } } }""", {"input": {**fields, "hrCanSeeAnonymousAuthors": True}})
        assert done.data["updateReviewSettings"] == {"reviewSettings": None, "errors": [{"code": error[0], "field": error[1]}]}
    now = await tenant.gql("{ tenant { reviewSettings { anonymityThreshold hrCanSeeAnonymousAuthors changes { setting } } } }")
    assert now.data["tenant"]["reviewSettings"] == {"anonymityThreshold": 3, "hrCanSeeAnonymousAuthors": False, "changes": []}
