"""A small org with a launched review cycle, built through the public API, for any test
of reviews and their results.

    scene = await launched_cycle(tenant)            # the lead's nine reviews submitted
    scene = await launched_cycle(tenant, submit=())  # nothing submitted yet

The org (all in "Engineering", "Platform" below it):

    boss (Engineering) ─┬─ lead (Platform, job level "Team Lead": LEADERSHIP Coaching and
                        │        Delegation, CORE Clarity expected)
                        │    └─ ann, ben, cal, dee (Platform, "Engineer")
                        └─ pia, pat, pax (Engineering, "Engineer"): the lead's peers

The tenant admin (HR) is no participant. The cycle asks SELF, MANAGER, PEER and
DIRECT_REPORT reviews; the lead nominated pia, pat and pax and the boss approved them.
The template rates Coaching (everyone), the lead's goals of the period (SELF, MANAGER),
asks "Leadership strengths" (everyone) and "Areas to improve" (PEER, DIRECT_REPORT,
optional), and an overall rating (MANAGER). As a people-manager the lead's reviews also
rate Delegation automatically (Coaching is in the template already; Clarity is CORE).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.support.api import TenantHandle

PERIOD_START, PERIOD_END = "2026-01-01", "2026-06-30"
ALL_KINDS = ["SELF", "MANAGER", "PEER", "DIRECT_REPORT"]
REPORTS = ("ann", "ben", "cal", "dee")
PEERS = ("pia", "pat", "pax")

REVIEW_FIELDS = """id kind status submittedAt subject { id } reviewer { id }
  questions { questionId section kind prompt required automatic scaleKind competency { id name } goal { id }
              scale { value } answer { rating text } }"""


@dataclass
class ReviewScene:
    handle: TenantHandle
    people: dict[str, dict] = field(default_factory=dict)  # key -> {"id", "email", "name"}
    departments: dict[str, str] = field(default_factory=dict)
    competencies: dict[str, str] = field(default_factory=dict)
    job_levels: dict[str, str] = field(default_factory=dict)
    goal: str = ""  # the lead's PUBLIC, ACTIVE goal of the period
    template: str = ""
    cycle: str = ""

    def id(self, key: str) -> str:
        return self.handle.admin_id if key == "hr" else self.people[key]["id"]

    def token(self, key: str) -> str:
        return self.handle.admin_token if key == "hr" else self.handle.token_for(self.people[key]["email"])

    def key_of(self, employee_id: str) -> str:
        return next(key for key, person in self.people.items() if person["id"] == employee_id)

    async def gql(self, key: str, query: str, variables: dict | None = None) -> Any:
        """As `key`, asserting no top-level errors; returns `data`."""
        return (await self.handle.gql(query, variables, token=self.token(key))).data


async def ok(handle: TenantHandle, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    """Run one mutation and assert it reported no errors; returns its payload."""
    data = (await handle.gql(query, variables, token=token)).data
    (payload,) = data.values()
    assert payload["errors"] == [], payload
    return payload


async def _framework(scene: ReviewScene) -> None:
    h = scene.handle
    for name, category in (("Coaching", "LEADERSHIP"), ("Delegation", "LEADERSHIP"), ("Clarity", "CORE")):
        created = await ok(h, """mutation($n: String!, $c: String!) { createCompetency(input: {name: $n, category: $c}) {
            competency { id } errors { code field message } } }""", {"n": name, "c": category})
        scene.competencies[name] = created["competency"]["id"]
    for name, rank, track, expected in (
        ("Team Lead", 1, "MANAGER", ("Coaching", "Delegation", "Clarity")), ("Engineer", 2, "INDIVIDUAL_CONTRIBUTOR", ("Clarity",)),
    ):
        level = await ok(h, """mutation($n: String!, $r: Int!, $t: Track!) { createJobLevel(input: {name: $n, rank: $r, track: $t}) {
            jobLevel { id } errors { code field message } } }""", {"n": name, "r": rank, "t": track})
        scene.job_levels[name] = level["jobLevel"]["id"]
        await ok(h, """mutation($l: ID!, $e: [JobLevelExpectationInput!]!) { setJobLevelExpectations(input: {jobLevelId: $l,
            expectations: $e}) { errors { code field message } } }""",
                 {"l": level["jobLevel"]["id"], "e": [{"competencyId": scene.competencies[c], "expectedLevel": 3} for c in expected]})


async def build_org(tenant: TenantHandle) -> ReviewScene:
    scene = ReviewScene(tenant)
    await _framework(scene)
    engineering = await tenant.create_department("Engineering")
    platform = await tenant.create_department("Platform", engineering["id"])
    scene.departments = {"Engineering": engineering["id"], "Platform": platform["id"]}

    def row(key: str, department: str, manager: str | None, level: str) -> dict:
        return {"email": f"{key}@{tenant.slug}.test", "name": key.capitalize(), "departmentId": scene.departments[department],
                "managerEmail": f"{manager}@{tenant.slug}.test" if manager else None, "jobLevel": level,
                "hireDate": "2020-01-01"}

    rows = [row("boss", "Engineering", None, "Team Lead"), row("lead", "Platform", "boss", "Team Lead")]
    rows += [row(key, "Platform", "lead", "Engineer") for key in REPORTS]
    rows += [row(key, "Engineering", "boss", "Engineer") for key in PEERS]
    for person in await tenant.import_rows(rows):
        scene.people[person["email"].partition("@")[0]] = person
    goal = await ok(tenant, """mutation($o: ID!) { createGoal(input: {title: "Ship the platform", ownerId: $o, status: ACTIVE,
        visibility: PUBLIC, startDate: "2026-01-15", dueDate: "2026-05-31",
        metric: {name: "services migrated", unit: "services", baseline: 0, target: 10}}) {
        goal { id } errors { code field message } } }""", {"o": scene.id("lead")})
    scene.goal = goal["goal"]["id"]
    return scene


def template_input(scene: ReviewScene, name: str = "Annual review") -> dict:
    return {
        "name": name,
        "sections": [
            {"title": "Competencies", "questions": [
                {"kind": "RATING_COMPETENCY", "prompt": "How well do they coach?", "reviewerKinds": ALL_KINDS,
                 "competencyId": scene.competencies["Coaching"]}]},
            {"title": "Goals", "questions": [
                {"kind": "RATING_GOALS", "prompt": "How far did they get?", "reviewerKinds": ["SELF", "MANAGER"]}]},
            {"title": "Feedback", "questions": [
                {"kind": "TEXT", "prompt": "Leadership strengths", "reviewerKinds": ALL_KINDS},
                {"kind": "TEXT", "prompt": "Areas to improve", "reviewerKinds": ["PEER", "DIRECT_REPORT"], "required": False}]},
            {"title": "Overall", "questions": [
                {"kind": "OVERALL_RATING", "prompt": "Overall performance", "reviewerKinds": ["MANAGER"]}]},
        ],
    }


async def draft_cycle(scene: ReviewScene, **overrides) -> ReviewScene:
    """The template and a DRAFT cycle over Engineering (its subtree: everyone but HR)."""
    h = scene.handle
    created = await ok(h, """mutation($input: CreateReviewTemplateInput!) { createReviewTemplate(input: $input) {
        template { id } errors { code field message } } }""", {"input": template_input(scene)})
    scene.template = created["template"]["id"]
    cycle_input = {"name": "2026 H1", "periodStart": PERIOD_START, "periodEnd": PERIOD_END, "templateId": scene.template,
                   "reviewerKinds": ALL_KINDS, "peerMin": 2, "peerMax": 3, **overrides}
    cycle = await ok(h, """mutation($input: CreateReviewCycleInput!) { createReviewCycle(input: $input) {
        cycle { id } errors { code field message } } }""", {"input": cycle_input})
    scene.cycle = cycle["cycle"]["id"]
    added = await ok(h, """mutation($c: ID!, $d: ID!) { addCycleParticipants(input: {cycleId: $c, filter: {departmentId: $d}}) {
        added errors { code field message } } }""", {"c": scene.cycle, "d": scene.departments["Engineering"]})
    assert added["added"] == 9, added
    return scene


async def nominate_and_approve(scene: ReviewScene, subject: str = "lead", peers: Iterable[str] = PEERS, approver: str = "boss") -> list[dict]:
    nominated = await ok(scene.handle, """mutation($c: ID!, $p: [ID!]!) { nominatePeers(input: {cycleId: $c, peerIds: $p}) {
        nominations { id peer { id } status } errors { code field message } } }""",
                         {"c": scene.cycle, "p": [scene.id(p) for p in peers]}, token=scene.token(subject))
    approved = await ok(scene.handle, """mutation($n: [ID!]!) { approveNominations(input: {nominationIds: $n}) {
        nominations { id peer { id } status } errors { code field message } } }""",
                        {"n": [n["id"] for n in nominated["nominations"]]}, token=scene.token(approver))
    return approved["nominations"]


async def launch(scene: ReviewScene) -> None:
    await ok(scene.handle, """mutation($c: ID!) { launchReviewCycle(input: {id: $c}) { cycle { id status }
        errors { code field message } } }""", {"c": scene.cycle})


async def reviews_to_write(scene: ReviewScene, reviewer: str) -> list[dict]:
    data = await scene.gql(reviewer, f"{{ viewer {{ reviewsToWrite {{ {REVIEW_FIELDS} }} }} }}")
    return data["viewer"]["reviewsToWrite"]


Rater = Callable[[str, dict, dict], int]  # (reviewer key, review, question) -> rating


def answers_for(review: dict, rating: int = 3, text: str | None = None) -> list[dict]:
    """An answer to every question: `rating` on each rating, `text` (or a kind-based line) on each text."""
    answers = []
    for q in review["questions"]:
        answer: dict[str, Any] = {"questionId": q["questionId"]} if q["questionId"] else {"competencyId": q["competency"]["id"]}
        if q["goal"]:
            answer["goalId"] = q["goal"]["id"]
        if q["scaleKind"] is None:
            answer["text"] = text or f"{review['kind'].lower()} view on {q['prompt'].lower()}"
        else:
            answer["rating"] = rating
        answers.append(answer)
    return answers


SUBMIT = """mutation($input: SubmitReviewInput!) { submitReview(input: $input) {
  review { id status } errors { code field message } } }"""


async def submit_reviews_of(scene: ReviewScene, subjects: Iterable[str], rater: Rater | None = None) -> int:
    """Every reviewer of `subjects` submits a complete review; returns how many were submitted."""
    wanted = {scene.id(s) for s in subjects}
    reviewers = ["hr", *scene.people]
    count = 0
    for reviewer in reviewers:
        for review in await reviews_to_write(scene, reviewer):
            if review["subject"]["id"] not in wanted or review["status"] == "SUBMITTED":
                continue
            rating = 3
            answers = answers_for(review, rating)
            if rater is not None:
                answers = [
                    {**a, "rating": rater(reviewer, review, q)} if "rating" in a else a
                    for a, q in zip(answers, review["questions"], strict=True)
                ]
            await ok(scene.handle, SUBMIT, {"input": {"reviewId": review["id"], "answers": answers}}, token=scene.token(reviewer))
            count += 1
    return count


async def launched_cycle(tenant: TenantHandle, *, submit: Iterable[str] = ("lead",), rater: Rater | None = None,
                         **cycle_overrides) -> ReviewScene:
    """The org, the cycle launched with the lead's three peers approved, and every review
    of the `submit` subjects submitted (nine for the lead: SELF, MANAGER, 3 PEER, 4 DIRECT_REPORT)."""
    scene = await draft_cycle(await build_org(tenant), **cycle_overrides)
    await nominate_and_approve(scene)
    await launch(scene)
    if submit:
        await submit_reviews_of(scene, submit, rater)
    return scene
