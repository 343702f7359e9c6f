"""Reviews over HTTP: templates with leadership competencies, cycles, nominations, drafts
and submission, who may read what, HR's progress view, and typed errors for bad input.

Scenes are built through the public API by tests/support/reviews.py (one importEmployees
call per org). Refused mutations are checked for their exact code and field, and for
having written nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import clock
from tests.support.reviews import (
    ALL_KINDS,
    PEERS,
    REPORTS,
    REVIEW_FIELDS,
    SUBMIT,
    ReviewScene,
    answers_for,
    build_org,
    draft_cycle,
    launch,
    launched_cycle,
    ok,
    reviews_to_write,
)

REVIEW = f"query($id: ID!) {{ review(id: $id) {{ {REVIEW_FIELDS} }} }}"
DRAFT = """mutation($input: SaveReviewDraftInput!) { saveReviewDraft(input: $input) {
  review { id status } errors { code field message } } }"""
CYCLE_STATE = """query($c: ID!) { reviewCycle(id: $c) { status launchedAt
  progress { overall { submitted assigned } } } }"""


def errors_of(data: dict) -> list[dict]:
    (payload,) = data.values()
    return payload["errors"]


def one(reviews: list[dict], scene: ReviewScene, subject: str, kind: str) -> dict:
    (found,) = [r for r in reviews if r["subject"]["id"] == scene.id(subject) and r["kind"] == kind]
    return found


@pytest.fixture(scope="module")
async def scene(api) -> ReviewScene:
    """Read-only tests share one launched cycle with the lead's nine reviews submitted."""
    return await launched_cycle(await api.new_tenant("reviews"))


# --- the end-to-end flow --------------------------------------------------------------------


async def test_a_full_cycle_runs_from_template_to_submitted_reviews(scene):
    data = await scene.gql("hr", """query($c: ID!) { reviewCycle(id: $c) { status reviewerKinds
        template { sections { title questions { kind prompt reviewerKinds required competency { name } } } }
        progress { overall { submitted assigned explanation } byKind { kind progress { submitted assigned } }
                   byDepartment { department { name } progress { submitted assigned } } } } }""", {"c": scene.cycle})
    cycle = data["reviewCycle"]
    assert (cycle["status"], cycle["reviewerKinds"]) == ("ACTIVE", ALL_KINDS)
    assert [s["title"] for s in cycle["template"]["sections"]] == ["Competencies", "Goals", "Feedback", "Overall"]
    assert cycle["template"]["sections"][0]["questions"] == [{
        "kind": "RATING_COMPETENCY", "prompt": "How well do they coach?", "reviewerKinds": ALL_KINDS, "required": True,
        "competency": {"name": "Coaching"},
    }]
    # 9 participants: 9 SELF; MANAGER for all but the boss; DIRECT_REPORT from the lead's 4 and the
    # boss's 4 reports; PEER from the lead's 3 approved peers. The lead's 9 are submitted. Departments
    # are the subjects': Engineering holds the boss and the peers, Platform the lead and the reports.
    progress = cycle["progress"]
    assert progress["overall"] == {"submitted": 9, "assigned": 28, "explanation": "9 of 28 reviews submitted (32%)."}
    assert {k["kind"]: (k["progress"]["submitted"], k["progress"]["assigned"]) for k in progress["byKind"]} == {
        "SELF": (1, 9), "MANAGER": (1, 8), "PEER": (3, 3), "DIRECT_REPORT": (4, 8),
    }
    assert {d["department"]["name"]: (d["progress"]["submitted"], d["progress"]["assigned"]) for d in progress["byDepartment"]} == {
        "Engineering": (0, 11), "Platform": (9, 17),
    }


async def test_a_people_managers_review_rates_the_leadership_competencies_of_their_level(scene):
    lead_self = one(await reviews_to_write(scene, "lead"), scene, "lead", "SELF")
    questions = [(q["section"], q["kind"], q["automatic"], (q["competency"] or {}).get("name"), q["goal"] is not None)
                 for q in lead_self["questions"]]
    # Coaching is the template's; Delegation is added (LEADERSHIP, expected at Team Lead); Clarity is CORE.
    assert questions == [
        ("Competencies", "RATING_COMPETENCY", False, "Coaching", False),
        ("Goals", "RATING_GOALS", False, None, True),
        ("Feedback", "TEXT", False, None, False),
        ("Leadership", "RATING_COMPETENCY", True, "Delegation", False),
    ]
    assert lead_self["questions"][1]["goal"] == {"id": scene.goal}
    assert lead_self["questions"][0]["scale"] == [{"value": v} for v in range(1, 6)]
    ann_self = one(await reviews_to_write(scene, "ann"), scene, "ann", "SELF")
    # No goals of the period (no goal items) and no reports (no automatic ratings).
    assert [(q["section"], q["automatic"]) for q in ann_self["questions"]] == [("Competencies", False), ("Feedback", False)]


async def test_reviews_to_write_lists_the_viewers_assignments(scene):
    lead = await reviews_to_write(scene, "lead")
    assert sorted((scene.key_of(r["subject"]["id"]), r["kind"], r["status"]) for r in lead) == sorted([
        ("lead", "SELF", "SUBMITTED"), ("boss", "DIRECT_REPORT", "NOT_STARTED"),
        *((key, "MANAGER", "NOT_STARTED") for key in REPORTS),
    ])
    peers = await reviews_to_write(scene, "pia")
    assert {(scene.key_of(r["subject"]["id"]), r["kind"]) for r in peers} == {
        ("pia", "SELF"), ("lead", "PEER"), ("boss", "DIRECT_REPORT"),
    }


# --- who reads what -------------------------------------------------------------------------


async def test_peer_and_upward_reviews_are_never_readable_by_the_subject_or_their_managers(scene):
    peer_review = one(await reviews_to_write(scene, "pia"), scene, "lead", "PEER")
    upward = one(await reviews_to_write(scene, "ann"), scene, "lead", "DIRECT_REPORT")
    for review in (peer_review, upward):
        assert review["status"] == "SUBMITTED"
        seen = {key: (await scene.gql(key, REVIEW, {"id": review["id"]}))["review"] is not None
                for key in ("lead", "boss", "hr", "ben", "pat")}
        # HR only if the tenant enabled hrCanSeeAnonymousAuthors (it has not).
        assert seen == {"lead": False, "boss": False, "hr": False, "ben": False, "pat": False}
        node = await scene.gql("lead", "query($id: ID!) { node(id: $id) { id } }", {"id": review["id"]})
        assert node == {"node": None}
    mine = await scene.gql("pia", REVIEW, {"id": peer_review["id"]})
    assert mine["review"]["reviewer"] == {"id": scene.id("pia")}


async def test_named_reviews_are_read_by_managers_and_hr_and_drafts_by_the_reviewer_only(scene):
    lead_self = one(await reviews_to_write(scene, "lead"), scene, "lead", "SELF")
    manager_review = one(await reviews_to_write(scene, "boss"), scene, "lead", "MANAGER")
    ann_draft = one(await reviews_to_write(scene, "ann"), scene, "ann", "SELF")

    async def readers(review_id: str) -> dict[str, bool]:
        return {key: (await scene.gql(key, REVIEW, {"id": review_id}))["review"] is not None
                for key in ("lead", "boss", "hr", "ann", "ben")}

    assert await readers(lead_self["id"]) == {"lead": True, "boss": True, "hr": True, "ann": False, "ben": False}
    # The subject reads their manager's review only once results are released.
    assert await readers(manager_review["id"]) == {"lead": False, "boss": True, "hr": True, "ann": False, "ben": False}
    assert await readers(ann_draft["id"]) == {"lead": False, "boss": False, "hr": False, "ann": True, "ben": False}


# --- drafts and submission ------------------------------------------------------------------


async def test_a_draft_is_saved_then_completed_and_submitted(tenant):
    scene = await launched_cycle(tenant, submit=())
    review = one(await reviews_to_write(scene, "boss"), scene, "lead", "MANAGER")
    answers = answers_for(review, rating=4)
    saved = await ok(tenant, DRAFT, {"input": {"reviewId": review["id"], "answers": answers[:2]}}, token=scene.token("boss"))
    assert saved["review"]["status"] == "IN_PROGRESS"
    read = (await scene.gql("boss", REVIEW, {"id": review["id"]}))["review"]
    assert [q["answer"] for q in read["questions"]] == [{"rating": 4, "text": None}, {"rating": 4, "text": None},
                                                        None, None, None]
    # An answer without rating or text clears it.
    await ok(tenant, DRAFT, {"input": {"reviewId": review["id"], "answers": [{"questionId": answers[0]["questionId"]}]}},
             token=scene.token("boss"))
    submitted = await ok(tenant, SUBMIT, {"input": {"reviewId": review["id"], "answers": answers}}, token=scene.token("boss"))
    assert submitted["review"]["status"] == "SUBMITTED"
    read = (await scene.gql("boss", REVIEW, {"id": review["id"]}))["review"]
    assert read["submittedAt"] is not None
    assert [q["answer"]["rating"] for q in read["questions"] if q["scaleKind"]] == [4, 4, 4, 4]


async def test_bad_answers_are_refused_with_their_field_and_nothing_is_written(tenant):
    scene = await launched_cycle(tenant, submit=())
    review = one(await reviews_to_write(scene, "ann"), scene, "ann", "SELF")
    answers = answers_for(review)
    token = scene.token("ann")
    cases = [
        ({"reviewId": review["id"], "answers": [{**answers[0], "rating": 9}]},
         [{"code": "INVALID", "field": ["input", "answers", "0", "rating"], "message": "The rating must be on the scale (1 to 5)"}]),
        ({"reviewId": review["id"], "answers": [answers[0], {"questionId": answers[1]["questionId"], "rating": 2}]},
         [{"code": "INVALID", "field": ["input", "answers", "1", "rating"], "message": "A text question takes text, not a rating"}]),
        ({"reviewId": review["id"], "answers": [answers[0], answers[0]]},
         [{"code": "DUPLICATE", "field": ["input", "answers", "1", "questionId"], "message": "This question is answered twice"}]),
        ({"reviewId": review["id"], "answers": [answers[0]]},
         [{"code": "REQUIRED", "field": ["input", "answers"], "message": "Answer required: Leadership strengths"}]),
    ]
    for variables, expected in cases:
        result = await tenant.gql(SUBMIT, {"input": variables}, token=token)
        assert result.data["submitReview"] == {"review": None, "errors": expected}
    after = (await scene.gql("ann", REVIEW, {"id": review["id"]}))["review"]
    assert (after["status"], [q["answer"] for q in after["questions"]]) == ("NOT_STARTED", [None, None])


async def test_submitted_answers_are_immutable_and_hr_reopens_with_a_recorded_reason(tenant):
    scene = await launched_cycle(tenant, submit=())
    review = one(await reviews_to_write(scene, "ann"), scene, "ann", "SELF")
    token = scene.token("ann")
    await ok(tenant, SUBMIT, {"input": {"reviewId": review["id"], "answers": answers_for(review, 2)}}, token=token)
    for document, name in ((SUBMIT, "submitReview"), (DRAFT, "saveReviewDraft")):
        again = await tenant.gql(document, {"input": {"reviewId": review["id"], "answers": answers_for(review, 5)}}, token=token)
        assert again.data[name] == {"review": None, "errors": [{
            "code": "INVALID_STATE", "field": ["input", "reviewId"], "message": "This review is submitted; its answers cannot change",
        }]}
    REOPEN = """mutation($input: ReopenReviewInput!) { reopenReview(input: $input) {
        review { id status reopenedCount submittedAt } errors { code field message } } }"""
    by_ann = await tenant.gql(REOPEN, {"input": {"reviewId": review["id"], "reason": "mine"}}, token=token)
    assert errors_of(by_ann.data)[0]["code"] == "FORBIDDEN"
    blank = await tenant.gql(REOPEN, {"input": {"reviewId": review["id"], "reason": "  "}})
    assert errors_of(blank.data) == [{"code": "REQUIRED", "field": ["input", "reason"], "message": "reason is required"}]
    read = (await scene.gql("ann", REVIEW, {"id": review["id"]}))["review"]
    assert (read["status"], {q["answer"]["rating"] for q in read["questions"] if q["scaleKind"]}) == ("SUBMITTED", {2})

    reopened = await ok(tenant, REOPEN, {"input": {"reviewId": review["id"], "reason": "Rated the wrong period"}})
    assert reopened["review"] == {"id": review["id"], "status": "IN_PROGRESS", "reopenedCount": 1, "submittedAt": None}
    await ok(tenant, SUBMIT, {"input": {"reviewId": review["id"], "answers": answers_for(review, 3)}}, token=token)


async def test_only_the_reviewer_writes_a_review(tenant, other_tenant):
    scene = await launched_cycle(tenant, submit=())
    review = one(await reviews_to_write(scene, "boss"), scene, "lead", "MANAGER")
    variables = {"input": {"reviewId": review["id"], "answers": answers_for(review)}}
    # The subject cannot even see the draft; HR can see it exists once submitted, not before.
    for token in (scene.token("lead"), scene.token("hr"), other_tenant.admin_token):
        result = await tenant.api.gql(DRAFT, variables, token=token)
        assert result.data["saveReviewDraft"] == {"review": None, "errors": [
            {"code": "NOT_FOUND", "field": ["input", "reviewId"], "message": "Review not found"}]}
    read = (await scene.gql("boss", REVIEW, {"id": review["id"]}))["review"]
    assert read["status"] == "NOT_STARTED"


# --- cycles ---------------------------------------------------------------------------------


LAUNCH = "mutation($c: ID!) { launchReviewCycle(input: {id: $c}) { cycle { id status } errors { code field message } } }"
ADVANCE = "mutation($c: ID!) { advanceReviewCycle(input: {id: $c}) { cycle { id status } errors { code field message } } }"
CLOSE = "mutation($c: ID!) { closeReviewCycle(input: {id: $c}) { cycle { id status } errors { code field message } } }"


async def test_a_cycle_moves_through_its_states_and_refuses_illegal_transitions(tenant):
    scene = await draft_cycle(await build_org(tenant), reviewerKinds=["SELF"])
    steps = [
        (CLOSE, "A DRAFT cycle cannot be closed"), (ADVANCE, "A DRAFT cycle cannot be advanced"), (LAUNCH, None),
        (LAUNCH, "A ACTIVE cycle cannot be launched"), (CLOSE, "A ACTIVE cycle cannot be closed"), (ADVANCE, None),
        (LAUNCH, "A CALIBRATION cycle cannot be launched"), (ADVANCE, None), (ADVANCE, "A RELEASED cycle cannot be advanced"),
        (CLOSE, None), (CLOSE, "A CLOSED cycle cannot be closed"), (ADVANCE, "A CLOSED cycle cannot be advanced"),
    ]
    statuses = []
    for document, refusal in steps:
        before = (await scene.gql("hr", CYCLE_STATE, {"c": scene.cycle}))["reviewCycle"]
        result = (await tenant.gql(document, {"c": scene.cycle})).data
        if refusal is None:
            assert errors_of(result) == []
            statuses.append(next(iter(result.values()))["cycle"]["status"])
        else:
            assert errors_of(result) == [{"code": "INVALID_STATE", "field": ["input", "id"], "message": refusal}]
            assert (await scene.gql("hr", CYCLE_STATE, {"c": scene.cycle}))["reviewCycle"] == before
    assert statuses == ["ACTIVE", "CALIBRATION", "RELEASED", "CLOSED"]


async def test_only_hr_admins_run_cycles(tenant):
    scene = await draft_cycle(await build_org(tenant))
    refused = await tenant.gql(LAUNCH, {"c": scene.cycle}, token=scene.token("boss"))
    assert errors_of(refused.data) == [{"code": "FORBIDDEN", "field": None,
                                        "message": "Only HR admins manage review templates and cycles"}]
    state = (await scene.gql("boss", CYCLE_STATE, {"c": scene.cycle}))["reviewCycle"]
    assert state == {"status": "DRAFT", "launchedAt": None, "progress": None}  # progress is HR's


async def test_bad_cycle_and_template_inputs_name_their_field(scene):
    h = scene.handle
    create_cycle = """mutation($input: CreateReviewCycleInput!) { createReviewCycle(input: $input) {
        cycle { id } errors { code field message } } }"""
    base = {"name": "Other", "periodStart": "2026-01-01", "periodEnd": "2026-06-30", "templateId": scene.template,
            "reviewerKinds": ["SELF"]}
    cases = [
        ({"periodEnd": "2025-12-31"}, ("INVALID", ["input", "periodEnd"])),
        ({"reviewerKinds": []}, ("REQUIRED", ["input", "reviewerKinds"])),
        ({"reviewerKinds": ["PEER"]}, ("INVALID", ["input", "peerMax"])),
        ({"peerMin": 3, "peerMax": 2}, ("INVALID", ["input", "peerMax"])),
        ({"selfDue": "2025-06-01"}, ("INVALID", ["input", "selfDue"])),
        ({"name": "2026 h1"}, ("DUPLICATE", ["input", "name"])),
    ]
    for change, expected in cases:
        result = (await h.gql(create_cycle, {"input": {**base, **change}})).data
        assert [(e["code"], e["field"]) for e in errors_of(result)] == [expected], change
    create_template = """mutation($input: CreateReviewTemplateInput!) { createReviewTemplate(input: $input) {
        template { id } errors { code field message } } }"""
    question = {"kind": "RATING_COMPETENCY", "prompt": "Q", "reviewerKinds": ["SELF"]}
    cases = [
        ([{"title": "S", "questions": [question]}], ("REQUIRED", ["input", "sections", "0", "questions", "0", "competencyId"])),
        ([{"title": "S", "questions": []}], ("REQUIRED", ["input", "sections", "0", "questions"])),
        ([{"title": "S", "questions": [{**question, "kind": "TEXT", "competencyId": scene.competencies["Clarity"]}]}],
         ("INVALID", ["input", "sections", "0", "questions", "0", "competencyId"])),
        ([{"title": "S", "questions": [{"kind": "OVERALL_RATING", "prompt": "A", "reviewerKinds": ["MANAGER"]}]},
          {"title": "T", "questions": [{"kind": "OVERALL_RATING", "prompt": "B", "reviewerKinds": ["MANAGER"]}]}],
         ("DUPLICATE", ["input", "sections", "1", "questions", "0", "kind"])),
    ]
    for sections, expected in cases:
        result = (await h.gql(create_template, {"input": {"name": "Broken", "sections": sections}})).data
        assert [(e["code"], e["field"]) for e in errors_of(result)] == [expected]
    listed = (await h.gql("{ reviewTemplates { totalCount } reviewCycles { totalCount } }")).data
    assert listed == {"reviewTemplates": {"totalCount": 1}, "reviewCycles": {"totalCount": 1}}


# --- nominations ----------------------------------------------------------------------------


NOMINATE = """mutation($c: ID!, $p: [ID!]!) { nominatePeers(input: {cycleId: $c, peerIds: $p}) {
  nominations { id peer { id } status } errors { code field message } } }"""


async def test_nobody_nominates_themselves_a_manager_or_a_report(tenant):
    scene = await draft_cycle(await build_org(tenant))
    cases = [
        ("lead", "Nobody can be their own peer reviewer"),
        ("boss", "A manager cannot review their report as a peer"),
        ("ann", "A direct report cannot review their manager as a peer"),
    ]
    for wrong, message in cases:
        result = await tenant.gql(NOMINATE, {"c": scene.cycle, "p": [scene.id("pia"), scene.id(wrong)]}, token=scene.token("lead"))
        assert result.data["nominatePeers"] == {"nominations": None, "errors": [
            {"code": "INVALID", "field": ["input", "peerIds", "1"], "message": message}]}
    too_few = await tenant.gql(NOMINATE, {"c": scene.cycle, "p": [scene.id("pia")]}, token=scene.token("lead"))
    assert errors_of(too_few.data) == [{"code": "INVALID", "field": ["input", "peerIds"],
                                        "message": "Nominate between 2 and 3 peers (you named 1)"}]
    outsider = await tenant.gql(NOMINATE, {"c": scene.cycle, "p": [scene.id("pia"), scene.id("pat")]})
    assert errors_of(outsider.data)[0]["code"] == "FORBIDDEN"  # HR is no participant
    listed = await scene.gql("hr", "query($c: ID!) { reviewCycle(id: $c) { nominations { id } } }", {"c": scene.cycle})
    assert listed["reviewCycle"]["nominations"] == []


async def test_peers_approved_or_replaced_after_launch_get_their_reviews(tenant):
    scene = await draft_cycle(await build_org(tenant))
    await launch(scene)
    nominated = await ok(tenant, NOMINATE, {"c": scene.cycle, "p": [scene.id("pia"), scene.id("pat")]}, token=scene.token("lead"))
    by_peer = {scene.key_of(n["peer"]["id"]): n for n in nominated["nominations"]}
    pia, pat = by_peer["pia"], by_peer["pat"]
    REPLACE = """mutation($n: ID!, $p: ID!) { replaceNomination(input: {nominationId: $n, peerId: $p}) {
        nomination { id peer { id } status } errors { code field message } } }"""
    # Ann reports to the lead: the boss cannot put her in as a peer.
    refused = await tenant.gql(REPLACE, {"n": pat["id"], "p": scene.id("ann")}, token=scene.token("boss"))
    assert errors_of(refused.data) == [{"code": "INVALID", "field": ["input", "peerId"],
                                        "message": "A direct report cannot review their manager as a peer"}]
    replaced = await ok(tenant, REPLACE, {"n": pat["id"], "p": scene.id("pax")}, token=scene.token("boss"))
    assert replaced["nomination"]["status"] == "APPROVED"
    await ok(tenant, """mutation($n: [ID!]!) { approveNominations(input: {nominationIds: $n}) {
        nominations { id } errors { code field message } } }""", {"n": [pia["id"]]}, token=scene.token("boss"))
    peer_reviews = {key: [r["kind"] for r in await reviews_to_write(scene, key) if r["subject"]["id"] == scene.id("lead")]
                    for key in PEERS}
    assert peer_reviews == {"pia": ["PEER"], "pat": [], "pax": ["PEER"]}
    seen = await scene.gql("lead", "query($c: ID!) { reviewCycle(id: $c) { nominations { peer { id } status } } }", {"c": scene.cycle})
    assert {(scene.key_of(n["peer"]["id"]), n["status"]) for n in seen["reviewCycle"]["nominations"]} == {
        ("pia", "APPROVED"), ("pat", "REPLACED"), ("pax", "APPROVED"),
    }
    nobody = await scene.gql("ann", "query($c: ID!) { reviewCycle(id: $c) { nominations { id } } }", {"c": scene.cycle})
    assert nobody["reviewCycle"]["nominations"] == []


# --- HR's view ------------------------------------------------------------------------------


async def test_overdue_reviewers_are_listed_for_hr(tenant):
    yesterday = (clock.TODAY - timedelta(days=1)).isoformat()
    scene = await launched_cycle(tenant, submit=("lead",), selfDue=yesterday, managerDue=yesterday,
                                 peerDue="2099-01-01", directReportDue="2099-01-01")
    data = await scene.gql("hr", """query($c: ID!) { reviewCycle(id: $c) { deadlines { self manager peer directReport }
        overdueReviewers { reviewer { id } kind dueDate pending } } }""", {"c": scene.cycle})
    cycle = data["reviewCycle"]
    assert cycle["deadlines"] == {"self": yesterday, "manager": yesterday, "peer": "2099-01-01", "directReport": "2099-01-01"}
    overdue = {(scene.key_of(o["reviewer"]["id"]), o["kind"], o["pending"]) for o in cycle["overdueReviewers"]}
    # The lead's own SELF review is submitted; the lead still owes 4 MANAGER reviews, the boss 3.
    assert overdue == {
        *((key, "SELF", 1) for key in ("boss", *REPORTS, *PEERS)), ("lead", "MANAGER", 4), ("boss", "MANAGER", 3),
    }
    assert {o["dueDate"] for o in cycle["overdueReviewers"]} == {yesterday}
    hidden = await scene.gql("boss", "query($c: ID!) { reviewCycle(id: $c) { overdueReviewers { kind } participants { totalCount } } }",
                             {"c": scene.cycle})
    assert hidden == {"reviewCycle": {"overdueReviewers": None, "participants": None}}


PROGRESS_VIEW = """query($c: ID!) { reviewCycle(id: $c) { name status
  progress { overall { submitted assigned ratio explanation }
             byKind { kind progress { submitted assigned explanation } }
             byDepartment { department { id name } progress { submitted assigned } } }
  overdueReviewers(first: 100) { reviewer { id name department { name } manager { name } } kind dueDate pending }
  participants(first: 100) { totalCount nodes { employee { id name } department { name } jobLevel { name }
                                                manager { name } leadsPeople } } } }"""


async def test_hrs_progress_view_runs_the_same_statements_for_100_and_1000_participants(tenant):
    # Teams of ten across two alternating departments; the first hundred are at the "Sampled"
    # level, so both cycles below show the same departments and levels and differ only in size.
    small, large = await tenant.create_department("Even"), await tenant.create_department("Odd")
    level = await ok(tenant, """mutation { createJobLevel(input: {name: "Sampled", rank: 1, track: INDIVIDUAL_CONTRIBUTOR}) {
        jobLevel { id } errors { code field message } } }""")
    rows = []
    for i in range(1000):
        lead = i - i % 10
        rows.append({"email": f"e{i:04}@{tenant.slug}.test", "name": f"Employee {i:04}",
                     "departmentId": (small if i % 2 == 0 else large)["id"], "jobLevel": "Sampled" if i < 100 else None,
                     "managerEmail": None if i == lead else f"e{lead:04}@{tenant.slug}.test", "hireDate": "2020-01-01"})
    await tenant.import_rows(rows)
    template = await ok(tenant, """mutation { createReviewTemplate(input: {name: "Short", sections: [{title: "S", questions: [
        {kind: OVERALL_RATING, prompt: "Overall", reviewerKinds: [SELF, MANAGER, DIRECT_REPORT]}]}]}) {
        template { id } errors { code field message } } }""")
    yesterday = (clock.TODAY - timedelta(days=1)).isoformat()
    counts = {}
    launches = {}
    for name, filter_ in (("Hundred", {"jobLevelId": level["jobLevel"]["id"]}), ("Thousand", {"all": True})):
        cycle = await ok(tenant, """mutation($input: CreateReviewCycleInput!) { createReviewCycle(input: $input) {
            cycle { id } errors { code field message } } }""", {"input": {
            "name": name, "periodStart": "2026-01-01", "periodEnd": "2026-06-30", "templateId": template["template"]["id"],
            "reviewerKinds": ["SELF", "MANAGER", "DIRECT_REPORT"], "selfDue": yesterday}})
        cycle_id = cycle["cycle"]["id"]
        added = await ok(tenant, """mutation($c: ID!, $f: ParticipantFilterInput!) { addCycleParticipants(input: {cycleId: $c,
            filter: $f}) { added errors { code field message } } }""", {"c": cycle_id, "f": filter_})
        launched = await tenant.gql(LAUNCH, {"c": cycle_id})
        assert errors_of(launched.data) == []
        launches[added["added"]] = launched.sql_statements
        result = await tenant.gql(PROGRESS_VIEW, {"c": cycle_id})
        view = result.data["reviewCycle"]
        counts[added["added"]] = result.sql_statements
        assert view["participants"]["totalCount"] == added["added"]
        assert len(view["overdueReviewers"]) == 100 and len(view["participants"]["nodes"]) == 100
    # 100 at the level; 1,000 imported plus the tenant admin for `all`.
    assert set(counts) == {100, 1001}
    # auth, the cycle, progress (one grouped statement), overdue reviewers (with the reviewers), the
    # participants page and its count, departments, job levels: whatever the size.
    assert counts[100] == counts[1001] == 10, counts
    # Launching is set-based too: a fixed number of statements for 100 or 1,001 subjects.
    assert launches[100] == launches[1001] == 12, launches
    last = view["progress"]
    # SELF 1,001; MANAGER 900 (the 100 team leads have none); DIRECT_REPORT 900 (9 per lead).
    assert last["overall"] == {"submitted": 0, "assigned": 2801, "ratio": 0.0, "explanation": "0 of 2801 reviews submitted (0%)."}
    assert {k["kind"]: k["progress"]["assigned"] for k in last["byKind"]} == {"SELF": 1001, "MANAGER": 900, "DIRECT_REPORT": 900}
