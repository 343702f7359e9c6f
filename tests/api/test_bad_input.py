"""Bad input over HTTP: a typed answer naming the field, nothing half-written, no 500.

Every request here goes through `send`, which also checks the things that must hold for
any answer: the x-request-id is echoed, nothing was masked as an internal error, and no
traceback or SQL leaks into the body.
"""

from __future__ import annotations

import base64
import json
import uuid

from tests.support.api import GraphQLResponse

GRAPHQL_RESPONSE = "application/graphql-response+json"
LEAKS = ("Traceback", "INTERNAL_SERVER_ERROR", "SELECT ", "INSERT ", "UPDATE ", "sqlalchemy", "asyncpg", "psycopg")

CREATE_EMPLOYEE = """mutation($input: CreateEmployeeInput!) { createEmployee(input: $input) {
    employee { id } errors { code field message } } }"""
UPDATE_EMPLOYEE = """mutation($input: UpdateEmployeeInput!) { updateEmployee(input: $input) {
    employee { id } errors { code field message } } }"""
TERMINATE = """mutation($input: TerminateEmployeeInput!) { terminateEmployee(input: $input) {
    employee { id } errors { code field message } } }"""
CREATE_DEPARTMENT = """mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) {
    department { id } errors { code field message } } }"""
CREATE_TENANT = """mutation($input: CreateTenantInput!) { createTenant(input: $input) {
    tenant { id } admin { id } errors { code field message } } }"""
EMPLOYEE = "query($id: ID!) { employee(id: $id) { email name hireDate terminationDate status manager { id } } }"
COUNTS = """{ active: employees { totalCount } gone: employees(filter: {status: TERMINATED}) { totalCount }
    departments { totalCount } }"""
TENANT_SLUGS = "{ tenants { slug } }"

LONG_NAME = "x" * 10_000
CONTROL_NAMES = ["Ann\x00Lee", "Ann\x07Lee", "Ann\nLee", "Ann\x7fLee", "Ann\x85Lee"]
BAD_EMAILS = ["no-at-sign", "a@b", "two@@signs.test", "a" * 293 + "@x.test", "nul\x00@x.test", "sp ace@x.test"]
BAD_IDS = ["not-an-id", "%%%", "", base64.urlsafe_b64encode(b"Employee:not-a-uuid").decode()]


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


async def send(
    api, query: str, variables: dict | None = None, *, token: str, accept: str = "application/json"
) -> GraphQLResponse:
    """POST one operation and check what holds for every answer, good or bad."""
    request_id = f"bad-input-{uuid.uuid4().hex[:12]}"
    payload = {"query": query, **({"variables": variables} if variables is not None else {})}
    response = await api.client.post(
        "/graphql",
        json=payload,
        headers={"Authorization": f"Bearer {token}", "Accept": accept, "x-request-id": request_id},
    )
    assert response.status_code < 500, response.text
    assert response.headers["x-request-id"] == request_id
    for leak in LEAKS:
        assert leak not in response.text, response.text
    return GraphQLResponse(response.status_code, response.json(), response.headers)


async def user_errors(api, token: str, mutation: str, variables: dict, field: str, thing: str) -> list[tuple[str, list[str]]]:
    """The UserErrors of a mutation that must have written nothing (its `thing` is null)."""
    result = await send(api, mutation, variables, token=token)
    payload = result.data[field]
    assert payload[thing] is None, payload
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def counts(tenant) -> dict:
    data = (await send(tenant.api, COUNTS, token=tenant.admin_token)).data
    return {key: data[key]["totalCount"] for key in ("active", "gone", "departments")}


async def employee(tenant, employee_id: str) -> dict | None:
    return (await send(tenant.api, EMPLOYEE, {"id": employee_id}, token=tenant.admin_token)).data["employee"]


def request_error(result: GraphQLResponse) -> dict:
    """A request-level error: nothing executed, so there is no `data` at all."""
    assert "data" not in result.body, result.body
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# --- employees ---------------------------------------------------------------------------


async def test_create_employee_names_the_bad_field_and_writes_nothing(api, tenant, other_tenant):
    department = await tenant.create_department("Engineering")
    before = await counts(tenant)
    token = tenant.admin_token

    async def attempt(**fields):
        fields.setdefault("name", "Valid Name")
        fields.setdefault("email", f"valid-{uuid.uuid4().hex[:8]}@example.test")
        return await user_errors(api, token, CREATE_EMPLOYEE, {"input": fields}, "createEmployee", "employee")

    bad_names = [("", "REQUIRED"), ("   \t ", "REQUIRED"), (LONG_NAME, "TOO_LONG")] + [(n, "INVALID") for n in CONTROL_NAMES]
    for name, code in bad_names:
        assert await attempt(name=name) == [(code, ["input", "name"])], repr(name[:20])
    assert await attempt(email="") == [("REQUIRED", ["input", "email"])]
    for email in BAD_EMAILS:
        assert await attempt(email=email) == [("INVALID", ["input", "email"])], email[:20]
    for bad_id in BAD_IDS:
        assert await attempt(managerId=bad_id) == [("NOT_FOUND", ["input", "managerId"])], bad_id
    # An ID of the wrong type is not found, not silently used as something else.
    assert await attempt(managerId=department["id"]) == [("NOT_FOUND", ["input", "managerId"])]
    assert await attempt(departmentId=tenant.admin_id) == [("NOT_FOUND", ["input", "departmentId"])]
    # Another tenant's employee does not exist for this tenant.
    assert await attempt(managerId=other_tenant.admin_id) == [("NOT_FOUND", ["input", "managerId"])]

    assert await counts(tenant) == before == {"active": 1, "gone": 0, "departments": 1}


async def test_a_duplicate_email_is_refused_whatever_its_case(api, tenant):
    person = await tenant.create_employee(email="X@Y.test", name="Xavier")
    token = tenant.admin_token
    for email in ["X@Y.test", "x@y.test", "X@y.TEST", "  x@y.test  ", tenant.admin_email.upper()]:
        variables = {"input": {"name": "Copy", "email": email}}
        errors = await user_errors(api, token, CREATE_EMPLOYEE, variables, "createEmployee", "employee")
        assert errors == [("DUPLICATE", ["input", "email"])], email
    # Taking someone else's email by update is refused too; the admin keeps theirs.
    errors = await user_errors(
        api, token, UPDATE_EMPLOYEE, {"input": {"id": tenant.admin_id, "email": "x@Y.TEST"}}, "updateEmployee", "employee"
    )
    assert errors == [("DUPLICATE", ["input", "email"])]
    assert (await employee(tenant, tenant.admin_id))["email"] == tenant.admin_email
    assert (await counts(tenant))["active"] == 2

    # Re-casing one's own email is not a clash with oneself.
    result = await send(api, UPDATE_EMPLOYEE, {"input": {"id": person["id"], "email": "x@y.test"}}, token=token)
    assert result.data["updateEmployee"]["errors"] == []
    assert (await employee(tenant, person["id"]))["email"] == "x@y.test"


async def test_the_same_email_in_two_tenants_is_two_different_people(tenant, other_tenant):
    ours = await tenant.create_employee(email="shared@example.test", name="Ours")
    theirs = await other_tenant.create_employee(email="SHARED@example.test", name="Theirs")
    assert ours["id"] != theirs["id"]
    assert (await employee(tenant, ours["id"]))["name"] == "Ours"
    assert (await employee(other_tenant, theirs["id"]))["name"] == "Theirs"
    assert await employee(tenant, theirs["id"]) is None


async def test_update_employee_names_the_bad_field_and_changes_nothing(api, tenant, other_tenant):
    person = await tenant.create_employee(name="Original Name", email="original@example.test")
    department = await tenant.create_department("Sales")
    token = tenant.admin_token

    async def attempt(**fields):
        fields.setdefault("id", person["id"])
        return await user_errors(api, token, UPDATE_EMPLOYEE, {"input": fields}, "updateEmployee", "employee")

    for name, code in [("", "REQUIRED"), ("  ", "REQUIRED"), (None, "REQUIRED"), (LONG_NAME, "TOO_LONG")] + [
        (n, "INVALID") for n in CONTROL_NAMES
    ]:
        assert await attempt(name=name) == [(code, ["input", "name"])], repr((name or "")[:20])
    for email in BAD_EMAILS:
        assert await attempt(email=email) == [("INVALID", ["input", "email"])], email[:20]
    # A good change next to a bad one: the whole mutation is refused, not half applied.
    assert await attempt(email="changed@example.test", name="") == [("REQUIRED", ["input", "name"])]
    for bad_id in [*BAD_IDS, department["id"], other_tenant.admin_id]:
        assert await attempt(id=bad_id, name="Hijacked") == [("NOT_FOUND", ["input", "id"])], bad_id
    for bad_id in [*BAD_IDS, person["id"]]:
        assert await attempt(departmentId=bad_id) == [("NOT_FOUND", ["input", "departmentId"])], bad_id

    after = await employee(tenant, person["id"])
    assert (after["name"], after["email"]) == ("Original Name", "original@example.test")
    assert (await employee(other_tenant, other_tenant.admin_id))["name"] == "First Admin"


async def test_termination_before_the_hire_date_is_refused_and_nothing_moves(api, tenant):
    boss = await tenant.create_employee(name="Boss", hireDate="2022-03-01")
    report = await tenant.create_employee(name="Report", managerId=boss["id"])
    errors = await user_errors(
        api, tenant.admin_token, TERMINATE, {"input": {"employeeId": boss["id"], "terminationDate": "2022-02-28"}},
        "terminateEmployee", "employee",
    )
    assert errors == [("INVALID", ["input", "terminationDate"])]
    after = await employee(tenant, boss["id"])
    assert (after["status"], after["terminationDate"]) == ("ACTIVE", None)
    # The reassignment of reports happens after the check, so the report keeps the boss.
    assert (await employee(tenant, report["id"]))["manager"] == {"id": boss["id"]}


async def test_a_hire_date_after_the_termination_date_is_refused(api, tenant):
    person = await tenant.create_employee(name="Leaver", hireDate="2020-01-01")
    result = await send(
        api, TERMINATE, {"input": {"employeeId": person["id"], "terminationDate": "2024-06-30"}}, token=tenant.admin_token
    )
    assert result.data["terminateEmployee"]["errors"] == []

    result = await send(api, UPDATE_EMPLOYEE, {"input": {"id": person["id"], "hireDate": "2025-01-01"}}, token=tenant.admin_token)
    payload = result.data["updateEmployee"]
    assert payload["employee"] is None
    assert [(e["code"], e["field"], e["message"]) for e in payload["errors"]] == [
        ("INVALID", ["input", "hireDate"], "hireDate must not be after the termination date")
    ]
    after = await employee(tenant, person["id"])
    assert (after["hireDate"], after["terminationDate"], after["status"]) == ("2020-01-01", "2024-06-30", "TERMINATED")


# --- departments -------------------------------------------------------------------------


async def test_create_department_names_the_bad_field_and_writes_nothing(api, tenant, other_tenant):
    existing = await tenant.create_department("Finance")
    theirs = await other_tenant.create_department("Their Finance")
    token = tenant.admin_token

    async def attempt(**fields):
        fields.setdefault("name", "Valid")
        return await user_errors(api, token, CREATE_DEPARTMENT, {"input": fields}, "createDepartment", "department")

    for name, code in [("", "REQUIRED"), (" \n ", "REQUIRED"), (LONG_NAME, "TOO_LONG")] + [(n, "INVALID") for n in CONTROL_NAMES]:
        assert await attempt(name=name) == [(code, ["input", "name"])], repr(name[:20])
    for bad_id in [*BAD_IDS, tenant.admin_id, theirs["id"]]:
        assert await attempt(parentId=bad_id) == [("NOT_FOUND", ["input", "parentId"])], bad_id
    for bad_id in [*BAD_IDS, existing["id"], other_tenant.admin_id]:
        assert await attempt(headId=bad_id) == [("NOT_FOUND", ["input", "headId"])], bad_id
    assert await attempt(name=" Finance ") == [("DUPLICATE", ["input", "name"])]

    assert (await counts(tenant))["departments"] == 1
    assert (await counts(other_tenant))["departments"] == 1


# --- tenants -----------------------------------------------------------------------------


async def test_create_tenant_names_the_bad_field_and_registers_nothing(api, tenant):
    token = api.platform_token()
    issuer = f"https://idp.example.test/{uuid.uuid4().hex[:8]}"
    owner_of_issuer = await api.new_tenant("iss", oidc_issuer=issuer)
    slugs_before = {t["slug"] for t in (await send(api, TENANT_SLUGS, token=token)).data["tenants"]}

    async def attempt(**fields):
        fields.setdefault("slug", f"bad-{uuid.uuid4().hex[:10]}")
        fields = {"name": "Acme", "adminEmail": "boss@acme.test", "adminName": "Boss", **fields}
        return await user_errors(api, token, CREATE_TENANT, {"input": fields}, "createTenant", "tenant")

    for slug in ["AB", "ab", "a" * 41, "has space", "-leading", "trailing-", "UPPER", "9digit", ""]:
        assert await attempt(slug=slug) == [("INVALID", ["input", "slug"])], slug
    assert await attempt(slug=tenant.slug) == [("DUPLICATE", ["input", "slug"])]
    for field in ("name", "adminName"):
        for value, code in [("", "REQUIRED"), ("  ", "REQUIRED"), (LONG_NAME, "TOO_LONG"), ("Acme\x00", "INVALID")]:
            assert await attempt(**{field: value}) == [(code, ["input", field])], (field, value[:10])
    for email in BAD_EMAILS:
        assert await attempt(adminEmail=email) == [("INVALID", ["input", "adminEmail"])], email[:20]
    for bad_issuer in ["ftp://idp.example.test", "idp.example.test", "javascript:alert(1)", "https://idp\x00.test"]:
        assert await attempt(oidcIssuer=bad_issuer) == [("INVALID", ["input", "oidcIssuer"])], bad_issuer
    # The same issuer, also with a trailing slash: its tokens would be bound to two tenants.
    for same in [issuer, issuer + "/"]:
        assert await attempt(oidcIssuer=same) == [("DUPLICATE", ["input", "oidcIssuer"])], same

    slugs_after = {t["slug"] for t in (await send(api, TENANT_SLUGS, token=token)).data["tenants"]}
    assert slugs_after == slugs_before and owner_of_issuer.slug in slugs_after


# --- request errors: values that do not fit the schema -----------------------------------


async def test_unknown_enum_values_and_malformed_dates_are_request_errors_naming_the_variable(api, tenant):
    cases = [
        (
            CREATE_EMPLOYEE,
            {"input": {"name": "N", "email": "n@example.test", "roles": ["SUPERUSER"]}},
            ("$input", "roles", "SUPERUSER"),
        ),
        (CREATE_EMPLOYEE, {"input": {"name": "N", "email": "n@example.test", "hireDate": "2024-13-45"}}, ("$input", "hireDate")),
        (TERMINATE, {"input": {"employeeId": tenant.admin_id, "terminationDate": "yesterday"}}, ("$input", "terminationDate")),
        ("query($f: EmployeeFilterInput) { employees(filter: $f) { totalCount } }", {"f": {"status": "BOGUS"}}, ("$f", "status")),
        ("query($s: EmployeeStatus) { employees(filter: {status: $s}) { totalCount } }", {"s": "BOGUS"}, ("$s", "BOGUS")),
        ("query($n: Int) { employees(first: $n) { totalCount } }", {"n": "ten"}, ("$n",)),
    ]
    for query, variables, named in cases:
        plain = await send(api, query, variables, token=tenant.admin_token)
        strict = await send(api, query, variables, token=tenant.admin_token, accept=GRAPHQL_RESPONSE)
        # GraphQL over HTTP: a request error is 400 for the new media type, 200 for plain JSON.
        assert (plain.status, strict.status) == (200, 400), variables
        assert strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        for result in (plain, strict):
            error = request_error(result)
            assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", error
            assert all(part in error["message"] for part in named), error["message"]
    assert await counts(tenant) == {"active": 1, "gone": 0, "departments": 0}


async def test_an_unknown_enum_literal_fails_validation(api, tenant):
    query = "{ employees(filter: {status: BOGUS}) { totalCount } }"
    result = await send(api, query, token=tenant.admin_token, accept=GRAPHQL_RESPONSE)
    assert result.status == 400
    error = request_error(result)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "BOGUS" in error["message"] and "EmployeeStatus" in error["message"]


# --- pagination arguments ----------------------------------------------------------------


async def test_page_sizes_outside_1_to_100_are_invalid(api, tenant):
    for size in (0, 101, -1):
        for listing in ("employees", "departments"):
            result = await send(api, f"{{ {listing}(first: {size}) {{ totalCount }} }}", token=tenant.admin_token)
            assert result.body["data"] is None
            assert [(e["extensions"]["code"], e["extensions"]["field"], e["path"]) for e in result.errors] == [
                ("INVALID", ["first"], [listing])
            ], (listing, size)
    # The bounds themselves are fine.
    for size in (1, 100):
        assert (await send(api, f"{{ employees(first: {size}) {{ totalCount }} }}", token=tenant.admin_token)).data


async def test_a_garbage_cursor_is_invalid_never_a_crash(api, tenant):
    cursors = [
        "garbage", "%%%", "", "=", _b64("not json"), _b64("{}"), _b64("[]"), _b64("[5, 5]"), _b64('[null, {}]'),
        _b64('["a", "b", "c"]'), _b64('["a", "not-a-uuid"]'), _b64('["\\u0000", "00000000-0000-0000-0000-000000000000"]'),
        "\x00", "é" * 50, "A" * 5000,
    ]
    for cursor in cursors:
        for listing in ("employees", "departments"):
            query = f"query($a: String) {{ {listing}(after: $a) {{ totalCount }} }}"
            result = await send(api, query, {"a": cursor}, token=tenant.admin_token)
            assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in result.errors] == [
                ("INVALID", ["after"])
            ], (listing, cursor[:20])
    # A real cursor still pages.
    first = (await send(api, "{ employees(first: 1) { pageInfo { endCursor } } }", token=tenant.admin_token)).data
    cursor = first["employees"]["pageInfo"]["endCursor"]
    rest = await send(api, "query($a: String) { employees(after: $a) { nodes { id } } }", {"a": cursor}, token=tenant.admin_token)
    assert rest.data["employees"]["nodes"] == []


async def test_a_search_with_control_characters_is_invalid(api, tenant):
    query = "query($s: String) { employees(filter: {search: $s}) { totalCount } }"
    for search in ("a\x00b", "\x1b[31m"):
        result = await send(api, query, {"s": search}, token=tenant.admin_token)
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in result.errors] == [("INVALID", ["filter", "search"])]
    # LIKE wildcards are plain characters, not an error and not a match-everything.
    result = await send(api, query, {"s": "%_%"}, token=tenant.admin_token)
    assert result.data["employees"]["totalCount"] == 0


# --- one transaction per request, one savepoint per mutation -----------------------------

TWO_CREATES = """mutation($a: CreateEmployeeInput!, $b: CreateEmployeeInput!) {
    first: createEmployee(input: $a) { employee { id } errors { code field } }
    second: createEmployee(input: $b) { employee { id } errors { code field } } }"""


THREE_MUTATIONS = """mutation($a: CreateEmployeeInput!, $b: UpdateEmployeeInput!, $c: CreateEmployeeInput!) {
    first: createEmployee(input: $a) { employee { id } errors { code field } }
    second: updateEmployee(input: $b) { employee { id } errors { code field } }
    third: createEmployee(input: $c) { employee { id } errors { code field } } }"""


async def test_each_mutation_is_its_own_savepoint_so_later_failures_keep_the_first_committed(api, tenant):
    result = await send(
        api, THREE_MUTATIONS,
        {
            "a": {"name": "Kept", "email": "same@example.test"},
            # A good email next to a blank name: the email was already set when the name failed.
            "b": {"id": tenant.admin_id, "email": "renamed@example.test", "name": " "},
            # The first's email in another case: the third sees the first's row (same transaction).
            "c": {"name": "Refused", "email": "SAME@example.test"},
        },
        token=tenant.admin_token,
    )
    data = result.data
    assert data["first"]["errors"] == [] and data["first"]["employee"]["id"]
    assert data["second"] == {"employee": None, "errors": [{"code": "REQUIRED", "field": ["input", "name"]}]}
    assert data["third"] == {"employee": None, "errors": [{"code": "DUPLICATE", "field": ["input", "email"]}]}
    kept = await employee(tenant, data["first"]["employee"]["id"])
    assert (kept["name"], kept["email"]) == ("Kept", "same@example.test")
    admin = await employee(tenant, tenant.admin_id)
    assert (admin["name"], admin["email"]) == ("First Admin", tenant.admin_email)
    assert (await counts(tenant))["active"] == 2


async def test_a_failed_first_mutation_does_not_stop_the_second_from_committing(api, tenant):
    result = await send(
        api, TWO_CREATES,
        {"a": {"name": "", "email": "first@example.test"}, "b": {"name": "Second", "email": "second@example.test"}},
        token=tenant.admin_token,
    )
    data = result.data
    assert data["first"] == {"employee": None, "errors": [{"code": "REQUIRED", "field": ["input", "name"]}]}
    assert (await employee(tenant, data["second"]["employee"]["id"]))["email"] == "second@example.test"
    assert (await counts(tenant))["active"] == 2


# --- the service keeps serving -----------------------------------------------------------


async def test_the_service_keeps_serving_after_a_barrage_of_bad_input(api, tenant):
    token = tenant.admin_token
    barrage = [
        (CREATE_EMPLOYEE, {"input": {"name": "\x00", "email": "nul\x00@x.test"}}),
        (CREATE_EMPLOYEE, {"input": {"name": LONG_NAME, "email": "a" * 300}}),
        (CREATE_EMPLOYEE, {"input": {"name": "N", "email": "n@x.test", "roles": ["SUPERUSER"], "hireDate": "2024-13-45"}}),
        (CREATE_EMPLOYEE, {"input": {"name": "N", "email": "n@x.test", "managerId": "%%%", "departmentId": "\x00"}}),
        (CREATE_EMPLOYEE, {"input": None}),
        (CREATE_EMPLOYEE, {}),
        (UPDATE_EMPLOYEE, {"input": {"id": "\x00" * 300, "name": "x"}}),
        (CREATE_DEPARTMENT, {"input": {"name": "\x1b", "parentId": "A" * 10_000}}),
        ("query($a: String) { employees(first: 0, after: $a) { totalCount } }", {"a": "\x00"}),
        ("query($a: String) { departments(after: $a) { totalCount } }", {"a": _b64("[1, 2]")}),
        ("query($s: String) { employees(filter: {search: $s, status: BOGUS}) { totalCount } }", {"s": "\x00"}),
        ("{ node(id: \"\\u0000\") { id } employee(id: \"%%%\") { id } department(id: \"\") { id } }", None),
        ("{ employees(first: 99999999999) { totalCount } }", None),
        ("{ employees { nope } }", None),
        ("mutation { createEmployee(input: {name: 1}) { errors { code } } }", None),
        ("{", None),
    ]
    for query, variables in barrage:
        for accept in ("application/json", GRAPHQL_RESPONSE):
            result = await send(api, query, variables, token=token, accept=accept)
            assert result.errors or all(p["errors"] for p in result.body["data"].values() if isinstance(p, dict)), result.body

    # Nothing of it was written, and ordinary requests are answered as before.
    assert await counts(tenant) == {"active": 1, "gone": 0, "departments": 0}
    viewer = (await send(api, "{ viewer { employee { id email } } }", token=token)).data["viewer"]
    assert viewer["employee"] == {"id": tenant.admin_id, "email": tenant.admin_email}
    created = await tenant.create_employee(name="After The Storm")
    assert (await employee(tenant, created["id"]))["name"] == "After The Storm"


def _unsigned(claims: dict) -> str:
    """A JWT-shaped string nobody signed: what anyone on the internet can send."""
    header, body = (_b64(json.dumps(part)).rstrip("=") for part in ({"alg": "RS256", "kid": "k"}, claims))
    return f"{header}.{body}.c2lnbmF0dXJl"


async def test_nul_characters_in_token_claims_are_an_invalid_token_not_a_crash(api, tenant):
    # PostgreSQL text cannot hold NUL: a claim that reaches a look-up must be refused first.
    tokens = [
        _unsigned({"iss": "https://idp.example.test\u0000", "sub": "x", "aud": "hr-api"}),  # needs no key at all
        api.token(tenant.admin_email, "ab\x00cd"),
        api.token("nul\x00@example.test", tenant.slug),
        api.token(tenant.admin_email, tenant.slug, subject="sub\x00ject"),
    ]
    for token in tokens:
        result = await send(api, "{ viewer { isPlatformAdmin } }", token=token)
        assert result.status == 401
        assert result.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        assert result.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await send(api, "{ viewer { isPlatformAdmin } }", token=tenant.admin_token)).data


async def test_a_request_id_that_is_not_a_safe_token_is_replaced_not_echoed(api, tenant):
    response = await api.client.post(
        "/graphql", json={"query": "{ viewer { isPlatformAdmin } }"},
        headers={"Authorization": f"Bearer {tenant.admin_token}", "x-request-id": "evil\"id with spaces"},
    )
    assert response.status_code == 200
    # Only a safe token is echoed, so a client cannot inject into logs or headers.
    assert response.headers["x-request-id"] != "evil\"id with spaces"
    assert len(response.headers["x-request-id"]) == 32
    assert json.loads(response.text)["data"]["viewer"]["isPlatformAdmin"] is False
