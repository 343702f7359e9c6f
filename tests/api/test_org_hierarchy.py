"""Org rules over HTTP: the department tree, reporting lines, leaving, roles, bulk import, the directory.

Every test gets its own tenant and builds its org with one importEmployees call, so the
assertions can name exact people and exact lists.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

ERRORS = "errors { code field message }"

# A four-level org: CEO > VPs > managers > individual contributors. Upper-case names sort
# the same in every collation, so list orders can be asserted exactly.
ORG = [
    ("ia1", "ma1"),  # reports before their managers: the import must order them itself
    ("ia2", "ma1"),
    ("ia3", "ma2"),
    ("ma1", "vpa"),
    ("ma2", "vpa"),
    ("mb1", "vpb"),
    ("vpa", "ceo"),
    ("vpb", "ceo"),
    ("ceo", None),
]
HIRED = "2020-01-01"


def _email(tenant, key: str) -> str:
    return f"{key}@{tenant.slug}.test"


def _row(email: str, manager: str | None = None, **extra) -> dict:
    return {"email": email, "name": email.split("@")[0].upper(), "managerEmail": manager, "hireDate": HIRED, **extra}


async def _org(tenant, people=ORG, **extra_by_key) -> dict[str, str]:
    """Imports `people` as (key, manager key) pairs; returns key -> global ID."""
    rows = [
        _row(_email(tenant, key), _email(tenant, boss) if boss else None, **extra_by_key.get(key, {}))
        for key, boss in people
    ]
    created = await tenant.import_rows(rows)
    return {person["email"].split("@")[0]: person["id"] for person in created}


async def _mutate(tenant, field: str, values: dict, returns: str, token: str | None = None) -> dict:
    input_type = field[0].upper() + field[1:] + "Input"
    query = f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {returns} {ERRORS} }} }}"
    return (await tenant.gql(query, {"input": values}, token=token)).data[field]


def _codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def _employee(tenant, employee_id: str, fields: str, token: str | None = None) -> dict | None:
    query = f"query($id: ID!) {{ employee(id: $id) {{ {fields} }} }}"
    return (await tenant.gql(query, {"id": employee_id}, token=token)).data["employee"]


async def _department(tenant, department_id: str, fields: str) -> dict | None:
    query = f"query($id: ID!) {{ department(id: $id) {{ {fields} }} }}"
    return (await tenant.gql(query, {"id": department_id})).data["department"]


async def _directory(tenant, filter: dict | None = None, token: str | None = None) -> tuple[list[str], int]:
    query = "query($filter: EmployeeFilterInput) { employees(first: 100, filter: $filter) { totalCount nodes { name } } }"
    found = (await tenant.gql(query, {"filter": filter}, token=token)).data["employees"]
    return [node["name"] for node in found["nodes"]], found["totalCount"]


async def _department_names(tenant, filter: dict | None = None) -> tuple[list[str], int]:
    query = "query($filter: DepartmentFilterInput) { departments(first: 100, filter: $filter) { totalCount nodes { name } } }"
    found = (await tenant.gql(query, {"filter": filter})).data["departments"]
    return [node["name"] for node in found["nodes"]], found["totalCount"]


def _names(people: list[dict] | None) -> list[str] | None:
    return None if people is None else [person["name"] for person in people]


# --- departments ------------------------------------------------------------------------


async def test_departments_form_a_tree_readable_from_roots_parents_and_children(tenant):
    eng = await tenant.create_department("Engineering")
    await tenant.create_department("Sales")
    backend = await tenant.create_department("Backend", eng["id"])
    await tenant.create_department("Frontend", eng["id"])
    await tenant.create_department("Payments", backend["id"])

    assert await _department_names(tenant, {"rootsOnly": True}) == (["Engineering", "Sales"], 2)
    assert await _department_names(tenant, {"parentId": eng["id"]}) == (["Backend", "Frontend"], 2)
    assert await _department_names(tenant, {"parentId": backend["id"]}) == (["Payments"], 1)
    assert (await _department_names(tenant))[1] == 5

    read = await _department(tenant, backend["id"], "name parent { name parent { name } } children { name parent { name } }")
    assert read == {
        "name": "Backend",
        "parent": {"name": "Engineering", "parent": None},
        "children": [{"name": "Payments", "parent": {"name": "Backend"}}],
    }


async def test_a_department_lists_its_active_employees_and_its_head(tenant):
    backend = await tenant.create_department("Backend")
    other = await tenant.create_department("Other")
    people = await _org(
        tenant,
        [("lead", None), ("dev", "lead"), ("elsewhere", None)],
        lead={"departmentId": backend["id"]},
        dev={"departmentId": backend["id"]},
        elsewhere={"departmentId": other["id"]},
    )
    updated = await _mutate(
        tenant, "updateDepartment", {"id": backend["id"], "headId": people["lead"]}, "department { head { name } }"
    )
    assert updated == {"department": {"head": {"name": "LEAD"}}, "errors": []}

    read = await _department(tenant, backend["id"], "head { name } employees { name department { name } }")
    assert read["head"] == {"name": "LEAD"}
    assert read["employees"] == [{"name": "DEV", "department": {"name": "Backend"}}, {"name": "LEAD", "department": {"name": "Backend"}}]


async def test_update_department_renames_and_sets_then_clears_the_head(tenant):
    team = await tenant.create_department("Backend")
    people = await _org(tenant, [("boss", None)])
    fields = "department { name head { name } }"

    renamed = await _mutate(tenant, "updateDepartment", {"id": team["id"], "name": "  Platform "}, fields)
    assert renamed == {"department": {"name": "Platform", "head": None}, "errors": []}
    headed = await _mutate(tenant, "updateDepartment", {"id": team["id"], "headId": people["boss"]}, fields)
    assert headed["department"] == {"name": "Platform", "head": {"name": "BOSS"}}
    # An explicit null clears the head; leaving the name out keeps it.
    cleared = await _mutate(tenant, "updateDepartment", {"id": team["id"], "headId": None}, fields)
    assert cleared["department"] == {"name": "Platform", "head": None}
    assert await _department(tenant, team["id"], "name head { id }") == {"name": "Platform", "head": None}


async def test_sibling_department_names_are_unique_case_insensitively_but_may_repeat_under_other_parents(tenant):
    eng = await tenant.create_department("Engineering")
    sales = await tenant.create_department("Sales")
    await tenant.create_department("Platform", eng["id"])
    tools = await tenant.create_department("Tools", eng["id"])

    clash = await _mutate(tenant, "createDepartment", {"name": "PLATFORM", "parentId": eng["id"]}, "department { id }")
    assert clash["department"] is None
    assert _codes(clash) == [("DUPLICATE", ["input", "name"])]
    root_clash = await _mutate(tenant, "createDepartment", {"name": "engineering"}, "department { id }")
    assert _codes(root_clash) == [("DUPLICATE", ["input", "name"])]
    rename_clash = await _mutate(tenant, "updateDepartment", {"id": tools["id"], "name": "platform"}, "department { id }")
    assert _codes(rename_clash) == [("DUPLICATE", ["input", "name"])]
    assert await _department_names(tenant, {"parentId": eng["id"]}) == (["Platform", "Tools"], 2)
    assert await _department_names(tenant, {"rootsOnly": True}) == (["Engineering", "Sales"], 2)

    # The same name under another parent is a different department.
    elsewhere = await _mutate(tenant, "createDepartment", {"name": "Platform", "parentId": sales["id"]}, "department { parent { name } }")
    assert elsewhere == {"department": {"parent": {"name": "Sales"}}, "errors": []}


async def test_move_department_reparents_it_and_null_makes_it_a_root(tenant):
    eng = await tenant.create_department("Engineering")
    backend = await tenant.create_department("Backend", eng["id"])
    frontend = await tenant.create_department("Frontend", eng["id"])
    payments = await tenant.create_department("Payments", backend["id"])

    moved = await _mutate(tenant, "moveDepartment", {"id": payments["id"], "parentId": frontend["id"]}, "department { parent { name } }")
    assert moved == {"department": {"parent": {"name": "Frontend"}}, "errors": []}
    assert await _department_names(tenant, {"parentId": backend["id"]}) == ([], 0)
    assert await _department_names(tenant, {"parentId": frontend["id"]}) == (["Payments"], 1)

    rooted = await _mutate(tenant, "moveDepartment", {"id": frontend["id"], "parentId": None}, "department { parent { name } }")
    assert rooted == {"department": {"parent": None}, "errors": []}
    assert await _department_names(tenant, {"rootsOnly": True}) == (["Engineering", "Frontend"], 2)
    # The subtree travels with it.
    assert await _department(tenant, payments["id"], "parent { name parent { name } }") == {
        "parent": {"name": "Frontend", "parent": None}
    }


async def test_a_department_cannot_move_under_itself_or_its_own_descendant(tenant):
    eng = await tenant.create_department("Engineering")
    backend = await tenant.create_department("Backend", eng["id"])
    payments = await tenant.create_department("Payments", backend["id"])

    for target in (eng["id"], backend["id"], payments["id"]):
        refused = await _mutate(tenant, "moveDepartment", {"id": eng["id"], "parentId": target}, "department { id }")
        assert refused["department"] is None
        assert _codes(refused) == [("CYCLE", ["input", "parentId"])]
    assert await _department(tenant, eng["id"], "parent { id } children { name }") == {"parent": None, "children": [{"name": "Backend"}]}
    assert await _department_names(tenant, {"rootsOnly": True}) == (["Engineering"], 1)


# --- employees and the reporting hierarchy -------------------------------------------------


async def test_create_employee_places_them_in_a_department_under_a_manager(tenant):
    team = await tenant.create_department("Backend")
    people = await _org(tenant, [("boss", None)])
    created = await _mutate(
        tenant,
        "createEmployee",
        {"email": _email(tenant, "new"), "name": "New Hire", "title": "Engineer", "departmentId": team["id"], "managerId": people["boss"]},
        "employee { id name title status manager { name } department { name } reportingChain { name } }",
    )
    assert created["errors"] == []
    assert {k: v for k, v in created["employee"].items() if k != "id"} == {
        "name": "New Hire", "title": "Engineer", "status": "ACTIVE", "manager": {"name": "BOSS"},
        "department": {"name": "Backend"}, "reportingChain": [{"name": "BOSS"}],
    }
    boss = await _employee(tenant, people["boss"], "directReports { id } directReportCount")
    assert boss == {"directReports": [{"id": created["employee"]["id"]}], "directReportCount": 1}


async def test_reporting_lines_read_up_and_down_a_four_level_org(tenant):
    people = await _org(tenant)
    chain = await _employee(tenant, people["ia1"], "manager { name } reportingChain { name } directReports { name } directReportCount")
    # Ordered from the direct manager up to the top.
    assert chain == {
        "manager": {"name": "MA1"}, "reportingChain": [{"name": "MA1"}, {"name": "VPA"}, {"name": "CEO"}],
        "directReports": [], "directReportCount": 0,
    }

    fields = "directReports { name } directReportCount one: reports(depth: 1) { name } two: reports(depth: 2) { name } all: reports { name }"
    ceo = await _employee(tenant, people["ceo"], fields + " reportingChain { name }")
    assert _names(ceo["directReports"]) == ["VPA", "VPB"]
    assert ceo["directReportCount"] == 2
    assert _names(ceo["one"]) == ["VPA", "VPB"]
    assert _names(ceo["two"]) == ["VPA", "VPB", "MA1", "MA2", "MB1"]
    # Nearest levels first, then by name.
    assert _names(ceo["all"]) == ["VPA", "VPB", "MA1", "MA2", "MB1", "IA1", "IA2", "IA3"]
    assert ceo["reportingChain"] == []

    vpa = await _employee(tenant, people["vpa"], fields)
    assert _names(vpa["directReports"]) == ["MA1", "MA2"]
    assert vpa["directReportCount"] == 2
    assert _names(vpa["one"]) == ["MA1", "MA2"]
    assert _names(vpa["two"]) == _names(vpa["all"]) == ["MA1", "MA2", "IA1", "IA2", "IA3"]


# --- changing managers ----------------------------------------------------------------------

HISTORY = "manager { name } managerHistory { effectiveFrom effectiveTo manager { name } }"


async def _change_manager(tenant, employee_id: str, manager_id: str | None, on: str | None = None) -> dict:
    values = {"employeeId": employee_id, "managerId": manager_id, "effectiveDate": on}
    return await _mutate(tenant, "changeManager", values, f"employee {{ {HISTORY} }}")


async def test_changing_manager_moves_the_employee_and_closes_the_old_line_at_the_effective_date(tenant):
    people = await _org(tenant)
    changed = await _change_manager(tenant, people["ia1"], people["ma2"], "2024-03-01")
    assert changed["errors"] == []
    assert changed["employee"] == {
        "manager": {"name": "MA2"},
        "managerHistory": [
            {"effectiveFrom": HIRED, "effectiveTo": "2024-03-01", "manager": {"name": "MA1"}},  # exclusive end
            {"effectiveFrom": "2024-03-01", "effectiveTo": None, "manager": {"name": "MA2"}},
        ],
    }
    assert _names((await _employee(tenant, people["ma1"], "directReports { name }"))["directReports"]) == ["IA2"]
    assert _names((await _employee(tenant, people["ma2"], "directReports { name }"))["directReports"]) == ["IA1", "IA3"]
    assert _names((await _employee(tenant, people["ia1"], "reportingChain { name }"))["reportingChain"]) == ["MA2", "VPA", "CEO"]


async def test_a_second_change_on_the_same_day_replaces_the_line_instead_of_adding_an_empty_one(tenant):
    people = await _org(tenant)
    await _change_manager(tenant, people["ia1"], people["ma2"], "2024-03-01")
    again = await _change_manager(tenant, people["ia1"], people["mb1"], "2024-03-01")
    assert again["errors"] == []
    assert again["employee"]["managerHistory"] == [
        {"effectiveFrom": HIRED, "effectiveTo": "2024-03-01", "manager": {"name": "MA1"}},
        {"effectiveFrom": "2024-03-01", "effectiveTo": None, "manager": {"name": "MB1"}},
    ]
    assert _names((await _employee(tenant, people["ma2"], "directReports { name }"))["directReports"]) == ["IA3"]


async def test_an_employee_cannot_manage_themselves(tenant):
    people = await _org(tenant)
    refused = await _change_manager(tenant, people["ma1"], people["ma1"], "2024-03-01")
    assert refused["employee"] is None
    assert _codes(refused) == [("CYCLE", ["input", "managerId"])]
    assert (await _employee(tenant, people["ma1"], HISTORY))["manager"] == {"name": "VPA"}


async def test_a_manager_cannot_report_to_their_own_direct_or_indirect_report(tenant):
    people = await _org(tenant)
    for report in ("ma1", "ia1"):
        refused = await _change_manager(tenant, people["vpa"], people[report], "2024-03-01")
        assert refused["employee"] is None
        assert _codes(refused) == [("CYCLE", ["input", "managerId"])]
    unchanged = await _employee(tenant, people["vpa"], HISTORY)
    assert unchanged == {"manager": {"name": "CEO"}, "managerHistory": [{"effectiveFrom": HIRED, "effectiveTo": None, "manager": {"name": "CEO"}}]}


async def test_a_change_dated_before_the_current_line_started_is_invalid(tenant):
    people = await _org(tenant)
    await _change_manager(tenant, people["ia1"], people["ma2"], "2024-03-01")
    refused = await _change_manager(tenant, people["ia1"], people["mb1"], "2024-02-29")
    assert refused["employee"] is None
    assert _codes(refused) == [("INVALID", ["input", "effectiveDate"])]
    history = await _employee(tenant, people["ia1"], HISTORY)
    assert history["manager"] == {"name": "MA2"}
    assert [line["manager"]["name"] for line in history["managerHistory"]] == ["MA1", "MA2"]


# --- leaving ---------------------------------------------------------------------------------

LEAVER = "employee { status terminationDate manager { name } }"


async def _terminate(tenant, employee_id: str, on: str | None = "2025-06-30", successor: str | None = None) -> dict:
    values = {"employeeId": employee_id, "terminationDate": on, "reassignReportsTo": successor}
    return await _mutate(tenant, "terminateEmployee", values, LEAVER)


async def _manager_name(tenant, employee_id: str) -> str | None:
    manager = (await _employee(tenant, employee_id, "manager { name }"))["manager"]
    return manager and manager["name"]


async def test_terminating_hands_every_report_to_the_leavers_manager_and_clears_their_headship(tenant):
    team = await tenant.create_department("Platform")
    people = await _org(tenant, ma1={"departmentId": team["id"]}, ia1={"departmentId": team["id"]})
    await _mutate(tenant, "updateDepartment", {"id": team["id"], "headId": people["ma1"]}, "department { id }")

    left = await _terminate(tenant, people["ma1"])
    assert left == {"employee": {"status": "TERMINATED", "terminationDate": "2025-06-30", "manager": None}, "errors": []}

    # Nobody is left pointing at the leaver.
    assert await _directory(tenant, {"managerId": people["ma1"]}) == ([], 0)
    assert await _directory(tenant, {"managerId": people["ma1"], "status": "TERMINATED"}) == ([], 0)
    for report in ("ia1", "ia2"):
        moved = await _employee(tenant, people[report], HISTORY)
        assert moved == {
            "manager": {"name": "VPA"},
            "managerHistory": [
                {"effectiveFrom": HIRED, "effectiveTo": "2025-06-30", "manager": {"name": "MA1"}},
                {"effectiveFrom": "2025-06-30", "effectiveTo": None, "manager": {"name": "VPA"}},
            ],
        }
    assert _names((await _employee(tenant, people["vpa"], "directReports { name }"))["directReports"]) == ["IA1", "IA2", "MA2"]
    assert await _department(tenant, team["id"], "head { id } employees { name }") == {"head": None, "employees": [{"name": "IA1"}]}

    # Out of the default directory, still findable as TERMINATED.
    names, total = await _directory(tenant)
    assert "MA1" not in names and total == 9  # eight remaining imported people plus the founding admin
    assert await _directory(tenant, {"status": "TERMINATED"}) == (["MA1"], 1)


async def test_terminating_with_reassign_reports_to_moves_the_reports_there(tenant):
    people = await _org(tenant)
    left = await _terminate(tenant, people["ma1"], on=None, successor=people["mb1"])
    assert left["errors"] == []
    assert left["employee"]["status"] == "TERMINATED"
    # Defaults to the server's today (allow for a date boundary between the two clocks).
    assert abs(date.fromisoformat(left["employee"]["terminationDate"]) - date.today()) <= timedelta(days=1)
    assert [await _manager_name(tenant, people[p]) for p in ("ia1", "ia2")] == ["MB1", "MB1"]
    assert await _directory(tenant, {"managerId": people["ma1"]}) == ([], 0)
    assert await _directory(tenant, {"managerId": people["mb1"]}) == (["IA1", "IA2"], 2)


async def test_reassigning_to_one_of_the_leavers_own_reports_promotes_that_report(tenant):
    people = await _org(tenant)
    left = await _terminate(tenant, people["vpa"], successor=people["ma1"])
    assert left["errors"] == []
    # MA1 takes VPA's place under the CEO; MA2 now reports to MA1; MA1's own team is untouched.
    assert await _manager_name(tenant, people["ma1"]) == "CEO"
    assert await _directory(tenant, {"managerId": people["ma1"]}) == (["IA1", "IA2", "MA2"], 3)
    assert await _directory(tenant, {"managerId": people["vpa"]}) == ([], 0)
    assert _names((await _employee(tenant, people["ia3"], "reportingChain { name }"))["reportingChain"]) == ["MA2", "MA1", "CEO"]


async def test_reports_cannot_be_reassigned_to_someone_deeper_in_the_leavers_subtree(tenant):
    people = await _org(tenant)
    refused = await _terminate(tenant, people["vpa"], successor=people["ia1"])
    assert refused["employee"] is None
    assert _codes(refused) == [("CYCLE", ["input", "reassignReportsTo"])]
    still = await _employee(tenant, people["vpa"], "status terminationDate directReports { name }")
    assert still == {"status": "ACTIVE", "terminationDate": None, "directReports": [{"name": "MA1"}, {"name": "MA2"}]}


async def test_a_termination_dated_before_a_reports_current_line_is_refused_naming_the_termination_date(tenant):
    people = await _org(tenant)
    await _change_manager(tenant, people["ia3"], people["ma1"], "2025-07-01")  # a move already booked for later
    refused = await _terminate(tenant, people["ma1"], on="2025-06-30")
    assert refused["employee"] is None
    assert _codes(refused) == [("INVALID", ["input", "terminationDate"])]
    assert await _employee(tenant, people["ma1"], "status directReportCount") == {"status": "ACTIVE", "directReportCount": 3}


async def test_nobody_can_terminate_themselves(tenant):
    refused = await _terminate(tenant, tenant.admin_id)
    assert refused["employee"] is None
    assert _codes(refused) == [("INVALID", ["input", "employeeId"])]
    assert await _employee(tenant, tenant.admin_id, "status terminationDate") == {"status": "ACTIVE", "terminationDate": None}


# --- roles ----------------------------------------------------------------------------------


async def _assign(tenant, employee_id: str, roles: list[str], token: str | None = None) -> dict:
    return await _mutate(tenant, "assignRoles", {"employeeId": employee_id, "roles": roles}, "employee { roles }", token=token)


async def _roles(tenant, employee_id: str) -> list[str]:
    return (await _employee(tenant, employee_id, "roles"))["roles"]


async def test_an_hr_admin_grants_hr_admin_but_only_a_tenant_admin_grants_tenant_admin(tenant):
    people = await _org(tenant, [("hr", None), ("dev", "hr")], hr={"roles": ["HR_ADMIN"]})
    hr_token = tenant.token_for(_email(tenant, "hr"))

    granted = await _assign(tenant, people["dev"], ["HR_ADMIN"], token=hr_token)
    assert granted == {"employee": {"roles": ["EMPLOYEE", "HR_ADMIN"]}, "errors": []}
    for target in ("dev", "hr"):
        refused = await _assign(tenant, people[target], ["HR_ADMIN", "TENANT_ADMIN"], token=hr_token)
        assert refused["employee"] is None
        assert [code for code, _ in _codes(refused)] == ["FORBIDDEN"]
    assert await _roles(tenant, people["dev"]) == ["EMPLOYEE", "HR_ADMIN"]
    assert await _roles(tenant, people["hr"]) == ["EMPLOYEE", "HR_ADMIN"]

    before = await _directory(tenant)
    imported = await _mutate(
        tenant, "importEmployees", {"rows": [_row(_email(tenant, "boss"), roles=["TENANT_ADMIN"])]}, "employees { id }", token=hr_token
    )
    assert imported["employees"] == [] and [code for code, _ in _codes(imported)] == ["FORBIDDEN"]
    assert await _directory(tenant) == before

    promoted = await _assign(tenant, people["dev"], ["HR_ADMIN", "TENANT_ADMIN"])
    assert promoted == {"employee": {"roles": ["EMPLOYEE", "HR_ADMIN", "TENANT_ADMIN"]}, "errors": []}


async def test_the_last_tenant_admin_cannot_drop_their_own_tenant_admin(tenant):
    refused = await _assign(tenant, tenant.admin_id, ["HR_ADMIN"])
    assert refused["employee"] is None
    assert _codes(refused) == [("INVALID", ["input", "roles"])]
    assert await _roles(tenant, tenant.admin_id) == ["EMPLOYEE", "HR_ADMIN", "TENANT_ADMIN"]

    # With a second tenant admin the first may step down.
    people = await _org(tenant, [("deputy", None)], deputy={"roles": ["TENANT_ADMIN"]})
    stepped_down = await _assign(tenant, tenant.admin_id, ["HR_ADMIN"])
    assert stepped_down == {"employee": {"roles": ["EMPLOYEE", "HR_ADMIN"]}, "errors": []}
    assert await _roles(tenant, people["deputy"]) == ["EMPLOYEE", "TENANT_ADMIN"]


async def test_only_a_tenant_admin_may_terminate_a_tenant_admin(tenant):
    # Otherwise an HR admin could remove the tenant's last TENANT_ADMIN, which assignRoles forbids.
    people = await _org(tenant, [("hr", None), ("deputy", None)], hr={"roles": ["HR_ADMIN"]}, deputy={"roles": ["TENANT_ADMIN"]})
    hr_token = tenant.token_for(_email(tenant, "hr"))
    for target in (tenant.admin_id, people["deputy"]):
        refused = await _mutate(tenant, "terminateEmployee", {"employeeId": target}, LEAVER, token=hr_token)
        assert refused["employee"] is None
        assert _codes(refused) == [("FORBIDDEN", ["input", "employeeId"])]
    assert await _directory(tenant, {"status": "TERMINATED"}) == ([], 0)

    left = await _terminate(tenant, people["deputy"])
    assert left["errors"] == [] and left["employee"]["status"] == "TERMINATED"


# --- what a plain employee may see and do --------------------------------------------------------


async def test_a_plain_employee_reads_the_directory_but_not_other_peoples_roles_or_history(tenant):
    team = await tenant.create_department("Backend")
    people = await _org(tenant, ia1={"title": "Engineer", "departmentId": team["id"]})
    token = tenant.token_for(_email(tenant, "ia1"))
    query = """{ employees(first: 100) { totalCount nodes { id name title department { name } manager { name }
                 roles managerHistory { manager { name } } } } }"""
    listing = (await tenant.gql(query, token=token)).data["employees"]
    assert listing["totalCount"] == 10
    by_id = {node["id"]: node for node in listing["nodes"]}

    me = by_id[people["ia1"]]
    assert me == {
        "id": people["ia1"], "name": "IA1", "title": "Engineer", "department": {"name": "Backend"}, "manager": {"name": "MA1"},
        "roles": ["EMPLOYEE"], "managerHistory": [{"manager": {"name": "MA1"}}],
    }
    boss = by_id[people["ma1"]]
    assert (boss["name"], boss["manager"], boss["roles"], boss["managerHistory"]) == ("MA1", {"name": "VPA"}, None, None)
    assert all(node["roles"] is None and node["managerHistory"] is None for node in listing["nodes"] if node["id"] != people["ia1"])
    assert await _employee(tenant, tenant.admin_id, "name roles managerHistory { effectiveFrom }", token=token) == {
        "name": "First Admin", "roles": None, "managerHistory": None
    }


async def test_a_plain_employees_changes_to_the_org_are_forbidden_and_write_nothing(tenant):
    team = await tenant.create_department("Backend")
    people = await _org(tenant, ia1={"title": "Engineer"})
    token = tenant.token_for(_email(tenant, "ia1"))
    attempts = [
        ("createEmployee", {"email": _email(tenant, "sneaky"), "name": "Sneaky"}, "employee { id }"),
        ("updateEmployee", {"id": people["ia1"], "title": "Chief"}, "employee { id }"),
        ("changeManager", {"employeeId": people["ia1"], "managerId": people["ceo"]}, "employee { id }"),
        ("terminateEmployee", {"employeeId": people["ma1"]}, "employee { id }"),
        ("assignRoles", {"employeeId": people["ia1"], "roles": ["HR_ADMIN"]}, "employee { id }"),
        ("importEmployees", {"rows": [_row(_email(tenant, "sneaky"))]}, "employees { id }"),
        ("createDepartment", {"name": "Shadow"}, "department { id }"),
        ("updateDepartment", {"id": team["id"], "name": "Renamed", "headId": people["ia1"]}, "department { id }"),
        ("moveDepartment", {"id": team["id"], "parentId": None}, "department { id }"),
    ]
    for field, values, returns in attempts:
        payload = await _mutate(tenant, field, values, returns, token=token)
        assert [code for code, _ in _codes(payload)] == ["FORBIDDEN"], field
        assert not payload[returns.split()[0]], field

    assert (await _directory(tenant))[1] == 10
    assert await _directory(tenant, {"status": "TERMINATED"}) == ([], 0)
    assert await _employee(tenant, people["ia1"], "title roles manager { name }") == {
        "title": "Engineer", "roles": ["EMPLOYEE"], "manager": {"name": "MA1"}
    }
    assert await _department_names(tenant) == (["Backend"], 1)
    assert await _department(tenant, team["id"], "head { id }") == {"head": None}


# --- bulk import -------------------------------------------------------------------------------


def _bad_batches(tenant) -> dict[str, tuple[list[dict], list[tuple[str, list[str]]]]]:
    e = lambda key: _email(tenant, key)  # noqa: E731
    boss, ann = _row(e("boss")), _row(e("ann"), e("boss"))
    return {
        "unknown manager email": ([boss, ann, _row(e("bea"), e("ghost"))], [("NOT_FOUND", "2", "managerEmail")]),
        "email repeated in the batch": ([boss, ann, _row(e("ANN"), e("boss"))], [("DUPLICATE", "2", "email")]),
        "email of an existing employee": ([boss, _row(tenant.admin_email.upper(), e("boss")), ann], [("DUPLICATE", "1", "email")]),
        "managers forming a cycle": (
            [boss, _row(e("cy"), e("dee")), _row(e("dee"), e("cy")), ann],
            [("CYCLE", "1", "managerEmail"), ("CYCLE", "2", "managerEmail")],
        ),
        "malformed email": ([boss, ann, _row("not-an-email", e("boss"))], [("INVALID", "2", "email")]),
    }


@pytest.mark.parametrize(
    "case",
    ["unknown manager email", "email repeated in the batch", "email of an existing employee", "managers forming a cycle", "malformed email"],
)
async def test_an_import_with_one_bad_row_names_the_row_and_creates_nobody(tenant, case):
    rows, expected = _bad_batches(tenant)[case]
    before = await _directory(tenant)
    payload = await _mutate(tenant, "importEmployees", {"rows": rows}, "employees { id }")
    assert payload["employees"] == []
    assert _codes(payload) == [(code, ["input", "rows", row, where]) for code, row, where in expected]
    assert await _directory(tenant) == before
    assert before[1] == 1  # only the founding admin, then and now


async def test_an_import_builds_the_tree_from_manager_emails_in_any_order_and_honours_roles(tenant):
    rows = [
        _row(_email(tenant, "ic"), _email(tenant, "lead").upper()),  # before its manager, email in another case
        _row(_email(tenant, "lead"), _email(tenant, "head"), roles=["HR_ADMIN"]),
        _row(_email(tenant, "head"), tenant.admin_email),  # an existing employee as manager
    ]
    created = await tenant.import_rows(rows)
    assert [person["name"] for person in created] == ["IC", "LEAD", "HEAD"]  # in row order
    ids = {person["name"]: person["id"] for person in created}

    admin = await _employee(tenant, tenant.admin_id, "reports { name } directReports { name }")
    assert admin == {"reports": [{"name": "HEAD"}, {"name": "LEAD"}, {"name": "IC"}], "directReports": [{"name": "HEAD"}]}
    assert await _employee(tenant, ids["IC"], "reportingChain { name } roles managerHistory { effectiveFrom manager { name } }") == {
        "reportingChain": [{"name": "LEAD"}, {"name": "HEAD"}, {"name": "First Admin"}],
        "roles": ["EMPLOYEE"],
        "managerHistory": [{"effectiveFrom": HIRED, "manager": {"name": "LEAD"}}],
    }
    assert await _roles(tenant, ids["LEAD"]) == ["EMPLOYEE", "HR_ADMIN"]
    # The imported HR admin can act as one.
    made = await _mutate(
        tenant, "createDepartment", {"name": "People"}, "department { name }", token=tenant.token_for(_email(tenant, "lead"))
    )
    assert made == {"department": {"name": "People"}, "errors": []}


# --- the directory ------------------------------------------------------------------------------

PAGE = """query($after: String) { employees(first: 20, after: $after) {
  totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id name } } } }"""


async def test_the_directory_pages_through_everyone_exactly_once(tenant):
    # Six people share a name across the first page boundary, so the id tie-break matters.
    names = [f"Person {i:02}" for i in range(18)] + ["Person 18"] * 6 + [f"Person {i:02}" for i in range(19, 39)]
    await tenant.import_rows([_row(_email(tenant, f"p{i}"), name=name) for i, name in enumerate(names)])
    everyone = (await tenant.gql("{ employees(first: 100) { nodes { id } } }")).data["employees"]["nodes"]
    assert len(everyone) == 45

    seen, sizes, more, after = [], [], [], None
    for _ in range(3):
        page = (await tenant.gql(PAGE, {"after": after})).data["employees"]
        assert page["totalCount"] == 45
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        sizes.append(len(page["edges"]))
        more.append(page["pageInfo"]["hasNextPage"])
        seen += [edge["node"]["id"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert sizes == [20, 20, 5]
    assert more == [True, True, False]
    assert seen == [node["id"] for node in everyone]  # same order, no duplicates, no gaps
    assert len(set(seen)) == 45


async def test_search_matches_parts_of_names_or_emails_case_insensitively(tenant):
    await tenant.import_rows([
        _row(_email(tenant, "alice.w"), name="Alice Wonder"),
        _row(_email(tenant, "bobby"), name="Bob Builder"),
        _row(_email(tenant, "c.WONDER"), name="Carol"),
    ])
    assert (await _directory(tenant, {"search": "wONDER"})) == (["Alice Wonder", "Carol"], 2)
    assert (await _directory(tenant, {"search": "  BOBBY "})) == (["Bob Builder"], 1)
    assert (await _directory(tenant, {"search": "uild"})) == (["Bob Builder"], 1)
    assert (await _directory(tenant, {"search": "nobody-like-this"})) == ([], 0)


async def test_percent_and_underscore_in_search_are_literal_not_wildcards(tenant):
    await tenant.import_rows([
        _row(_email(tenant, "pct"), name="Sure 100%"),
        _row(_email(tenant, "u_s"), name="Under_Score"),
        _row(_email(tenant, "decoy"), name="Underxscore 1000"),
    ])
    assert (await _directory(tenant, {"search": "%"})) == (["Sure 100%"], 1)
    assert (await _directory(tenant, {"search": "100%"})) == (["Sure 100%"], 1)
    assert (await _directory(tenant, {"search": "r_s"})) == (["Under_Score"], 1)
    assert (await _directory(tenant, {"search": "_"})) == (["Under_Score"], 1)
    assert (await _directory(tenant, {"search": "\\"})) == ([], 0)


async def test_the_directory_filters_by_department_and_by_manager(tenant):
    backend = await tenant.create_department("Backend")
    people = await _org(
        tenant,
        ia1={"departmentId": backend["id"]}, ia3={"departmentId": backend["id"]}, ma1={"departmentId": backend["id"]},
    )
    assert await _directory(tenant, {"departmentId": backend["id"]}) == (["IA1", "IA3", "MA1"], 3)
    assert await _directory(tenant, {"managerId": people["ma1"]}) == (["IA1", "IA2"], 2)
    assert await _directory(tenant, {"departmentId": backend["id"], "managerId": people["ma1"]}) == (["IA1"], 1)
    assert await _directory(tenant, {"managerId": people["ia1"]}) == ([], 0)
