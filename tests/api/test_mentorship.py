"""Mentorship over HTTP with several roles: the senior-leaders-for-rising-managers program
end to end, suggestions with explanations, the bad pairs (typed errors, nothing written),
visibility, and the statement budget of a page of programs.

The scene is tests/support/development.py: lead (M1, Engineering) reports to vp and has
gaps Coaching 2 / Delegation 1; ceo (M3, Sales) is strong in both; vp is the strongest.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support import clock
from tests.support.development import build_scene, codes, mutate

TODAY = clock.TODAY
PROGRAM = "program { id name status owner { id } focusCompetencies { name } }"
MENTORSHIP = "mentorship { id status startedOn endedOn outcome mentor { id } mentee { id } }"
SUGGEST = """query($mentee: ID!, $program: ID!) { suggestMentors(menteeId: $mentee, programId: $program) {
  mentor { name } score coveredLevels neededLevels departmentBonus activeMentees explanation
  coverage { competency { name } coveredLevels neededLevels mentorLevel } } }"""


async def _program(tenant, s, token=None, **values) -> dict:
    fields = {
        "name": "Rising managers", "startDate": TODAY.isoformat(), "endDate": (TODAY + timedelta(days=180)).isoformat(),
        "focusCompetencyIds": [s["coaching"], s["delegation"]], "capacityPerMentor": 1, "status": "OPEN",
        "minMentorJobLevelRank": 2, "mentorTrack": "MANAGER", "menteesMustBeManagers": True, "ownerId": s["ceo"],
    }
    fields.update(values)
    return await mutate(tenant, "createMentorshipProgram", "CreateMentorshipProgramInput", fields, PROGRAM, token)


async def _join(tenant, s, who: str, field: str, program: str, competencies=("coaching", "delegation")) -> dict:
    return await mutate(
        tenant, field, "JoinMentorshipProgramInput", {"programId": program, "competencyIds": [s[c] for c in competencies]},
        "participant { role employee { id } competencies { name } }", s[f"{who}_token"],
    )


async def _pair(tenant, s, mentor: str, mentee: str, program: str, token=None) -> dict:
    return await mutate(tenant, "pairMentorship", "PairMentorshipInput",
                        {"programId": program, "mentorId": s[mentor], "menteeId": s[mentee]}, MENTORSHIP, token)


async def _rising_managers(tenant, s, with_mentee: bool = True) -> str:
    """The program, ceo and vp as mentors, lead as mentee."""
    created = await _program(tenant, s)
    assert created["errors"] == [], created
    program = created["program"]["id"]
    for who in ("ceo", "vp"):
        assert (await _join(tenant, s, who, "joinAsMentor", program))["errors"] == []
    if with_mentee:
        assert (await _join(tenant, s, "lead", "applyAsMentee", program))["errors"] == []
    return program


async def test_senior_leaders_mentor_a_rising_manager_from_suggestion_to_outcome(tenant):
    s = await build_scene(tenant)
    created = await _program(tenant, s, token=s["hr_token"])
    assert created["errors"] == []
    program = created["program"]["id"]
    assert created["program"] == {"id": program, "name": "Rising managers", "status": "OPEN", "owner": {"id": s["ceo"]},
                                  "focusCompetencies": [{"name": "Coaching"}, {"name": "Delegation"}]}
    ceo = await _join(tenant, s, "ceo", "joinAsMentor", program)
    assert ceo == {"participant": {"role": "MENTOR", "employee": {"id": s["ceo"]},
                                   "competencies": [{"name": "Coaching"}, {"name": "Delegation"}]}, "errors": []}
    assert (await _join(tenant, s, "vp", "joinAsMentor", program))["errors"] == []
    # Seniority on the manager track: an IC and a first-line manager cannot mentor here;
    # mentees manage people, so dev (no reports) cannot apply.
    assert codes(await _join(tenant, s, "peer", "joinAsMentor", program)) == [("INVALID", ["input", "programId"])]
    assert codes(await _join(tenant, s, "lead", "joinAsMentor", program)) == [("INVALID", ["input", "programId"])]
    assert codes(await _join(tenant, s, "dev", "applyAsMentee", program)) == [("INVALID", ["input", "programId"])]
    assert (await _join(tenant, s, "lead", "applyAsMentee", program))["errors"] == []

    # The owner asks for suggestions: vp is lead's manager, so only ceo, with the why.
    suggested = (await tenant.gql(SUGGEST, {"mentee": s["lead"], "program": program}, token=s["ceo_token"])).data
    assert suggested["suggestMentors"] == [{
        "mentor": {"name": "CEO"}, "score": 3.5, "coveredLevels": 3, "neededLevels": 3, "departmentBonus": 0.5,
        "activeMentees": 0,
        "explanation": "Covers 3 of 3 levels to grow: Coaching 2 of 2 (gap of 2 levels; mentee Beginner (1), mentor "
                       "Advanced (4)); Delegation 1 of 1 (gap of 1 level; mentee Developing (2), mentor Proficient (3)). "
                       "Another department than the mentee: +0.5. Score 3.5.",
        "coverage": [
            {"competency": {"name": "Coaching"}, "coveredLevels": 2, "neededLevels": 2, "mentorLevel": 4},
            {"competency": {"name": "Delegation"}, "coveredLevels": 1, "neededLevels": 1, "mentorLevel": 3},
        ],
    }]
    # The owner (not an HR admin) pairs them.
    paired = await _pair(tenant, s, "ceo", "lead", program, s["ceo_token"])
    assert paired["errors"] == []
    mentorship = paired["mentorship"]["id"]
    assert paired["mentorship"] == {"id": mentorship, "status": "ACTIVE", "startedOn": TODAY.isoformat(), "endedOn": None,
                                    "outcome": None, "mentor": {"id": s["ceo"]}, "mentee": {"id": s["lead"]}}

    logged = await mutate(tenant, "logMentorshipSession", "LogMentorshipSessionInput",
                          {"mentorshipId": mentorship, "date": TODAY.isoformat(), "notes": "Rehearsed a tough 1:1",
                           "competencyIds": [s["coaching"]]},
                          "session { date notes loggedBy { id } competencies { name } }", s["lead_token"])
    assert logged == {"session": {"date": TODAY.isoformat(), "notes": "Rehearsed a tough 1:1", "loggedBy": {"id": s["lead"]},
                                  "competencies": [{"name": "Coaching"}]}, "errors": []}
    read = "query($id: ID!) { mentorship(id: $id) { status sessions { notes } program { name } } }"
    # The notes are the pair's: HR sees the mentorship, not its sessions; a colleague sees nothing.
    assert (await tenant.gql(read, {"id": mentorship}, token=s["ceo_token"])).data["mentorship"]["sessions"] == [
        {"notes": "Rehearsed a tough 1:1"}]
    assert (await tenant.gql(read, {"id": mentorship}, token=s["hr_token"])).data["mentorship"] == {
        "status": "ACTIVE", "sessions": None, "program": {"name": "Rising managers"}}
    assert (await tenant.gql(read, {"id": mentorship}, token=s["peer_token"])).data["mentorship"] is None

    ended = await mutate(tenant, "endMentorship", "EndMentorshipInput",
                         {"mentorshipId": mentorship, "outcome": "Runs calibration alone"}, MENTORSHIP, s["lead_token"])
    assert (ended["mentorship"]["status"], ended["mentorship"]["endedOn"], ended["mentorship"]["outcome"]) == (
        "ENDED", TODAY.isoformat(), "Runs calibration alone")
    mine = "{ mentorships(first: 10) { totalCount nodes { id status } } }"
    assert (await tenant.gql(mine, token=s["lead_token"])).data["mentorships"] == {
        "totalCount": 1, "nodes": [{"id": mentorship, "status": "ENDED"}]}
    assert (await tenant.gql(mine, token=s["peer_token"])).data["mentorships"] == {"totalCount": 0, "nodes": []}


async def test_bad_pairs_are_typed_errors_and_write_nothing(tenant):
    s = await build_scene(tenant)
    program = await _rising_managers(tenant, s)
    assert (await _join(tenant, s, "vp", "applyAsMentee", program))["errors"] == []  # vp manages lead: a mentee too
    assert codes(await _pair(tenant, s, "vp", "vp", program)) == [("INVALID", ["input", "menteeId"])]  # themselves
    assert codes(await _pair(tenant, s, "vp", "lead", program)) == [("INVALID", ["input", "mentorId"])]  # own manager
    assert codes(await _pair(tenant, s, "dev", "lead", program)) == [("INVALID", ["input", "mentorId"])]  # not a mentor
    assert codes(await _pair(tenant, s, "ceo", "lead", program, s["peer_token"])) == [("FORBIDDEN", None)]
    assert (await _pair(tenant, s, "ceo", "lead", program))["errors"] == []
    assert codes(await _pair(tenant, s, "ceo", "lead", program)) == [("DUPLICATE", ["input", "menteeId"])]
    assert codes(await _pair(tenant, s, "ceo", "vp", program)) == [("INVALID_STATE", ["input", "mentorId"])]  # capacity 1
    listed = (await tenant.gql("{ mentorships(first: 10) { totalCount nodes { mentor { id } mentee { id } } } }")).data
    assert listed["mentorships"] == {"totalCount": 1, "nodes": [{"mentor": {"id": s["ceo"]}, "mentee": {"id": s["lead"]}}]}
    # At capacity, ceo is no longer suggested; vp's own chain has nobody, and vp is not their own mentor.
    suggested = (await tenant.gql(SUGGEST, {"mentee": s["vp"], "program": program})).data["suggestMentors"]
    assert suggested == []


async def test_joining_twice_or_outside_the_focus_is_refused(tenant):
    s = await build_scene(tenant)
    narrow = await _program(tenant, s, focusCompetencyIds=[s["coaching"]], name="Coaching circle")
    program = narrow["program"]["id"]
    assert codes(await _join(tenant, s, "ceo", "joinAsMentor", program)) == [
        ("INVALID", ["input", "competencyIds", "1"])]  # Delegation is not a focus competency
    assert (await _join(tenant, s, "ceo", "joinAsMentor", program, ("coaching",)))["errors"] == []
    assert codes(await _join(tenant, s, "ceo", "joinAsMentor", program, ("coaching",))) == [
        ("DUPLICATE", ["input", "programId"])]
    assert codes(await _join(tenant, s, "lead", "applyAsMentee", program, ())) == [("REQUIRED", ["input", "competencyIds"])]
    mentors = "query($id: ID!) { mentorshipProgram(id: $id) { mentors { employee { id } } mentees { employee { id } } } }"
    assert (await tenant.gql(mentors, {"id": program})).data["mentorshipProgram"] == {
        "mentors": [{"employee": {"id": s["ceo"]}}], "mentees": []}


async def test_drafts_are_hidden_until_open_and_only_hr_runs_programs(tenant):
    s = await build_scene(tenant)
    assert codes(await _program(tenant, s, token=s["vp_token"])) == [("FORBIDDEN", None)]
    draft = await _program(tenant, s, status="DRAFT", ownerId=None)
    program = draft["program"]["id"]
    read = "query($id: ID!) { mentorshipProgram(id: $id) { status mentees { employee { id } } } }"
    listing = "{ mentorshipPrograms(first: 10) { totalCount nodes { id } } }"
    assert (await tenant.gql(read, {"id": program}, token=s["lead_token"])).data["mentorshipProgram"] is None
    assert (await tenant.gql(listing, token=s["lead_token"])).data["mentorshipPrograms"] == {"totalCount": 0, "nodes": []}
    assert codes(await _join(tenant, s, "lead", "applyAsMentee", program)) == [("NOT_FOUND", ["input", "programId"])]

    update = "program { status } "
    opened = await mutate(tenant, "updateMentorshipProgram", "UpdateMentorshipProgramInput", {"id": program, "status": "OPEN"},
                          update)
    assert opened == {"program": {"status": "OPEN"}, "errors": []}
    assert (await _join(tenant, s, "lead", "applyAsMentee", program))["errors"] == []
    # Mentees' wishes are for HR and the owner (here the admin who created it), not the tenant.
    assert (await tenant.gql(read, {"id": program}, token=s["ceo_token"])).data["mentorshipProgram"] == {
        "status": "OPEN", "mentees": None}
    assert (await tenant.gql(read, {"id": program})).data["mentorshipProgram"]["mentees"] == [{"employee": {"id": s["lead"]}}]
    closed = await mutate(tenant, "updateMentorshipProgram", "UpdateMentorshipProgramInput",
                          {"id": program, "status": "CLOSED"}, update)
    assert closed["errors"] == []
    reopened = await mutate(tenant, "updateMentorshipProgram", "UpdateMentorshipProgramInput",
                            {"id": program, "status": "OPEN", "name": "Renamed"}, update)
    assert codes(reopened) == [("INVALID_STATE", ["input", "status"])]
    assert codes(await _join(tenant, s, "ceo", "joinAsMentor", program)) == [("INVALID_STATE", ["input", "programId"])]
    names = (await tenant.gql("{ mentorshipPrograms(first: 10) { nodes { name status } } }", token=s["lead_token"])).data
    assert names["mentorshipPrograms"]["nodes"] == [{"name": "Rising managers", "status": "CLOSED"}]  # nothing half-renamed


async def test_a_page_of_programs_costs_the_same_statements_for_10_and_100(tenant):
    s = await build_scene(tenant)
    for batch in range(2):
        aliases = " ".join(
            f"""p{i}: createMentorshipProgram(input: {{name: "Program {batch}-{i:02}", startDate: "{TODAY}",
                  endDate: "{TODAY}", status: OPEN, ownerId: "{s['ceo']}",
                  focusCompetencyIds: ["{s['coaching']}", "{s['delegation']}"]}}) {{ errors {{ code }} }}"""
            for i in range(15)
        )
        created = (await tenant.gql(f"mutation {{ {aliases} }}")).data
        assert all(v["errors"] == [] for v in created.values())
    listed = (await tenant.gql("{ mentorshipPrograms(first: 30) { nodes { id } } }")).data["mentorshipPrograms"]["nodes"]
    for half in (listed[:15], listed[15:]):  # ceo mentors in every program
        joins = " ".join(
            f"""j{i}: joinAsMentor(input: {{programId: "{p['id']}", competencyIds: ["{s['coaching']}"]}}) {{ errors {{ code }} }}"""
            for i, p in enumerate(half)
        )
        assert all(v["errors"] == [] for v in (await tenant.gql(f"mutation {{ {joins} }}", token=s["ceo_token"])).data.values())
    page = """query($first: Int!) { mentorshipPrograms(first: $first) { totalCount edges { node {
      name owner { name } focusCompetencies { name } mentors { employee { name } competencies { name } }
      mentees { employee { name } } activeMentorshipCount } } } }"""
    await tenant.gql(page, {"first": 1}, token=s["hr_token"])  # warm-up: the token's first request binds its identity
    counts = {}
    for first in (10, 100):
        result = await tenant.gql(page, {"first": first}, token=s["hr_token"])
        edges = result.data["mentorshipPrograms"]["edges"]
        assert len(edges) == min(first, 30)
        assert all(e["node"]["mentors"][0]["competencies"] == [{"name": "Coaching"}] for e in edges)
        assert result.data["mentorshipPrograms"]["totalCount"] == 30
        counts[first] = result.sql_statements
    assert counts[10] == counts[100], counts
