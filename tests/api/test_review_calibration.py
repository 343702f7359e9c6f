"""Calibration, release, acknowledgement and competency evidence over HTTP: the second
half of "a full cycle runs end to end", its bad inputs, and the statement count of a
manager's view of their reports' results.

The org and cycle come from tests/support/reviews.py: boss > lead > ann, ben, cal, dee;
pia, pat, pax report to the boss. The boss is ann's skip-level manager; the lead is her
direct manager and the one who rated her.
"""

from __future__ import annotations

from tests.support.review_results import (
    ACKNOWLEDGE,
    ADJUST,
    CALIBRATION,
    NINE_BOX,
    advance,
    result_of,
)
from tests.support.reviews import launched_cycle, ok

PROFILE = """query($e: ID!) { employee(id: $e) { competencyProfile { competency { name } currentLevel currentSource
  currentAssessedOn } } }"""


def ratings(values: dict[tuple[str, str], int]):
    """A rater: (reviewer, prompt or competency name) -> rating, 3 otherwise."""
    def rate(reviewer: str, review: dict, question: dict) -> int:
        name = question["competency"]["name"] if question["automatic"] else question["prompt"]
        return values.get((reviewer, name), 3)

    return rate


async def test_calibration_release_acknowledgement_and_competency_evidence(tenant):
    scene = await launched_cycle(tenant, submit=("lead", "ann"), rater=ratings({
        ("boss", "How well do they coach?"): 4, ("boss", "Delegation"): 2, ("lead", "Overall performance"): 2,
    }))
    ann, cycle = scene.id("ann"), scene.cycle
    await advance(scene, "CALIBRATION")

    # The boss calibrates the lead's team (two levels down); the lead rated ann and does not.
    view = (await scene.gql("boss", CALIBRATION, {"c": cycle}))["reviewCalibration"]
    assert sorted(scene.key_of(e["subject"]["id"]) for e in view["entries"]) == ["ann", "ben", "cal", "dee"]
    [team] = view["byManager"]
    assert (team["manager"], team["distribution"]["people"], team["distribution"]["rated"]) == ({"id": scene.id("lead")}, 4, 1)
    assert (await scene.gql("lead", CALIBRATION, {"c": cycle}))["reviewCalibration"] is None
    refused = await scene.handle.gql(ADJUST, {"input": {"cycleId": cycle, "subjectId": ann, "rating": 5, "reason": "Mine"}},
                                     token=scene.token("lead"))
    assert refused.data["adjustFinalRating"]["errors"][0]["code"] == "FORBIDDEN"

    adjusted = await ok(scene.handle, ADJUST, {"input": {"cycleId": cycle, "subjectId": ann, "rating": 4,
                                                         "reason": "Carried the migration"}}, token=scene.token("boss"))
    assert adjusted["finalRating"] == {
        "rating": 4, "managerRating": 2, "adjusted": True,
        "explanation": "Calibrated to Exceeds expectations (4) from Below expectations (2) "
                       "(originally the manager's Below expectations (2)): Carried the migration",
    }
    assert adjusted["adjustment"] == {"previousRating": 2, "rating": 4, "reason": "Carried the migration",
                                      "adjustedBy": {"id": scene.id("boss")}}
    placed = await ok(scene.handle, NINE_BOX, {"input": {"cycleId": cycle, "subjectId": ann, "performance": "HIGH",
                                                         "potential": "MEDIUM", "note": "Ready for more scope"}})
    assert placed["placement"] == {"performance": "HIGH", "potential": "MEDIUM", "note": "Ready for more scope",
                                   "placedBy": {"id": scene.handle.admin_id}}

    # Released: ann reads her results (the calibrated rating, explained) and acknowledges them once.
    assert await result_of(scene, "ann", "ann") is None
    await advance(scene, "RELEASED")
    mine = await result_of(scene, "ann", "ann")
    assert mine["finalRating"]["rating"] == 4 and mine["finalRating"]["explanation"].endswith("Carried the migration")
    assert [(r["kind"], scene.key_of(r["reviewer"]["id"])) for r in mine["namedReviews"]] == [("SELF", "ann"), ("MANAGER", "lead")]
    assert (await result_of(scene, "boss", "ann"))["finalRating"]["rating"] == 4  # her managers up the chain too
    assert await result_of(scene, "pia", "ann") is None
    done = await ok(scene.handle, ACKNOWLEDGE, {"input": {"cycleId": cycle, "comment": "Fair, thanks"}}, token=scene.token("ann"))
    assert done["acknowledgement"] == {"comment": "Fair, thanks"}
    assert (await result_of(scene, "ann", "ann"))["acknowledgement"] == {"comment": "Fair, thanks"}

    # The boss's MANAGER ratings of the lead's LEADERSHIP competencies are now REVIEW evidence.
    profile = (await scene.gql("lead", PROFILE, {"e": scene.id("lead")}))["employee"]["competencyProfile"]
    by_name = {entry["competency"]["name"]: entry for entry in profile}
    assert {name: (e["currentLevel"], e["currentSource"], e["currentAssessedOn"]) for name, e in by_name.items()
            if name in ("Coaching", "Delegation")} == {
        "Coaching": (4, "REVIEW", "2026-06-30"), "Delegation": (2, "REVIEW", "2026-06-30"),
    }
    assert by_name["Clarity"]["currentLevel"] is None  # CORE: not leadership evidence


async def test_bad_calibration_inputs_are_typed_and_write_nothing(tenant):
    scene = await launched_cycle(tenant, submit=("ann",))
    ann, cycle = scene.id("ann"), scene.cycle

    async def attempt(document: str, fields: dict, who: str = "hr") -> list[dict]:
        data = (await scene.handle.gql(document, {"input": fields}, token=scene.token(who))).data
        (payload,) = data.values()
        return [(e["code"], e["field"]) for e in payload["errors"]]

    adjust = {"cycleId": cycle, "subjectId": ann, "rating": 4, "reason": "Because"}
    # ACTIVE: too early for calibration and for acknowledging.
    assert await attempt(ADJUST, adjust) == [("INVALID_STATE", ["input", "cycleId"])]
    assert await attempt(ACKNOWLEDGE, {"cycleId": cycle}, "ann") == [("INVALID_STATE", ["input", "cycleId"])]
    await advance(scene, "CALIBRATION")
    assert await attempt(ADJUST, {**adjust, "reason": "  "}) == [("REQUIRED", ["input", "reason"])]
    assert await attempt(ADJUST, {**adjust, "rating": 6}) == [("INVALID", ["input", "rating"])]
    assert await attempt(ADJUST, {**adjust, "rating": 0}) == [("INVALID", ["input", "rating"])]
    # Nobody calibrates themselves, HR admins included.
    assert await attempt(ADJUST, {**adjust, "subjectId": scene.handle.admin_id}) == [("FORBIDDEN", ["input", "subjectId"])]
    assert await attempt(NINE_BOX, {"cycleId": cycle, "subjectId": ann, "performance": "HIGH", "potential": "HIGH"},
                         "ann") == [("FORBIDDEN", ["input", "subjectId"])]
    assert await attempt(ACKNOWLEDGE, {"comment": "which one?"}, "ann") == [("INVALID", ["input", "reviewId"])]
    await advance(scene, "RELEASED")
    # Released: the ratings are final.
    assert await attempt(ADJUST, adjust) == [("INVALID_STATE", ["input", "cycleId"])]
    assert await attempt(NINE_BOX, {"cycleId": cycle, "subjectId": ann, "performance": "LOW", "potential": "LOW"}) == [
        ("INVALID_STATE", ["input", "cycleId"])]
    assert await attempt(ACKNOWLEDGE, {"cycleId": cycle}, "ann") == []
    assert await attempt(ACKNOWLEDGE, {"cycleId": cycle, "comment": "again"}, "ann") == [("DUPLICATE", ["input", "cycleId"])]

    view = (await scene.gql("hr", CALIBRATION, {"c": cycle}))["reviewCalibration"]
    [entry] = [e for e in view["entries"] if e["subject"]["id"] == ann]
    assert (entry["adjustments"], entry["nineBox"], entry["finalRating"]["adjusted"]) == ([], None, False)
    assert (await result_of(scene, "ann", "ann"))["acknowledgement"] == {"comment": None}


TEAM_RESULTS = """query($m: ID!, $c: ID!) { employee(id: $m) { directReports { name reviewResult(cycleId: $c) {
  finalRating { rating explanation } acknowledgement { comment }
  namedReviews { kind reviewer { name } answers { rating text question { prompt competency { name } } } }
  anonymousFeedback { reviewerKind question { prompt } ratings { average distribution { value count } }
    texts { answers } } } } } }"""


async def test_a_managers_view_of_30_reports_results_costs_as_many_statements_as_of_3(tenant):
    from tests.support.reviews import ALL_KINDS

    h = tenant
    rows = [{"email": f"big@{h.slug}.test", "name": "Big"}, {"email": f"small@{h.slug}.test", "name": "Small"}]
    rows += [{"email": f"r{i}@{h.slug}.test", "name": f"R{i:02}", "managerEmail": f"big@{h.slug}.test"} for i in range(30)]
    rows += [{"email": f"s{i}@{h.slug}.test", "name": f"S{i}", "managerEmail": f"small@{h.slug}.test"} for i in range(3)]
    people = {p["email"].partition("@")[0]: p for p in await h.import_rows(rows)}
    template = await ok(h, """mutation($input: CreateReviewTemplateInput!) { createReviewTemplate(input: $input) {
        template { id } errors { code field message } } }""", {"input": {"name": "Short", "sections": [{"title": "All", "questions": [
        {"kind": "OVERALL_RATING", "prompt": "Overall", "reviewerKinds": ALL_KINDS},
        {"kind": "TEXT", "prompt": "Strengths", "reviewerKinds": ALL_KINDS, "required": False}]}]}})
    cycle = (await ok(h, """mutation($t: ID!) { createReviewCycle(input: {name: "Big", periodStart: "2026-01-01",
        periodEnd: "2026-06-30", templateId: $t, reviewerKinds: [SELF, MANAGER, DIRECT_REPORT]}) {
        cycle { id } errors { code field message } } }""", {"t": template["template"]["id"]}))["cycle"]["id"]
    await ok(h, """mutation($c: ID!) { addCycleParticipants(input: {cycleId: $c, filter: {all: true}}) {
        added errors { code field message } } }""", {"c": cycle})
    await ok(h, """mutation($c: ID!) { launchReviewCycle(input: {id: $c}) { cycle { id } errors { code field message } } }""",
             {"c": cycle})
    for manager in ("big", "small"):
        token = h.token_for(people[manager]["email"])
        todo = (await h.gql("""{ viewer { reviewsToWrite { id kind questions { questionId } } } }""", token=token)).data
        for review in todo["viewer"]["reviewsToWrite"]:
            if review["kind"] == "MANAGER":
                answers = [{"questionId": review["questions"][0]["questionId"], "rating": 3},
                           {"questionId": review["questions"][1]["questionId"], "text": "Steady"}]
                await ok(h, """mutation($r: ID!, $a: [ReviewAnswerInput!]!) { submitReview(input: {reviewId: $r,
                    answers: $a}) { review { id } errors { code field message } } }""",
                         {"r": review["id"], "a": answers}, token=token)
    for _ in range(2):
        await ok(h, """mutation($c: ID!) { advanceReviewCycle(input: {id: $c}) { cycle { id } errors { code field message } } }""",
                 {"c": cycle})

    async def view(manager: str):
        token = h.token_for(people[manager]["email"])
        await h.gql("{ viewer { roles } }", token=token)  # the first request binds the identity
        return await h.gql(TEAM_RESULTS, {"m": people[manager]["id"], "c": cycle}, token=token)

    big, small = await view("big"), await view("small")
    reports = big.data["employee"]["directReports"]
    assert len(reports) == 30 and all(r["reviewResult"]["finalRating"]["rating"] == 3 for r in reports)
    assert reports[0]["reviewResult"]["namedReviews"][0]["reviewer"] == {"name": "Big"}
    assert len(small.data["employee"]["directReports"]) == 3
    assert big.sql_statements == small.sql_statements

    # A page that shows only the final rating reads no answers: fewer statements, same ratings.
    token = h.token_for(people["big"]["email"])
    summary = await h.gql(TEAM_RATINGS, {"m": people["big"]["id"], "c": cycle}, token=token)
    ratings = summary.data["employee"]["directReports"]
    assert [r["reviewResult"]["finalRating"] for r in ratings] == [
        {"rating": r["reviewResult"]["finalRating"]["rating"], "explanation": r["reviewResult"]["finalRating"]["explanation"]}
        for r in reports
    ]
    assert summary.sql_statements < big.sql_statements


TEAM_RATINGS = """query($m: ID!, $c: ID!) { employee(id: $m) { directReports { name
  reviewResult(cycleId: $c) { released finalRating { rating explanation } } } } }"""
