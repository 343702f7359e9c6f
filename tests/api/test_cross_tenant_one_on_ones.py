"""Another tenant's 1:1 and development-plan IDs are as good as missing, for every operation
of those contexts that takes an ID (the pattern and helpers of tests/api/test_cross_tenant.py).

Tenant A (the victim) holds a manager and a report with a 1:1 series (a meeting, an agenda
item, a shared and a private note, an action item linked to a goal and a competency) and a
development plan with actions. Tenant B's admin (the attacker) has the same of its own and
calls every ID-taking operation with A's IDs: queries answer null / empty, mutations a
NOT_FOUND naming the input field, byte for byte the answer for an ID that exists nowhere;
malformed and wrong-type IDs answer the same; and nothing changes in either tenant.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.api.test_cross_tenant import Op, gid, mutation, not_found, raw_uuid
from tests.support import clock
from tests.support.api import Api, TenantHandle

TODAY = clock.TODAY
ERRORS = "errors { code field message }"
ID_KINDS = {
    "OneOnOne", "OneOnOneMeeting", "OneOnOneAgendaItem", "OneOnOneNote", "OneOnOneActionItem", "DevelopmentPlan",
    "PlanAction",
}


@dataclass(frozen=True)
class Side:
    handle: TenantHandle
    token: str  # a participant of the series, and an editor of the plan
    employee: str  # the series' other participant; the plan's employee (victim) / the attacker's own employee
    competency: str
    goal: str
    series: str
    meeting: str
    agenda_item: str
    note: str
    action_item: str
    plan: str
    plan_action: str


async def _ok(handle: TenantHandle, token: str, field: str, input_type: str, values: dict, returns: str) -> dict:
    query = f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {returns} {ERRORS} }} }}"
    payload = (await handle.gql(query, {"input": values}, token=token)).data[field]
    assert payload["errors"] == [], payload
    return payload


async def _side(api: Api, prefix: str) -> Side:
    """Someone (the tenant admin for the attacker, a plain manager for the victim) with a 1:1 with
    a report, its contents, and a plan with a GOAL action and a 1:1 action."""
    t = await api.new_tenant(prefix)
    if prefix == "victim":
        lead_email = f"mia@{t.slug}.test"
        lead, other = await t.import_rows([
            {"email": lead_email, "name": "Mia Manager"},
            {"email": f"ray@{t.slug}.test", "name": "Ray Report", "managerEmail": lead_email},
        ])
        token = t.token_for(lead_email)
        plan_for, goal_owner_token = other["id"], t.token_for(f"ray@{t.slug}.test")
    else:
        (other,) = await t.import_rows([{"email": f"eve@{t.slug}.test", "name": "Eve", "managerEmail": t.admin_email}])
        token, plan_for, goal_owner_token = t.admin_token, t.admin_id, t.admin_token
    admin = t.admin_token
    competency = (await _ok(t, admin, "createCompetency", "CreateCompetencyInput", {"name": "Coaching", "category": "LEADERSHIP"},
                            "competency { id }"))["competency"]["id"]
    goal = (await _ok(t, goal_owner_token, "createGoal", "CreateGoalInput",
                      {"title": "Grow", "kind": "DEVELOPMENT", "dueDate": (TODAY + timedelta(days=90)).isoformat()},
                      "goal { id }"))["goal"]["id"]
    series = (await _ok(t, token, "startOneOnOne", "StartOneOnOneInput", {"withEmployeeId": other["id"], "cadence": "WEEKLY"},
                        "oneOnOne { id }"))["oneOnOne"]["id"]
    meeting = (await _ok(t, token, "scheduleMeeting", "ScheduleMeetingInput", {"oneOnOneId": series, "date": TODAY.isoformat()},
                         "meeting { id }"))["meeting"]["id"]
    agenda_item = (await _ok(t, token, "addAgendaItem", "AddAgendaItemInput", {"oneOnOneId": series, "body": "Career"},
                             "agendaItem { id }"))["agendaItem"]["id"]
    note = (await _ok(t, token, "addMeetingNote", "AddMeetingNoteInput", {"meetingId": meeting, "body": "Shared"},
                      "note { id }"))["note"]["id"]
    await _ok(t, token, "addMeetingNote", "AddMeetingNoteInput", {"meetingId": meeting, "body": "Mine", "private": True}, "note { id }")
    owner = other["id"] if prefix == "victim" else t.admin_id
    action_item = (await _ok(t, token, "addActionItem", "AddActionItemInput", {
        "oneOnOneId": series, "meetingId": meeting, "title": "Write it down", "ownerId": owner,
        "goalId": goal, "competencyId": competency,
    }, "actionItem { id }"))["actionItem"]["id"]
    plan = (await _ok(t, token, "createDevelopmentPlan", "CreateDevelopmentPlanInput", {
        "employeeId": plan_for, "periodStart": TODAY.isoformat(), "periodEnd": (TODAY + timedelta(days=180)).isoformat(),
        "focusCompetencyIds": [competency],
    }, "developmentPlan { id }"))["developmentPlan"]["id"]
    plan_action = (await _ok(t, token, "addPlanAction", "AddPlanActionInput",
                             {"planId": plan, "kind": "GOAL", "title": "Grow", "linkedId": goal}, "planAction { id }"))["planAction"]["id"]
    await _ok(t, token, "addPlanAction", "AddPlanActionInput",
              {"planId": plan, "kind": "ONE_ON_ONE_ACTION", "title": "Write", "linkedId": action_item}, "planAction { id }")
    return Side(t, token, other["id"], competency, goal, series, meeting, agenda_item, note, action_item, plan, plan_action)


@pytest.fixture(scope="module")
async def victim(api: Api) -> Side:
    return await _side(api, "victim")


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Side:
    return await _side(api, "attacker")


SNAPSHOT = """{ viewer { oneOnOnes(first: 20) { totalCount nodes { id cadence status endedOn lastHeldOn
    meetings { id status scheduledOn heldOn agenda { id body discussed carriedOver }
      sharedNotes { id body } privateNotes { id body } actionItems { id } }
    waitingAgenda { id }
    actionItems { id title done dueDate owner { id } goal { id } competency { id } meeting { id } } } } }
  developmentPlans(first: 20) { totalCount nodes { id periodStart periodEnd focusBasis
    focusCompetencies { competency { id } }
    actions { id kind title status dueDate linkedId } } }
}"""


async def snapshot(side: Side) -> dict:
    """Everything an attack could change in this context, read by the participant and plan editor."""
    return (await side.handle.gql(SNAPSHOT, token=side.token)).data


@pytest.fixture(scope="module")
async def victim_before(victim: Side) -> dict:
    before = await snapshot(victim)
    # The snapshot really sees what it guards (else "unchanged" would prove nothing).
    (series,) = before["viewer"]["oneOnOnes"]["nodes"]
    assert series["id"] == victim.series
    (meeting,) = series["meetings"]
    assert (meeting["id"], meeting["agenda"][0]["id"], meeting["sharedNotes"][0]["id"]) == (
        victim.meeting, victim.agenda_item, victim.note,
    )
    assert [n["body"] for n in meeting["privateNotes"]] == ["Mine"]
    assert series["actionItems"][0] == {
        "id": victim.action_item, "title": "Write it down", "done": False, "dueDate": None, "owner": {"id": victim.employee},
        "goal": {"id": victim.goal}, "competency": {"id": victim.competency}, "meeting": {"id": victim.meeting},
    }
    (plan,) = before["developmentPlans"]["nodes"]
    assert plan["id"] == victim.plan and plan["focusCompetencies"] == [{"competency": {"id": victim.competency}}]
    assert [(a["id"], a["linkedId"]) for a in plan["actions"]][0] == (victim.plan_action, victim.goal)
    return before


# --- the operations ---------------------------------------------------------------------------

NODE = """query($id: ID!) { node(id: $id) { id ... on OneOnOne { cadence } ... on OneOnOneMeeting { scheduledOn }
  ... on OneOnOneActionItem { title } ... on DevelopmentPlan { periodStart } } }"""
ONE_ON_ONE = "query($id: ID!) { oneOnOne(id: $id) { id cadence } }"
PLAN = "query($id: ID!) { developmentPlan(id: $id) { id focusBasis } }"
PLANS = "query($f: DevelopmentPlanFilterInput) { developmentPlans(first: 100, filter: $f) { totalCount nodes { id } } }"

START = mutation("startOneOnOne", "StartOneOnOneInput", "oneOnOne")
UPDATE_SERIES = mutation("updateOneOnOne", "UpdateOneOnOneInput", "oneOnOne")
END_SERIES = mutation("endOneOnOne", "OneOnOneIdInput", "oneOnOne")
SCHEDULE = mutation("scheduleMeeting", "ScheduleMeetingInput", "meeting")
HOLD = mutation("holdMeeting", "HoldMeetingInput", "meeting")
ADD_AGENDA = mutation("addAgendaItem", "AddAgendaItemInput", "agendaItem")
UPDATE_AGENDA = mutation("updateAgendaItem", "UpdateAgendaItemInput", "agendaItem")
ADD_NOTE = mutation("addMeetingNote", "AddMeetingNoteInput", "note")
UPDATE_NOTE = mutation("updateMeetingNote", "UpdateMeetingNoteInput", "note")
ADD_ITEM = mutation("addActionItem", "AddActionItemInput", "actionItem")
UPDATE_ITEM = mutation("updateActionItem", "UpdateActionItemInput", "actionItem")
CREATE_PLAN = mutation("createDevelopmentPlan", "CreateDevelopmentPlanInput", "developmentPlan")
UPDATE_PLAN = mutation("updateDevelopmentPlan", "UpdateDevelopmentPlanInput", "developmentPlan")
ADD_ACTION = mutation("addPlanAction", "AddPlanActionInput", "planAction")
UPDATE_ACTION = mutation("updatePlanAction", "UpdatePlanActionInput", "planAction")
REMOVE_ACTION = mutation("removePlanAction", "PlanActionIdInput", "developmentPlan")

NO = {kind: f"{kind} not found" for kind in ID_KINDS | {"Employee", "Goal", "Competency"}}
FAR = {"periodStart": "2031-01-01", "periodEnd": "2031-06-30"}  # clear of the attacker's own plan


OPS = [
    # queries
    Op("node-oneOnOne", "Query.node(id)", "Node", "series", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.series, "cadence": "WEEKLY"}}),
    Op("node-meeting", "Query.node(id)", "Node", "meeting", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.meeting, "scheduledOn": TODAY.isoformat()}}),
    Op("node-actionItem", "Query.node(id)", "Node", "action_item", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.action_item, "title": "Write it down"}}),
    Op("node-plan", "Query.node(id)", "Node", "plan", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.plan, "periodStart": TODAY.isoformat()}}),
    Op("oneOnOne", "Query.oneOnOne(id)", "OneOnOne", "series", ONE_ON_ONE, lambda t, b: {"id": t},
       lambda b: {"oneOnOne": None}, owner_sees=lambda a, b: {"oneOnOne": {"id": a.series, "cadence": "WEEKLY"}}),
    Op("developmentPlan", "Query.developmentPlan(id)", "DevelopmentPlan", "plan", PLAN, lambda t, b: {"id": t},
       lambda b: {"developmentPlan": None}, owner_sees=lambda a, b: {"developmentPlan": {"id": a.plan, "focusBasis": "CHOSEN"}}),
    Op("developmentPlans-by-employee", "Query.developmentPlans(filter.employeeId)", "Employee", "employee", PLANS,
       lambda t, b: {"f": {"employeeId": t}}, lambda b: {"developmentPlans": {"totalCount": 0, "nodes": []}},
       owner_sees=lambda a, b: {"developmentPlans": {"totalCount": 1, "nodes": [{"id": a.plan}]}}),
    # the series and its meetings
    Op("startOneOnOne-withEmployeeId", "Mutation.startOneOnOne(input.withEmployeeId)", "Employee", "employee", START,
       lambda t, b: {"input": {"withEmployeeId": t, "cadence": "MONTHLY"}},
       not_found("startOneOnOne", "oneOnOne", ["input", "withEmployeeId"], NO["Employee"])),
    Op("updateOneOnOne-id", "Mutation.updateOneOnOne(input.id)", "OneOnOne", "series", UPDATE_SERIES,
       lambda t, b: {"input": {"id": t, "cadence": "MONTHLY"}},
       not_found("updateOneOnOne", "oneOnOne", ["input", "id"], NO["OneOnOne"])),
    Op("endOneOnOne-id", "Mutation.endOneOnOne(input.id)", "OneOnOne", "series", END_SERIES,
       lambda t, b: {"input": {"id": t}}, not_found("endOneOnOne", "oneOnOne", ["input", "id"], NO["OneOnOne"])),
    Op("scheduleMeeting-oneOnOneId", "Mutation.scheduleMeeting(input.oneOnOneId)", "OneOnOne", "series", SCHEDULE,
       lambda t, b: {"input": {"oneOnOneId": t, "date": "2030-01-01"}},
       not_found("scheduleMeeting", "meeting", ["input", "oneOnOneId"], NO["OneOnOne"])),
    Op("holdMeeting-meetingId", "Mutation.holdMeeting(input.meetingId)", "OneOnOneMeeting", "meeting", HOLD,
       lambda t, b: {"input": {"meetingId": t}},
       not_found("holdMeeting", "meeting", ["input", "meetingId"], NO["OneOnOneMeeting"])),
    # agenda and notes
    Op("addAgendaItem-oneOnOneId", "Mutation.addAgendaItem(input.oneOnOneId)", "OneOnOne", "series", ADD_AGENDA,
       lambda t, b: {"input": {"oneOnOneId": t, "body": "Planted"}},
       not_found("addAgendaItem", "agendaItem", ["input", "oneOnOneId"], NO["OneOnOne"])),
    Op("addAgendaItem-meetingId", "Mutation.addAgendaItem(input.meetingId)", "OneOnOneMeeting", "meeting", ADD_AGENDA,
       lambda t, b: {"input": {"oneOnOneId": b.series, "meetingId": t, "body": "Planted"}},
       not_found("addAgendaItem", "agendaItem", ["input", "meetingId"], NO["OneOnOneMeeting"])),
    Op("updateAgendaItem-id", "Mutation.updateAgendaItem(input.id)", "OneOnOneAgendaItem", "agenda_item", UPDATE_AGENDA,
       lambda t, b: {"input": {"id": t, "discussed": True}},
       not_found("updateAgendaItem", "agendaItem", ["input", "id"], NO["OneOnOneAgendaItem"])),
    Op("addMeetingNote-meetingId", "Mutation.addMeetingNote(input.meetingId)", "OneOnOneMeeting", "meeting", ADD_NOTE,
       lambda t, b: {"input": {"meetingId": t, "body": "Planted"}},
       not_found("addMeetingNote", "note", ["input", "meetingId"], NO["OneOnOneMeeting"])),
    Op("updateMeetingNote-id", "Mutation.updateMeetingNote(input.id)", "OneOnOneNote", "note", UPDATE_NOTE,
       lambda t, b: {"input": {"id": t, "body": "Rewritten"}},
       not_found("updateMeetingNote", "note", ["input", "id"], NO["OneOnOneNote"])),
    # action items
    Op("addActionItem-oneOnOneId", "Mutation.addActionItem(input.oneOnOneId)", "OneOnOne", "series", ADD_ITEM,
       lambda t, b: {"input": {"oneOnOneId": t, "title": "Planted", "ownerId": b.employee}},
       not_found("addActionItem", "actionItem", ["input", "oneOnOneId"], NO["OneOnOne"])),
    Op("addActionItem-ownerId", "Mutation.addActionItem(input.ownerId)", "Employee", "employee", ADD_ITEM,
       lambda t, b: {"input": {"oneOnOneId": b.series, "title": "Planted", "ownerId": t}},
       not_found("addActionItem", "actionItem", ["input", "ownerId"], NO["Employee"])),
    *(
        Op(f"addActionItem-{field}", f"Mutation.addActionItem(input.{field})", kind, target, ADD_ITEM,
           lambda t, b, field=field: {"input": {"oneOnOneId": b.series, "title": "Planted", "ownerId": b.employee, field: t}},
           not_found("addActionItem", "actionItem", ["input", field], NO[kind]))
        for field, kind, target in (("meetingId", "OneOnOneMeeting", "meeting"), ("goalId", "Goal", "goal"),
                                    ("competencyId", "Competency", "competency"))
    ),
    Op("updateActionItem-id", "Mutation.updateActionItem(input.id)", "OneOnOneActionItem", "action_item", UPDATE_ITEM,
       lambda t, b: {"input": {"id": t, "done": True, "title": "Hijacked"}},
       not_found("updateActionItem", "actionItem", ["input", "id"], NO["OneOnOneActionItem"])),
    *(
        Op(f"updateActionItem-{field}", f"Mutation.updateActionItem(input.{field})", kind, target, UPDATE_ITEM,
           lambda t, b, field=field: {"input": {"id": b.action_item, "title": "Changed", field: t}},
           not_found("updateActionItem", "actionItem", ["input", field], NO[kind]))
        for field, kind, target in (("ownerId", "Employee", "employee"), ("goalId", "Goal", "goal"),
                                    ("competencyId", "Competency", "competency"))
    ),
    # development plans
    Op("createDevelopmentPlan-employeeId", "Mutation.createDevelopmentPlan(input.employeeId)", "Employee", "employee",
       CREATE_PLAN, lambda t, b: {"input": {"employeeId": t, **FAR}},
       not_found("createDevelopmentPlan", "developmentPlan", ["input", "employeeId"], NO["Employee"])),
    Op("createDevelopmentPlan-focusCompetencyIds", "Mutation.createDevelopmentPlan(input.focusCompetencyIds)", "Competency",
       "competency", CREATE_PLAN,
       lambda t, b: {"input": {"employeeId": b.handle.admin_id, **FAR, "focusCompetencyIds": [b.competency, t]}},
       not_found("createDevelopmentPlan", "developmentPlan", ["input", "focusCompetencyIds", "1"], NO["Competency"])),
    Op("updateDevelopmentPlan-id", "Mutation.updateDevelopmentPlan(input.id)", "DevelopmentPlan", "plan", UPDATE_PLAN,
       lambda t, b: {"input": {"id": t, "focusCompetencyIds": []}},
       not_found("updateDevelopmentPlan", "developmentPlan", ["input", "id"], NO["DevelopmentPlan"])),
    Op("updateDevelopmentPlan-focusCompetencyIds", "Mutation.updateDevelopmentPlan(input.focusCompetencyIds)", "Competency",
       "competency", UPDATE_PLAN, lambda t, b: {"input": {"id": b.plan, "focusCompetencyIds": [t]}},
       not_found("updateDevelopmentPlan", "developmentPlan", ["input", "focusCompetencyIds", "0"], NO["Competency"])),
    Op("addPlanAction-planId", "Mutation.addPlanAction(input.planId)", "DevelopmentPlan", "plan", ADD_ACTION,
       lambda t, b: {"input": {"planId": t, "kind": "OTHER", "title": "Planted"}},
       not_found("addPlanAction", "planAction", ["input", "planId"], NO["DevelopmentPlan"])),
    Op("addPlanAction-linkedId-goal", "Mutation.addPlanAction(input.linkedId)", "Goal", "goal", ADD_ACTION,
       lambda t, b: {"input": {"planId": b.plan, "kind": "GOAL", "title": "Planted", "linkedId": t}},
       not_found("addPlanAction", "planAction", ["input", "linkedId"], NO["Goal"])),
    Op("addPlanAction-linkedId-actionItem", "Mutation.addPlanAction(input.linkedId)", "OneOnOneActionItem", "action_item",
       ADD_ACTION, lambda t, b: {"input": {"planId": b.plan, "kind": "ONE_ON_ONE_ACTION", "title": "Planted", "linkedId": t}},
       not_found("addPlanAction", "planAction", ["input", "linkedId"], NO["OneOnOneActionItem"])),
    Op("updatePlanAction-id", "Mutation.updatePlanAction(input.id)", "PlanAction", "plan_action", UPDATE_ACTION,
       lambda t, b: {"input": {"id": t, "status": "DROPPED"}},
       not_found("updatePlanAction", "planAction", ["input", "id"], NO["PlanAction"])),
    Op("removePlanAction-id", "Mutation.removePlanAction(input.id)", "PlanAction", "plan_action", REMOVE_ACTION,
       lambda t, b: {"input": {"id": t}},
       not_found("removePlanAction", "developmentPlan", ["input", "id"], NO["PlanAction"])),
]
QUERY_OPS = [op for op in OPS if op.owner_sees is not None]


def missing(kind: str) -> str:
    """A well-formed ID of the expected kind that exists in no tenant: the reference answer."""
    return gid("OneOnOne" if kind == "Node" else kind, uuid.uuid4())


def bad_ids(kind: str, a: Side, b: Side) -> dict[str, str]:
    """Malformed IDs and IDs of another type; each must answer exactly like a missing ID."""
    other_type = {
        "Employee": {"attacker's series": b.series, "relabelled": gid("Employee", raw_uuid(a.plan))},
        "Goal": {"attacker's action item": b.action_item, "relabelled": gid("Goal", raw_uuid(a.action_item))},
        "Competency": {"attacker's plan": b.plan, "relabelled": gid("Competency", raw_uuid(a.goal))},
        "OneOnOne": {"attacker's meeting": b.meeting, "relabelled": gid("OneOnOne", raw_uuid(a.meeting))},
        "OneOnOneMeeting": {"attacker's series": b.series, "relabelled": gid("OneOnOneMeeting", raw_uuid(a.series))},
        "OneOnOneAgendaItem": {"attacker's note": b.note, "relabelled": gid("OneOnOneAgendaItem", raw_uuid(a.note))},
        "OneOnOneNote": {"attacker's agenda item": b.agenda_item, "relabelled": gid("OneOnOneNote", raw_uuid(a.agenda_item))},
        "OneOnOneActionItem": {"attacker's goal": b.goal, "relabelled": gid("OneOnOneActionItem", raw_uuid(a.goal))},
        "DevelopmentPlan": {"attacker's action": b.plan_action, "relabelled": gid("DevelopmentPlan", raw_uuid(a.plan_action))},
        "PlanAction": {"attacker's plan": b.plan, "relabelled": gid("PlanAction", raw_uuid(a.plan))},
        "Node": {"victim's meeting, relabelled": gid("OneOnOne", raw_uuid(a.meeting))},
    }[kind]
    named = "OneOnOne" if kind == "Node" else kind
    return {
        **other_type,
        "empty": "",
        "garbage": "not-an-id",
        "unknown type": gid("Payroll", uuid.uuid4()),
        "bad uuid": gid(named, "not-a-uuid"),
        "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(),
        "overlong": gid(named, raw_uuid(a.series)) + "A" * 200,
    }


async def call(op: Op, api: Api, b: Side, value: str):
    result = await api.gql(op.document, op.variables(value, b), token=b.handle.admin_token)
    assert result.status == 200, result.body
    return result


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_another_tenants_id_answers_like_a_missing_one_and_changes_nothing(api, victim, attacker, victim_before, op):
    attacker_before = await snapshot(attacker)
    attacked = await call(op, api, attacker, getattr(victim, op.target))
    assert attacked.data == op.expect(attacker)
    reference = await call(op, api, attacker, missing(op.kind))
    assert attacked.body == reference.body
    assert await asyncio.gather(snapshot(victim), snapshot(attacker)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_malformed_and_wrong_type_ids_answer_like_a_missing_one(api, victim, attacker, victim_before, op):
    attacker_before = await snapshot(attacker)
    reference = (await call(op, api, attacker, missing(op.kind))).body
    assert reference == {"data": op.expect(attacker)}
    bad = bad_ids(op.kind, victim, attacker)
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results, strict=True)}
    assert {label: body for label, body in answers.items() if body != reference} == {}
    assert await asyncio.gather(snapshot(victim), snapshot(attacker)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", QUERY_OPS, ids=str)
async def test_the_same_query_finds_the_data_for_its_own_tenant(api, victim, attacker, op):
    # The control: the IDs are real, so the attacker's nulls come from isolation (read by A's participant).
    result = await victim.handle.gql(op.document, op.variables(getattr(victim, op.target), attacker), token=victim.token)
    assert result.data == op.owner_sees(victim, attacker)


def test_every_id_kind_of_this_context_is_attacked():
    assert {op.kind for op in OPS} >= ID_KINDS
