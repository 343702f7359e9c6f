"""Another tenant's IDs are as good as missing, for every mentorship, stretch-project and
training operation that takes one.

Both tenants hold the scene of tests/support/development.py plus live programs: an OPEN
mentorship program where the admin mentors lead (one session logged), vp's OPEN stretch
project with dev's pending application, the admin's IN_PROGRESS project staffed by peer,
and a course dev is enrolled in. Tenant B's admin (the attacker) calls each ID-taking
query and mutation with A's IDs: the answer is byte for byte the one for an ID that exists
nowhere, malformed and wrong-type IDs answer the same, and afterwards both tenants'
programs are unchanged. The tenants are built once per module.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass

import pytest

from tests.api.test_cross_tenant import Op, gid, missing, mutation, not_found, raw_uuid
from tests.support import clock
from tests.support.api import Api, TenantHandle
from tests.support.development import build_scene, mutate

ID_KINDS = {"MentorshipProgram", "Mentorship", "StretchProject", "StretchApplication", "TrainingProgram",
            "TrainingEnrolment"}
TODAY = clock.TODAY.isoformat()


@dataclass(frozen=True)
class Side:
    handle: TenantHandle
    scene: dict
    program: str  # OPEN mentorship program owned by the admin
    mentorship: str  # the admin mentors lead in it
    project: str  # vp's OPEN stretch project
    application: str  # dev's pending application to it
    live_project: str  # the admin's IN_PROGRESS project, peer approved
    training: str  # "Coaching basics"
    enrolment: str  # dev's

    def __getattr__(self, name: str) -> str:  # people and competencies of the scene: a.lead, b.coaching
        return self.scene[name]


async def _ok(payload: dict) -> dict:
    assert payload["errors"] == [], payload
    return payload


async def _side(api: Api, prefix: str) -> Side:
    t = await api.new_tenant(prefix)
    s = await build_scene(t)
    admin = t.admin_token
    program = (await _ok(await mutate(t, "createMentorshipProgram", "CreateMentorshipProgramInput", {
        "name": "Mentoring", "startDate": TODAY, "endDate": TODAY, "status": "OPEN", "capacityPerMentor": 3,
        "focusCompetencyIds": [s["coaching"], s["delegation"]]}, "program { id }")))["program"]["id"]
    join = {"programId": program, "competencyIds": [s["coaching"]]}
    await _ok(await mutate(t, "joinAsMentor", "JoinMentorshipProgramInput", join, "participant { role }", admin))
    await _ok(await mutate(t, "applyAsMentee", "JoinMentorshipProgramInput", join, "participant { role }", s["lead_token"]))
    mentorship = (await _ok(await mutate(t, "pairMentorship", "PairMentorshipInput", {
        "programId": program, "mentorId": t.admin_id, "menteeId": s["lead"]}, "mentorship { id }")))["mentorship"]["id"]
    await _ok(await mutate(t, "logMentorshipSession", "LogMentorshipSessionInput", {
        "mentorshipId": mentorship, "date": TODAY, "notes": "First talk"}, "session { date }"))
    project_input = {"title": "Hiring loop", "startDate": TODAY, "endDate": TODAY, "seats": 1,
                     "targetCompetencyIds": [s["coaching"]]}
    project = (await _ok(await mutate(t, "createStretchProject", "CreateStretchProjectInput", project_input,
                                      "project { id }", s["vp_token"])))["project"]["id"]
    apply = {"projectId": project, "motivation": "Me"}
    application = (await _ok(await mutate(t, "applyToStretchProject", "ApplyToStretchProjectInput", apply,
                                          "application { id }", s["dev_token"])))["application"]["id"]
    live = (await _ok(await mutate(t, "createStretchProject", "CreateStretchProjectInput",
                                   {**project_input, "title": "Offsite"}, "project { id }")))["project"]["id"]
    peer_applied = (await _ok(await mutate(t, "applyToStretchProject", "ApplyToStretchProjectInput",
                                           {"projectId": live, "motivation": "Me"}, "application { id }", s["peer_token"])))
    await _ok(await mutate(t, "approveStretchApplication", "StretchApplicationDecisionInput",
                           {"applicationId": peer_applied["application"]["id"]}, "application { status }"))
    await _ok(await mutate(t, "startStretchProject", "StretchProjectIdInput", {"projectId": live}, "project { status }"))
    training = (await _ok(await mutate(t, "createTrainingProgram", "CreateTrainingProgramInput", {
        "name": "Coaching basics", "format": "COURSE", "durationHours": 4, "targetCompetencyIds": [s["coaching"]]},
        "program { id }")))["program"]["id"]
    enrolment = (await _ok(await mutate(t, "enrolInTraining", "EnrolInTrainingInput", {"programId": training},
                                        "enrolment { id }", s["dev_token"])))["enrolment"]["id"]
    return Side(t, s, program, mentorship, project, application, live, training, enrolment)


SNAPSHOT = """{
  mentorshipPrograms(first: 20) { totalCount nodes { id name status capacityPerMentor focusCompetencies { id }
    mentors { employee { id } competencies { id } } mentees { employee { id } competencies { id } } } }
  mentorships(first: 20) { totalCount nodes { id status outcome endedOn mentor { id } mentee { id }
    sessions { date notes competencies { id } } } }
  stretchProjects(first: 20) { totalCount nodes { id title status seats seatsTaken sponsor { id }
    targetCompetencies { id } outcomes { level } } }
  stretchApplications(first: 20) { totalCount nodes { id status sponsorApprovedBy { id } managerApprovedBy { id }
    rejectedBy { id } } }
  trainingPrograms(first: 20) { totalCount nodes { id name targetCompetencies { id } } }
  trainingEnrolments(first: 20) { totalCount nodes { id status employee { id } completedOn droppedOn } }
  employees(first: 20) { nodes { id competencyAssessments { id } } }
}"""


async def snapshot(handle: TenantHandle) -> dict:
    return (await handle.gql(SNAPSHOT)).data


@pytest.fixture(scope="module")
async def victim(api: Api) -> Side:
    return await _side(api, "victim")


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Side:
    return await _side(api, "attacker")


@pytest.fixture(scope="module")
async def victim_before(victim: Side) -> dict:
    before = await snapshot(victim.handle)
    # The snapshot really sees what it guards (else "unchanged" would prove nothing).
    assert [m["id"] for m in before["mentorships"]["nodes"]] == [victim.mentorship]
    assert before["mentorships"]["nodes"][0]["sessions"] == [{"date": TODAY, "notes": "First talk", "competencies": []}]
    assert before["mentorshipPrograms"]["nodes"][0]["mentees"] == [
        {"employee": {"id": victim.lead}, "competencies": [{"id": victim.coaching}]}]
    assert {p["id"]: (p["status"], p["seatsTaken"]) for p in before["stretchProjects"]["nodes"]} == {
        victim.project: ("OPEN", 0), victim.live_project: ("IN_PROGRESS", 1)}
    assert {a["id"] for a in before["stretchApplications"]["nodes"]} >= {victim.application}
    assert [e["id"] for e in before["trainingEnrolments"]["nodes"]] == [victim.enrolment]
    return before


# --- the operations ---------------------------------------------------------------------

NODE = """query($id: ID!) { node(id: $id) { id ... on MentorshipProgram { name } ... on StretchProject { title }
  ... on TrainingProgram { name } ... on Mentorship { mentorship: status } ... on StretchApplication { application: status }
  ... on TrainingEnrolment { enrolment: status } } }"""
PROGRAM = "query($id: ID!) { mentorshipProgram(id: $id) { id name } }"
MENTORSHIP = "query($id: ID!) { mentorship(id: $id) { id status } }"
MENTORSHIPS = "query($p: ID) { mentorships(first: 100, filter: {programId: $p}) { totalCount nodes { id } } }"
SUGGEST = "query($m: ID!, $p: ID!) { suggestMentors(menteeId: $m, programId: $p) { mentor { id } score } }"
PROJECT = "query($id: ID!) { stretchProject(id: $id) { id title } }"
APPLICATION = "query($id: ID!) { stretchApplication(id: $id) { id status } }"
APPLICATIONS = "query($p: ID) { stretchApplications(first: 100, filter: {projectId: $p}) { totalCount nodes { id } } }"
RECOMMENDED_PROJECTS = "query($e: ID!) { recommendedStretchProjects(employeeId: $e) { project { id } score } }"
TRAINING = "query($id: ID!) { trainingProgram(id: $id) { id name } }"
ENROLMENT = "query($id: ID!) { trainingEnrolment(id: $id) { id status } }"
ENROLMENTS = """query($p: ID, $e: ID) { trainingEnrolments(first: 100, filter: {programId: $p, employeeId: $e}) {
  totalCount nodes { id } } }"""
RECOMMENDED_TRAINING = "query($e: ID!) { recommendedTraining(employeeId: $e) { program { id } score } }"

CREATE_PROGRAM = mutation("createMentorshipProgram", "CreateMentorshipProgramInput", "program")
UPDATE_PROGRAM = mutation("updateMentorshipProgram", "UpdateMentorshipProgramInput", "program")
JOIN = "mutation($input: JoinMentorshipProgramInput!) { joinAsMentor(input: $input) { participant { role } errors { code field message } } }"
APPLY_MENTEE = JOIN.replace("joinAsMentor", "applyAsMentee")
PAIR = mutation("pairMentorship", "PairMentorshipInput", "mentorship")
END = mutation("endMentorship", "EndMentorshipInput", "mentorship")
LOG = """mutation($input: LogMentorshipSessionInput!) { logMentorshipSession(input: $input) {
  session { date } errors { code field message } } }"""
CREATE_PROJECT = mutation("createStretchProject", "CreateStretchProjectInput", "project")
APPLY = mutation("applyToStretchProject", "ApplyToStretchProjectInput", "application")
APPROVE = mutation("approveStretchApplication", "StretchApplicationDecisionInput", "application")
REJECT = mutation("rejectStretchApplication", "RejectStretchApplicationInput", "application")
START = mutation("startStretchProject", "StretchProjectIdInput", "project")
COMPLETE = mutation("completeStretchProject", "CompleteStretchProjectInput", "project")
CREATE_TRAINING = mutation("createTrainingProgram", "CreateTrainingProgramInput", "program")
ENROL = mutation("enrolInTraining", "EnrolInTrainingInput", "enrolment")
UPDATE_ENROLMENT = mutation("updateEnrolment", "UpdateEnrolmentInput", "enrolment")

NO_PROGRAM, NO_MENTORSHIP = "MentorshipProgram not found", "Mentorship not found"
NO_PROJECT, NO_APPLICATION = "StretchProject not found", "StretchApplication not found"
NO_TRAINING, NO_ENROLMENT = "TrainingProgram not found", "TrainingEnrolment not found"
NO_EMPLOYEE, NO_COMPETENCY = "Employee not found", "Competency not found"


def refused(name: str, thing: str, field: list[str], message: str):
    """A NOT_FOUND UserError; `thing` is the payload field, null."""
    return not_found(name, thing, field, message)


def participant_refused(name: str, field: list[str], message: str):
    return lambda b: {name: {"participant": None, "errors": [{"code": "NOT_FOUND", "field": field, "message": message}]}}


def session_refused(field: list[str], message: str):
    return lambda b: {"logMentorshipSession": {"session": None, "errors": [{"code": "NOT_FOUND", "field": field,
                                                                             "message": message}]}}


def _program_input(b: Side, **values) -> dict:
    return {"input": {"name": "Stolen", "startDate": TODAY, "endDate": TODAY, "focusCompetencyIds": [b.coaching], **values}}


def _project_input(b: Side, **values) -> dict:
    return {"input": {"title": "Stolen", "startDate": TODAY, "endDate": TODAY, "seats": 1,
                      "targetCompetencyIds": [b.coaching], **values}}


def _outcome(employee: str, competency: str) -> dict:
    return {"employeeId": employee, "competencyId": competency, "level": 3}


OPS = [
    # queries: null, empty
    Op("node-mentorship-program", "Query.node(id)", "Node", "program", NODE, lambda t, b: {"id": t},
       lambda b: {"node": None}, owner_sees=lambda a, b: {"node": {"id": a.program, "name": "Mentoring"}}),
    Op("node-stretch-application", "Query.node(id)", "Node", "application", NODE, lambda t, b: {"id": t},
       lambda b: {"node": None}, owner_sees=lambda a, b: {"node": {"id": a.application, "application": "APPLIED"}}),
    Op("node-training-enrolment", "Query.node(id)", "Node", "enrolment", NODE, lambda t, b: {"id": t},
       lambda b: {"node": None}, owner_sees=lambda a, b: {"node": {"id": a.enrolment, "enrolment": "ENROLLED"}}),
    Op("mentorshipProgram", "Query.mentorshipProgram(id)", "MentorshipProgram", "program", PROGRAM,
       lambda t, b: {"id": t}, lambda b: {"mentorshipProgram": None},
       owner_sees=lambda a, b: {"mentorshipProgram": {"id": a.program, "name": "Mentoring"}}),
    Op("mentorship", "Query.mentorship(id)", "Mentorship", "mentorship", MENTORSHIP, lambda t, b: {"id": t},
       lambda b: {"mentorship": None}, owner_sees=lambda a, b: {"mentorship": {"id": a.mentorship, "status": "ACTIVE"}}),
    Op("mentorships-programId", "Query.mentorships(filter.programId)", "MentorshipProgram", "program", MENTORSHIPS,
       lambda t, b: {"p": t}, lambda b: {"mentorships": {"totalCount": 0, "nodes": []}},
       owner_sees=lambda a, b: {"mentorships": {"totalCount": 1, "nodes": [{"id": a.mentorship}]}}),
    Op("suggestMentors-menteeId", "Query.suggestMentors(menteeId)", "Employee", "lead", SUGGEST,
       lambda t, b: {"m": t, "p": b.program}, lambda b: {"suggestMentors": None}),
    Op("suggestMentors-programId", "Query.suggestMentors(programId)", "MentorshipProgram", "program", SUGGEST,
       lambda t, b: {"m": b.lead, "p": t}, lambda b: {"suggestMentors": None}),
    Op("stretchProject", "Query.stretchProject(id)", "StretchProject", "project", PROJECT, lambda t, b: {"id": t},
       lambda b: {"stretchProject": None},
       owner_sees=lambda a, b: {"stretchProject": {"id": a.project, "title": "Hiring loop"}}),
    Op("stretchApplication", "Query.stretchApplication(id)", "StretchApplication", "application", APPLICATION,
       lambda t, b: {"id": t}, lambda b: {"stretchApplication": None},
       owner_sees=lambda a, b: {"stretchApplication": {"id": a.application, "status": "APPLIED"}}),
    Op("stretchApplications-projectId", "Query.stretchApplications(filter.projectId)", "StretchProject", "project",
       APPLICATIONS, lambda t, b: {"p": t}, lambda b: {"stretchApplications": {"totalCount": 0, "nodes": []}},
       owner_sees=lambda a, b: {"stretchApplications": {"totalCount": 1, "nodes": [{"id": a.application}]}}),
    Op("recommendedStretchProjects", "Query.recommendedStretchProjects(employeeId)", "Employee", "lead",
       RECOMMENDED_PROJECTS, lambda t, b: {"e": t}, lambda b: {"recommendedStretchProjects": None},
       owner_sees=lambda a, b: {"recommendedStretchProjects": [{"project": {"id": a.project}, "score": 2}]}),
    Op("trainingProgram", "Query.trainingProgram(id)", "TrainingProgram", "training", TRAINING, lambda t, b: {"id": t},
       lambda b: {"trainingProgram": None},
       owner_sees=lambda a, b: {"trainingProgram": {"id": a.training, "name": "Coaching basics"}}),
    Op("trainingEnrolment", "Query.trainingEnrolment(id)", "TrainingEnrolment", "enrolment", ENROLMENT,
       lambda t, b: {"id": t}, lambda b: {"trainingEnrolment": None},
       owner_sees=lambda a, b: {"trainingEnrolment": {"id": a.enrolment, "status": "ENROLLED"}}),
    Op("trainingEnrolments-programId", "Query.trainingEnrolments(filter.programId)", "TrainingProgram", "training",
       ENROLMENTS, lambda t, b: {"p": t}, lambda b: {"trainingEnrolments": {"totalCount": 0, "nodes": []}},
       owner_sees=lambda a, b: {"trainingEnrolments": {"totalCount": 1, "nodes": [{"id": a.enrolment}]}}),
    Op("trainingEnrolments-employeeId", "Query.trainingEnrolments(filter.employeeId)", "Employee", "dev",
       ENROLMENTS, lambda t, b: {"e": t}, lambda b: {"trainingEnrolments": {"totalCount": 0, "nodes": []}},
       owner_sees=lambda a, b: {"trainingEnrolments": {"totalCount": 1, "nodes": [{"id": a.enrolment}]}}),
    Op("recommendedTraining", "Query.recommendedTraining(employeeId)", "Employee", "lead", RECOMMENDED_TRAINING,
       lambda t, b: {"e": t}, lambda b: {"recommendedTraining": None},
       owner_sees=lambda a, b: {"recommendedTraining": [{"program": {"id": a.training}, "score": 2}]}),
    # mentorship mutations
    Op("createMentorshipProgram-focusCompetencyIds", "Mutation.createMentorshipProgram(input.focusCompetencyIds)",
       "Competency", "coaching", CREATE_PROGRAM, lambda t, b: _program_input(b, focusCompetencyIds=[b.coaching, t]),
       refused("createMentorshipProgram", "program", ["input", "focusCompetencyIds", "1"], NO_COMPETENCY)),
    Op("createMentorshipProgram-ownerId", "Mutation.createMentorshipProgram(input.ownerId)", "Employee", "ceo",
       CREATE_PROGRAM, lambda t, b: _program_input(b, ownerId=t),
       refused("createMentorshipProgram", "program", ["input", "ownerId"], NO_EMPLOYEE)),
    Op("updateMentorshipProgram-id", "Mutation.updateMentorshipProgram(input.id)", "MentorshipProgram", "program",
       UPDATE_PROGRAM, lambda t, b: {"input": {"id": t, "status": "CLOSED"}},
       refused("updateMentorshipProgram", "program", ["input", "id"], NO_PROGRAM)),
    Op("updateMentorshipProgram-focusCompetencyIds", "Mutation.updateMentorshipProgram(input.focusCompetencyIds)",
       "Competency", "coaching", UPDATE_PROGRAM, lambda t, b: {"input": {"id": b.program, "focusCompetencyIds": [t]}},
       refused("updateMentorshipProgram", "program", ["input", "focusCompetencyIds", "0"], NO_COMPETENCY)),
    Op("joinAsMentor-programId", "Mutation.joinAsMentor(input.programId)", "MentorshipProgram", "program", JOIN,
       lambda t, b: {"input": {"programId": t, "competencyIds": [b.coaching]}},
       participant_refused("joinAsMentor", ["input", "programId"], NO_PROGRAM)),
    Op("joinAsMentor-competencyIds", "Mutation.joinAsMentor(input.competencyIds)", "Competency", "coaching", JOIN,
       lambda t, b: {"input": {"programId": b.program, "competencyIds": [t]}},
       participant_refused("joinAsMentor", ["input", "competencyIds", "0"], NO_COMPETENCY)),
    Op("applyAsMentee-programId", "Mutation.applyAsMentee(input.programId)", "MentorshipProgram", "program",
       APPLY_MENTEE, lambda t, b: {"input": {"programId": t, "competencyIds": [b.coaching]}},
       participant_refused("applyAsMentee", ["input", "programId"], NO_PROGRAM)),
    Op("applyAsMentee-competencyIds", "Mutation.applyAsMentee(input.competencyIds)", "Competency", "delegation",
       APPLY_MENTEE, lambda t, b: {"input": {"programId": b.program, "competencyIds": [b.coaching, t]}},
       participant_refused("applyAsMentee", ["input", "competencyIds", "1"], NO_COMPETENCY)),
    Op("pairMentorship-programId", "Mutation.pairMentorship(input.programId)", "MentorshipProgram", "program", PAIR,
       lambda t, b: {"input": {"programId": t, "mentorId": b.handle.admin_id, "menteeId": b.lead}},
       refused("pairMentorship", "mentorship", ["input", "programId"], NO_PROGRAM)),
    Op("pairMentorship-mentorId", "Mutation.pairMentorship(input.mentorId)", "Employee", "ceo", PAIR,
       lambda t, b: {"input": {"programId": b.program, "mentorId": t, "menteeId": b.lead}},
       refused("pairMentorship", "mentorship", ["input", "mentorId"], NO_EMPLOYEE)),
    Op("pairMentorship-menteeId", "Mutation.pairMentorship(input.menteeId)", "Employee", "lead", PAIR,
       lambda t, b: {"input": {"programId": b.program, "mentorId": b.handle.admin_id, "menteeId": t}},
       refused("pairMentorship", "mentorship", ["input", "menteeId"], NO_EMPLOYEE)),
    Op("endMentorship-mentorshipId", "Mutation.endMentorship(input.mentorshipId)", "Mentorship", "mentorship", END,
       lambda t, b: {"input": {"mentorshipId": t, "outcome": "Ended by a stranger"}},
       refused("endMentorship", "mentorship", ["input", "mentorshipId"], NO_MENTORSHIP)),
    Op("logMentorshipSession-mentorshipId", "Mutation.logMentorshipSession(input.mentorshipId)", "Mentorship",
       "mentorship", LOG, lambda t, b: {"input": {"mentorshipId": t, "date": TODAY, "notes": "Planted"}},
       session_refused(["input", "mentorshipId"], NO_MENTORSHIP)),
    Op("logMentorshipSession-competencyIds", "Mutation.logMentorshipSession(input.competencyIds)", "Competency",
       "coaching", LOG, lambda t, b: {"input": {"mentorshipId": b.mentorship, "date": TODAY, "competencyIds": [t]}},
       session_refused(["input", "competencyIds", "0"], NO_COMPETENCY)),
    # stretch mutations
    Op("createStretchProject-sponsorId", "Mutation.createStretchProject(input.sponsorId)", "Employee", "vp",
       CREATE_PROJECT, lambda t, b: _project_input(b, sponsorId=t),
       refused("createStretchProject", "project", ["input", "sponsorId"], NO_EMPLOYEE)),
    Op("createStretchProject-targetCompetencyIds", "Mutation.createStretchProject(input.targetCompetencyIds)",
       "Competency", "coaching", CREATE_PROJECT, lambda t, b: _project_input(b, targetCompetencyIds=[t]),
       refused("createStretchProject", "project", ["input", "targetCompetencyIds", "0"], NO_COMPETENCY)),
    Op("applyToStretchProject-projectId", "Mutation.applyToStretchProject(input.projectId)", "StretchProject",
       "project", APPLY, lambda t, b: {"input": {"projectId": t, "motivation": "Let me in"}},
       refused("applyToStretchProject", "application", ["input", "projectId"], NO_PROJECT)),
    Op("approveStretchApplication-applicationId", "Mutation.approveStretchApplication(input.applicationId)",
       "StretchApplication", "application", APPROVE, lambda t, b: {"input": {"applicationId": t}},
       refused("approveStretchApplication", "application", ["input", "applicationId"], NO_APPLICATION)),
    Op("rejectStretchApplication-applicationId", "Mutation.rejectStretchApplication(input.applicationId)",
       "StretchApplication", "application", REJECT, lambda t, b: {"input": {"applicationId": t, "reason": "No"}},
       refused("rejectStretchApplication", "application", ["input", "applicationId"], NO_APPLICATION)),
    Op("startStretchProject-projectId", "Mutation.startStretchProject(input.projectId)", "StretchProject", "project",
       START, lambda t, b: {"input": {"projectId": t}},
       refused("startStretchProject", "project", ["input", "projectId"], NO_PROJECT)),
    Op("completeStretchProject-projectId", "Mutation.completeStretchProject(input.projectId)", "StretchProject",
       "live_project", COMPLETE, lambda t, b: {"input": {"projectId": t, "outcomes": []}},
       refused("completeStretchProject", "project", ["input", "projectId"], NO_PROJECT)),
    Op("completeStretchProject-outcomes-employeeId", "Mutation.completeStretchProject(input.outcomes.employeeId)",
       "Employee", "peer", COMPLETE,
       lambda t, b: {"input": {"projectId": b.live_project, "outcomes": [_outcome(b.peer, b.coaching), _outcome(t, b.coaching)]}},
       refused("completeStretchProject", "project", ["input", "outcomes", "1", "employeeId"], NO_EMPLOYEE)),
    Op("completeStretchProject-outcomes-competencyId", "Mutation.completeStretchProject(input.outcomes.competencyId)",
       "Competency", "coaching", COMPLETE,
       lambda t, b: {"input": {"projectId": b.live_project, "outcomes": [_outcome(b.peer, t)]}},
       refused("completeStretchProject", "project", ["input", "outcomes", "0", "competencyId"], NO_COMPETENCY)),
    # training mutations
    Op("createTrainingProgram-targetCompetencyIds", "Mutation.createTrainingProgram(input.targetCompetencyIds)",
       "Competency", "coaching", CREATE_TRAINING,
       lambda t, b: {"input": {"name": "Stolen", "format": "COURSE", "durationHours": 1, "targetCompetencyIds": [t]}},
       refused("createTrainingProgram", "program", ["input", "targetCompetencyIds", "0"], NO_COMPETENCY)),
    Op("enrolInTraining-programId", "Mutation.enrolInTraining(input.programId)", "TrainingProgram", "training", ENROL,
       lambda t, b: {"input": {"programId": t}},
       refused("enrolInTraining", "enrolment", ["input", "programId"], NO_TRAINING)),
    Op("enrolInTraining-employeeId", "Mutation.enrolInTraining(input.employeeId)", "Employee", "lead", ENROL,
       lambda t, b: {"input": {"programId": b.training, "employeeId": t}},
       refused("enrolInTraining", "enrolment", ["input", "employeeId"], NO_EMPLOYEE)),
    Op("updateEnrolment-enrolmentId", "Mutation.updateEnrolment(input.enrolmentId)", "TrainingEnrolment", "enrolment",
       UPDATE_ENROLMENT, lambda t, b: {"input": {"enrolmentId": t, "status": "DROPPED"}},
       refused("updateEnrolment", "enrolment", ["input", "enrolmentId"], NO_ENROLMENT)),
]
QUERY_OPS = [op for op in OPS if op.owner_sees is not None]


def bad_ids(kind: str, a: Side, b: Side) -> dict[str, str]:
    """Malformed IDs and IDs of another type; each must answer exactly like a missing ID."""
    other_type = {
        "MentorshipProgram": {"victim's mentorship": a.mentorship, "relabelled": gid("MentorshipProgram", raw_uuid(a.mentorship))},
        "Mentorship": {"victim's program": a.program, "relabelled": gid("Mentorship", raw_uuid(a.program))},
        "StretchProject": {"victim's application": a.application, "relabelled": gid("StretchProject", raw_uuid(a.application))},
        "StretchApplication": {"victim's project": a.project, "relabelled": gid("StretchApplication", raw_uuid(a.project))},
        "TrainingProgram": {"victim's enrolment": a.enrolment, "relabelled": gid("TrainingProgram", raw_uuid(a.enrolment))},
        "TrainingEnrolment": {"victim's training": a.training, "relabelled": gid("TrainingEnrolment", raw_uuid(a.training))},
        "Employee": {"attacker's program": b.program, "relabelled": gid("Employee", raw_uuid(a.enrolment))},
        "Competency": {"attacker's training": b.training, "relabelled": gid("Competency", raw_uuid(a.training))},
        "Node": {"relabelled": gid("MentorshipProgram", raw_uuid(a.mentorship))},
    }[kind]
    typed = kind if kind != "Node" else "MentorshipProgram"
    return {
        **other_type,
        "empty": "",
        "garbage": "not-an-id",
        "non-ascii": "Ω-id",
        "unknown type": gid("Apprenticeship", uuid.uuid4()),
        "bad uuid": gid(typed, "not-a-uuid"),
        "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(),
        "overlong": gid(typed, raw_uuid(a.program)) + "A" * 200,
    }


async def call(op: Op, api: Api, b: Side, value: str):
    result = await api.gql(op.document, op.variables(value, b), token=b.handle.admin_token)
    assert result.status == 200, result.body
    return result


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_another_tenants_program_id_answers_like_a_missing_one_and_changes_nothing(
    api, victim, attacker, victim_before, op
):
    attacker_before = await snapshot(attacker.handle)
    attacked = await call(op, api, attacker, getattr(victim, op.target))
    assert attacked.data == op.expect(attacker)
    reference = await call(op, api, attacker, missing(op.kind, victim))
    assert attacked.body == reference.body
    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_malformed_and_wrong_type_program_ids_answer_like_a_missing_one(api, victim, attacker, victim_before, op):
    attacker_before = await snapshot(attacker.handle)
    reference = (await call(op, api, attacker, missing(op.kind, victim))).body
    assert reference == {"data": op.expect(attacker)}
    bad = bad_ids(op.kind, victim, attacker)
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results)}
    assert {label: body for label, body in answers.items() if body != reference} == {}
    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", QUERY_OPS, ids=str)
async def test_the_same_program_query_finds_the_data_for_its_own_tenant(api, victim, attacker, op):
    # The control: the IDs are real, so the attacker's nulls and empty lists come from isolation.
    result = await victim.handle.gql(op.document, op.variables(getattr(victim, op.target), attacker))
    assert result.data == op.owner_sees(victim, attacker)


async def test_the_attackers_own_ids_do_work_where_only_the_victims_fail(api, attacker):
    # Where a case pairs the attacker's IDs with one of A's, the attacker's own are valid:
    # with them only, the same operation gets past the ID checks (suggestions are computed).
    found = await attacker.handle.gql(SUGGEST, {"m": attacker.lead, "p": attacker.program})
    assert found.data["suggestMentors"] == []  # the admin, lead's only mentor here, is already paired with lead
