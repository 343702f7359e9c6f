"""Continuous feedback over HTTP: visibility per role, the request flow (inbox, answer,
decline, overdue), bad input with exact codes and fields, and the statement budget.

Each test builds one tenant with one importEmployees call: skip > manager > (ana, ben);
cy (a peer, outside ana's chain) and hr (an HR admin) report to nobody.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from tests.api.test_cross_tenant import gid, raw_uuid

ERRORS = "errors { code field message }"
FEEDBACK = "id body kind visibility giver { name } receiver { name } competencies { name } request { question }"
GIVE = f"mutation($input: GiveFeedbackInput!) {{ giveFeedback(input: $input) {{ feedback {{ {FEEDBACK} }} {ERRORS} }} }}"
REQUEST = f"""mutation($input: RequestFeedbackInput!) {{ requestFeedback(input: $input) {{
  feedbackRequest {{ id question dueDate visibility about {{ name }} requestedBy {{ name }} myStatus overdue
    asked {{ employee {{ name }} status }} }} {ERRORS} }} }}"""
RESPOND = f"""mutation($input: RespondToFeedbackRequestInput!) {{ respondToFeedbackRequest(input: $input) {{
  feedback {{ {FEEDBACK} }} feedbackRequest {{ myStatus }} {ERRORS} }} }}"""
DECLINE = f"""mutation($input: DeclineFeedbackRequestInput!) {{ declineFeedbackRequest(input: $input) {{
  feedbackRequest {{ id myStatus }} {ERRORS} }} }}"""
INBOX = """{ viewer { feedbackInbox { openCount overdueCount
  requests(first: 20) { nodes { id question dueDate overdue myStatus about { name } requestedBy { name } asked { status } } }
  sent(first: 20) { nodes { question asked { employee { name } status declineReason feedback { body } } } } } } }"""
LISTS = """query($id: ID!) { employee(id: $id) {
  feedbackReceived(first: 20) { nodes { body } } feedbackGiven(first: 20) { nodes { body } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Feedback { body } ... on FeedbackRequest { question } } }"
PEOPLE = ("skip", "manager", "ana", "ben", "cy", "hr")


async def _org(tenant) -> dict[str, str]:
    """Global IDs by key, competencies "coaching" and "archived", and "<key>_token" for each person."""
    layout = {"skip": None, "manager": "skip", "ana": "manager", "ben": "manager", "cy": None, "hr": None}
    rows = [
        {"email": f"{key}@{tenant.slug}.test", "name": key.capitalize(),
         "managerEmail": f"{boss}@{tenant.slug}.test" if boss else None, "roles": ["HR_ADMIN"] if key == "hr" else None}
        for key, boss in layout.items()
    ]
    ids = {p["email"].split("@")[0]: p["id"] for p in await tenant.import_rows(rows)}
    for key in PEOPLE:
        ids[f"{key}_token"] = tenant.token_for(f"{key}@{tenant.slug}.test")
    made = await tenant.gql("""mutation {
      a: createCompetency(input: {name: "Coaching", category: "LEADERSHIP"}) { competency { id } errors { code } }
      b: createCompetency(input: {name: "Archived", category: "CORE"}) { competency { id } errors { code } } }""")
    ids["coaching"] = made.data["a"]["competency"]["id"]
    ids["archived"] = made.data["b"]["competency"]["id"]
    archived = await tenant.gql(
        "mutation($id: ID!) { archiveCompetency(input: {id: $id}) { errors { code } } }", {"id": ids["archived"]}
    )
    assert archived.data["archiveCompetency"]["errors"] == []
    return ids


async def _give(tenant, token: str, to: str, body: str, visibility: str = "PRIVATE", **values) -> dict:
    payload = {"toEmployeeId": to, "body": body, "kind": values.pop("kind", "PRAISE"), "visibility": visibility, **values}
    return (await tenant.gql(GIVE, {"input": payload}, token=token)).data["giveFeedback"]


async def _given(tenant, token: str, to: str, body: str, visibility: str = "PRIVATE", **values) -> dict:
    payload = await _give(tenant, token, to, body, visibility, **values)
    assert payload["errors"] == [], payload
    return payload["feedback"]


async def _ask(tenant, token: str, about: str, asked: list[str], **values) -> dict:
    payload = {"fromEmployeeIds": asked, "aboutEmployeeId": about, "question": values.pop("question", "How was the demo?"),
               "dueDate": values.pop("dueDate", "2099-01-01"), **values}
    return (await tenant.gql(REQUEST, {"input": payload}, token=token)).data["requestFeedback"]


async def _bodies(tenant, token: str, employee: str) -> tuple[list[str], list[str]]:
    found = (await tenant.gql(LISTS, {"id": employee}, token=token)).data["employee"]
    return [n["body"] for n in found["feedbackReceived"]["nodes"]], [n["body"] for n in found["feedbackGiven"]["nodes"]]


# --- visibility per role ------------------------------------------------------------------------

SEES = {  # who sees ben's feedback to ana, by visibility
    "ben": {"private", "managers", "public"},  # the giver
    "ana": {"private", "managers", "public"},  # the receiver
    "manager": {"managers", "public"},  # the receiver's manager
    "skip": {"managers", "public"},  # the receiver's skip-level manager
    "cy": {"public"},  # a peer
    "hr": {"public"},  # an HR admin outside the chain: no extra sight (see domain/feedback/policy.py)
}


async def test_feedback_visibility_per_role_in_lists_and_by_node(tenant):
    p = await _org(tenant)
    made = {
        body: await _given(tenant, p["ben_token"], p["ana"], body, visibility)
        for body, visibility in (("private", "PRIVATE"), ("managers", "MANAGER_VISIBLE"), ("public", "PUBLIC"))
    }
    assert made["managers"]["giver"] == {"name": "Ben"} and made["managers"]["receiver"] == {"name": "Ana"}
    for who, expected in SEES.items():
        token = p[f"{who}_token"]
        received, _ = await _bodies(tenant, token, p["ana"])
        _, given = await _bodies(tenant, token, p["ben"])
        # Newest first, and the same set whichever list or path shows it.
        assert received == given == [b for b in ("public", "managers", "private") if b in expected], who
        nodes = await asyncio.gather(*(tenant.gql(NODE, {"id": f["id"]}, token=token) for f in made.values()))
        assert {n.data["node"]["body"] for n in nodes if n.data["node"]} == expected, who


async def test_a_hidden_feedback_id_reads_like_a_missing_one(tenant):
    p = await _org(tenant)
    private = await _given(tenant, p["ben_token"], p["ana"], "just us")
    hidden = await tenant.gql(NODE, {"id": private["id"]}, token=p["cy_token"])
    missing = await tenant.gql(NODE, {"id": gid("Feedback", "00000000-0000-0000-0000-000000000001")}, token=p["cy_token"])
    assert hidden.body == missing.body == {"data": {"node": None}}


# --- the request flow -----------------------------------------------------------------------------


async def test_a_manager_asks_two_people_one_answers_one_declines_and_each_sees_their_part(tenant):
    p = await _org(tenant)
    asked = await _ask(tenant, p["manager_token"], p["ana"], [p["ben"], p["cy"]], question="How did Ana lead the demo?")
    assert asked["errors"] == []
    request = asked["feedbackRequest"]
    assert (request["about"], request["requestedBy"], request["visibility"], request["myStatus"], request["overdue"]) == (
        {"name": "Ana"}, {"name": "Manager"}, "MANAGER_VISIBLE", None, False,
    )
    assert sorted((a["employee"]["name"], a["status"]) for a in request["asked"]) == [("Ben", "OPEN"), ("Cy", "OPEN")]

    for who in ("ben", "cy"):
        inbox = (await tenant.gql(INBOX, token=p[f"{who}_token"])).data["viewer"]["feedbackInbox"]
        assert (inbox["openCount"], inbox["overdueCount"]) == (1, 0)
        (item,) = inbox["requests"]["nodes"]
        # An asked person sees the question and their own part, never who else was asked.
        assert (item["id"], item["question"], item["myStatus"], item["asked"], item["about"]) == (
            request["id"], "How did Ana lead the demo?", "OPEN", None, {"name": "Ana"},
        )
    answered = (await tenant.gql(RESPOND, {"input": {"requestId": request["id"], "body": "Calm and clear.",
                                                     "competencyIds": [p["coaching"]]}}, token=p["ben_token"])).data
    payload = answered["respondToFeedbackRequest"]
    assert payload["errors"] == []
    assert payload["feedbackRequest"] == {"myStatus": "ANSWERED"}
    assert {k: payload["feedback"][k] for k in ("body", "kind", "visibility", "giver", "receiver", "competencies", "request")} == {
        "body": "Calm and clear.", "kind": "COACHING", "visibility": "MANAGER_VISIBLE", "giver": {"name": "Ben"},
        "receiver": {"name": "Ana"}, "competencies": [{"name": "Coaching"}],
        "request": {"question": "How did Ana lead the demo?"},
    }
    declined = (await tenant.gql(DECLINE, {"input": {"requestId": request["id"], "reason": "Was not there"}},
                                 token=p["cy_token"])).data["declineFeedbackRequest"]
    assert declined == {"feedbackRequest": {"id": request["id"], "myStatus": "DECLINED"}, "errors": []}

    for who in ("ben", "cy"):
        inbox = (await tenant.gql(INBOX, token=p[f"{who}_token"])).data["viewer"]["feedbackInbox"]
        assert (inbox["openCount"], inbox["requests"]["nodes"]) == (0, [])
    sent = (await tenant.gql(INBOX, token=p["manager_token"])).data["viewer"]["feedbackInbox"]["sent"]["nodes"]
    assert [sorted(((a["employee"]["name"], a["status"], a["declineReason"], a["feedback"]) for a in s["asked"]),
                   key=lambda row: row[0]) for s in sent] == [[
        ("Ben", "ANSWERED", None, {"body": "Calm and clear."}), ("Cy", "DECLINED", "Was not there", None),
    ]]
    # The answer is feedback about ana from ben: ana and her managers see it; the request stays the requester's.
    assert (await _bodies(tenant, p["ana_token"], p["ana"]))[0] == ["Calm and clear."]
    assert (await _bodies(tenant, p["skip_token"], p["ana"]))[0] == ["Calm and clear."]
    assert (await _bodies(tenant, p["cy_token"], p["ana"]))[0] == []
    seen_by_ana = (await tenant.gql(NODE, {"id": request["id"]}, token=p["ana_token"])).data["node"]
    assert seen_by_ana is None


async def test_answering_twice_or_after_declining_is_invalid_state_and_changes_nothing(tenant):
    p = await _org(tenant)
    request = (await _ask(tenant, p["ana_token"], p["ana"], [p["ben"], p["cy"]], visibility="PRIVATE"))["feedbackRequest"]
    first = await tenant.gql(RESPOND, {"input": {"requestId": request["id"], "body": "Good."}}, token=p["ben_token"])
    assert first.data["respondToFeedbackRequest"]["feedback"]["visibility"] == "PRIVATE"
    await tenant.gql(DECLINE, {"input": {"requestId": request["id"]}}, token=p["cy_token"])
    before = await _bodies(tenant, p["ana_token"], p["ana"])
    again = {"input": {"requestId": request["id"], "body": "Again."}}
    twice = (await tenant.gql(RESPOND, again, token=p["ben_token"])).data["respondToFeedbackRequest"]
    after_decline = (await tenant.gql(RESPOND, again, token=p["cy_token"])).data["respondToFeedbackRequest"]
    assert twice == {"feedback": None, "feedbackRequest": None, "errors": [
        {"code": "INVALID_STATE", "field": ["input", "requestId"], "message": "You already answered this request"}]}
    assert after_decline["errors"] == [
        {"code": "INVALID_STATE", "field": ["input", "requestId"], "message": "You declined this request"}]
    assert await _bodies(tenant, p["ana_token"], p["ana"]) == before == (["Good."], [])


async def test_an_overdue_request_shows_as_overdue_to_the_asked_and_the_requester(tenant, engines):
    p = await _org(tenant)
    request = (await _ask(tenant, p["manager_token"], p["ana"], [p["ben"]]))["feedbackRequest"]
    # A due date cannot be set in the past through the API; move it as time would.
    owner, _ = engines
    async with owner.begin() as conn:
        await conn.execute(text("UPDATE feedback_requests SET due_date = current_date - 2 WHERE id = :id"),
                           {"id": raw_uuid(request["id"])})
    inbox = (await tenant.gql(INBOX, token=p["ben_token"])).data["viewer"]["feedbackInbox"]
    assert (inbox["openCount"], inbox["overdueCount"], inbox["requests"]["nodes"][0]["overdue"]) == (1, 1, True)
    mine = (await tenant.gql(NODE.replace("question }", "question overdue }"), {"id": request["id"]},
                             token=p["manager_token"])).data["node"]
    assert mine["overdue"] is True
    # Answering late is still answering; then nothing is overdue.
    late = await tenant.gql(RESPOND, {"input": {"requestId": request["id"], "body": "Late, sorry."}}, token=p["ben_token"])
    assert late.data["respondToFeedbackRequest"]["errors"] == []
    inbox = (await tenant.gql(INBOX, token=p["ben_token"])).data["viewer"]["feedbackInbox"]
    assert (inbox["openCount"], inbox["overdueCount"]) == (0, 0)


# --- bad input ---------------------------------------------------------------------------------------


async def test_bad_feedback_input_names_the_field_and_writes_nothing(tenant):
    p = await _org(tenant)
    before = await _bodies(tenant, p["ana_token"], p["ana"])
    cases = [
        ({"to": p["ana"], "body": "me"}, "INVALID", ["input", "toEmployeeId"], "You cannot give feedback to yourself"),
        ({"to": p["ben"], "body": "  "}, "REQUIRED", ["input", "body"], "body must not be blank"),
        ({"to": p["ben"], "body": "x" * 5001}, "TOO_LONG", ["input", "body"], "body must be at most 5,000 characters"),
        ({"to": p["ben"], "body": "ok", "competencyIds": [p["coaching"], p["archived"]]},
         "INVALID_STATE", ["input", "competencyIds", "1"], "Archived is archived"),
        ({"to": p["ben"], "body": "ok", "competencyIds": [p["ben"]]},
         "NOT_FOUND", ["input", "competencyIds", "0"], "Competency not found"),
        ({"to": p["coaching"], "body": "ok"}, "NOT_FOUND", ["input", "toEmployeeId"], "Employee not found"),
    ]
    for case, code, field, message in cases:
        extra = {"competencyIds": case["competencyIds"]} if "competencyIds" in case else {}
        payload = await _give(tenant, p["ana_token"], case["to"], case["body"], "PUBLIC", **extra)
        assert payload == {"feedback": None, "errors": [{"code": code, "field": field, "message": message}]}, case
    assert await _bodies(tenant, p["ana_token"], p["ana"]) == before == ([], [])
    assert (await _bodies(tenant, p["ana_token"], p["ben"]))[0] == []


async def test_bad_request_input_names_the_field_and_asks_nobody(tenant):
    p = await _org(tenant)
    cases = [
        (p["cy_token"], p["ana"], [p["ben"]], {}, "FORBIDDEN", ["input", "aboutEmployeeId"]),  # a peer
        (p["hr_token"], p["ana"], [p["ben"]], {}, "FORBIDDEN", ["input", "aboutEmployeeId"]),  # HR, outside the chain
        (p["ana_token"], p["manager"], [p["ben"]], {}, "FORBIDDEN", ["input", "aboutEmployeeId"]),  # upward
        (p["manager_token"], p["ana"], [p["ben"], p["ana"]], {}, "INVALID", ["input", "fromEmployeeIds", "1"]),
        (p["manager_token"], p["ana"], [p["ben"], p["ben"]], {}, "DUPLICATE", ["input", "fromEmployeeIds", "1"]),
        (p["manager_token"], p["ana"], [p["ben"], p["coaching"]], {}, "NOT_FOUND", ["input", "fromEmployeeIds", "1"]),
        (p["manager_token"], p["ana"], [], {}, "REQUIRED", ["input", "fromEmployeeIds"]),
        (p["manager_token"], p["ana"], [p["ben"]], {"dueDate": "2000-01-01"}, "INVALID", ["input", "dueDate"]),
        (p["manager_token"], p["ana"], [p["ben"]], {"question": "q" * 1001}, "TOO_LONG", ["input", "question"]),
    ]
    for token, about, asked, values, code, field in cases:
        payload = await _ask(tenant, token, about, asked, **values)
        assert payload["feedbackRequest"] is None and [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    inbox = (await tenant.gql(INBOX, token=p["ben_token"])).data["viewer"]["feedbackInbox"]
    assert (inbox["openCount"], inbox["requests"]["nodes"]) == (0, [])


async def test_only_people_asked_may_answer_or_decline(tenant):
    p = await _org(tenant)
    request = (await _ask(tenant, p["manager_token"], p["ana"], [p["ben"]]))["feedbackRequest"]
    answer = {"input": {"requestId": request["id"], "body": "Hi"}}
    by_requester = (await tenant.gql(RESPOND, answer, token=p["manager_token"])).data["respondToFeedbackRequest"]
    by_stranger = (await tenant.gql(RESPOND, answer, token=p["cy_token"])).data["respondToFeedbackRequest"]
    by_subject = (await tenant.gql(DECLINE, {"input": {"requestId": request["id"]}}, token=p["ana_token"])).data
    assert by_requester["errors"] == [
        {"code": "FORBIDDEN", "field": ["input", "requestId"], "message": "You were not asked in this request"}]
    not_found = [{"code": "NOT_FOUND", "field": ["input", "requestId"], "message": "FeedbackRequest not found"}]
    assert by_stranger["errors"] == by_subject["declineFeedbackRequest"]["errors"] == not_found
    inbox = (await tenant.gql(INBOX, token=p["ben_token"])).data["viewer"]["feedbackInbox"]
    assert inbox["openCount"] == 1 and (await _bodies(tenant, p["ana_token"], p["ana"]))[0] == []


# --- the statement budget ---------------------------------------------------------------------------


async def test_a_page_of_feedback_costs_the_same_statements_for_10_and_50(tenant):
    p = await _org(tenant)
    givers = ("ben", "cy", "manager", "skip")
    for batch in range(4):  # 60 PUBLIC notes to ana, 15 per request (the alias limit)
        fields = " ".join(
            f'g{i}: giveFeedback(input: {{toEmployeeId: "{p["ana"]}", body: "note {batch * 15 + i}", kind: PRAISE, '
            f'visibility: PUBLIC, competencyIds: ["{p["coaching"]}"]}}) {{ errors {{ code }} }}'
            for i in range(15)
        )
        done = await tenant.gql(f"mutation {{ {fields} }}", token=p[f"{givers[batch]}_token"])
        assert all(v["errors"] == [] for v in done.data.values())
    query = f"""query($first: Int) {{ employee(id: "{p['ana']}") {{ feedbackReceived(first: $first) {{
      nodes {{ body kind visibility giver {{ name manager {{ name }} }} receiver {{ name }} competencies {{ name }}
        request {{ question }} }} pageInfo {{ hasNextPage }} }} }} }}"""
    await tenant.gql("{ viewer { roles } }", token=p["hr_token"])  # the first sign-in binds the identity: not counted
    small = await tenant.gql(query, {"first": 10}, token=p["hr_token"])
    large = await tenant.gql(query, {"first": 50}, token=p["hr_token"])
    nodes = large.data["employee"]["feedbackReceived"]["nodes"]
    assert len(nodes) == 50 and nodes[0]["body"] == "note 59" and nodes[-1]["body"] == "note 10"
    assert {n["giver"]["name"] for n in nodes} == {"Ben", "Cy", "Manager", "Skip"}
    assert all(n["competencies"] == [{"name": "Coaching"}] for n in nodes)
    assert small.sql_statements == large.sql_statements, (small.sql_statements, large.sql_statements)
