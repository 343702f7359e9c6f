"""Training over HTTP: the catalogue, recommendations from gaps, enrolment by the person, a
manager or HR, dated status moves, completion as evidence without a level, the bad inputs,
and the statement budget of pages.

The scene is tests/support/development.py: dev (IC1) reports to lead; dev's gap is
Coaching 1 (expected 2, reviewed 1); lead's gaps are Coaching 2 and Delegation 1.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support import clock
from tests.support.development import build_scene, codes, mutate

TODAY = clock.TODAY
ENROLMENT = "enrolment { id status enrolledOn startedOn completedOn droppedOn employee { id } enrolledBy { id } }"
RECOMMENDED = """query($id: ID!) { recommendedTraining(employeeId: $id) { program { name } score explanation } }"""
PROFILE = """query($id: ID!) { employee(id: $id) { competencyProfile { competency { name } currentLevel currentSource
  training { completions { program { name } completedOn } explanation } } } }"""


async def _program(tenant, s, token=None, **values) -> dict:
    fields = {"name": "Coaching basics", "format": "COURSE", "durationHours": 12.5, "targetCompetencyIds": [s["coaching"]]}
    fields.update(values)
    return await mutate(tenant, "createTrainingProgram", "CreateTrainingProgramInput", fields,
                        "program { id name format durationHours targetCompetencies { name } }", token)


async def _enrol(tenant, s, program: str, who: str, token_of: str) -> dict:
    values = {"programId": program, "employeeId": s[who] if who != token_of else None}
    return await mutate(tenant, "enrolInTraining", "EnrolInTrainingInput", values, ENROLMENT, s[f"{token_of}_token"])


async def _move(tenant, s, enrolment: str, status: str, who: str, day=None) -> dict:
    values = {"enrolmentId": enrolment, "status": status, "date": day.isoformat() if day else None}
    return await mutate(tenant, "updateEnrolment", "UpdateEnrolmentInput", values, ENROLMENT, s[f"{who}_token"])


async def test_a_manager_enrols_a_report_who_completes_it_as_evidence_without_a_level(tenant):
    s = await build_scene(tenant)
    assert codes(await _program(tenant, s, s["lead_token"])) == [("FORBIDDEN", None)]
    created = await _program(tenant, s, s["hr_token"])
    program = created["program"]["id"]
    assert created["program"] == {"id": program, "name": "Coaching basics", "format": "COURSE", "durationHours": 12.5,
                                  "targetCompetencies": [{"name": "Coaching"}]}
    assert (await _program(tenant, s, name="Delegating well", format="WORKSHOP", durationHours=3,
                           targetCompetencyIds=[s["delegation"]]))["errors"] == []
    # Dev's only gap is Coaching, so only the course is recommended, with the why.
    assert (await tenant.gql(RECOMMENDED, {"id": s["dev"]}, token=s["dev_token"])).data["recommendedTraining"] == [{
        "program": {"name": "Coaching basics"}, "score": 1,
        "explanation": "This training targets 1 of your gaps (1 level in all): Coaching (1 level below expectation). "
                       "It targets 1 competency in all. Score 1.",
    }]
    assert (await tenant.gql(RECOMMENDED, {"id": s["dev"]}, token=s["peer_token"])).data["recommendedTraining"] is None

    enrolled = await _enrol(tenant, s, program, "dev", "lead")  # the manager enrols a report
    enrolment = enrolled["enrolment"]["id"]
    assert enrolled["enrolment"] == {"id": enrolment, "status": "ENROLLED", "enrolledOn": TODAY.isoformat(),
                                     "startedOn": None, "completedOn": None, "droppedOn": None,
                                     "employee": {"id": s["dev"]}, "enrolledBy": {"id": s["lead"]}}
    assert codes(await _enrol(tenant, s, program, "dev", "dev")) == [("DUPLICATE", ["input", "programId"])]
    assert codes(await _enrol(tenant, s, program, "dev", "peer")) == [("FORBIDDEN", ["input", "employeeId"])]
    assert (await tenant.gql(RECOMMENDED, {"id": s["dev"]}, token=s["dev_token"])).data["recommendedTraining"] == []

    assert (await _move(tenant, s, enrolment, "IN_PROGRESS", "dev"))["enrolment"]["startedOn"] == TODAY.isoformat()
    done = await _move(tenant, s, enrolment, "COMPLETED", "dev", TODAY)
    assert (done["enrolment"]["status"], done["enrolment"]["completedOn"]) == ("COMPLETED", TODAY.isoformat())
    # Evidence beside the profile line; the current level is still the review's.
    profile = (await tenant.gql(PROFILE, {"id": s["dev"]}, token=s["lead_token"])).data["employee"]["competencyProfile"]
    coaching = next(line for line in profile if line["competency"]["name"] == "Coaching")
    assert coaching == {
        "competency": {"name": "Coaching"}, "currentLevel": 1, "currentSource": "REVIEW",
        "training": {
            "completions": [{"program": {"name": "Coaching basics"}, "completedOn": TODAY.isoformat()}],
            "explanation": f"Completed 1 training program targeting Coaching: Coaching basics on {TODAY.isoformat()}. "
                           "Training is evidence without a level: it shows the competency was worked on, so it never "
                           "changes the current level.",
        },
    }
    delegation = next(line for line in profile if line["competency"]["name"] == "Delegation")
    assert delegation["training"] == {"completions": [], "explanation": "No completed training targets Delegation."}


async def test_bad_moves_and_inputs_are_typed_errors_and_write_nothing(tenant):
    s = await build_scene(tenant)
    program = (await _program(tenant, s))["program"]["id"]
    assert codes(await _program(tenant, s)) == [("DUPLICATE", ["input", "name"])]
    assert codes(await _program(tenant, s, name="Zero", durationHours=0)) == [("INVALID", ["input", "durationHours"])]
    assert codes(await _program(tenant, s, name="Odd", targetCompetencyIds=[s["coaching"], s["dev"]])) == [
        ("NOT_FOUND", ["input", "targetCompetencyIds", "1"])]
    enrolment = (await _enrol(tenant, s, program, "dev", "dev"))["enrolment"]["id"]
    assert codes(await _move(tenant, s, enrolment, "COMPLETED", "dev", TODAY + timedelta(days=1))) == [
        ("INVALID", ["input", "date"])]
    assert codes(await _move(tenant, s, enrolment, "COMPLETED", "dev", TODAY - timedelta(days=1))) == [
        ("INVALID", ["input", "date"])]  # before the enrolment
    assert codes(await _move(tenant, s, enrolment, "ENROLLED", "dev")) == [("INVALID_STATE", ["input", "status"])]
    # Someone who may not see the enrolment gets NOT_FOUND, like a missing one.
    assert codes(await _move(tenant, s, enrolment, "DROPPED", "peer")) == [("NOT_FOUND", ["input", "enrolmentId"])]
    read = "query($id: ID!) { trainingEnrolment(id: $id) { status droppedOn } }"
    assert (await tenant.gql(read, {"id": enrolment}, token=s["peer_token"])).data["trainingEnrolment"] is None
    assert (await tenant.gql(read, {"id": enrolment}, token=s["vp_token"])).data["trainingEnrolment"] == {
        "status": "ENROLLED", "droppedOn": None}  # a skip-level manager sees it, unchanged
    # Dropped, then re-opened rather than enrolled twice.
    assert (await _move(tenant, s, enrolment, "DROPPED", "lead"))["enrolment"]["droppedOn"] == TODAY.isoformat()
    assert codes(await _enrol(tenant, s, program, "dev", "dev")) == [("DUPLICATE", ["input", "programId"])]
    reopened = await _move(tenant, s, enrolment, "ENROLLED", "dev")
    assert (reopened["enrolment"]["status"], reopened["enrolment"]["droppedOn"]) == ("ENROLLED", None)
    listed = "{ trainingEnrolments(first: 10) { totalCount nodes { id } } }"
    assert (await tenant.gql(listed, token=s["dev_token"])).data["trainingEnrolments"] == {
        "totalCount": 1, "nodes": [{"id": enrolment}]}
    assert (await tenant.gql(listed, token=s["peer_token"])).data["trainingEnrolments"] == {"totalCount": 0, "nodes": []}


async def test_pages_of_programs_and_enrolments_cost_the_same_statements_for_10_and_100(tenant):
    s = await build_scene(tenant)
    for batch in range(2):
        aliases = " ".join(
            f"""p{i}: createTrainingProgram(input: {{name: "Course {batch}-{i:02}", format: COHORT, durationHours: 2,
                  targetCompetencyIds: ["{s['coaching']}", "{s['delegation']}"]}}) {{ program {{ id }} errors {{ code }} }}"""
            for i in range(15)
        )
        created = (await tenant.gql(f"mutation {{ {aliases} }}")).data
        enrol = " ".join(
            f"""e{i}: enrolInTraining(input: {{programId: "{payload['program']['id']}"}}) {{ errors {{ code }} }}"""
            for i, payload in enumerate(created.values())
        )
        assert all(v["errors"] == [] for v in (await tenant.gql(f"mutation {{ {enrol} }}", token=s["dev_token"])).data.values())
    programs = """query($first: Int!) { trainingPrograms(first: $first) { totalCount edges { node {
      name format durationHours targetCompetencies { name } } } } }"""
    enrolments = """query($first: Int!) { trainingEnrolments(first: $first) { totalCount edges { node {
      status enrolledOn employee { name manager { name } } enrolledBy { name }
      program { name targetCompetencies { name } } } } } }"""
    for query, field in ((programs, "trainingPrograms"), (enrolments, "trainingEnrolments")):
        await tenant.gql(query, {"first": 1}, token=s["vp_token"])  # warm-up: binds the token's identity
        counts = {}
        for first in (10, 100):
            result = await tenant.gql(query, {"first": first}, token=s["vp_token"])
            assert len(result.data[field]["edges"]) == min(first, 30)
            assert result.data[field]["totalCount"] == 30  # vp sees the enrolments of a report's report
            counts[first] = result.sql_statements
        assert counts[10] == counts[100], (field, counts)
