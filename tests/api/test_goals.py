"""Goals over HTTP: who sees what per role, alignment, the state machine, key results,
check-ins, bad input, and the statement budget of a goal page.

Each test builds one tenant with one importEmployees call:
boss > manager > (owner, peer); hr is an HR admin; the manager heads Engineering.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support import clock

ERRORS = "errors { code field message }"
TODAY = clock.TODAY
START, DUE = TODAY - timedelta(days=30), TODAY + timedelta(days=150)
METRIC = {"name": "participation", "unit": "%", "baseline": 40, "relativeChangePercent": 30}


async def _org(tenant) -> dict[str, str]:
    """Global IDs by key, plus "eng" for the department and "<key>_token" for each person."""
    eng = await tenant.create_department("Engineering")
    people = [("boss", None), ("manager", "boss"), ("owner", "manager"), ("peer", "manager"), ("hr", None)]
    rows = [
        {"email": f"{key}@{tenant.slug}.test", "name": key.upper(), "departmentId": eng["id"],
         "managerEmail": f"{boss}@{tenant.slug}.test" if boss else None,
         "roles": ["HR_ADMIN"] if key == "hr" else None}
        for key, boss in people
    ]
    created = {p["email"].split("@")[0]: p["id"] for p in await tenant.import_rows(rows)}
    headed = await tenant.gql(
        "mutation($input: UpdateDepartmentInput!) { updateDepartment(input: $input) { errors { code } } }",
        {"input": {"id": eng["id"], "headId": created["manager"]}},
    )
    assert headed.data["updateDepartment"]["errors"] == []
    created["eng"] = eng["id"]
    for key, _ in people:
        created[f"{key}_token"] = tenant.token_for(f"{key}@{tenant.slug}.test")
    return created


async def _mutate(tenant, field: str, input_type: str, values: dict, returns: str, token: str | None = None) -> dict:
    query = f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {returns} {ERRORS} }} }}"
    return (await tenant.gql(query, {"input": values}, token=token)).data[field]


async def _create(tenant, token: str, returns: str = "goal { id }", **values) -> dict:
    fields = {"title": "Grow", "status": "ACTIVE", "startDate": START.isoformat(), "dueDate": DUE.isoformat(), "metric": METRIC}
    fields.update(values)
    return await _mutate(tenant, "createGoal", "CreateGoalInput", fields, returns, token)


async def _goal(tenant, token: str, **values) -> str:
    payload = await _create(tenant, token, **values)
    assert payload["errors"] == [], payload
    return payload["goal"]["id"]


def _codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def _titles(tenant, token: str, query: str, variables: dict | None = None) -> list[str]:
    data = (await tenant.gql(query, variables, token=token)).data
    return [goal["title"] for goal in _dig(data)]


def _dig(data):
    while isinstance(data, dict) and len(data) == 1:
        data = next(iter(data.values()))
    return data


# --- visibility per role ----------------------------------------------------------------------


async def test_each_role_sees_exactly_the_goals_it_may_everywhere(tenant):
    p = await _org(tenant)
    ids = {}
    for i, visibility in enumerate(("PUBLIC", "MANAGER_CHAIN", "PRIVATE")):
        ids[visibility] = await _goal(
            tenant, p["owner_token"], title=visibility, visibility=visibility, scope="TEAM", departmentId=p["eng"],
            dueDate=(DUE + timedelta(days=i)).isoformat(),
        )
    expected = {
        "owner": ["PUBLIC", "MANAGER_CHAIN", "PRIVATE"],
        "manager": ["PUBLIC", "MANAGER_CHAIN"],
        "boss": ["PUBLIC", "MANAGER_CHAIN"],  # skip-level: still up the chain
        "peer": ["PUBLIC"],
        "hr": ["PUBLIC", "MANAGER_CHAIN", "PRIVATE"],
    }
    everywhere = """query($owner: ID!, $dept: ID!, $ids: [ID!]!) {
      goals(first: 100) { totalCount nodes { title } }
      byOwner: goals(first: 100, filter: {ownerId: $owner}) { nodes { title } }
      employee(id: $owner) { goals { title progress { value explanation } health { status } } }
      department(id: $dept) { goals { title } }
      nodes(ids: $ids) { ... on Goal { title } }
      team: employees(first: 100) { nodes { id goals { title progress { value explanation } health { status } } } }
    }"""
    for who, titles in expected.items():
        data = (await tenant.gql(everywhere, {"owner": p["owner"], "dept": p["eng"], "ids": list(ids.values())},
                                 token=p[f"{who}_token"])).data
        assert [g["title"] for g in data["goals"]["nodes"]] == titles, who
        assert data["goals"]["totalCount"] == len(titles), who
        assert [g["title"] for g in data["byOwner"]["nodes"]] == titles, who
        assert [g["title"] for g in data["employee"]["goals"]] == titles, who
        # A list of people prefetches their goals, key results and latest check-ins: same answer.
        listed = next(n for n in data["team"]["nodes"] if n["id"] == p["owner"])
        assert listed["goals"] == data["employee"]["goals"], who
        assert [g["title"] for g in data["department"]["goals"]] == titles, who
        # One by one, an invisible goal is null, exactly like one that does not exist.
        assert [n["title"] if n else None for n in data["nodes"]] == [
            v if v in titles else None for v in ("PUBLIC", "MANAGER_CHAIN", "PRIVATE")
        ], who


async def test_an_invisible_goal_is_not_found_and_a_visible_one_forbidden_to_others(tenant):
    p = await _org(tenant)
    private, public, chain = [
        await _goal(tenant, p["owner_token"], title=title, visibility=visibility, dueDate=(DUE + timedelta(days=i)).isoformat())
        for i, (title, visibility) in enumerate((("Private", "PRIVATE"), ("Public", "PUBLIC"), ("Chain", "MANAGER_CHAIN")))
    ]

    async def update(goal_id: str, who: str) -> dict:
        return await _mutate(tenant, "updateGoal", "UpdateGoalInput", {"id": goal_id, "title": f"by {who}"},
                             "goal { title }", p[f"{who}_token"])

    assert await update(private, "peer") == {"goal": None, "errors": [
        {"code": "NOT_FOUND", "field": ["input", "id"], "message": "Goal not found"},
    ]}
    assert await update(private, "manager") == {"goal": None, "errors": [  # PRIVATE hides it from the chain too
        {"code": "NOT_FOUND", "field": ["input", "id"], "message": "Goal not found"},
    ]}
    forbidden = await update(public, "peer")
    assert (forbidden["goal"], _codes(forbidden)) == (None, [("FORBIDDEN", None)])
    assert await update(chain, "boss") == {"goal": {"title": "by boss"}, "errors": []}
    assert await update(public, "hr") == {"goal": {"title": "by hr"}, "errors": []}
    assert await _titles(tenant, p["owner_token"], "{ goals { nodes { title } } }") == ["Private", "by hr", "by boss"]


async def test_a_manager_sets_a_goal_for_a_report_but_a_peer_cannot(tenant):
    p = await _org(tenant)
    made = await _create(tenant, p["manager_token"], "goal { owner { name } }", ownerId=p["owner"])
    assert made == {"goal": {"owner": {"name": "OWNER"}}, "errors": []}
    refused = await _create(tenant, p["peer_token"], ownerId=p["owner"])
    assert _codes(refused) == [("FORBIDDEN", ["input", "ownerId"])]
    assert await _titles(tenant, p["hr_token"], "{ goals { nodes { title } } }") == ["Grow"]


async def test_department_goals_belong_to_department_heads(tenant):
    p = await _org(tenant)
    dept = {"scope": "DEPARTMENT", "departmentId": p["eng"]}
    made = await _create(tenant, p["manager_token"], "goal { scope department { name } owner { name } }", **dept)
    assert made == {"goal": {"scope": "DEPARTMENT", "department": {"name": "Engineering"}, "owner": {"name": "MANAGER"}},
                    "errors": []}
    assert _codes(await _create(tenant, p["owner_token"], **dept)) == [("INVALID", ["input", "ownerId"])]
    assert _codes(await _create(tenant, p["manager_token"], scope="DEPARTMENT")) == [
        ("REQUIRED", ["input", "departmentId"]),
    ]


# --- alignment ---------------------------------------------------------------------------------


async def test_goals_align_into_a_tree_without_cycles(tenant):
    p = await _org(tenant)
    hr = p["hr_token"]
    company = await _goal(tenant, hr, title="Company", scope="COMPANY", visibility="PUBLIC")
    dept = await _goal(tenant, hr, title="Dept", scope="DEPARTMENT", departmentId=p["eng"], parentId=company,
                       visibility="PUBLIC")
    team = await _goal(tenant, p["manager_token"], title="Team", scope="TEAM", parentId=dept, visibility="PUBLIC")
    mine = await _goal(tenant, p["owner_token"], title="Mine", parentId=team, visibility="PUBLIC",
                       dueDate=(DUE - timedelta(days=1)).isoformat())  # due before its sibling below

    async def set_parent(goal_id: str, parent_id: str | None, token: str = hr) -> dict:
        return await _mutate(tenant, "setGoalParent", "SetGoalParentInput", {"goalId": goal_id, "parentId": parent_id},
                             "goal { parent { title } }", token)

    assert await set_parent(team, team) == {"goal": None, "errors": [{
        "code": "CYCLE", "field": ["input", "parentId"],
        "message": "A goal cannot align under itself or a goal aligned under it",
    }]}
    # Under its own great-grandchild: the narrower scope is refused before the cycle is even looked for.
    assert _codes(await set_parent(company, mine)) == [("INVALID", ["input", "parentId"])]
    other_team = await _goal(tenant, hr, title="Other team", scope="TEAM", parentId=team, visibility="PUBLIC")
    assert _codes(await set_parent(team, other_team)) == [("CYCLE", ["input", "parentId"])]

    tree = await tenant.gql(
        """query($id: ID!) { goalTree(rootId: $id) { depth goal { title parent { title } } } }""",
        {"id": company}, token=p["peer_token"],
    )
    assert [(n["depth"], n["goal"]["title"], (n["goal"]["parent"] or {}).get("title")) for n in tree.data["goalTree"]] == [
        (0, "Company", None), (1, "Dept", "Company"), (2, "Team", "Dept"), (3, "Mine", "Team"), (3, "Other team", "Team"),
    ]
    path = await tenant.gql(
        """query($id: ID!) { goal(id: $id) { alignmentPath { title } children { title } } }""", {"id": team},
        token=p["peer_token"],
    )
    assert path.data["goal"] == {
        "alignmentPath": [{"title": "Company"}, {"title": "Dept"}, {"title": "Team"}],
        "children": [{"title": "Mine"}, {"title": "Other team"}],
    }
    assert await set_parent(mine, None, p["owner_token"]) == {"goal": {"parent": None}, "errors": []}


async def test_a_parent_in_another_tenant_or_out_of_sight_is_not_found(tenant, other_tenant):
    p = await _org(tenant)
    foreign = await _goal(other_tenant, other_tenant.admin_token, title="Theirs", scope="COMPANY", visibility="PUBLIC")
    hidden = await _goal(tenant, p["manager_token"], title="Hidden", visibility="PRIVATE", scope="TEAM")
    for parent in (foreign, hidden):
        refused = await _create(tenant, p["owner_token"], parentId=parent)
        assert refused == {"goal": None, "errors": [
            {"code": "NOT_FOUND", "field": ["input", "parentId"], "message": "Goal not found"},
        ]}
    assert await _titles(tenant, p["hr_token"], "{ goals { nodes { title } } }") == ["Hidden"]
    tree = await tenant.gql("query($id: ID!) { goalTree(rootId: $id) { depth } }", {"id": foreign})
    assert tree.data == {"goalTree": None}


# --- the state machine --------------------------------------------------------------------------


async def test_goals_move_through_the_state_machine_only_by_legal_steps(tenant):
    p = await _org(tenant)
    token = p["owner_token"]
    draft = await _goal(tenant, token, status="DRAFT", metric=None)

    async def move(field: str, goal_id: str) -> dict:
        return await _mutate(tenant, field, "GoalIdInput", {"id": goal_id}, "goal { status completedOn }", token)

    assert await move("completeGoal", draft) == {"goal": None, "errors": [
        {"code": "INVALID_STATE", "field": ["input", "id"], "message": "A DRAFT goal cannot become COMPLETED"},
    ]}
    assert _codes(await move("activateGoal", draft)) == [("INVALID", ["input", "id"])]  # nothing to measure yet
    updated = await _mutate(tenant, "updateGoal", "UpdateGoalInput", {"id": draft, "metric": METRIC},
                            "goal { metric { target } }", token)
    assert updated == {"goal": {"metric": {"target": 52}}, "errors": []}
    assert await move("activateGoal", draft) == {"goal": {"status": "ACTIVE", "completedOn": None}, "errors": []}
    assert await move("activateGoal", draft) == {"goal": None, "errors": [
        {"code": "INVALID_STATE", "field": ["input", "id"], "message": "A ACTIVE goal cannot become ACTIVE"},
    ]}
    assert await move("cancelGoal", draft) == {"goal": {"status": "CANCELLED", "completedOn": None}, "errors": []}
    for field in ("activateGoal", "completeGoal", "cancelGoal"):
        assert _codes(await move(field, draft)) == [("INVALID_STATE", ["input", "id"])]
    check_in = await _mutate(tenant, "checkInGoal", "CheckInGoalInput",
                             {"goalId": draft, "value": 45, "confidence": "ON_TRACK"}, "checkIn { value }", token)
    assert check_in == {"checkIn": None, "errors": [
        {"code": "INVALID_STATE", "field": ["input", "goalId"], "message": "A CANCELLED goal takes no check-ins"},
    ]}
    state = await tenant.gql("query($id: ID!) { goal(id: $id) { status metric { current } checkIns { edges { cursor } } } }",
                             {"id": draft}, token=token)
    assert state.data["goal"] == {"status": "CANCELLED", "metric": {"current": None}, "checkIns": {"edges": []}}


# --- bad input ------------------------------------------------------------------------------------

BAD_GOALS = [
    ({"title": ""}, ("REQUIRED", ["input", "title"])),
    ({"title": "x" * 201}, ("TOO_LONG", ["input", "title"])),
    ({"dueDate": (START - timedelta(days=1)).isoformat()}, ("INVALID", ["input", "dueDate"])),
    ({"weight": 101}, ("INVALID", ["input", "weight"])),
    ({"weight": -0.5}, ("INVALID", ["input", "weight"])),
    ({"metric": {**METRIC, "relativeChangePercent": None, "target": 40}}, ("INVALID", ["input", "metric", "target"])),
    ({"metric": {**METRIC, "relativeChangePercent": None, "target": 30, "direction": "INCREASE"}},
     ("INVALID", ["input", "metric", "direction"])),
    ({"metric": {**METRIC, "unit": None}}, ("REQUIRED", ["input", "metric", "unit"])),
    ({"metric": {**METRIC, "target": 55}}, ("INVALID", ["input", "metric", "target"])),  # 30% up from 40 is 52
    ({"metric": None, "keyResults": [
        {"name": "a", "unit": "x", "target": 1, "weight": 60}, {"name": "b", "unit": "x", "target": 1, "weight": 30},
    ]}, ("INVALID", ["input", "keyResults"])),
    ({"metric": None, "keyResults": [{"name": "a", "unit": "x", "target": 1, "weight": 160}]},
     ("INVALID", ["input", "keyResults", "0", "weight"])),
    ({"metric": None}, ("REQUIRED", ["input", "metric"])),
]


async def test_bad_goals_are_refused_with_the_exact_code_and_field(tenant):
    p = await _org(tenant)
    for values, expected in BAD_GOALS:
        payload = await _create(tenant, p["owner_token"], **values)
        assert (payload["goal"], _codes(payload)) == (None, [expected]), values
    # Nothing of it was written.
    assert (await tenant.gql("{ goals { totalCount } }")).data == {"goals": {"totalCount": 0}}


async def test_key_results_keep_their_weights_summing_to_100_on_an_active_goal(tenant):
    p = await _org(tenant)
    token = p["owner_token"]
    made = await _create(tenant, token, "goal { id keyResults { id } }", metric=None, keyResults=[
        {"name": "Survey reach", "unit": "%", "baseline": 50, "target": 90, "weight": 50},
        {"name": "Open questions answered", "unit": "answers", "baseline": 0, "target": 40, "weight": 50},
    ])
    goal_id, (reach, answers) = made["goal"]["id"], [kr["id"] for kr in made["goal"]["keyResults"]]
    added = await _mutate(tenant, "addKeyResult", "AddKeyResultInput",
                          {"goalId": goal_id, "name": "Managers trained", "unit": "people", "target": 10, "weight": 10},
                          "keyResult { id }", token)
    assert _codes(added) == [("INVALID", ["input", "weight"])]
    added = await _mutate(tenant, "addKeyResult", "AddKeyResultInput",
                          {"goalId": goal_id, "name": "Managers trained", "unit": "people", "target": 10, "weight": 0},
                          "keyResult { id name weight } goal { keyResults { name } }", token)
    assert added["errors"] == []
    trained = added["keyResult"]["id"]
    assert [kr["name"] for kr in added["goal"]["keyResults"]] == ["Survey reach", "Open questions answered", "Managers trained"]
    unbalanced = await _mutate(tenant, "setKeyResultWeights", "SetKeyResultWeightsInput",
                               {"goalId": goal_id, "weights": [{"keyResultId": trained, "weight": 20}]}, "goal { id }", token)
    assert unbalanced["errors"] == [{"code": "INVALID", "field": ["input", "weights"],
                                     "message": "Key-result weights must sum to 100 (they sum to 120)"}]
    balanced = await _mutate(tenant, "setKeyResultWeights", "SetKeyResultWeightsInput", {"goalId": goal_id, "weights": [
        {"keyResultId": reach, "weight": 40}, {"keyResultId": answers, "weight": 40}, {"keyResultId": trained, "weight": 20},
    ]}, "goal { keyResults { weight } }", token)
    assert balanced == {"goal": {"keyResults": [{"weight": 40}, {"weight": 40}, {"weight": 20}]}, "errors": []}

    for key_result, value in ((reach, 70), (trained, 10)):
        checked = await _mutate(tenant, "checkInGoal", "CheckInGoalInput", {
            "goalId": goal_id, "keyResultId": key_result, "value": value, "confidence": "ON_TRACK",
        }, "checkIn { keyResult { name } }", token)
        assert checked["errors"] == []
    progress = await tenant.gql("query($id: ID!) { goal(id: $id) { progress { value explanation } keyResults { current progress { value } } } }",
                                {"id": goal_id}, token=token)
    assert progress.data["goal"] == {
        "progress": {"value": 0.4, "explanation": (
            "weighted key results = 0.4: Survey reach: (70 - 50) / (90 - 50) = 0.5 x 40%; "
            "Open questions answered: (0 - 0) / (40 - 0) = 0 x 40%; Managers trained: (10 - 0) / (10 - 0) = 1 x 20%"
        )},
        "keyResults": [
            {"current": 70, "progress": {"value": 0.5}}, {"current": None, "progress": {"value": 0}},
            {"current": 10, "progress": {"value": 1}},
        ],
    }
    removed = await _mutate(tenant, "removeKeyResult", "KeyResultIdInput", {"id": answers}, "goal { id }", token)
    assert _codes(removed) == [("INVALID", ["input", "id"])]  # 40 + 20 is no longer 100
    changed = await _mutate(tenant, "updateKeyResult", "UpdateKeyResultInput",
                            {"id": reach, "baseline": 60, "target": 60}, "keyResult { baseline }", token)
    assert changed["errors"] == [{"code": "INVALID", "field": ["input", "target"], "message": "target must differ from baseline"}]
    no_key_result = await _mutate(tenant, "checkInGoal", "CheckInGoalInput",
                                  {"goalId": goal_id, "value": 1, "confidence": "ON_TRACK"}, "checkIn { id }", token)
    assert _codes(no_key_result) == [("REQUIRED", ["input", "keyResultId"])]


async def test_leadership_goals_link_active_competencies(tenant):
    p = await _org(tenant)
    created = await tenant.gql(
        """mutation { a: createCompetency(input: {name: "Coaching", category: "LEADERSHIP"}) { competency { id } errors { code } }
                      b: createCompetency(input: {name: "Old ways", category: "CORE"}) { competency { id } errors { code } } }"""
    )
    coaching, old = created.data["a"]["competency"]["id"], created.data["b"]["competency"]["id"]
    archived = await _mutate(tenant, "archiveCompetency", "ArchiveCompetencyInput", {"id": old}, "competency { id }")
    assert archived["errors"] == []
    leadership = await _goal(tenant, p["manager_token"], kind="LEADERSHIP")
    performance = await _goal(tenant, p["manager_token"])

    async def link(goal_id: str, ids: list[str]) -> dict:
        return await _mutate(tenant, "linkGoalCompetencies", "LinkGoalCompetenciesInput",
                             {"goalId": goal_id, "competencyIds": ids}, "goal { competencies { name } }", p["manager_token"])

    assert await link(leadership, [coaching]) == {"goal": {"competencies": [{"name": "Coaching"}]}, "errors": []}
    assert _codes(await link(leadership, [coaching, old])) == [("INVALID_STATE", ["input", "competencyIds", "1"])]
    assert _codes(await link(performance, [coaching])) == [("INVALID", ["input", "competencyIds"])]
    assert _codes(await link(leadership, ["not-an-id"])) == [("NOT_FOUND", ["input", "competencyIds", "0"])]
    still = await tenant.gql("query($id: ID!) { goal(id: $id) { competencies { name } } }", {"id": leadership})
    assert still.data["goal"] == {"competencies": [{"name": "Coaching"}]}


# --- lists: filters, cursors, history ----------------------------------------------------------


async def test_goals_page_by_due_date_and_filter_by_derived_health(tenant):
    p = await _org(tenant)
    token = p["owner_token"]
    for i in range(5):
        await _goal(tenant, token, title=f"g{i}", dueDate=(DUE + timedelta(days=i)).isoformat())
    behind = await _goal(tenant, token, title="behind", startDate=(TODAY - timedelta(days=100)).isoformat(),
                         dueDate=(TODAY + timedelta(days=10)).isoformat())
    await _goal(tenant, token, title="later", status="DRAFT", metric=None, dueDate=(DUE + timedelta(days=30)).isoformat())
    page = "query($after: String) { goals(first: 3, after: $after) { pageInfo { hasNextPage endCursor } nodes { title } } }"
    first = (await tenant.gql(page, {"after": None}, token=token)).data["goals"]
    second = (await tenant.gql(page, {"after": first["pageInfo"]["endCursor"]}, token=token)).data["goals"]
    third = (await tenant.gql(page, {"after": second["pageInfo"]["endCursor"]}, token=token)).data["goals"]
    assert [[g["title"] for g in x["nodes"]] for x in (first, second, third)] == [
        ["behind", "g0", "g1"], ["g2", "g3", "g4"], ["later"],
    ]
    assert [x["pageInfo"]["hasNextPage"] for x in (first, second, third)] == [True, True, False]

    filtered = """query($f: GoalFilterInput) { goals(filter: $f) { totalCount nodes { title health { status } } } }"""
    off = (await tenant.gql(filtered, {"f": {"health": "OFF_TRACK"}}, token=token)).data["goals"]
    assert off == {"totalCount": None, "nodes": [{"title": "behind", "health": {"status": "OFF_TRACK"}}]}
    not_started = (await tenant.gql(filtered, {"f": {"health": "NOT_STARTED", "status": "DRAFT"}}, token=token)).data
    assert [g["title"] for g in not_started["goals"]["nodes"]] == ["later"]
    soon = (await tenant.gql(filtered, {"f": {"dueBefore": DUE.isoformat()}}, token=token)).data
    assert [g["title"] for g in soon["goals"]["nodes"]] == ["behind"]
    # Catching up changes the derived health, and with it what the filter finds.
    await _mutate(tenant, "checkInGoal", "CheckInGoalInput", {"goalId": behind, "value": 50, "confidence": "ON_TRACK"},
                  "checkIn { id }", token)
    off = (await tenant.gql(filtered, {"f": {"health": "OFF_TRACK"}}, token=token)).data["goals"]
    assert off == {"totalCount": None, "nodes": []}


async def test_check_in_history_pages_newest_first(tenant):
    p = await _org(tenant)
    token = p["owner_token"]
    goal_id = await _goal(tenant, token)
    for value in (41, 42, 43, 44, 45):
        await _mutate(tenant, "checkInGoal", "CheckInGoalInput",
                      {"goalId": goal_id, "value": value, "confidence": "ON_TRACK"}, "checkIn { id }", token)
    query = """query($id: ID!, $after: String) { goal(id: $id) {
      checkIns(first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { value } } } }"""
    values, after = [], None
    while True:
        page = (await tenant.gql(query, {"id": goal_id, "after": after}, token=token)).data["goal"]["checkIns"]
        values.append([n["value"] for n in page["nodes"]])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert values == [[45, 44], [43, 42], [41]]
    bad = await tenant.gql(query, {"id": goal_id, "after": "bm90LWEtY3Vyc29y"}, token=token)
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in bad.errors] == [("INVALID", ["after"])]


# --- the statement budget ------------------------------------------------------------------------

PAGE = """query($first: Int!) { goals(first: $first) { edges { node {
  id title owner { name } parent { title } keyResults { name current weight progress { value } }
  latestCheckIn { value confidence } progress { value explanation } health { status explanation }
} } } }"""


async def _many(tenant, token: str, field: str, input_type: str, inputs: list[dict]) -> None:
    """Up to 15 mutations per request (the alias limit), so setting up 110 goals stays quick."""
    for start in range(0, len(inputs), 15):
        chunk = inputs[start:start + 15]
        params = ", ".join(f"$i{n}: {input_type}!" for n in range(len(chunk)))
        body = " ".join(f"m{n}: {field}(input: $i{n}) {{ errors {{ code field }} }}" for n in range(len(chunk)))
        result = await tenant.gql(f"mutation({params}) {{ {body} }}", {f"i{n}": v for n, v in enumerate(chunk)}, token=token)
        assert all(payload["errors"] == [] for payload in result.data.values()), result.data


async def test_a_page_of_100_goals_with_relations_runs_a_constant_number_of_statements(tenant):
    p = await _org(tenant)
    token = p["hr_token"]
    parent = await _goal(tenant, token, title="Company", scope="COMPANY", visibility="PUBLIC",
                         dueDate=(DUE + timedelta(days=400)).isoformat())
    key_results = [{"name": "a", "unit": "x", "target": 10, "weight": 60}, {"name": "b", "unit": "x", "target": 4, "weight": 40}]
    owners = [p["owner"], p["peer"], p["manager"]]
    await _many(tenant, token, "createGoal", "CreateGoalInput", [
        {"title": f"Goal {i:03}", "status": "ACTIVE", "ownerId": owners[i % 3], "parentId": parent, "visibility": "PUBLIC",
         "startDate": START.isoformat(), "dueDate": (DUE + timedelta(days=i)).isoformat(), "keyResults": key_results}
        for i in range(110)
    ])
    listed = (await tenant.gql("{ goals(first: 100) { nodes { id keyResults { id } } } }", token=token)).data
    await _many(tenant, token, "checkInGoal", "CheckInGoalInput", [
        {"goalId": g["id"], "keyResultId": g["keyResults"][0]["id"], "value": i % 11, "confidence": "AT_RISK"}
        for i, g in enumerate(listed["goals"]["nodes"])
    ])

    await tenant.gql("{ viewer { roles } }", token=p["peer_token"])  # the first sign-in binds the identity: not counted
    counts = {}
    for first in (3, 10, 100):
        result = await tenant.gql(PAGE, {"first": first}, token=p["peer_token"])
        edges = result.data["goals"]["edges"]
        assert len(edges) == first
        assert all(e["node"]["parent"] == {"title": "Company"} and len(e["node"]["keyResults"]) == 2 for e in edges)
        assert all(e["node"]["latestCheckIn"]["confidence"] == "AT_RISK" for e in edges)
        counts[first] = result.sql_statements
    # auth (registry, binding, principal), the page, owners, parents, key results, latest check-ins
    assert counts[3] == counts[10] == counts[100] == 8, counts
    sample = result.data["goals"]["edges"][5]["node"]
    assert (sample["progress"]["value"], sample["health"]["status"]) == (0.3, "AT_RISK")  # 5/10 of 60%
