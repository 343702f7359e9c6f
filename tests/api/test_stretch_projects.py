"""Stretch projects over HTTP: offer, recommend, apply, the two approvals, seats, start,
completion into competency evidence; the bad inputs; the statement budget of pages.

The scene is tests/support/development.py: dev (IC1) reports to lead, who reports to vp;
peer has no manager; dev's gap is Coaching 1 (IC1 expects 2, a review says 1).
"""

from __future__ import annotations

from datetime import timedelta

from tests.support import clock
from tests.support.development import build_scene, codes, mutate

TODAY = clock.TODAY
PROJECT = "project { id title status seats seatsTaken sponsor { id } targetCompetencies { name } }"
APPLICATION = "application { id status sponsorApprovedBy { id } managerApprovedBy { id } rejectedBy { id } }"


async def _project(tenant, s, token: str, **values) -> dict:
    fields = {"title": "Run the hiring loop", "startDate": TODAY.isoformat(),
              "endDate": (TODAY + timedelta(days=60)).isoformat(), "seats": 1,
              "targetCompetencyIds": [s["coaching"], s["delegation"]]}
    fields.update(values)
    return await mutate(tenant, "createStretchProject", "CreateStretchProjectInput", fields, PROJECT, token)


async def _apply(tenant, s, who: str, project: str) -> dict:
    return await mutate(tenant, "applyToStretchProject", "ApplyToStretchProjectInput",
                        {"projectId": project, "motivation": f"{who} wants to grow"}, APPLICATION, s[f"{who}_token"])


async def _decide(tenant, s, field: str, who: str, application: str) -> dict:
    input_type = "StretchApplicationDecisionInput" if field.startswith("approve") else "RejectStretchApplicationInput"
    return await mutate(tenant, field, input_type, {"applicationId": application}, APPLICATION, s[f"{who}_token"])


async def _project_state(tenant, project: str, token=None) -> dict:
    query = "query($id: ID!) { stretchProject(id: $id) { status seatsTaken outcomes { employee { id } competency { name } level } } }"
    return (await tenant.gql(query, {"id": project}, token=token)).data["stretchProject"]


RECOMMENDED = """query($id: ID!) { recommendedStretchProjects(employeeId: $id) {
  project { title } score explanation matchedCompetencies { name } } }"""
PROFILE = "query($id: ID!) { employee(id: $id) { competencyProfile { competency { name } currentLevel currentSource gap } } }"


async def test_a_project_is_recommended_staffed_by_two_approvals_and_completed_into_evidence(tenant):
    s = await build_scene(tenant)
    created = await _project(tenant, s, s["vp_token"])
    assert created["errors"] == []
    project = created["project"]["id"]
    assert created["project"] == {"id": project, "title": "Run the hiring loop", "status": "OPEN", "seats": 1,
                                  "seatsTaken": 0, "sponsor": {"id": s["vp"]},
                                  "targetCompetencies": [{"name": "Coaching"}, {"name": "Delegation"}]}
    # Dev's only gap is Coaching (1 level); the manager sees the same recommendation.
    recommended = (await tenant.gql(RECOMMENDED, {"id": s["dev"]}, token=s["lead_token"])).data
    assert recommended["recommendedStretchProjects"] == [{
        "project": {"title": "Run the hiring loop"}, "score": 1, "matchedCompetencies": [{"name": "Coaching"}],
        "explanation": "This project targets 1 of your gaps (1 level in all): Coaching (1 level below expectation). "
                       "It targets 2 competencies in all. Score 1.",
    }]
    assert (await tenant.gql(RECOMMENDED, {"id": s["dev"]}, token=s["peer_token"])).data[
        "recommendedStretchProjects"] is None  # a colleague does not see dev's gaps

    dev = (await _apply(tenant, s, "dev", project))["application"]["id"]
    peer = (await _apply(tenant, s, "peer", project))["application"]["id"]
    # Dev's manager (lead) sees dev's application; a colleague does not.
    listing = "query($p: ID!) { stretchApplications(first: 10, filter: {projectId: $p}) { totalCount nodes { id } } }"
    assert (await tenant.gql(listing, {"p": project}, token=s["lead_token"])).data["stretchApplications"] == {
        "totalCount": 1, "nodes": [{"id": dev}]}
    assert (await tenant.gql(listing, {"p": project}, token=s["vp_token"])).data["stretchApplications"]["totalCount"] == 2

    sponsor_ok = await _decide(tenant, s, "approveStretchApplication", "vp", dev)
    assert sponsor_ok["application"] == {"id": dev, "status": "APPLIED", "sponsorApprovedBy": {"id": s["vp"]},
                                         "managerApprovedBy": None, "rejectedBy": None}
    both_ok = await _decide(tenant, s, "approveStretchApplication", "lead", dev)
    assert (both_ok["application"]["status"], both_ok["application"]["managerApprovedBy"]) == ("APPROVED", {"id": s["lead"]})
    assert await _project_state(tenant, project) == {"status": "STAFFED", "seatsTaken": 1, "outcomes": []}
    # Peer has no manager, so the sponsor's approval would do, but the only seat is gone.
    assert codes(await _decide(tenant, s, "approveStretchApplication", "vp", peer)) == [
        ("INVALID_STATE", ["input", "applicationId"])]

    started = await mutate(tenant, "startStretchProject", "StretchProjectIdInput", {"projectId": project}, "project { status }",
                           s["vp_token"])
    assert started == {"project": {"status": "IN_PROGRESS"}, "errors": []}
    done = await mutate(tenant, "completeStretchProject", "CompleteStretchProjectInput", {
        "projectId": project,
        "outcomes": [{"employeeId": s["dev"], "competencyId": s["coaching"], "level": 3, "note": "Ran 12 interviews"}],
    }, "project { status completedOn }", s["vp_token"])
    assert done == {"project": {"status": "COMPLETED", "completedOn": TODAY.isoformat()}, "errors": []}
    # The outcome is EVIDENCE: dev's current Coaching level is now 3, above the expectation.
    profile = (await tenant.gql(PROFILE, {"id": s["dev"]}, token=s["dev_token"])).data["employee"]["competencyProfile"]
    coaching = next(line for line in profile if line["competency"]["name"] == "Coaching")
    assert coaching == {"competency": {"name": "Coaching"}, "currentLevel": 3, "currentSource": "EVIDENCE", "gap": -1}
    outcome = [{"employee": {"id": s["dev"]}, "competency": {"name": "Coaching"}, "level": 3}]
    assert (await _project_state(tenant, project, s["dev_token"]))["outcomes"] == outcome
    assert (await _project_state(tenant, project, s["peer_token"]))["outcomes"] == []  # not theirs


async def test_bad_applications_and_decisions_are_typed_errors_and_write_nothing(tenant):
    s = await build_scene(tenant)
    assert codes(await _project(tenant, s, s["dev_token"])) == [("FORBIDDEN", None)]  # dev manages nobody
    assert codes(await _project(tenant, s, s["vp_token"], sponsorId=s["ceo"])) == [("FORBIDDEN", ["input", "sponsorId"])]
    assert codes(await _project(tenant, s, s["hr_token"], seats=0, sponsorId=s["ceo"])) == [("INVALID", ["input", "seats"])]
    project = (await _project(tenant, s, s["hr_token"], sponsorId=s["ceo"], seats=2))["project"]["id"]
    assert codes(await _apply(tenant, s, "ceo", project)) == [("INVALID", ["input", "projectId"])]  # the sponsor
    dev = (await _apply(tenant, s, "dev", project))["application"]["id"]
    assert codes(await _apply(tenant, s, "dev", project)) == [("DUPLICATE", ["input", "projectId"])]
    # HR admins and the applicant are neither the sponsor nor the manager.
    assert codes(await _decide(tenant, s, "approveStretchApplication", "hr", dev)) == [("FORBIDDEN", ["input", "applicationId"])]
    assert codes(await _decide(tenant, s, "approveStretchApplication", "dev", dev)) == [("FORBIDDEN", ["input", "applicationId"])]
    # Someone who may not see the application gets NOT_FOUND, like a missing one.
    assert codes(await _decide(tenant, s, "approveStretchApplication", "peer", dev)) == [("NOT_FOUND", ["input", "applicationId"])]
    rejected = await _decide(tenant, s, "rejectStretchApplication", "lead", dev)
    assert (rejected["application"]["status"], rejected["application"]["rejectedBy"]) == ("REJECTED", {"id": s["lead"]})
    assert codes(await _decide(tenant, s, "approveStretchApplication", "ceo", dev)) == [
        ("INVALID_STATE", ["input", "applicationId"])]

    start = lambda token: mutate(tenant, "startStretchProject", "StretchProjectIdInput", {"projectId": project},  # noqa: E731
                                 "project { status }", token)
    assert codes(await start(s["ceo_token"])) == [("INVALID_STATE", ["input", "projectId"])]  # nobody approved
    peer = (await _apply(tenant, s, "peer", project))["application"]["id"]
    assert (await _decide(tenant, s, "approveStretchApplication", "ceo", peer))["application"]["status"] == "APPROVED"
    assert (await start(s["ceo_token"]))["errors"] == []

    complete = "project { status }"
    for outcome, error in (
        ({"employeeId": s["dev"], "competencyId": s["coaching"], "level": 3}, ("INVALID", "employeeId")),  # rejected
        ({"employeeId": s["peer"], "competencyId": s["coaching"], "level": 9}, ("INVALID", "level")),
        ({"employeeId": s["peer"], "competencyId": s["coaching"], "level": 0}, ("INVALID", "level")),
    ):
        good = {"employeeId": s["peer"], "competencyId": s["delegation"], "level": 2}
        refused = await mutate(tenant, "completeStretchProject", "CompleteStretchProjectInput",
                               {"projectId": project, "outcomes": [good, outcome]}, complete, s["ceo_token"])
        assert codes(refused) == [(error[0], ["input", "outcomes", "1", error[1]])]
    twice = {"employeeId": s["peer"], "competencyId": s["delegation"], "level": 2}
    refused = await mutate(tenant, "completeStretchProject", "CompleteStretchProjectInput",
                           {"projectId": project, "outcomes": [twice, twice]}, complete, s["ceo_token"])
    assert codes(refused) == [("DUPLICATE", ["input", "outcomes", "1", "competencyId"])]
    by_hr = await mutate(tenant, "completeStretchProject", "CompleteStretchProjectInput",
                         {"projectId": project, "outcomes": []}, complete, s["hr_token"])
    assert codes(by_hr) == [("FORBIDDEN", ["input", "projectId"])]  # the sponsor judges the outcomes
    # Nothing was half-written: still in progress, no outcome, peer's profile has no evidence.
    assert await _project_state(tenant, project, s["hr_token"]) == {"status": "IN_PROGRESS", "seatsTaken": 1, "outcomes": []}
    history = "query($id: ID!) { employee(id: $id) { competencyAssessments { source } } }"
    assert (await tenant.gql(history, {"id": s["peer"]})).data["employee"]["competencyAssessments"] == []


async def test_pages_of_projects_and_applications_cost_the_same_statements_for_10_and_100(tenant):
    s = await build_scene(tenant)
    for batch in range(2):
        aliases = " ".join(
            f"""p{i}: createStretchProject(input: {{title: "Project {batch}-{i:02}", startDate: "{TODAY}",
                  endDate: "{TODAY}", seats: 3, sponsorId: "{s['ceo']}",
                  targetCompetencyIds: ["{s['coaching']}", "{s['delegation']}"]}}) {{ project {{ id }} errors {{ code }} }}"""
            for i in range(15)
        )
        created = (await tenant.gql(f"mutation {{ {aliases} }}")).data
        applied = " ".join(
            f"""a{i}: applyToStretchProject(input: {{projectId: "{payload['project']['id']}", motivation: "Me"}}) {{
                  errors {{ code }} }}"""
            for i, payload in enumerate(created.values())
        )
        assert all(v["errors"] == [] for v in (await tenant.gql(f"mutation {{ {applied} }}", token=s["dev_token"])).data.values())
    projects = """query($first: Int!) { stretchProjects(first: $first) { totalCount edges { node {
      title status sponsor { name } targetCompetencies { name } seatsTaken outcomes { level } } } } }"""
    applications = """query($first: Int!) { stretchApplications(first: $first) { totalCount edges { node {
      status applicant { name } sponsorApprovedBy { name } project { title sponsor { name } seatsTaken } } } } }"""
    for query, field in ((projects, "stretchProjects"), (applications, "stretchApplications")):
        await tenant.gql(query, {"first": 1}, token=s["lead_token"])  # warm-up: binds the token's identity
        counts = {}
        for first in (10, 100):
            result = await tenant.gql(query, {"first": first}, token=s["lead_token"])
            assert len(result.data[field]["edges"]) == min(first, 30)
            assert result.data[field]["totalCount"] == 30  # lead sees every one of dev's applications
            counts[first] = result.sql_statements
        assert counts[10] == counts[100], (field, counts)
