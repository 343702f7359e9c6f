"""Recognition over HTTP: the feed, PRIVATE visibility per role, filters, reactions and
comments, bad input, competency evidence, and the statement budget of a feed page.

Each test builds one tenant with one importEmployees call:
Engineering > Platform, and Sales. boss > manager > (ana, ben) in Platform (the boss and
the manager in Engineering); cy in Sales; hr is an HR admin in Sales.
"""

from __future__ import annotations

import asyncio
import uuid

from tests.api.test_cross_tenant import gid

ERRORS = "errors { code field message }"
ITEM = """id message kind visibility valueTags giver { name } recipients { name } competencies { name }
  reactionCounts { emoji count } myReactions commentCount latestComments { body author { name } }"""
FEED = f"""query($first: Int, $after: String, $f: RecognitionFeedFilterInput) {{
  recognitionFeed(first: $first, after: $after, filter: $f) {{ totalCount
    edges {{ cursor node {{ {ITEM} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
ONE = f"query($id: ID!) {{ recognition(id: $id) {{ {ITEM} }} }}"
RECOGNIZE = f"mutation($input: RecognizeInput!) {{ recognize(input: $input) {{ recognition {{ {ITEM} }} {ERRORS} }} }}"
REACT = f"""mutation($input: ReactInput!) {{ react(input: $input) {{
  recognition {{ reactionCounts {{ emoji count }} myReactions }} {ERRORS} }} }}"""
UNREACT = REACT.replace("react(input", "unreact(input")
COMMENT = f"""mutation($input: CommentInput!) {{ comment(input: $input) {{
  comment {{ id body canDelete author {{ name }} }} recognition {{ commentCount }} {ERRORS} }} }}"""
DELETE_COMMENT = f"""mutation($input: DeleteCommentInput!) {{ deleteComment(input: $input) {{
  deletedCommentId recognition {{ commentCount }} {ERRORS} }} }}"""
LISTS = """query($id: ID!) { employee(id: $id) {
  recognitionsReceived(first: 20) { nodes { message } } recognitionsGiven(first: 20) { nodes { message } } } }"""
PEOPLE = ("boss", "manager", "ana", "ben", "cy", "hr")


async def _org(tenant) -> dict[str, str]:
    """Global IDs by key, departments "eng", "platform", "sales", competencies "coaching" and
    "archived", and "<key>_token" for each person."""
    eng = await tenant.create_department("Engineering")
    platform = await tenant.create_department("Platform", eng["id"])
    sales = await tenant.create_department("Sales")
    layout = {
        "boss": (None, eng), "manager": ("boss", eng), "ana": ("manager", platform), "ben": ("manager", platform),
        "cy": (None, sales), "hr": (None, sales),
    }
    rows = [
        {"email": f"{key}@{tenant.slug}.test", "name": key.capitalize(), "departmentId": department["id"],
         "managerEmail": f"{boss}@{tenant.slug}.test" if boss else None, "roles": ["HR_ADMIN"] if key == "hr" else None}
        for key, (boss, department) in layout.items()
    ]
    ids = {p["email"].split("@")[0]: p["id"] for p in await tenant.import_rows(rows)}
    ids.update(eng=eng["id"], platform=platform["id"], sales=sales["id"])
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


async def _recognize(tenant, token: str, recipients: list[str], message: str = "Thank you", **values) -> dict:
    payload = (await tenant.gql(RECOGNIZE, {"input": {"recipientIds": recipients, "message": message, **values}}, token=token)).data["recognize"]
    return payload


async def _recognized(tenant, token: str, recipients: list[str], message: str = "Thank you", **values) -> str:
    payload = await _recognize(tenant, token, recipients, message, **values)
    assert payload["errors"] == [], payload
    return payload["recognition"]["id"]


async def _feed(tenant, token: str, **variables) -> dict:
    return (await tenant.gql(FEED, variables, token=token)).data["recognitionFeed"]


async def _messages(tenant, token: str, **variables) -> list[str]:
    return [edge["node"]["message"] for edge in (await _feed(tenant, token, **variables))["edges"]]


async def _mutate(tenant, document: str, field: str, values: dict, token: str) -> dict:
    return (await tenant.gql(document, {"input": values}, token=token)).data[field]


def _codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


# --- recognize and the feed --------------------------------------------------------------------


async def test_a_public_recognition_reaches_everyones_feed_with_its_details(tenant):
    p = await _org(tenant)
    payload = await _recognize(
        tenant, p["ana_token"], [p["ben"], p["cy"], p["ben"]], "  Great demo  ", competencyIds=[p["coaching"]],
        valueTags=["#Customer Focus", "ownership", " Ownership "], kind="LEADERSHIP_ACHIEVEMENT",
    )
    expected = {
        "message": "Great demo", "kind": "LEADERSHIP_ACHIEVEMENT", "visibility": "PUBLIC",
        "valueTags": ["customer-focus", "ownership"], "giver": {"name": "Ana"},
        "recipients": [{"name": "Ben"}, {"name": "Cy"}],  # in the giver's order, named once
        "competencies": [{"name": "Coaching"}], "reactionCounts": [], "myReactions": [], "commentCount": 0,
        "latestComments": [],
    }
    assert payload["errors"] == []
    assert {k: v for k, v in payload["recognition"].items() if k != "id"} == expected
    # Anyone in the tenant, the HR admin and the tenant admin included, reads it in the feed.
    for token in (p["cy_token"], p["hr_token"], p["boss_token"], tenant.admin_token):
        feed = await _feed(tenant, token)
        assert feed["totalCount"] == 1
        assert feed["edges"][0]["node"] == payload["recognition"]
    node = await tenant.gql("query($id: ID!) { node(id: $id) { id ... on Recognition { message } } }",
                            {"id": payload["recognition"]["id"]}, token=p["cy_token"])
    assert node.data["node"] == {"id": payload["recognition"]["id"], "message": "Great demo"}


async def test_a_private_recognition_is_seen_by_the_giver_the_recipient_and_their_managers_only(tenant):
    p = await _org(tenant)
    private = await _recognized(tenant, p["cy_token"], [p["ben"]], "Quietly, thanks", visibility="PRIVATE")
    await _recognized(tenant, p["cy_token"], [p["ben"]], "Loudly, thanks")
    sees = {}
    for key in PEOPLE:
        found = (await tenant.gql(ONE, {"id": private}, token=p[f"{key}_token"])).data["recognition"]
        sees[key] = found is not None
    # Giver (cy), recipient (ben), his manager and skip-level boss; not a peer, not HR.
    assert sees == {"boss": True, "manager": True, "ana": False, "ben": True, "cy": True, "hr": False}
    # The feed is PUBLIC only, even for those who may open the private one.
    for key in ("ben", "cy", "hr"):
        assert await _messages(tenant, p[f"{key}_token"]) == ["Loudly, thanks"]
    # Lists on the employee filter the same way.
    as_ana = (await tenant.gql(LISTS, {"id": p["ben"]}, token=p["ana_token"])).data["employee"]
    assert as_ana["recognitionsReceived"]["nodes"] == [{"message": "Loudly, thanks"}]
    as_manager = (await tenant.gql(LISTS, {"id": p["ben"]}, token=p["manager_token"])).data["employee"]
    assert as_manager["recognitionsReceived"]["nodes"] == [{"message": "Loudly, thanks"}, {"message": "Quietly, thanks"}]
    given = (await tenant.gql(LISTS, {"id": p["cy"]}, token=p["hr_token"])).data["employee"]["recognitionsGiven"]
    assert given["nodes"] == [{"message": "Loudly, thanks"}]
    # Those who cannot see it cannot touch it either: the same NOT_FOUND as for a missing one.
    missing = gid("Recognition", uuid.uuid4())
    for token in (p["ana_token"], p["hr_token"]):
        for target in (private, missing):
            reacted = await _mutate(tenant, REACT, "react", {"recognitionId": target, "emoji": "👏"}, token)
            assert _codes(reacted) == [("NOT_FOUND", ["input", "recognitionId"])]
            commented = await _mutate(tenant, COMMENT, "comment", {"recognitionId": target, "body": "hi"}, token)
            assert _codes(commented) == [("NOT_FOUND", ["input", "recognitionId"])]
    seen = (await tenant.gql(ONE, {"id": private}, token=p["ben_token"])).data["recognition"]
    assert (seen["reactionCounts"], seen["commentCount"]) == ([], 0)


async def test_the_feed_filters_by_department_subtree_competency_and_kind(tenant):
    p = await _org(tenant)
    await _recognized(tenant, p["cy_token"], [p["ana"]], "to platform", competencyIds=[p["coaching"]])
    await _recognized(tenant, p["ana_token"], [p["manager"]], "to engineering", kind="LEADERSHIP_ACHIEVEMENT")
    await _recognized(tenant, p["ana_token"], [p["cy"], p["ben"]], "to sales and platform")
    await _recognized(tenant, p["ben_token"], [p["hr"]], "to sales")
    token = p["hr_token"]
    assert await _messages(tenant, token, f={"departmentId": p["eng"]}) == [
        "to sales and platform", "to engineering", "to platform",
    ]
    assert await _messages(tenant, token, f={"departmentId": p["platform"]}) == ["to sales and platform", "to platform"]
    assert await _messages(tenant, token, f={"departmentId": p["sales"]}) == ["to sales", "to sales and platform"]
    assert await _messages(tenant, token, f={"competencyId": p["coaching"]}) == ["to platform"]
    assert await _messages(tenant, token, f={"kind": "LEADERSHIP_ACHIEVEMENT"}) == ["to engineering"]
    assert await _messages(tenant, token, f={"departmentId": p["eng"], "kind": "KUDOS"}) == [
        "to sales and platform", "to platform",
    ]
    # An ID of another type, or malformed, filters to nothing rather than failing.
    assert await _messages(tenant, token, f={"departmentId": p["coaching"]}) == []
    assert await _messages(tenant, token, f={"competencyId": "not-an-id"}) == []


async def test_the_feed_pages_newest_first_and_a_cursor_resumes_after_new_posts(tenant):
    p = await _org(tenant)
    for i in range(5):
        await _recognized(tenant, p["ana_token"], [p["ben"]], f"post {i}")
    first = await _feed(tenant, p["cy_token"], first=2)
    assert [e["node"]["message"] for e in first["edges"]] == ["post 4", "post 3"]
    assert first["pageInfo"]["hasNextPage"] is True
    await _recognized(tenant, p["ana_token"], [p["ben"]], "post 5")  # keyset: a new post does not shift the pages
    second = await _feed(tenant, p["cy_token"], first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["message"] for e in second["edges"]] == ["post 2", "post 1"]
    third = await _feed(tenant, p["cy_token"], first=2, after=second["pageInfo"]["endCursor"])
    assert [e["node"]["message"] for e in third["edges"]] == ["post 0"]
    assert third["pageInfo"]["hasNextPage"] is False
    bad = await tenant.gql(FEED, {"after": "bm90IGEgY3Vyc29y"}, token=p["cy_token"])
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in bad.errors] == [("INVALID", ["after"])]


# --- reactions and comments ----------------------------------------------------------------


async def test_reactions_are_counted_per_emoji_one_of_each_per_person(tenant):
    p = await _org(tenant)
    target = await _recognized(tenant, p["ana_token"], [p["ben"]])
    for key, emoji in (("ben", "👏"), ("cy", "👏"), ("cy", "🎉"), ("hr", "🚀")):
        reacted = await _mutate(tenant, REACT, "react", {"recognitionId": target, "emoji": emoji}, p[f"{key}_token"])
        assert reacted["errors"] == [], reacted
    assert reacted["recognition"] == {
        "reactionCounts": [{"emoji": "👏", "count": 2}, {"emoji": "🎉", "count": 1}, {"emoji": "🚀", "count": 1}],
        "myReactions": ["🚀"],
    }
    twice = await _mutate(tenant, REACT, "react", {"recognitionId": target, "emoji": "👏"}, p["cy_token"])
    assert (_codes(twice), twice["recognition"]) == ([("DUPLICATE", ["input", "emoji"])], None)
    unknown = await _mutate(tenant, REACT, "react", {"recognitionId": target, "emoji": "💩"}, p["cy_token"])
    assert _codes(unknown) == [("INVALID", ["input", "emoji"])]
    # A heart with the emoji variation selector is still the plain code point.
    taken_back = await _mutate(tenant, UNREACT, "unreact", {"recognitionId": target, "emoji": "👏\ufe0f"}, p["cy_token"])
    assert taken_back["recognition"] == {
        "reactionCounts": [{"emoji": "👏", "count": 1}, {"emoji": "🎉", "count": 1}, {"emoji": "🚀", "count": 1}],
        "myReactions": ["🎉"],
    }
    again = await _mutate(tenant, UNREACT, "unreact", {"recognitionId": target, "emoji": "👏"}, p["cy_token"])
    assert _codes(again) == [("NOT_FOUND", ["input", "emoji"])]
    emojis = (await tenant.gql("{ recognitionEmojis }", token=p["cy_token"])).data["recognitionEmojis"]
    assert emojis[:2] == ["👏", "🎉"] and "💩" not in emojis
    shown = (await tenant.gql(ONE, {"id": target}, token=p["cy_token"])).data["recognition"]
    assert (shown["reactionCounts"], shown["myReactions"]) == (taken_back["recognition"]["reactionCounts"], ["🎉"])


async def test_comments_are_listed_newest_first_and_deleted_by_their_author_or_hr(tenant):
    p = await _org(tenant)
    target = await _recognized(tenant, p["ana_token"], [p["ben"]])
    ids = []
    for i, key in enumerate(("ben", "cy", "boss", "ben")):
        made = await _mutate(tenant, COMMENT, "comment", {"recognitionId": target, "body": f" note {i} "}, p[f"{key}_token"])
        assert made["errors"] == [] and made["comment"]["body"] == f"note {i}" and made["comment"]["canDelete"] is True
        ids.append(made["comment"]["id"])
    assert made["recognition"] == {"commentCount": 4}
    shown = (await tenant.gql(
        """query($id: ID!) { recognition(id: $id) { commentCount latestComments { body author { name } canDelete }
             comments(first: 3) { nodes { body } pageInfo { hasNextPage } } } }""",
        {"id": target}, token=p["cy_token"],
    )).data["recognition"]
    assert shown["commentCount"] == 4
    assert shown["latestComments"] == [
        {"body": "note 3", "author": {"name": "Ben"}, "canDelete": False},
        {"body": "note 2", "author": {"name": "Boss"}, "canDelete": False},
        {"body": "note 1", "author": {"name": "Cy"}, "canDelete": True},
    ]
    assert shown["comments"] == {"nodes": [{"body": "note 3"}, {"body": "note 2"}, {"body": "note 1"}],
                                 "pageInfo": {"hasNextPage": True}}
    for body, code in (("   ", "REQUIRED"), ("x" * 1001, "TOO_LONG"), ("bell\x07", "INVALID")):
        refused = await _mutate(tenant, COMMENT, "comment", {"recognitionId": target, "body": body}, p["cy_token"])
        assert _codes(refused) == [(code, ["input", "body"])]
    not_theirs = await _mutate(tenant, DELETE_COMMENT, "deleteComment", {"id": ids[0]}, p["cy_token"])
    assert (_codes(not_theirs), not_theirs["recognition"]) == ([("FORBIDDEN", ["input", "id"])], None)
    by_author = await _mutate(tenant, DELETE_COMMENT, "deleteComment", {"id": ids[1]}, p["cy_token"])
    assert by_author == {"deletedCommentId": ids[1], "recognition": {"commentCount": 3}, "errors": []}
    by_hr = await _mutate(tenant, DELETE_COMMENT, "deleteComment", {"id": ids[0]}, p["hr_token"])
    assert by_hr == {"deletedCommentId": ids[0], "recognition": {"commentCount": 2}, "errors": []}
    gone = await _mutate(tenant, DELETE_COMMENT, "deleteComment", {"id": ids[0]}, p["hr_token"])
    assert _codes(gone) == [("NOT_FOUND", ["input", "id"])]
    left = (await tenant.gql(ONE, {"id": target}, token=p["ana_token"])).data["recognition"]
    assert [c["body"] for c in left["latestComments"]] == ["note 3", "note 2"]


async def test_hr_cannot_moderate_comments_on_private_recognition_it_cannot_see(tenant):
    p = await _org(tenant)
    private = await _recognized(tenant, p["ana_token"], [p["ben"]], visibility="PRIVATE")
    made = await _mutate(tenant, COMMENT, "comment", {"recognitionId": private, "body": "thanks!"}, p["ben_token"])
    refused = await _mutate(tenant, DELETE_COMMENT, "deleteComment", {"id": made["comment"]["id"]}, p["hr_token"])
    assert _codes(refused) == [("NOT_FOUND", ["input", "id"])]
    kept = (await tenant.gql(ONE, {"id": private}, token=p["ana_token"])).data["recognition"]
    assert kept["commentCount"] == 1


# --- bad input: typed errors, nothing written -----------------------------------------------------


async def test_bad_recognitions_are_typed_errors_and_write_nothing(tenant, other_tenant):
    p = await _org(tenant)
    outsider = (await other_tenant.create_employee())["id"]
    gone = (await tenant.create_employee())["id"]
    left = await tenant.gql(
        "mutation($id: ID!) { terminateEmployee(input: {employeeId: $id}) { errors { code } } }", {"id": gone}
    )
    assert left.data["terminateEmployee"]["errors"] == []
    strangers = [gid("Employee", uuid.uuid4()) for _ in range(21)]
    cases = [
        ({"recipientIds": [p["ben"], p["ana"]]}, ("INVALID", ["input", "recipientIds", "1"])),  # yourself
        ({"recipientIds": []}, ("REQUIRED", ["input", "recipientIds"])),
        ({"recipientIds": strangers}, ("INVALID", ["input", "recipientIds"])),  # 21 people
        ({"recipientIds": [p["ben"], outsider]}, ("NOT_FOUND", ["input", "recipientIds", "1"])),  # another tenant's
        ({"recipientIds": ["not-an-id"]}, ("NOT_FOUND", ["input", "recipientIds", "0"])),
        ({"recipientIds": [p["coaching"]]}, ("NOT_FOUND", ["input", "recipientIds", "0"])),  # not an employee ID
        ({"recipientIds": [gone]}, ("INVALID_STATE", ["input", "recipientIds", "0"])),
        ({"message": " "}, ("REQUIRED", ["input", "message"])),
        ({"message": "x" * 2001}, ("TOO_LONG", ["input", "message"])),
        ({"competencyIds": [p["coaching"], p["archived"]]}, ("INVALID_STATE", ["input", "competencyIds", "1"])),
        ({"competencyIds": [p["ben"]]}, ("NOT_FOUND", ["input", "competencyIds", "0"])),
        ({"valueTags": ["a", "b", "c", "d", "e", "f"]}, ("INVALID", ["input", "valueTags"])),
        ({"valueTags": ["ok", "x" * 31]}, ("TOO_LONG", ["input", "valueTags", "1"])),
        ({"valueTags": ["no/slash"]}, ("INVALID", ["input", "valueTags", "0"])),
        ({"valueTags": ["#"]}, ("REQUIRED", ["input", "valueTags", "0"])),
    ]
    for values, error in cases:
        payload = await _recognize(tenant, p["ana_token"], **{"recipients": [p["ben"]], **_renamed(values)})
        assert (payload["recognition"], _codes(payload)) == (None, [error]), values
    assert (await _feed(tenant, p["hr_token"]))["totalCount"] == 0
    lists = (await tenant.gql(LISTS, {"id": p["ana"]}, token=p["ana_token"])).data["employee"]
    assert lists["recognitionsGiven"]["nodes"] == []


def _renamed(values: dict) -> dict:
    """`recipientIds` is _recognize's positional `recipients`."""
    return {("recipients" if k == "recipientIds" else k): v for k, v in values.items()}


async def test_a_failed_mutation_in_a_batch_leaves_the_others_and_nothing_of_itself(tenant):
    p = await _org(tenant)
    result = await tenant.gql(
        """mutation($ok: RecognizeInput!, $bad: RecognizeInput!) {
             ok: recognize(input: $ok) { recognition { message } errors { code } }
             bad: recognize(input: $bad) { recognition { message } errors { code field } } }""",
        {"ok": {"recipientIds": [p["ben"]], "message": "kept"},
         "bad": {"recipientIds": [p["ben"]], "message": "half", "competencyIds": [p["coaching"], p["archived"]]}},
        token=p["ana_token"],
    )
    assert result.data["ok"] == {"recognition": {"message": "kept"}, "errors": []}
    assert result.data["bad"]["recognition"] is None
    # The recognition row was valid but its competency was not: the savepoint took all of it.
    assert await _messages(tenant, p["cy_token"]) == ["kept"]
    counted = await tenant.gql(
        "query($c: ID!) { recognitionFeed(filter: {competencyId: $c}) { totalCount } }", {"c": p["coaching"]},
        token=p["cy_token"],
    )
    assert counted.data["recognitionFeed"]["totalCount"] == 0


# --- competency evidence --------------------------------------------------------------------


PROFILE = """query($id: ID!) { employee(id: $id) { competencyProfile { competency { name } currentLevel
  recognition { count since explanation } } } }"""


async def test_recognition_for_a_competency_is_weak_evidence_in_the_profile(tenant):
    p = await _org(tenant)
    level = await tenant.gql("""mutation { createJobLevel(input: {name: "Engineer", rank: 1, track: INDIVIDUAL_CONTRIBUTOR}) {
        jobLevel { id } errors { code } } }""")
    level_id = level.data["createJobLevel"]["jobLevel"]["id"]
    placed = await tenant.gql(
        """mutation($l: ID!, $c: ID!, $e: ID!) {
             setJobLevelExpectations(input: {jobLevelId: $l, expectations: [{competencyId: $c, expectedLevel: 3}]}) { errors { code } }
             updateEmployee(input: {id: $e, jobLevelId: $l}) { errors { code } } }""",
        {"l": level_id, "c": p["coaching"], "e": p["ben"]},
    )
    assert placed.data == {"setJobLevelExpectations": {"errors": []}, "updateEmployee": {"errors": []}}
    await _recognized(tenant, p["ana_token"], [p["ben"]], competencyIds=[p["coaching"]])
    await _recognized(tenant, p["cy_token"], [p["ben"]], competencyIds=[p["coaching"]], visibility="PRIVATE")
    await _recognized(tenant, p["cy_token"], [p["ana"]], competencyIds=[p["coaching"]])  # someone else's

    def entry(data):
        return data["employee"]["competencyProfile"][0]

    as_ben = entry((await tenant.gql(PROFILE, {"id": p["ben"]}, token=p["ben_token"])).data)
    assert as_ben["competency"] == {"name": "Coaching"}
    assert as_ben["currentLevel"] is None  # weak evidence never sets a level
    assert as_ben["recognition"]["count"] == 2
    assert as_ben["recognition"]["explanation"].startswith(f"Recognized 2 times for Coaching since {as_ben['recognition']['since']}")
    as_manager = entry((await tenant.gql(PROFILE, {"id": p["ben"]}, token=p["manager_token"])).data)
    assert as_manager["recognition"]["count"] == 2
    # HR reads the profile but not the private recognition, so the count never hints at it.
    as_hr = entry((await tenant.gql(PROFILE, {"id": p["ben"]}, token=p["hr_token"])).data)
    assert as_hr["recognition"]["count"] == 1


# --- statement budget -----------------------------------------------------------------------


async def _many(tenant, token: str, field: str, input_type: str, inputs: list[dict]) -> list[dict]:
    """Up to 15 mutations per request (the alias limit)."""
    results = []
    for start in range(0, len(inputs), 15):
        chunk = inputs[start:start + 15]
        params = ", ".join(f"$i{n}: {input_type}!" for n in range(len(chunk)))
        body = " ".join(f"m{n}: {field}(input: $i{n}) {{ errors {{ code field }} }}" for n in range(len(chunk)))
        result = await tenant.gql(f"mutation({params}) {{ {body} }}", {f"i{n}": v for n, v in enumerate(chunk)}, token=token)
        assert all(payload["errors"] == [] for payload in result.data.values()), result.data
        results.extend(result.data.values())
    return results


async def test_a_feed_page_of_50_runs_the_same_statements_as_a_page_of_10(tenant):
    p = await _org(tenant)
    everyone = [p[k] for k in ("boss", "manager", "ben", "cy", "hr")]
    await _many(tenant, p["ana_token"], "recognize", "RecognizeInput", [
        {"recipientIds": everyone[i % 5:] or everyone, "message": f"Thanks {i}", "competencyIds": [p["coaching"]],
         "valueTags": ["teamwork"]}
        for i in range(55)
    ])
    listed = [e["node"]["id"] for e in (await _feed(tenant, p["ana_token"], first=50))["edges"]]
    await asyncio.gather(
        _many(tenant, p["ben_token"], "react", "ReactInput", [{"recognitionId": r, "emoji": "👏"} for r in listed]),
        _many(tenant, p["cy_token"], "comment", "CommentInput", [{"recognitionId": r, "body": "Yes!"} for r in listed]),
    )
    await tenant.gql("{ viewer { roles } }", token=p["boss_token"])  # the first sign-in binds the identity: not counted
    counts = {}
    for first in (10, 50):
        result = await tenant.gql(FEED, {"first": first}, token=p["boss_token"])
        edges = result.data["recognitionFeed"]["edges"]
        assert len(edges) == first
        assert all(e["node"]["reactionCounts"] == [{"emoji": "👏", "count": 1}] for e in edges)
        assert all(e["node"]["latestComments"] == [{"body": "Yes!", "author": {"name": "Cy"}}] for e in edges)
        assert all(e["node"]["competencies"] == [{"name": "Coaching"}] and e["node"]["recipients"] for e in edges)
        counts[first] = result.sql_statements
    # auth (3), the page, the total, recipients, competencies, reactions, comments, people
    print(f"recognition feed: {counts}")
    assert counts[10] == counts[50] <= 10, counts


async def test_recognition_lists_on_a_page_of_employees_are_batched(tenant):
    people = await tenant.import_rows([{"email": f"e{i}@{tenant.slug}.test", "name": f"E{i:02}"} for i in range(21)])
    giver = tenant.token_for(people[0]["email"])
    await _many(tenant, giver, "recognize", "RecognizeInput", [
        {"recipientIds": [people[i]["id"], people[(i % 20) + 1]["id"]], "message": f"m{i}"} for i in range(1, 21)
    ])
    query = """query($first: Int!) { employees(first: $first, filter: {search: "@"}) { nodes { name
      recognitionsReceived(first: 2) { nodes { message giver { name } recipients { name } reactionCounts { count }
        commentCount } pageInfo { hasNextPage } }
      recognitionsGiven(first: 1) { nodes { message } } } } }"""
    await tenant.gql("{ viewer { roles } }", token=giver)
    small = await tenant.gql(query, {"first": 5}, token=giver)
    large = await tenant.gql(query, {"first": 21}, token=giver)
    by_name = {e["name"]: e for e in large.data["employees"]["nodes"]}
    assert [n["message"] for n in by_name["E02"]["recognitionsReceived"]["nodes"]] == ["m2", "m1"]
    assert by_name["E02"]["recognitionsReceived"]["nodes"][0]["recipients"] == [{"name": "E02"}, {"name": "E03"}]
    assert by_name["E00"]["recognitionsGiven"]["nodes"] == [{"message": "m20"}]
    assert small.sql_statements == large.sql_statements, (small.sql_statements, large.sql_statements)
