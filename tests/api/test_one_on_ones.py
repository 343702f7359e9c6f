"""1:1s over HTTP: the flow end to end with several roles, private notes, who sees a series
(HR: that it exists, not what is in it), carried-over agenda items, bad input, and the
statement budget of a manager's reports with their 1:1 health.

Each test builds one tenant with one importEmployees call:
boss > manager > (report, peer); hr is an HR admin.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support import clock

ERRORS = "errors { code field message }"
TODAY = clock.TODAY
PEOPLE = [("boss", None), ("manager", "boss"), ("report", "manager"), ("peer", "manager"), ("hr", None)]


async def _org(tenant, extra: list[tuple[str, str | None]] = ()) -> dict[str, str]:
    """Global IDs by key, and "<key>_token" for each person."""
    people = [*PEOPLE, *extra]
    rows = [
        {"email": f"{key}@{tenant.slug}.test", "name": key.upper(),
         "managerEmail": f"{boss}@{tenant.slug}.test" if boss else None,
         "roles": ["HR_ADMIN"] if key == "hr" else None}
        for key, boss in people
    ]
    created = {p["email"].split("@")[0]: p["id"] for p in await tenant.import_rows(rows)}
    for key, _ in people:
        created[f"{key}_token"] = tenant.token_for(f"{key}@{tenant.slug}.test")
    return created


async def _mutate(tenant, field: str, input_type: str, values: dict, returns: str, token: str) -> dict:
    query = f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {returns} {ERRORS} }} }}"
    return (await tenant.gql(query, {"input": values}, token=token)).data[field]


async def _ok(tenant, field: str, input_type: str, values: dict, returns: str, token: str) -> dict:
    payload = await _mutate(tenant, field, input_type, values, returns, token)
    assert payload["errors"] == [], payload
    return payload


def _codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def _start(tenant, p, who: str = "manager", other: str = "report", cadence: str = "BIWEEKLY") -> str:
    made = await _ok(tenant, "startOneOnOne", "StartOneOnOneInput", {"withEmployeeId": p[other], "cadence": cadence},
                     "oneOnOne { id }", p[f"{who}_token"])
    return made["oneOnOne"]["id"]


async def _schedule(tenant, p, series: str, on, who: str = "manager") -> str:
    made = await _ok(tenant, "scheduleMeeting", "ScheduleMeetingInput", {"oneOnOneId": series, "date": on.isoformat()},
                     "meeting { id }", p[f"{who}_token"])
    return made["meeting"]["id"]


async def _agenda(tenant, p, series: str, body: str, who: str) -> str:
    made = await _ok(tenant, "addAgendaItem", "AddAgendaItemInput", {"oneOnOneId": series, "body": body},
                     "agendaItem { id }", p[f"{who}_token"])
    return made["agendaItem"]["id"]


async def _note(tenant, p, meeting: str, body: str, who: str, private: bool) -> str:
    made = await _ok(tenant, "addMeetingNote", "AddMeetingNoteInput",
                     {"meetingId": meeting, "body": body, "private": private}, "note { id }", p[f"{who}_token"])
    return made["note"]["id"]


async def _hold(tenant, p, meeting: str, on, who: str = "manager") -> dict:
    return await _ok(tenant, "holdMeeting", "HoldMeetingInput", {"meetingId": meeting, "heldOn": on.isoformat()},
                     "meeting { status heldOn }", p[f"{who}_token"])


SERIES = """query($id: ID!) { oneOnOne(id: $id) {
  id cadence status startedOn participants { name } otherParticipant { name } lastHeldOn
  health { status daysSinceLastMeeting allowedDays explanation }
  meetings { id status scheduledOn heldOn agenda { body discussed carriedOver addedBy { name } }
    sharedNotes { body author { name } } privateNotes { body } actionItems { title } }
  nextMeeting { scheduledOn agenda { body carriedOver } }
  waitingAgenda { body carriedOver }
  actionItems { title done dueDate owner { name } goal { title } competency { name } }
} }"""


# --- the flow -------------------------------------------------------------------------------


async def test_a_manager_and_a_report_walk_a_one_on_one_from_start_to_held_meeting(tenant):
    p = await _org(tenant)
    competency = (await _ok(tenant, "createCompetency", "CreateCompetencyInput", {"name": "Coaching", "category": "LEADERSHIP"},
                            "competency { id }", tenant.admin_token))["competency"]["id"]
    goal = (await _ok(tenant, "createGoal", "CreateGoalInput",
                      {"title": "Lead a project", "kind": "DEVELOPMENT", "dueDate": (TODAY + timedelta(days=90)).isoformat()},
                      "goal { id }", p["report_token"]))["goal"]["id"]
    series = await _start(tenant, p)
    last_week = TODAY - timedelta(days=7)
    meeting = await _schedule(tenant, p, series, last_week)
    promotion = await _agenda(tenant, p, series, "Promotion path", "report")
    await _agenda(tenant, p, series, "Team offsite", "manager")
    ticked = await _ok(tenant, "updateAgendaItem", "UpdateAgendaItemInput", {"id": promotion, "discussed": True},
                       "agendaItem { body discussed }", p["manager_token"])
    assert ticked["agendaItem"] == {"body": "Promotion path", "discussed": True}
    await _note(tenant, p, meeting, "Agreed to find a stretch project", "manager", private=False)
    item = await _ok(tenant, "addActionItem", "AddActionItemInput", {
        "oneOnOneId": series, "meetingId": meeting, "title": "Shortlist projects", "ownerId": p["report"],
        "dueDate": (TODAY + timedelta(days=14)).isoformat(), "goalId": goal, "competencyId": competency,
    }, "actionItem { id title owner { name } goal { title } competency { name } meeting { scheduledOn } }", p["manager_token"])
    item_id = item["actionItem"].pop("id")
    assert item["actionItem"] == {"title": "Shortlist projects", "owner": {"name": "REPORT"}, "goal": {"title": "Lead a project"},
                                  "competency": {"name": "Coaching"}, "meeting": {"scheduledOn": last_week.isoformat()}}
    held = await _hold(tenant, p, meeting, last_week, who="report")
    assert held["meeting"] == {"status": "HELD", "heldOn": last_week.isoformat()}
    await _schedule(tenant, p, series, TODAY + timedelta(days=7), who="report")

    seen = (await tenant.gql(SERIES, {"id": series}, token=p["report_token"])).data["oneOnOne"]
    assert (seen["cadence"], seen["status"], seen["startedOn"]) == ("BIWEEKLY", "ACTIVE", TODAY.isoformat())
    assert sorted(x["name"] for x in seen["participants"]) == ["MANAGER", "REPORT"]
    assert (seen["otherParticipant"], seen["lastHeldOn"]) == ({"name": "MANAGER"}, last_week.isoformat())
    assert seen["health"] == {
        "status": "ON_CADENCE", "daysSinceLastMeeting": 7, "allowedDays": 18,
        "explanation": f"Last 1:1 held on {last_week.isoformat()}, 7 days ago. A BIWEEKLY cadence expects one every "
                       f"14 days, with 4 days of grace (18 in all): on cadence, the next is due by "
                       f"{(last_week + timedelta(days=18)).isoformat()}.",
    }
    upcoming, past = seen["meetings"]
    assert past["agenda"] == [{"body": "Promotion path", "discussed": True, "carriedOver": 0, "addedBy": {"name": "REPORT"}}]
    assert past["sharedNotes"] == [{"body": "Agreed to find a stretch project", "author": {"name": "MANAGER"}}]
    assert past["actionItems"] == [{"title": "Shortlist projects"}]
    # The offsite was not discussed: it moved on to the meeting scheduled next.
    assert upcoming["agenda"] == [{"body": "Team offsite", "discussed": False, "carriedOver": 1, "addedBy": {"name": "MANAGER"}}]
    assert seen["nextMeeting"] == {"scheduledOn": (TODAY + timedelta(days=7)).isoformat(),
                                   "agenda": [{"body": "Team offsite", "carriedOver": 1}]}
    assert seen["waitingAgenda"] == []

    done = await _ok(tenant, "updateActionItem", "UpdateActionItemInput", {"id": item_id, "done": True},
                     "actionItem { done doneOn }", p["report_token"])
    assert done["actionItem"] == {"done": True, "doneOn": TODAY.isoformat()}

    # Both see the series in their list; the manager sees the report's cadence from the directory.
    mine = "{ viewer { oneOnOnes { totalCount nodes { id otherParticipant { name } } } } }"
    for who, other in (("manager", "MANAGER"), ("report", "REPORT")):
        listed = (await tenant.gql(mine, token=p[f"{who}_token"])).data["viewer"]["oneOnOnes"]
        assert listed["totalCount"] == 1 and listed["nodes"][0]["id"] == series
        assert listed["nodes"][0]["otherParticipant"]["name"] != other
    report = (await tenant.gql("query($id: ID!) { employee(id: $id) { lastOneOnOneAt oneOnOneHealth { status } } }",
                               {"id": p["report"]}, token=p["manager_token"])).data["employee"]
    assert report == {"lastOneOnOneAt": last_week.isoformat(), "oneOnOneHealth": {"status": "ON_CADENCE"}}

    # A weekly cadence allows 10 days: still on cadence after 7. Ending the series leaves nothing to judge.
    weekly = await _ok(tenant, "updateOneOnOne", "UpdateOneOnOneInput", {"id": series, "cadence": "WEEKLY"},
                       "oneOnOne { cadence health { status allowedDays } }", p["report_token"])
    assert weekly["oneOnOne"] == {"cadence": "WEEKLY", "health": {"status": "ON_CADENCE", "allowedDays": 10}}
    ended = await _ok(tenant, "endOneOnOne", "OneOnOneIdInput", {"id": series},
                      "oneOnOne { status endedOn health { status explanation } }", p["manager_token"])
    assert ended["oneOnOne"] == {"status": "ENDED", "endedOn": TODAY.isoformat(), "health": {
        "status": "NONE", "explanation": f"This series ended on {TODAY.isoformat()}."}}
    by_status = "{ viewer { active: oneOnOnes(status: ACTIVE) { totalCount } ended: oneOnOnes(status: ENDED) { totalCount } } }"
    assert (await tenant.gql(by_status, token=p["report_token"])).data == {
        "viewer": {"active": {"totalCount": 0}, "ended": {"totalCount": 1}}}
    health = (await tenant.gql("query($id: ID!) { employee(id: $id) { oneOnOneHealth { status explanation } } }",
                               {"id": p["report"]}, token=p["boss_token"])).data["employee"]["oneOnOneHealth"]
    assert health == {"status": "NONE", "explanation": "No active 1:1 series with their manager."}



# --- privacy ----------------------------------------------------------------------------------

NOTES = """query($id: ID!) { oneOnOne(id: $id) { meetings { sharedNotes { body } privateNotes { body author { name } } } } }"""


async def test_a_private_note_is_read_by_its_author_only_never_by_the_other_participant_or_hr(tenant):
    p = await _org(tenant)
    series = await _start(tenant, p)
    meeting = await _schedule(tenant, p, series, TODAY)
    await _note(tenant, p, meeting, "Shared: next steps", "manager", private=False)
    secret = await _note(tenant, p, meeting, "Manager only: worried about workload", "manager", private=True)
    await _note(tenant, p, meeting, "Report only: ask for a raise next time", "report", private=True)

    def notes(data):
        return data["oneOnOne"]["meetings"][0] if data["oneOnOne"] and data["oneOnOne"]["meetings"] else None

    as_manager = notes((await tenant.gql(NOTES, {"id": series}, token=p["manager_token"])).data)
    as_report = notes((await tenant.gql(NOTES, {"id": series}, token=p["report_token"])).data)
    assert as_manager == {"sharedNotes": [{"body": "Shared: next steps"}],
                          "privateNotes": [{"body": "Manager only: worried about workload", "author": {"name": "MANAGER"}}]}
    assert as_report == {"sharedNotes": [{"body": "Shared: next steps"}],
                         "privateNotes": [{"body": "Report only: ask for a raise next time", "author": {"name": "REPORT"}}]}
    hr = (await tenant.gql(NOTES, {"id": series}, token=p["hr_token"])).data
    assert hr == {"oneOnOne": {"meetings": None}}

    # The other participant cannot even find the private note to change it.
    tampered = await _mutate(tenant, "updateMeetingNote", "UpdateMeetingNoteInput", {"id": secret, "body": "Edited"},
                             "note { body }", p["report_token"])
    assert tampered == {"note": None, "errors": [{"code": "NOT_FOUND", "field": ["input", "id"], "message": "OneOnOneNote not found"}]}
    own = await _mutate(tenant, "updateMeetingNote", "UpdateMeetingNoteInput", {"id": secret, "body": "Workload is fine now"},
                        "note { body private }", p["manager_token"])
    assert own == {"note": {"body": "Workload is fine now", "private": True}, "errors": []}


async def test_hr_sees_that_a_series_exists_and_its_cadence_but_nothing_in_it_and_others_see_nothing(tenant):
    p = await _org(tenant)
    series = await _start(tenant, p, cadence="WEEKLY")
    meeting = await _schedule(tenant, p, series, TODAY)
    await _agenda(tenant, p, series, "Salary", "report")
    item = (await _ok(tenant, "addActionItem", "AddActionItemInput",
                      {"oneOnOneId": series, "title": "Update CV", "ownerId": p["report"]},
                      "actionItem { id }", p["report_token"]))["actionItem"]["id"]

    hr = (await tenant.gql(SERIES, {"id": series}, token=p["hr_token"])).data["oneOnOne"]
    assert (hr["id"], hr["cadence"], hr["status"], hr["health"]["status"]) == (series, "WEEKLY", "ACTIVE", "ON_CADENCE")
    assert sorted(x["name"] for x in hr["participants"]) == ["MANAGER", "REPORT"]
    assert {k: hr[k] for k in ("meetings", "nextMeeting", "waitingAgenda", "actionItems", "otherParticipant")} == dict.fromkeys(
        ("meetings", "nextMeeting", "waitingAgenda", "actionItems", "otherParticipant")
    )
    lookups = """query($s: ID!, $m: ID!, $i: ID!, $e: ID!) { node(id: $m) { id } item: node(id: $i) { id }
      series: node(id: $s) { id } employee(id: $e) { oneOnOnes { id cadence } } }"""
    variables = {"s": series, "m": meeting, "i": item, "e": p["report"]}
    assert (await tenant.gql(lookups, variables, token=p["hr_token"])).data == {
        "node": None, "item": None, "series": {"id": series}, "employee": {"oneOnOnes": [{"id": series, "cadence": "WEEKLY"}]},
    }
    # The skip-level manager and a peer: the series does not exist for them.
    for who in ("boss", "peer"):
        assert (await tenant.gql(SERIES, {"id": series}, token=p[f"{who}_token"])).data == {"oneOnOne": None}, who
        assert (await tenant.gql(lookups, variables, token=p[f"{who}_token"])).data == {
            "node": None, "item": None, "series": None, "employee": {"oneOnOnes": None},
        }, who

    # HR may know the series exists (FORBIDDEN); what is in it does not exist for HR (NOT_FOUND).
    scheduled = await _mutate(tenant, "scheduleMeeting", "ScheduleMeetingInput",
                              {"oneOnOneId": series, "date": TODAY.isoformat()}, "meeting { id }", p["hr_token"])
    assert _codes(scheduled) == [("FORBIDDEN", ["input", "oneOnOneId"])]
    held = await _mutate(tenant, "holdMeeting", "HoldMeetingInput", {"meetingId": meeting}, "meeting { id }", p["hr_token"])
    assert _codes(held) == [("NOT_FOUND", ["input", "meetingId"])]
    boss = await _mutate(tenant, "scheduleMeeting", "ScheduleMeetingInput",
                         {"oneOnOneId": series, "date": TODAY.isoformat()}, "meeting { id }", p["boss_token"])
    assert _codes(boss) == [("NOT_FOUND", ["input", "oneOnOneId"])]
    still = (await tenant.gql(SERIES, {"id": series}, token=p["manager_token"])).data["oneOnOne"]
    assert [(m["status"], m["scheduledOn"]) for m in still["meetings"]] == [("SCHEDULED", TODAY.isoformat())]


async def test_undiscussed_items_wait_for_the_next_meeting_when_none_is_scheduled(tenant):
    p = await _org(tenant)
    series = await _start(tenant, p)
    meeting = await _schedule(tenant, p, series, TODAY)
    await _agenda(tenant, p, series, "Conference budget", "report")
    await _hold(tenant, p, meeting, TODAY)
    waiting = (await tenant.gql(SERIES, {"id": series}, token=p["report_token"])).data["oneOnOne"]
    assert waiting["waitingAgenda"] == [{"body": "Conference budget", "carriedOver": 1}]
    assert (waiting["nextMeeting"], waiting["meetings"][0]["agenda"]) == (None, [])
    # Added while no meeting is scheduled, an item waits too; the next meeting takes them all.
    await _agenda(tenant, p, series, "Holiday plans", "manager")
    await _schedule(tenant, p, series, TODAY + timedelta(days=14), who="report")
    after = (await tenant.gql(SERIES, {"id": series}, token=p["manager_token"])).data["oneOnOne"]
    assert after["waitingAgenda"] == []
    assert after["nextMeeting"]["agenda"] == [{"body": "Conference budget", "carriedOver": 1}, {"body": "Holiday plans", "carriedOver": 0}]


# --- bad input ------------------------------------------------------------------------------


async def test_bad_inputs_are_typed_errors_and_write_nothing(tenant, other_tenant):
    p = await _org(tenant)
    stranger = (await other_tenant.import_rows([{"email": f"x@{other_tenant.slug}.test", "name": "X"}]))[0]["id"]
    token = p["manager_token"]
    start = lambda who: _mutate(tenant, "startOneOnOne", "StartOneOnOneInput",  # noqa: E731
                                {"withEmployeeId": who, "cadence": "WEEKLY"}, "oneOnOne { id }", token)
    assert _codes(await start(p["manager"])) == [("INVALID", ["input", "withEmployeeId"])]
    assert _codes(await start(stranger)) == [("NOT_FOUND", ["input", "withEmployeeId"])]
    assert _codes(await start("not-an-id")) == [("NOT_FOUND", ["input", "withEmployeeId"])]
    series = await _start(tenant, p)
    duplicate = await _mutate(tenant, "startOneOnOne", "StartOneOnOneInput",
                              {"withEmployeeId": p["manager"], "cadence": "MONTHLY"}, "oneOnOne { id }", p["report_token"])
    assert _codes(duplicate) == [("DUPLICATE", ["input", "withEmployeeId"])]

    item = lambda owner, **more: _mutate(tenant, "addActionItem", "AddActionItemInput",  # noqa: E731
                                         {"oneOnOneId": series, "title": "Do it", "ownerId": owner, **more}, "actionItem { id }", token)
    assert _codes(await item(p["peer"])) == [("INVALID", ["input", "ownerId"])]
    assert _codes(await item(stranger)) == [("NOT_FOUND", ["input", "ownerId"])]
    assert _codes(await item(p["report"], title="  ")) == [("REQUIRED", ["input", "title"])]
    meeting = await _schedule(tenant, p, series, TODAY + timedelta(days=3))
    future = await _mutate(tenant, "holdMeeting", "HoldMeetingInput",
                           {"meetingId": meeting, "heldOn": (TODAY + timedelta(days=1)).isoformat()}, "meeting { id }", token)
    assert _codes(future) == [("INVALID", ["input", "heldOn"])]
    same_day = await _mutate(tenant, "scheduleMeeting", "ScheduleMeetingInput",
                             {"oneOnOneId": series, "date": (TODAY + timedelta(days=3)).isoformat()}, "meeting { id }", token)
    assert _codes(same_day) == [("DUPLICATE", ["input", "date"])]

    state = (await tenant.gql(SERIES, {"id": series}, token=token)).data["oneOnOne"]
    assert state["actionItems"] == []
    assert [(m["status"], m["heldOn"]) for m in state["meetings"]] == [("SCHEDULED", None)]
    everyone = (await tenant.gql("{ viewer { oneOnOnes { totalCount } } }", token=token)).data
    assert everyone == {"viewer": {"oneOnOnes": {"totalCount": 1}}}


# --- a manager's reports: constant SQL --------------------------------------------------------

REPORTS = """query($id: ID!) { employee(id: $id) { directReports {
  name lastOneOnOneAt oneOnOneHealth { status explanation } } } }"""


async def _many(tenant, token: str, field: str, input_type: str, inputs: list[dict], returns: str) -> list[dict]:
    """Up to 15 mutations per request (the alias limit)."""
    results = []
    for start in range(0, len(inputs), 15):
        chunk = inputs[start:start + 15]
        params = ", ".join(f"$i{n}: {input_type}!" for n in range(len(chunk)))
        body = " ".join(f"m{n}: {field}(input: $i{n}) {{ {returns} errors {{ code field }} }}" for n in range(len(chunk)))
        result = await tenant.gql(f"mutation({params}) {{ {body} }}", {f"i{n}": v for n, v in enumerate(chunk)}, token=token)
        assert all(payload["errors"] == [] for payload in result.data.values()), result.data
        results += [result.data[f"m{n}"] for n in range(len(chunk))]
    return results


async def test_a_managers_thirty_reports_with_last_one_on_one_and_health_cost_the_same_sql_as_three(tenant):
    big = [(f"big{i:02}", "manager") for i in range(30)]
    p = await _org(tenant, big)
    token = p["manager_token"]
    made = await _many(tenant, token, "startOneOnOne", "StartOneOnOneInput",
                       [{"withEmployeeId": p[key], "cadence": "WEEKLY"} for key, _ in big[:20]], "oneOnOne { id }")
    # Ten reports met five days ago, ten others forty days ago, ten have no series at all.
    meetings = await _many(tenant, token, "scheduleMeeting", "ScheduleMeetingInput", [
        {"oneOnOneId": m["oneOnOne"]["id"], "date": (TODAY - timedelta(days=5 if i < 10 else 40)).isoformat()}
        for i, m in enumerate(made)
    ], "meeting { id scheduledOn }")
    await _many(tenant, token, "holdMeeting", "HoldMeetingInput",
                [{"meetingId": m["meeting"]["id"], "heldOn": m["meeting"]["scheduledOn"]} for m in meetings], "meeting { id }")
    await _start(tenant, p, "manager", "report", "WEEKLY")

    await tenant.gql("{ viewer { roles } }", token=p["boss_token"])  # the first sign-in binds the identity: not counted
    # The boss sees the manager's 30 reports (skip-level), then the boss's own single report.
    wide = await tenant.gql(REPORTS, {"id": p["manager"]}, token=p["boss_token"])
    narrow = await tenant.gql(REPORTS, {"id": p["boss"]}, token=p["boss_token"])
    reports = {r["name"]: r for r in wide.data["employee"]["directReports"]}
    assert len(reports) == 32  # 30 + report + peer
    assert reports["BIG00"]["lastOneOnOneAt"] == (TODAY - timedelta(days=5)).isoformat()
    assert reports["BIG00"]["oneOnOneHealth"]["status"] == "ON_CADENCE"
    assert reports["BIG15"]["oneOnOneHealth"] == {
        "status": "LATE",
        "explanation": f"Last 1:1 held on {(TODAY - timedelta(days=40)).isoformat()}, 40 days ago. A WEEKLY cadence "
                       f"expects one every 7 days, with 3 days of grace (10 in all): late by 30 days (it was due by "
                       f"{(TODAY - timedelta(days=30)).isoformat()}).",
    }
    assert reports["BIG25"] == {"name": "BIG25", "lastOneOnOneAt": None,
                                "oneOnOneHealth": {"status": "NONE", "explanation": "No active 1:1 series with their manager."}}
    assert reports["REPORT"]["oneOnOneHealth"]["status"] == "ON_CADENCE"  # started today, no meeting yet
    assert len(narrow.data["employee"]["directReports"]) == 1
    # auth, the employee, the reports, their reporting chains (who may see), their series with the manager
    assert wide.sql_statements == narrow.sql_statements, (wide.sql_statements, narrow.sql_statements)

    assert wide.sql_statements == 7

    # A peer (not up the chain, not HR) reads null for both fields of everyone but themselves.
    peer = (await tenant.gql(REPORTS, {"id": p["manager"]}, token=p["peer_token"])).data["employee"]["directReports"]
    assert [r["name"] for r in peer if r["lastOneOnOneAt"] or r["oneOnOneHealth"]] == ["PEER"]
    assert next(r for r in peer if r["name"] == "PEER")["oneOnOneHealth"]["status"] == "NONE"

    # The manager's own list of series pages with constant SQL too.
    page = "query($n: Int!) { viewer { oneOnOnes(first: $n) { nodes { cadence otherParticipant { name } lastHeldOn health { status } } } } }"
    few = await tenant.gql(page, {"n": 3}, token=token)
    all_ = await tenant.gql(page, {"n": 21}, token=token)
    assert (len(few.data["viewer"]["oneOnOnes"]["nodes"]), len(all_.data["viewer"]["oneOnOnes"]["nodes"])) == (3, 21)
    assert few.sql_statements == all_.sql_statements
