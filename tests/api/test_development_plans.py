"""Development plans over HTTP: focus competencies defaulted from the competency gaps (the
job level's, else the next level's), actions linked to goals and 1:1 action items with
derived statuses and progress, who may read and edit, bad input, and constant SQL per page.

Each test builds one tenant with one importEmployees call:
boss > manager > (report, peer); hr is an HR admin.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.api.test_cross_tenant import gid
from tests.api.test_one_on_ones import _codes, _many, _mutate, _ok, _org
from tests.support import clock

TODAY = clock.TODAY
END = TODAY + timedelta(days=180)

PLAN = """query($id: ID!) { developmentPlan(id: $id) {
  id periodStart periodEnd employee { name } focusBasis focusExplanation viewerCanEdit
  focusCompetencies { competency { name } reason }
  actions { kind title status dueDate linkedId goal { title } oneOnOneActionItem { title } linked { id } }
  progress { value explanation }
} }"""


async def _framework(tenant, p, current: dict[str, int], engineer: dict[str, int], senior: dict[str, int]) -> dict[str, str]:
    """Competencies by name; Engineer (rank 1) and Senior (rank 2) expect as given; the report is an
    Engineer whom the manager assessed at `current`."""
    admin = tenant.admin_token
    ids = {}
    for name in sorted({*engineer, *senior, *current}):
        made = await _ok(tenant, "createCompetency", "CreateCompetencyInput", {"name": name, "category": "LEADERSHIP"},
                         "competency { id }", admin)
        ids[name] = made["competency"]["id"]
    for rank, (level, expected) in enumerate((("Engineer", engineer), ("Senior", senior)), start=1):
        made = await _ok(tenant, "createJobLevel", "CreateJobLevelInput",
                         {"name": level, "rank": rank, "track": "INDIVIDUAL_CONTRIBUTOR"}, "jobLevel { id }", admin)
        ids[level] = made["jobLevel"]["id"]
        await _ok(tenant, "setJobLevelExpectations", "SetJobLevelExpectationsInput", {
            "jobLevelId": ids[level],
            "expectations": [{"competencyId": ids[name], "expectedLevel": lv} for name, lv in expected.items()],
        }, "jobLevel { id }", admin)
    await _ok(tenant, "updateEmployee", "UpdateEmployeeInput", {"id": p["report"], "jobLevelId": ids["Engineer"]},
              "employee { id }", admin)
    for name, level in current.items():
        await _ok(tenant, "assessCompetency", "AssessCompetencyInput",
                  {"employeeId": p["report"], "competencyId": ids[name], "level": level, "source": "MANAGER"},
                  "assessment { id }", p["manager_token"])
    return ids


async def _plan(tenant, p, who: str = "manager", **values) -> str:
    fields = {"employeeId": p["report"], "periodStart": TODAY.isoformat(), "periodEnd": END.isoformat(), **values}
    made = await _ok(tenant, "createDevelopmentPlan", "CreateDevelopmentPlanInput", fields, "developmentPlan { id }",
                     p[f"{who}_token"])
    return made["developmentPlan"]["id"]


async def _action(tenant, p, plan: str, who: str = "manager", **values) -> dict:
    return await _mutate(tenant, "addPlanAction", "AddPlanActionInput", {"planId": plan, **values},
                         "planAction { id kind status } developmentPlan { progress { value } }", p[f"{who}_token"])


async def _read(tenant, plan: str, token: str) -> dict | None:
    return (await tenant.gql(PLAN, {"id": plan}, token=token)).data["developmentPlan"]


# --- focus competencies -------------------------------------------------------------------


async def test_a_plan_focuses_on_the_largest_gaps_for_the_job_level_by_default(tenant):
    p = await _org(tenant)
    await _framework(tenant, p, current={"Coaching": 1, "Delegation": 2, "Vision": 3},
                     engineer={"Coaching": 3, "Delegation": 3, "Vision": 3}, senior={"Strategy": 4})
    plan = await _read(tenant, await _plan(tenant, p), p["report_token"])
    assert plan["focusBasis"] == "CURRENT_LEVEL_GAPS"
    assert plan["focusCompetencies"] == [
        {"competency": {"name": "Coaching"}, "reason": "At Engineer: expected level 3, current 1, a gap of 2."},
        {"competency": {"name": "Delegation"}, "reason": "At Engineer: expected level 3, current 2, a gap of 1."},
    ]
    assert plan["focusExplanation"] == "The 2 largest gaps for Engineer: Coaching (gap 2); Delegation (gap 1)."


async def test_with_no_gap_at_the_job_level_the_focus_comes_from_the_next_level_on_the_track(tenant):
    p = await _org(tenant)
    await _framework(tenant, p, current={"Coaching": 3, "Strategy": 1},
                     engineer={"Coaching": 3}, senior={"Coaching": 4, "Strategy": 4})
    plan = await _read(tenant, await _plan(tenant, p, who="report"), p["manager_token"])
    assert plan["focusBasis"] == "NEXT_LEVEL_GAPS"
    assert [f["competency"]["name"] for f in plan["focusCompetencies"]] == ["Strategy", "Coaching"]
    assert plan["focusExplanation"] == (
        "No known gaps at Engineer. So the 2 largest gaps for the next level on the same track, Senior: "
        "Strategy (gap 3); Coaching (gap 1)."
    )


async def test_chosen_focus_competencies_replace_the_default_and_null_derives_it_again(tenant):
    p = await _org(tenant)
    ids = await _framework(tenant, p, current={"Coaching": 1, "Vision": 3}, engineer={"Coaching": 3, "Vision": 3}, senior={})
    plan = await _plan(tenant, p, focusCompetencyIds=[ids["Vision"]])
    chosen = await _read(tenant, plan, p["manager_token"])
    assert (chosen["focusBasis"], chosen["focusCompetencies"]) == (
        "CHOSEN", [{"competency": {"name": "Vision"}, "reason": "Chosen by the plan's editors."}],
    )
    reset = await _ok(tenant, "updateDevelopmentPlan", "UpdateDevelopmentPlanInput", {"id": plan, "focusCompetencyIds": None},
                      "developmentPlan { focusBasis focusCompetencies { competency { name } } }", p["report_token"])
    assert reset["developmentPlan"] == {"focusBasis": "CURRENT_LEVEL_GAPS", "focusCompetencies": [{"competency": {"name": "Coaching"}}]}


# --- actions and progress ------------------------------------------------------------------


async def test_actions_follow_what_they_link_to_and_progress_counts_done_over_all_but_dropped(tenant):
    p = await _org(tenant)
    plan = await _plan(tenant, p, focusCompetencyIds=[])
    goal = (await _ok(tenant, "createGoal", "CreateGoalInput", {
        "title": "Run the retro", "kind": "DEVELOPMENT", "status": "ACTIVE", "dueDate": END.isoformat(),
        "metric": {"name": "retros", "unit": "retros", "baseline": 0, "target": 3},
    }, "goal { id }", p["report_token"]))["goal"]["id"]
    series = (await _ok(tenant, "startOneOnOne", "StartOneOnOneInput", {"withEmployeeId": p["report"], "cadence": "WEEKLY"},
                        "oneOnOne { id }", p["manager_token"]))["oneOnOne"]["id"]
    item = (await _ok(tenant, "addActionItem", "AddActionItemInput",
                      {"oneOnOneId": series, "title": "Ask for feedback", "ownerId": p["report"]},
                      "actionItem { id }", p["manager_token"]))["actionItem"]["id"]

    linked_goal = await _action(tenant, p, plan, kind="GOAL", title="Retro goal", linkedId=goal)
    assert (linked_goal["planAction"]["status"], linked_goal["errors"]) == ("IN_PROGRESS", [])
    await _action(tenant, p, plan, kind="ONE_ON_ONE_ACTION", title="Feedback", linkedId=item, who="report")
    book = await _action(tenant, p, plan, kind="OTHER", title="Read a book", status="IN_PROGRESS", dueDate=END.isoformat())
    dropped = await _action(tenant, p, plan, kind="OTHER", title="Conference")
    await _ok(tenant, "updatePlanAction", "UpdatePlanActionInput", {"id": dropped["planAction"]["id"], "status": "DROPPED"},
              "planAction { status }", p["report_token"])
    before = await _read(tenant, plan, p["report_token"])
    assert (before["progress"]["value"], before["progress"]["explanation"]) == (
        0.0, "0 of 3 actions done (0%). Not done yet: 2 in progress and 1 not started. 1 dropped action not counted.",
    )

    # The goal completes, the 1:1 action item is done, the book is finished by hand.
    await _ok(tenant, "checkInGoal", "CheckInGoalInput", {"goalId": goal, "value": 3, "confidence": "ON_TRACK"},
              "checkIn { id }", p["report_token"])
    await _ok(tenant, "completeGoal", "GoalIdInput", {"id": goal}, "goal { status }", p["report_token"])
    await _ok(tenant, "updateActionItem", "UpdateActionItemInput", {"id": item, "done": True}, "actionItem { done }", p["report_token"])
    finished = await _ok(tenant, "updatePlanAction", "UpdatePlanActionInput", {"id": book["planAction"]["id"], "status": "DONE"},
                         "planAction { status } developmentPlan { progress { value } }", p["manager_token"])
    assert finished["planAction"] == {"status": "DONE"}
    after = await _read(tenant, plan, p["report_token"])
    assert [(a["kind"], a["title"], a["status"]) for a in after["actions"]] == [
        ("GOAL", "Retro goal", "DONE"), ("ONE_ON_ONE_ACTION", "Feedback", "DONE"), ("OTHER", "Read a book", "DONE"),
        ("OTHER", "Conference", "DROPPED"),
    ]
    assert after["actions"][0]["goal"] == {"title": "Run the retro"} and after["actions"][0]["linkedId"] == goal
    assert after["actions"][1]["oneOnOneActionItem"] == {"title": "Ask for feedback"}
    assert after["progress"] == {"value": 1.0, "explanation": "3 of 3 actions done (100%). 1 dropped action not counted."}
    # HR reads the plan, but the 1:1 action item stays the participants' (null), the status does not.
    hr = await _read(tenant, plan, p["hr_token"])
    assert (hr["actions"][1]["status"], hr["actions"][1]["oneOnOneActionItem"], hr["actions"][1]["linked"]) == ("DONE", None, None)


async def test_bad_actions_are_typed_errors_and_add_nothing(tenant):
    p = await _org(tenant)
    plan = await _plan(tenant, p, focusCompetencyIds=[])
    peer_goal = (await _ok(tenant, "createGoal", "CreateGoalInput", {"title": "Peer's", "dueDate": END.isoformat(), "visibility": "PUBLIC"},
                           "goal { id }", p["peer_token"]))["goal"]["id"]
    own_goal = (await _ok(tenant, "createGoal", "CreateGoalInput", {"title": "Own", "dueDate": END.isoformat()},
                          "goal { id }", p["report_token"]))["goal"]["id"]
    cases = [
        ({"kind": "GOAL", "title": "x", "linkedId": peer_goal}, ("INVALID", ["input", "linkedId"])),
        ({"kind": "GOAL", "title": "x"}, ("REQUIRED", ["input", "linkedId"])),
        ({"kind": "GOAL", "title": "x", "linkedId": p["report"]}, ("NOT_FOUND", ["input", "linkedId"])),  # wrong type
        ({"kind": "OTHER", "title": "x", "linkedId": own_goal}, ("INVALID", ["input", "linkedId"])),
        ({"kind": "OTHER", "title": " "}, ("REQUIRED", ["input", "title"])),
        ({"kind": "GOAL", "title": "x", "linkedId": own_goal, "status": "DONE"}, ("INVALID", ["input", "status"])),
        ({"kind": "TRAINING_ENROLMENT", "title": "x", "linkedId": gid("TrainingEnrolment", uuid.uuid4())},
         ("NOT_FOUND", ["input", "linkedId"])),
    ]
    for values, expected in cases:
        refused = await _action(tenant, p, plan, **values)
        assert (refused["planAction"], _codes(refused)) == (None, [expected]), values
    twice = [await _action(tenant, p, plan, kind="GOAL", title="Own", linkedId=own_goal) for _ in range(2)]
    assert _codes(twice[1]) == [("DUPLICATE", ["input", "linkedId"])]
    assert [a["title"] for a in (await _read(tenant, plan, p["report_token"]))["actions"]] == ["Own"]
    removed = await _ok(tenant, "removePlanAction", "PlanActionIdInput", {"id": twice[0]["planAction"]["id"]},
                        "developmentPlan { actions { title } progress { explanation } }", p["report_token"])
    assert removed["developmentPlan"] == {"actions": [], "progress": {"explanation": "No actions yet, so nothing is done."}}


# --- who reads and edits ----------------------------------------------------------------------


async def test_the_employee_and_managers_edit_a_plan_hr_reads_it_and_others_do_not_find_it(tenant):
    p = await _org(tenant)
    plan = await _plan(tenant, p, who="report", focusCompetencyIds=[])
    for who in ("report", "manager", "boss"):
        added = await _action(tenant, p, plan, who=who, kind="OTHER", title=f"By {who}")
        assert added["errors"] == [], who
        assert (await _read(tenant, plan, p[f"{who}_token"]))["viewerCanEdit"] is True
    hr_view = await _read(tenant, plan, p["hr_token"])
    assert (hr_view["employee"], hr_view["viewerCanEdit"], len(hr_view["actions"])) == ({"name": "REPORT"}, False, 3)
    assert _codes(await _action(tenant, p, plan, who="hr", kind="OTHER", title="By HR")) == [("FORBIDDEN", ["input", "planId"])]
    assert await _read(tenant, plan, p["peer_token"]) is None
    assert _codes(await _action(tenant, p, plan, who="peer", kind="OTHER", title="By peer")) == [("NOT_FOUND", ["input", "planId"])]
    lists = """query($e: ID!) { developmentPlans(first: 10) { totalCount nodes { id } }
      mine: developmentPlans(filter: {employeeId: $e}) { totalCount } employee(id: $e) { developmentPlans { id } } }"""
    for who, seen in (("report", 1), ("manager", 1), ("boss", 1), ("hr", 1), ("peer", 0)):
        data = (await tenant.gql(lists, {"e": p["report"]}, token=p[f"{who}_token"])).data
        assert (data["developmentPlans"]["totalCount"], data["mine"]["totalCount"], len(data["employee"]["developmentPlans"])) == (seen, seen, seen), who
    for who in ("hr", "peer"):
        made = await _mutate(tenant, "createDevelopmentPlan", "CreateDevelopmentPlanInput",
                             {"employeeId": p["report"], "periodStart": (END + timedelta(days=1)).isoformat(),
                              "periodEnd": (END + timedelta(days=30)).isoformat()}, "developmentPlan { id }", p[f"{who}_token"])
        assert _codes(made) == [("FORBIDDEN", ["input", "employeeId"])], who
    assert [a["title"] for a in (await _read(tenant, plan, p["report_token"]))["actions"]] == ["By report", "By manager", "By boss"]


async def test_one_plan_per_employee_per_overlapping_period_and_other_bad_plans(tenant):
    p = await _org(tenant)
    await _plan(tenant, p, focusCompetencyIds=[])

    async def create(**values):
        fields = {"employeeId": p["report"], "periodStart": TODAY.isoformat(), "periodEnd": END.isoformat(),
                  "focusCompetencyIds": [], **values}
        return _codes(await _mutate(tenant, "createDevelopmentPlan", "CreateDevelopmentPlanInput", fields,
                                    "developmentPlan { id }", p["manager_token"]))

    assert await create(periodStart=END.isoformat(), periodEnd=(END + timedelta(days=30)).isoformat()) == [
        ("DUPLICATE", ["input", "periodStart"])]
    assert await create(periodStart=(END + timedelta(days=10)).isoformat(), periodEnd=(END + timedelta(days=1)).isoformat()) == [
        ("INVALID", ["input", "periodEnd"])]
    assert await create(periodStart=(END + timedelta(days=1)).isoformat(), periodEnd=(END + timedelta(days=9)).isoformat(),
                        focusCompetencyIds=["nope"]) == [("NOT_FOUND", ["input", "focusCompetencyIds", "0"])]
    assert await create(employeeId=p["boss"]) == [("FORBIDDEN", ["input", "employeeId"])]  # your own manager's plan
    listed = (await tenant.gql("{ developmentPlans { totalCount } }", token=p["hr_token"])).data
    assert listed == {"developmentPlans": {"totalCount": 1}}


# --- constant SQL ---------------------------------------------------------------------------

PAGE = """query($n: Int!) { developmentPlans(first: $n) { nodes { periodStart employee { name } focusBasis
  focusCompetencies { competency { name } reason } actions { kind status goal { title } } progress { value explanation } } } }"""


async def test_a_page_of_plans_with_focus_actions_and_progress_costs_the_same_sql_for_3_and_15(tenant):
    extra = [(f"dev{i:02}", "manager") for i in range(15)]
    p = await _org(tenant, extra)
    token = p["manager_token"]
    competency = (await _ok(tenant, "createCompetency", "CreateCompetencyInput", {"name": "Coaching", "category": "LEADERSHIP"},
                            "competency { id }", tenant.admin_token))["competency"]["id"]
    plans = await _many(tenant, token, "createDevelopmentPlan", "CreateDevelopmentPlanInput", [
        {"employeeId": p[key], "periodStart": TODAY.isoformat(), "periodEnd": END.isoformat(), "focusCompetencyIds": [competency]}
        for key, _ in extra
    ], "developmentPlan { id }")
    goals = await _many(tenant, token, "createGoal", "CreateGoalInput", [
        {"title": f"Goal {key}", "ownerId": p[key], "dueDate": END.isoformat()} for key, _ in extra
    ], "goal { id }")
    await _many(tenant, token, "addPlanAction", "AddPlanActionInput", [
        action for plan, goal in zip(plans, goals, strict=True) for action in (
            {"planId": plan["developmentPlan"]["id"], "kind": "GOAL", "title": "Goal", "linkedId": goal["goal"]["id"]},
            {"planId": plan["developmentPlan"]["id"], "kind": "OTHER", "title": "Book", "status": "DONE"},
        )
    ], "planAction { id }")

    await tenant.gql("{ viewer { roles } }", token=token)
    few = await tenant.gql(PAGE, {"n": 3}, token=token)
    many = await tenant.gql(PAGE, {"n": 15}, token=token)
    nodes = many.data["developmentPlans"]["nodes"]
    assert len(few.data["developmentPlans"]["nodes"]) == 3 and len(nodes) == 15
    assert {(n["actions"][0]["status"], n["actions"][0]["goal"]["title"][:5], n["progress"]["value"]) for n in nodes} == {
        ("NOT_STARTED", "Goal ", 0.5)}
    # auth (3), the page, employees, focus, competencies, actions, the linked goals' statuses, the goals (visible)
    assert few.sql_statements == many.sql_statements == 10, (few.sql_statements, many.sql_statements)
