"""Another tenant's IDs are as good as missing, for every operation that takes an ID.

Tenant A (the victim) holds a small org; tenant B's admin (the attacker) calls every
ID-taking query and mutation with A's IDs. Queries answer null / empty / zero and
mutations a NOT_FOUND UserError naming the input field, byte for byte the same answer
as for an ID that exists nowhere, so the response is no existence oracle. Malformed IDs
and IDs of another type answer the same way. Afterwards A's org (and B's) is unchanged.

The operations are one table: covering a new operation is one more `Op(...)` line, and
`test_every_id_argument_in_the_schema_has_a_cross_tenant_case` fails until it is added.
The tenants are built once per module (the attacks change nothing, which is what every
case checks), so the whole module stays fast.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from graphql import GraphQLInputObjectType, build_schema, get_named_type

from tests.support.api import Api, TenantHandle

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def gid(type_name: str, raw: uuid.UUID | str) -> str:
    """A global ID built here, not with the code under test: base64url("Type:uuid")."""
    return base64.urlsafe_b64encode(f"{type_name}:{raw}".encode()).decode().rstrip("=")


def raw_uuid(global_id: str) -> str:
    return base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")[2]


# --- the two tenants ------------------------------------------------------------------


@dataclass(frozen=True)
class Victim:
    handle: TenantHandle
    root: str  # department "Engineering"
    sub: str  # department "Platform" under Engineering, headed by the manager
    manager: str  # in Engineering, HR_ADMIN
    report: str  # in Platform, reports to the manager (two reporting lines)
    manager_email: str
    manager_name: str
    competency: str  # "Listening", expected at the job level, assessed for the report
    job_level: str  # "Engineer", the report's job level
    goal: str = ""  # the manager's ACTIVE LEADERSHIP goal in Platform, with a key result, a check-in, the competency
    key_result: str = ""  # that goal's only key result


@dataclass(frozen=True)
class Attacker:
    handle: TenantHandle
    department: str
    employee: str  # the attacker's own, for inputs where only the second ID is A's
    leaver: str  # the attacker's own, for terminateEmployee
    competency: str  # the attacker's own, for inputs where only the other ID is A's
    job_level: str  # the attacker's own (an individual contributor level)
    goal: str = ""  # the attacker's own ACTIVE LEADERSHIP goal, measured by one key result
    key_result: str = ""


SNAPSHOT = """{
  tenant { id status }
  active: employees(first: 100) { totalCount nodes { ...person } }
  gone: employees(first: 100, filter: {status: TERMINATED}) { totalCount nodes { ...person } }
  departments(first: 100) { totalCount nodes { id name parent { id } head { id } children { id } } }
  proficiencyScale { level name }
  competencies(first: 100, filter: {active: null}) { totalCount nodes { id name description category active position
    levels { description indicators } } }
  jobLevels { id name rank track description employeeCount expectations { competency { id } expectedLevel } }
  goals(first: 20) { totalCount nodes { id title description kind scope status visibility weight startDate dueDate
    completedOn owner { id } department { id } parent { id } metric { name unit baseline target current }
    keyResults { id name unit baseline target current weight } competencies { id }
    checkIns(first: 20) { nodes { id value confidence note keyResult { id } } } } }
}
fragment person on Employee {
  id email name title jobLevel { id } hireDate terminationDate status roles
  manager { id } department { id } managerHistory { effectiveFrom effectiveTo manager { id } }
  competencyAssessments { id level source note competency { id } }
}"""


async def snapshot(handle: TenantHandle) -> dict:
    """Everything an attack could change in a tenant's org, read with its own admin token."""
    return (await handle.gql(SNAPSHOT)).data


@pytest.fixture(scope="module")
async def victim(api: Api) -> Victim:
    a = await api.new_tenant("victim")
    root = await a.create_department("Engineering")
    sub = await a.create_department("Platform", root["id"])
    manager_email, manager_name = f"mia@{a.slug}.test", f"Mia Victim {a.slug}"
    manager, report = await a.import_rows([
        {"email": manager_email, "name": manager_name, "departmentId": root["id"], "roles": ["HR_ADMIN"],
         "hireDate": "2020-01-01"},
        {"email": f"ray@{a.slug}.test", "name": "Ray Report", "departmentId": sub["id"], "hireDate": "2020-01-01"},
    ])
    # A second reporting line, so a lost or added history row shows in the snapshot.
    moved = await a.gql(
        """mutation($input: ChangeManagerInput!) { changeManager(input: $input) { errors { code } } }""",
        {"input": {"employeeId": report["id"], "managerId": manager["id"], "effectiveDate": "2021-01-01"}},
    )
    assert moved.data["changeManager"]["errors"] == []
    headed = await a.gql(
        """mutation($input: UpdateDepartmentInput!) { updateDepartment(input: $input) { errors { code } } }""",
        {"input": {"id": sub["id"], "headId": manager["id"]}},
    )
    assert headed.data["updateDepartment"]["errors"] == []
    competency, job_level = await _framework(a, report["id"])
    goal, key_result = await _goal_with_key_result(a, manager["id"], sub["id"], competency)
    return Victim(
        a, root["id"], sub["id"], manager["id"], report["id"], manager_email, manager_name, competency, job_level,
        goal, key_result,
    )


async def _goal_with_key_result(handle: TenantHandle, owner: str, department: str, competency: str | None) -> tuple[str, str]:
    """An ACTIVE LEADERSHIP goal measured by one key result, checked in once, developing `competency`."""
    created = await handle.gql(
        """mutation($owner: ID!, $department: ID!) { createGoal(input: {title: "Listen better", kind: LEADERSHIP,
             scope: TEAM, status: ACTIVE, ownerId: $owner, departmentId: $department, dueDate: "2030-01-01",
             keyResults: [{name: "1:1s held", unit: "meetings", baseline: 0, target: 12, weight: 100}]}) {
             goal { id keyResults { id } } errors { code } } }""",
        {"owner": owner, "department": department},
    )
    goal = created.data["createGoal"]["goal"]
    key_result = goal["keyResults"][0]["id"]
    checked = await handle.gql(
        """mutation($g: ID!, $k: ID!) { checkInGoal(input: {goalId: $g, keyResultId: $k, value: 3, confidence: ON_TRACK,
             note: "started"}) { errors { code } } }""",
        {"g": goal["id"], "k": key_result},
    )
    assert checked.data["checkInGoal"]["errors"] == []
    if competency is not None:
        linked = await handle.gql(
            """mutation($g: ID!, $c: ID!) { linkGoalCompetencies(input: {goalId: $g, competencyIds: [$c]}) { errors { code } } }""",
            {"g": goal["id"], "c": competency},
        )
        assert linked.data["linkGoalCompetencies"]["errors"] == []
    return goal["id"], key_result


async def _framework(handle: TenantHandle, assessed: str | None) -> tuple[str, str]:
    """A competency with a level text, a job level expecting it; `assessed` gets the level and one assessment."""
    created = await handle.gql(
        """mutation { createCompetency(input: {name: "Listening", category: "CORE",
             levels: [{level: 2, description: "Listens", indicators: ["Summarises"]}]}) { competency { id } errors { code } } }"""
    )
    competency = created.data["createCompetency"]["competency"]["id"]
    level = await handle.gql(
        """mutation { createJobLevel(input: {name: "Engineer", rank: 1, track: INDIVIDUAL_CONTRIBUTOR}) {
             jobLevel { id } errors { code } } }"""
    )
    job_level = level.data["createJobLevel"]["jobLevel"]["id"]
    expected = await handle.gql(
        """mutation($l: ID!, $c: ID!) { setJobLevelExpectations(input: {jobLevelId: $l,
             expectations: [{competencyId: $c, expectedLevel: 3}]}) { errors { code } } }""",
        {"l": job_level, "c": competency},
    )
    assert expected.data["setJobLevelExpectations"]["errors"] == []
    if assessed is not None:
        placed = await handle.gql(
            """mutation($e: ID!, $l: ID!, $c: ID!) {
                 updateEmployee(input: {id: $e, jobLevelId: $l}) { errors { code } }
                 assessCompetency(input: {employeeId: $e, competencyId: $c, level: 2, source: REVIEW, note: "Fine"}) {
                   errors { code } } }""",
            {"e": assessed, "l": job_level, "c": competency},
        )
        assert placed.data == {"updateEmployee": {"errors": []}, "assessCompetency": {"errors": []}}
    return competency, job_level


@pytest.fixture(scope="module")
async def attacker(api: Api) -> Attacker:
    b = await api.new_tenant("attacker")
    department = await b.create_department("Attack")
    employee, leaver = await b.import_rows([
        {"email": f"eve@{b.slug}.test", "name": "Eve Attacker", "departmentId": department["id"]},
        {"email": f"lee@{b.slug}.test", "name": "Lee Leaver", "departmentId": department["id"]},
    ])
    competency, job_level = await _framework(b, None)
    goal, key_result = await _goal_with_key_result(b, employee["id"], department["id"], None)
    return Attacker(b, department["id"], employee["id"], leaver["id"], competency, job_level, goal, key_result)


@pytest.fixture(scope="module")
async def victim_before(victim: Victim) -> dict:
    before = await snapshot(victim.handle)
    # The snapshot really sees the org it guards (else "unchanged" would prove nothing).
    people = {p["id"]: p for p in before["active"]["nodes"]}
    assert people[victim.report]["manager"] == {"id": victim.manager}
    assert len(people[victim.report]["managerHistory"]) == 2
    assert people[victim.manager]["roles"] == ["EMPLOYEE", "HR_ADMIN"]
    departments = {d["id"]: d for d in before["departments"]["nodes"]}
    assert departments[victim.sub] == {
        "id": victim.sub, "name": "Platform", "parent": {"id": victim.root}, "head": {"id": victim.manager},
        "children": [],
    }
    assert before["tenant"] == {"id": victim.handle.id, "status": "ACTIVE"}
    assert people[victim.report]["jobLevel"] == {"id": victim.job_level}
    assert people[victim.report]["competencyAssessments"] == [
        {"id": people[victim.report]["competencyAssessments"][0]["id"], "level": 2, "source": "REVIEW", "note": "Fine",
         "competency": {"id": victim.competency}},
    ]
    assert before["competencies"]["nodes"][0]["levels"][1] == {"description": "Listens", "indicators": ["Summarises"]}
    assert before["jobLevels"] == [{
        "id": victim.job_level, "name": "Engineer", "rank": 1, "track": "INDIVIDUAL_CONTRIBUTOR", "description": None,
        "employeeCount": 1, "expectations": [{"competency": {"id": victim.competency}, "expectedLevel": 3}],
    }]
    goals = before["goals"]["nodes"]
    assert [(g["id"], g["owner"], g["department"], g["competencies"]) for g in goals] == [
        (victim.goal, {"id": victim.manager}, {"id": victim.sub}, [{"id": victim.competency}]),
    ]
    assert goals[0]["keyResults"][0]["id"] == victim.key_result
    assert [(c["value"], c["keyResult"]) for c in goals[0]["checkIns"]["nodes"]] == [(3, {"id": victim.key_result})]
    return before


# --- the operations ---------------------------------------------------------------------

# The kinds of ID an argument can expect; "Node" is any type node() resolves.
ID_KINDS = {"Employee", "Department", "Tenant", "Node", "Competency", "JobLevel", "Goal", "KeyResult"}


@dataclass(frozen=True)
class Op:
    id: str
    covers: str  # "Root.field(argument.path)", matched against schema.graphql
    kind: str  # what the argument expects: an ID kind, or "email" / "text" for non-ID inputs
    target: str  # the Victim attribute used as the attack value
    document: str
    variables: Callable[[str, Attacker], dict]
    expect: Callable[[Attacker], dict]
    token: str = "attacker"  # or "platform"
    owner_sees: Callable[[Victim, Attacker], dict] | None = None  # the same query with A's own token

    def __str__(self) -> str:
        return self.id


def mutation(name: str, input_type: str, thing: str) -> str:
    return f"""mutation($input: {input_type}!) {{ {name}(input: $input) {{
      {thing} {{ id }} errors {{ code field message }} }} }}"""


def not_found(name: str, thing: str, field: list[str], message: str) -> Callable[[Attacker], dict]:
    empty = [] if thing in ("employees", "competencies") else None
    return lambda b: {name: {thing: empty, "errors": [{"code": "NOT_FOUND", "field": field, "message": message}]}}


NODE = """query($id: ID!) { node(id: $id) { id ... on Employee { name } ... on Department { name }
  ... on Competency { name } ... on JobLevel { name } ... on Goal { title } } }"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
EMPLOYEE = "query($id: ID!) { employee(id: $id) { id name } }"
DEPARTMENT = "query($id: ID!) { department(id: $id) { id name } }"
EMPLOYEES = "query($f: EmployeeFilterInput) { employees(first: 100, filter: $f) { totalCount nodes { id } } }"
DEPARTMENTS = "query($f: DepartmentFilterInput) { departments(first: 100, filter: $f) { totalCount nodes { id } } }"
COMPETENCY = "query($id: ID!) { competency(id: $id) { id name } }"
JOB_LEVEL = "query($id: ID!) { jobLevel(id: $id) { id name } }"
GOAL = "query($id: ID!) { goal(id: $id) { id title } }"
GOALS = "query($f: GoalFilterInput) { goals(first: 100, filter: $f) { totalCount nodes { id } } }"
GOAL_TREE = "query($id: ID!) { goalTree(rootId: $id) { depth goal { id } } }"
NO_GOALS = {"goals": {"totalCount": 0, "nodes": []}}
NO_EMPLOYEES = {"employees": {"totalCount": 0, "nodes": []}}
NO_DEPARTMENTS = {"departments": {"totalCount": 0, "nodes": []}}

CREATE_DEPARTMENT = mutation("createDepartment", "CreateDepartmentInput", "department")
UPDATE_DEPARTMENT = mutation("updateDepartment", "UpdateDepartmentInput", "department")
MOVE_DEPARTMENT = mutation("moveDepartment", "MoveDepartmentInput", "department")
CREATE_EMPLOYEE = mutation("createEmployee", "CreateEmployeeInput", "employee")
UPDATE_EMPLOYEE = mutation("updateEmployee", "UpdateEmployeeInput", "employee")
CHANGE_MANAGER = mutation("changeManager", "ChangeManagerInput", "employee")
TERMINATE = mutation("terminateEmployee", "TerminateEmployeeInput", "employee")
ASSIGN_ROLES = mutation("assignRoles", "AssignRolesInput", "employee")
IMPORT = mutation("importEmployees", "ImportEmployeesInput", "employees")
UPDATE_COMPETENCY = mutation("updateCompetency", "UpdateCompetencyInput", "competency")
ARCHIVE_COMPETENCY = mutation("archiveCompetency", "ArchiveCompetencyInput", "competency")
RESTORE_COMPETENCY = mutation("restoreCompetency", "RestoreCompetencyInput", "competency")
REORDER_COMPETENCIES = mutation("reorderCompetencies", "ReorderCompetenciesInput", "competencies")
UPDATE_JOB_LEVEL = mutation("updateJobLevel", "UpdateJobLevelInput", "jobLevel")
SET_EXPECTATIONS = mutation("setJobLevelExpectations", "SetJobLevelExpectationsInput", "jobLevel")
ASSESS = mutation("assessCompetency", "AssessCompetencyInput", "assessment")
CREATE_GOAL = mutation("createGoal", "CreateGoalInput", "goal")
UPDATE_GOAL = mutation("updateGoal", "UpdateGoalInput", "goal")
SET_GOAL_PARENT = mutation("setGoalParent", "SetGoalParentInput", "goal")
ADD_KEY_RESULT = mutation("addKeyResult", "AddKeyResultInput", "keyResult")
UPDATE_KEY_RESULT = mutation("updateKeyResult", "UpdateKeyResultInput", "keyResult")
REMOVE_KEY_RESULT = mutation("removeKeyResult", "KeyResultIdInput", "goal")
SET_WEIGHTS = mutation("setKeyResultWeights", "SetKeyResultWeightsInput", "goal")
LINK_COMPETENCIES = mutation("linkGoalCompetencies", "LinkGoalCompetenciesInput", "goal")
CHECK_IN = mutation("checkInGoal", "CheckInGoalInput", "checkIn")
SUSPEND = mutation("suspendTenant", "TenantIdInput", "tenant")
REACTIVATE = mutation("reactivateTenant", "TenantIdInput", "tenant")

NO_EMPLOYEE, NO_DEPARTMENT = "Employee not found", "Department not found"
NO_GOAL, NO_KEY_RESULT = "Goal not found", "KeyResult not found"
NO_COMPETENCY, NO_JOB_LEVEL = "Competency not found", "JobLevel not found"


def _new_person(b: Attacker) -> dict:
    return {"email": f"new-{uuid.uuid4().hex[:8]}@{b.handle.slug}.test", "name": "New Person"}


OPS = [
    # queries: null, empty, zero
    Op("node-employee", "Query.node(id)", "Node", "report", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.report, "name": "Ray Report"}}),
    Op("node-department", "Query.node(id)", "Node", "sub", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.sub, "name": "Platform"}}),
    Op("nodes", "Query.nodes(ids)", "Node", "manager", NODES, lambda t, b: {"ids": [t, b.employee]},
       lambda b: {"nodes": [None, {"id": b.employee}]},
       owner_sees=lambda a, b: {"nodes": [{"id": a.manager}, None]}),
    Op("employee", "Query.employee(id)", "Employee", "manager", EMPLOYEE, lambda t, b: {"id": t},
       lambda b: {"employee": None},
       owner_sees=lambda a, b: {"employee": {"id": a.manager, "name": a.manager_name}}),
    Op("node-competency", "Query.node(id)", "Node", "competency", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.competency, "name": "Listening"}}),
    Op("node-job-level", "Query.node(id)", "Node", "job_level", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.job_level, "name": "Engineer"}}),
    Op("competency", "Query.competency(id)", "Competency", "competency", COMPETENCY, lambda t, b: {"id": t},
       lambda b: {"competency": None},
       owner_sees=lambda a, b: {"competency": {"id": a.competency, "name": "Listening"}}),
    Op("jobLevel", "Query.jobLevel(id)", "JobLevel", "job_level", JOB_LEVEL, lambda t, b: {"id": t},
       lambda b: {"jobLevel": None},
       owner_sees=lambda a, b: {"jobLevel": {"id": a.job_level, "name": "Engineer"}}),
    Op("department", "Query.department(id)", "Department", "root", DEPARTMENT, lambda t, b: {"id": t},
       lambda b: {"department": None},
       owner_sees=lambda a, b: {"department": {"id": a.root, "name": "Engineering"}}),
    Op("employees-by-department", "Query.employees(filter.departmentId)", "Department", "root", EMPLOYEES,
       lambda t, b: {"f": {"departmentId": t}}, lambda b: NO_EMPLOYEES,
       owner_sees=lambda a, b: {"employees": {"totalCount": 1, "nodes": [{"id": a.manager}]}}),
    Op("employees-by-manager", "Query.employees(filter.managerId)", "Employee", "manager", EMPLOYEES,
       lambda t, b: {"f": {"managerId": t}}, lambda b: NO_EMPLOYEES,
       owner_sees=lambda a, b: {"employees": {"totalCount": 1, "nodes": [{"id": a.report}]}}),
    Op("auditLog-by-actor", "Query.auditLog(filter.actorId)", "Employee", "manager",
       "query($f: AuditFilterInput) { auditLog(filter: $f) { edges { node { action } } } }",
       lambda t, b: {"f": {"actorId": t}}, lambda b: {"auditLog": {"edges": []}}),
    Op("employees-by-search", "Query.employees(filter.search)", "text", "manager_name", EMPLOYEES,
       lambda t, b: {"f": {"search": t}}, lambda b: NO_EMPLOYEES,
       owner_sees=lambda a, b: {"employees": {"totalCount": 1, "nodes": [{"id": a.manager}]}}),
    Op("departments-by-parent", "Query.departments(filter.parentId)", "Department", "root", DEPARTMENTS,
       lambda t, b: {"f": {"parentId": t}}, lambda b: NO_DEPARTMENTS,
       owner_sees=lambda a, b: {"departments": {"totalCount": 1, "nodes": [{"id": a.sub}]}}),
    # department mutations
    Op("createDepartment-parentId", "Mutation.createDepartment(input.parentId)", "Department", "root",
       CREATE_DEPARTMENT, lambda t, b: {"input": {"name": "Stolen", "parentId": t}},
       not_found("createDepartment", "department", ["input", "parentId"], NO_DEPARTMENT)),
    Op("createDepartment-headId", "Mutation.createDepartment(input.headId)", "Employee", "manager",
       CREATE_DEPARTMENT, lambda t, b: {"input": {"name": "Headhunted", "headId": t}},
       not_found("createDepartment", "department", ["input", "headId"], NO_EMPLOYEE)),
    Op("updateDepartment-id", "Mutation.updateDepartment(input.id)", "Department", "sub",
       UPDATE_DEPARTMENT, lambda t, b: {"input": {"id": t, "name": "Renamed", "headId": None}},
       not_found("updateDepartment", "department", ["input", "id"], NO_DEPARTMENT)),
    Op("updateDepartment-headId", "Mutation.updateDepartment(input.headId)", "Employee", "manager",
       UPDATE_DEPARTMENT, lambda t, b: {"input": {"id": b.department, "name": "Renamed", "headId": t}},
       not_found("updateDepartment", "department", ["input", "headId"], NO_EMPLOYEE)),
    Op("moveDepartment-id", "Mutation.moveDepartment(input.id)", "Department", "sub",
       MOVE_DEPARTMENT, lambda t, b: {"input": {"id": t, "parentId": None}},
       not_found("moveDepartment", "department", ["input", "id"], NO_DEPARTMENT)),
    Op("moveDepartment-id-under-attacker", "Mutation.moveDepartment(input.id)", "Department", "sub",
       MOVE_DEPARTMENT, lambda t, b: {"input": {"id": t, "parentId": b.department}},
       not_found("moveDepartment", "department", ["input", "id"], NO_DEPARTMENT)),
    Op("moveDepartment-parentId", "Mutation.moveDepartment(input.parentId)", "Department", "root",
       MOVE_DEPARTMENT, lambda t, b: {"input": {"id": b.department, "parentId": t}},
       not_found("moveDepartment", "department", ["input", "parentId"], NO_DEPARTMENT)),
    # employee mutations
    Op("createEmployee-departmentId", "Mutation.createEmployee(input.departmentId)", "Department", "sub",
       CREATE_EMPLOYEE, lambda t, b: {"input": {**_new_person(b), "departmentId": t}},
       not_found("createEmployee", "employee", ["input", "departmentId"], NO_DEPARTMENT)),
    Op("createEmployee-managerId", "Mutation.createEmployee(input.managerId)", "Employee", "manager",
       CREATE_EMPLOYEE, lambda t, b: {"input": {**_new_person(b), "managerId": t}},
       not_found("createEmployee", "employee", ["input", "managerId"], NO_EMPLOYEE)),
    Op("createEmployee-jobLevelId", "Mutation.createEmployee(input.jobLevelId)", "JobLevel", "job_level",
       CREATE_EMPLOYEE, lambda t, b: {"input": {**_new_person(b), "jobLevelId": t}},
       not_found("createEmployee", "employee", ["input", "jobLevelId"], NO_JOB_LEVEL)),
    Op("updateEmployee-jobLevelId", "Mutation.updateEmployee(input.jobLevelId)", "JobLevel", "job_level",
       UPDATE_EMPLOYEE, lambda t, b: {"input": {"id": b.employee, "name": "Renamed", "jobLevelId": t}},
       not_found("updateEmployee", "employee", ["input", "jobLevelId"], NO_JOB_LEVEL)),
    Op("updateEmployee-id", "Mutation.updateEmployee(input.id)", "Employee", "report",
       UPDATE_EMPLOYEE, lambda t, b: {"input": {"id": t, "name": "Renamed", "title": "Owned", "departmentId": None}},
       not_found("updateEmployee", "employee", ["input", "id"], NO_EMPLOYEE)),
    Op("updateEmployee-departmentId", "Mutation.updateEmployee(input.departmentId)", "Department", "root",
       UPDATE_EMPLOYEE, lambda t, b: {"input": {"id": b.employee, "name": "Renamed", "departmentId": t}},
       not_found("updateEmployee", "employee", ["input", "departmentId"], NO_DEPARTMENT)),
    Op("changeManager-employeeId", "Mutation.changeManager(input.employeeId)", "Employee", "report",
       CHANGE_MANAGER, lambda t, b: {"input": {"employeeId": t, "managerId": None}},
       not_found("changeManager", "employee", ["input", "employeeId"], NO_EMPLOYEE)),
    Op("changeManager-employeeId-to-attacker", "Mutation.changeManager(input.employeeId)", "Employee", "report",
       CHANGE_MANAGER, lambda t, b: {"input": {"employeeId": t, "managerId": b.employee}},
       not_found("changeManager", "employee", ["input", "employeeId"], NO_EMPLOYEE)),
    Op("changeManager-managerId", "Mutation.changeManager(input.managerId)", "Employee", "manager",
       CHANGE_MANAGER, lambda t, b: {"input": {"employeeId": b.employee, "managerId": t}},
       not_found("changeManager", "employee", ["input", "managerId"], NO_EMPLOYEE)),
    Op("terminateEmployee-employeeId", "Mutation.terminateEmployee(input.employeeId)", "Employee", "manager",
       TERMINATE, lambda t, b: {"input": {"employeeId": t}},
       not_found("terminateEmployee", "employee", ["input", "employeeId"], NO_EMPLOYEE)),
    Op("terminateEmployee-reassignReportsTo", "Mutation.terminateEmployee(input.reassignReportsTo)", "Employee",
       "manager", TERMINATE, lambda t, b: {"input": {"employeeId": b.leaver, "reassignReportsTo": t}},
       not_found("terminateEmployee", "employee", ["input", "reassignReportsTo"], NO_EMPLOYEE)),
    Op("assignRoles-employeeId", "Mutation.assignRoles(input.employeeId)", "Employee", "report",
       ASSIGN_ROLES, lambda t, b: {"input": {"employeeId": t, "roles": ["EMPLOYEE", "HR_ADMIN", "TENANT_ADMIN"]}},
       not_found("assignRoles", "employee", ["input", "employeeId"], NO_EMPLOYEE)),
    Op("importEmployees-departmentId", "Mutation.importEmployees(input.rows.departmentId)", "Department", "sub",
       IMPORT, lambda t, b: {"input": {"rows": [{**_new_person(b), "departmentId": t}]}},
       not_found("importEmployees", "employees", ["input", "rows", "0", "departmentId"],
                 "Row 1: department not found")),
    Op("importEmployees-managerEmail", "Mutation.importEmployees(input.rows.managerEmail)", "email", "manager_email",
       IMPORT, lambda t, b: {"input": {"rows": [{**_new_person(b), "managerEmail": t}]}},
       not_found("importEmployees", "employees", ["input", "rows", "0", "managerEmail"],
                 "Row 1: unknown manager email")),
    # the competency framework
    Op("updateCompetency-id", "Mutation.updateCompetency(input.id)", "Competency", "competency", UPDATE_COMPETENCY,
       lambda t, b: {"input": {"id": t, "name": "Owned", "levels": []}},
       not_found("updateCompetency", "competency", ["input", "id"], NO_COMPETENCY)),
    Op("archiveCompetency-id", "Mutation.archiveCompetency(input.id)", "Competency", "competency", ARCHIVE_COMPETENCY,
       lambda t, b: {"input": {"id": t}}, not_found("archiveCompetency", "competency", ["input", "id"], NO_COMPETENCY)),
    Op("restoreCompetency-id", "Mutation.restoreCompetency(input.id)", "Competency", "competency", RESTORE_COMPETENCY,
       lambda t, b: {"input": {"id": t}}, not_found("restoreCompetency", "competency", ["input", "id"], NO_COMPETENCY)),
    Op("reorderCompetencies-ids", "Mutation.reorderCompetencies(input.ids)", "Competency", "competency",
       REORDER_COMPETENCIES, lambda t, b: {"input": {"ids": [t, b.competency]}},
       not_found("reorderCompetencies", "competencies", ["input", "ids", "0"], NO_COMPETENCY)),
    Op("updateJobLevel-id", "Mutation.updateJobLevel(input.id)", "JobLevel", "job_level", UPDATE_JOB_LEVEL,
       lambda t, b: {"input": {"id": t, "name": "Owned", "rank": 7}},
       not_found("updateJobLevel", "jobLevel", ["input", "id"], NO_JOB_LEVEL)),
    Op("setJobLevelExpectations-jobLevelId", "Mutation.setJobLevelExpectations(input.jobLevelId)", "JobLevel",
       "job_level", SET_EXPECTATIONS, lambda t, b: {"input": {"jobLevelId": t, "expectations": []}},
       not_found("setJobLevelExpectations", "jobLevel", ["input", "jobLevelId"], NO_JOB_LEVEL)),
    Op("setJobLevelExpectations-competencyId", "Mutation.setJobLevelExpectations(input.expectations.competencyId)",
       "Competency", "competency", SET_EXPECTATIONS,
       lambda t, b: {"input": {"jobLevelId": b.job_level, "expectations": [{"competencyId": t, "expectedLevel": 1}]}},
       not_found("setJobLevelExpectations", "jobLevel", ["input", "expectations", "0", "competencyId"], NO_COMPETENCY)),
    Op("assessCompetency-employeeId", "Mutation.assessCompetency(input.employeeId)", "Employee", "report", ASSESS,
       lambda t, b: {"input": {"employeeId": t, "competencyId": b.competency, "level": 1, "source": "REVIEW"}},
       not_found("assessCompetency", "assessment", ["input", "employeeId"], NO_EMPLOYEE)),
    Op("assessCompetency-competencyId", "Mutation.assessCompetency(input.competencyId)", "Competency", "competency",
       ASSESS, lambda t, b: {"input": {"employeeId": b.employee, "competencyId": t, "level": 1, "source": "REVIEW"}},
       not_found("assessCompetency", "assessment", ["input", "competencyId"], NO_COMPETENCY)),
    # goals: queries
    Op("node-goal", "Query.node(id)", "Node", "goal", NODE, lambda t, b: {"id": t}, lambda b: {"node": None},
       owner_sees=lambda a, b: {"node": {"id": a.goal, "title": "Listen better"}}),
    Op("goal", "Query.goal(id)", "Goal", "goal", GOAL, lambda t, b: {"id": t}, lambda b: {"goal": None},
       owner_sees=lambda a, b: {"goal": {"id": a.goal, "title": "Listen better"}}),
    Op("goals-by-owner", "Query.goals(filter.ownerId)", "Employee", "manager", GOALS,
       lambda t, b: {"f": {"ownerId": t}}, lambda b: NO_GOALS,
       owner_sees=lambda a, b: {"goals": {"totalCount": 1, "nodes": [{"id": a.goal}]}}),
    Op("goals-by-department", "Query.goals(filter.departmentId)", "Department", "sub", GOALS,
       lambda t, b: {"f": {"departmentId": t}}, lambda b: NO_GOALS,
       owner_sees=lambda a, b: {"goals": {"totalCount": 1, "nodes": [{"id": a.goal}]}}),
    Op("goalTree", "Query.goalTree(rootId)", "Goal", "goal", GOAL_TREE, lambda t, b: {"id": t},
       lambda b: {"goalTree": None}, owner_sees=lambda a, b: {"goalTree": [{"depth": 0, "goal": {"id": a.goal}}]}),
    # goal mutations
    Op("createGoal-ownerId", "Mutation.createGoal(input.ownerId)", "Employee", "manager", CREATE_GOAL,
       lambda t, b: {"input": {"title": "Stolen", "dueDate": "2030-01-01", "ownerId": t}},
       not_found("createGoal", "goal", ["input", "ownerId"], NO_EMPLOYEE)),
    Op("createGoal-departmentId", "Mutation.createGoal(input.departmentId)", "Department", "sub", CREATE_GOAL,
       lambda t, b: {"input": {"title": "Stolen", "dueDate": "2030-01-01", "departmentId": t}},
       not_found("createGoal", "goal", ["input", "departmentId"], NO_DEPARTMENT)),
    Op("createGoal-parentId", "Mutation.createGoal(input.parentId)", "Goal", "goal", CREATE_GOAL,
       lambda t, b: {"input": {"title": "Aligned", "dueDate": "2030-01-01", "parentId": t}},
       not_found("createGoal", "goal", ["input", "parentId"], NO_GOAL)),
    Op("updateGoal-id", "Mutation.updateGoal(input.id)", "Goal", "goal", UPDATE_GOAL,
       lambda t, b: {"input": {"id": t, "title": "Renamed", "visibility": "PRIVATE"}},
       not_found("updateGoal", "goal", ["input", "id"], NO_GOAL)),
    Op("updateGoal-ownerId", "Mutation.updateGoal(input.ownerId)", "Employee", "manager", UPDATE_GOAL,
       lambda t, b: {"input": {"id": b.goal, "title": "Handed over", "ownerId": t}},
       not_found("updateGoal", "goal", ["input", "ownerId"], NO_EMPLOYEE)),
    Op("updateGoal-departmentId", "Mutation.updateGoal(input.departmentId)", "Department", "sub", UPDATE_GOAL,
       lambda t, b: {"input": {"id": b.goal, "title": "Moved", "departmentId": t}},
       not_found("updateGoal", "goal", ["input", "departmentId"], NO_DEPARTMENT)),
    *(
        Op(f"{name}-id", f"Mutation.{name}(input.id)", "Goal", "goal", mutation(name, "GoalIdInput", "goal"),
           lambda t, b: {"input": {"id": t}}, not_found(name, "goal", ["input", "id"], NO_GOAL))
        for name in ("activateGoal", "completeGoal", "cancelGoal")
    ),
    Op("setGoalParent-goalId", "Mutation.setGoalParent(input.goalId)", "Goal", "goal", SET_GOAL_PARENT,
       lambda t, b: {"input": {"goalId": t, "parentId": None}},
       not_found("setGoalParent", "goal", ["input", "goalId"], NO_GOAL)),
    Op("setGoalParent-goalId-under-attacker", "Mutation.setGoalParent(input.goalId)", "Goal", "goal", SET_GOAL_PARENT,
       lambda t, b: {"input": {"goalId": t, "parentId": b.goal}},
       not_found("setGoalParent", "goal", ["input", "goalId"], NO_GOAL)),
    Op("setGoalParent-parentId", "Mutation.setGoalParent(input.parentId)", "Goal", "goal", SET_GOAL_PARENT,
       lambda t, b: {"input": {"goalId": b.goal, "parentId": t}},
       not_found("setGoalParent", "goal", ["input", "parentId"], NO_GOAL)),
    Op("linkGoalCompetencies-goalId", "Mutation.linkGoalCompetencies(input.goalId)", "Goal", "goal", LINK_COMPETENCIES,
       lambda t, b: {"input": {"goalId": t, "competencyIds": []}},
       not_found("linkGoalCompetencies", "goal", ["input", "goalId"], NO_GOAL)),
    Op("linkGoalCompetencies-competencyIds", "Mutation.linkGoalCompetencies(input.competencyIds)", "Competency",
       "competency", LINK_COMPETENCIES, lambda t, b: {"input": {"goalId": b.goal, "competencyIds": [t]}},
       not_found("linkGoalCompetencies", "goal", ["input", "competencyIds", "0"], "Competency not found")),
    # key results and check-ins
    Op("addKeyResult-goalId", "Mutation.addKeyResult(input.goalId)", "Goal", "goal", ADD_KEY_RESULT,
       lambda t, b: {"input": {"goalId": t, "name": "Planted", "unit": "x", "target": 1, "weight": 0}},
       not_found("addKeyResult", "keyResult", ["input", "goalId"], NO_GOAL)),
    Op("updateKeyResult-id", "Mutation.updateKeyResult(input.id)", "KeyResult", "key_result", UPDATE_KEY_RESULT,
       lambda t, b: {"input": {"id": t, "name": "Renamed", "target": 1}},
       not_found("updateKeyResult", "keyResult", ["input", "id"], NO_KEY_RESULT)),
    Op("removeKeyResult-id", "Mutation.removeKeyResult(input.id)", "KeyResult", "key_result", REMOVE_KEY_RESULT,
       lambda t, b: {"input": {"id": t}}, not_found("removeKeyResult", "goal", ["input", "id"], NO_KEY_RESULT)),
    Op("setKeyResultWeights-goalId", "Mutation.setKeyResultWeights(input.goalId)", "Goal", "goal", SET_WEIGHTS,
       lambda t, b: {"input": {"goalId": t, "weights": []}},
       not_found("setKeyResultWeights", "goal", ["input", "goalId"], NO_GOAL)),
    Op("setKeyResultWeights-keyResultId", "Mutation.setKeyResultWeights(input.weights.keyResultId)", "KeyResult",
       "key_result", SET_WEIGHTS,
       lambda t, b: {"input": {"goalId": b.goal, "weights": [{"keyResultId": t, "weight": 100}]}},
       not_found("setKeyResultWeights", "goal", ["input", "weights", "0", "keyResultId"], NO_KEY_RESULT)),
    Op("checkInGoal-goalId", "Mutation.checkInGoal(input.goalId)", "Goal", "goal", CHECK_IN,
       lambda t, b: {"input": {"goalId": t, "value": 99, "confidence": "OFF_TRACK"}},
       not_found("checkInGoal", "checkIn", ["input", "goalId"], NO_GOAL)),
    Op("checkInGoal-keyResultId", "Mutation.checkInGoal(input.keyResultId)", "KeyResult", "key_result", CHECK_IN,
       lambda t, b: {"input": {"goalId": b.goal, "keyResultId": t, "value": 99, "confidence": "OFF_TRACK"}},
       not_found("checkInGoal", "checkIn", ["input", "keyResultId"], NO_KEY_RESULT)),
    # platform operators: an ID that is not a tenant ID (here A's employee) names no tenant
    Op("setTenantIntrospection-id", "Mutation.setTenantIntrospection(input.id)", "Tenant", "manager",
       mutation("setTenantIntrospection", "SetTenantIntrospectionInput", "tenant"),
       lambda t, b: {"input": {"id": t, "enabled": True}},
       not_found("setTenantIntrospection", "tenant", ["input", "id"], "Tenant not found"), token="platform"),
    Op("suspendTenant-id", "Mutation.suspendTenant(input.id)", "Tenant", "manager", SUSPEND,
       lambda t, b: {"input": {"id": t}}, not_found("suspendTenant", "tenant", ["input", "id"], "Tenant not found"),
       token="platform"),
    Op("reactivateTenant-id", "Mutation.reactivateTenant(input.id)", "Tenant", "manager", REACTIVATE,
       lambda t, b: {"input": {"id": t}}, not_found("reactivateTenant", "tenant", ["input", "id"], "Tenant not found"),
       token="platform"),
]
ID_OPS = [op for op in OPS if op.kind in ID_KINDS]
QUERY_OPS = [op for op in OPS if op.owner_sees is not None]


def missing(kind: str, a: Victim) -> str:
    """A well-formed value of the expected kind that exists in no tenant: the reference answer."""
    token = uuid.uuid4()
    return {
        "Node": gid("Employee", token),
        "email": f"nobody-{token.hex[:8]}@{a.handle.slug}.test",
        "text": f"Nobody {token.hex}",
    }.get(kind) or gid(kind, token)


def bad_ids(kind: str, a: Victim, b: Attacker) -> dict[str, str]:
    """Malformed IDs and IDs of another type; each must answer exactly like a missing ID."""
    other_type = {
        "Employee": {"attacker's department": b.department, "relabelled": gid("Employee", raw_uuid(a.sub))},
        "Department": {"attacker's employee": b.employee, "relabelled": gid("Department", raw_uuid(a.manager))},
        "Competency": {"attacker's job level": b.job_level, "relabelled": gid("Competency", raw_uuid(a.job_level))},
        "JobLevel": {"attacker's competency": b.competency, "relabelled": gid("JobLevel", raw_uuid(a.competency))},
        "Goal": {"attacker's employee": b.employee, "relabelled": gid("Goal", raw_uuid(a.key_result))},
        "KeyResult": {"victim's goal": a.goal, "relabelled": gid("KeyResult", raw_uuid(a.goal))},
        "Tenant": {"victim's department": a.root, "attacker's employee": b.employee},
        # Only the viewer's own tenant resolves through node(); A's tenant ID reads as missing.
        "Node": {"victim's tenant": a.handle.id},
    }[kind]
    return {
        **other_type,
        "empty": "",
        "garbage": "not-an-id",
        "non-ascii": "Ω-id",
        "unknown type": gid("Payroll", uuid.uuid4()),
        "bad uuid": gid(kind if kind != "Node" else "Employee", "not-a-uuid"),
        "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(),
        "overlong": gid(kind if kind != "Node" else "Employee", raw_uuid(a.manager)) + "A" * 200,
    }


def attack_value(op: Op, a: Victim) -> str:
    return getattr(a, op.target)


async def call(op: Op, api: Api, b: Attacker, value: str):
    token = api.platform_token() if op.token == "platform" else b.handle.admin_token
    result = await api.gql(op.document, op.variables(value, b), token=token)
    assert result.status == 200, result.body
    return result


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS, ids=str)
async def test_another_tenants_id_answers_like_a_missing_one_and_changes_nothing(
    api, victim, attacker, victim_before, op
):
    attacker_before = await snapshot(attacker.handle)

    attacked = await call(op, api, attacker, attack_value(op, victim))
    assert attacked.data == op.expect(attacker)
    # Same body as for a value that exists nowhere: A's things are not even confirmed to exist.
    reference = await call(op, api, attacker, missing(op.kind, victim))
    assert attacked.body == reference.body

    # A refused mutation wrote nothing, not even half-way into the attacker's own tenant.
    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", ID_OPS, ids=str)
async def test_malformed_and_wrong_type_ids_answer_like_a_missing_one(api, victim, attacker, victim_before, op):
    attacker_before = await snapshot(attacker.handle)
    reference = (await call(op, api, attacker, missing(op.kind, victim))).body
    assert reference == {"data": op.expect(attacker)}

    bad = bad_ids(op.kind, victim, attacker)
    results = await asyncio.gather(*(call(op, api, attacker, value) for value in bad.values()))
    answers = {label: result.body for label, result in zip(bad, results)}
    assert {label: body for label, body in answers.items() if body != reference} == {}

    assert await asyncio.gather(snapshot(victim.handle), snapshot(attacker.handle)) == [victim_before, attacker_before]


@pytest.mark.parametrize("op", QUERY_OPS, ids=str)
async def test_the_same_query_finds_the_data_for_its_own_tenant(api, victim, attacker, op):
    # The control: the IDs are real, so the attacker's nulls and empty lists come from isolation.
    result = await victim.handle.gql(op.document, op.variables(attack_value(op, victim), attacker))
    assert result.data == op.owner_sees(victim, attacker)


async def test_an_email_used_in_another_tenant_is_free_in_this_one(api, victim, attacker, victim_before):
    # A DUPLICATE here would tell the attacker that A employs this person.
    created = await attacker.handle.gql(
        CREATE_EMPLOYEE, {"input": {"email": victim.manager_email.upper(), "name": "Same Email"}}
    )
    assert created.data["createEmployee"]["errors"] == []
    row = {"email": f"ray@{victim.handle.slug}.test", "name": "Ray"}
    imported = await attacker.handle.gql(IMPORT, {"input": {"rows": [row]}})
    assert imported.data["importEmployees"]["errors"] == []
    assert len(imported.data["importEmployees"]["employees"]) == 1
    assert await snapshot(victim.handle) == victim_before


def _id_paths(type_, path: str, seen: frozenset[str]):
    named = get_named_type(type_)
    if named.name == "ID":
        yield path
    elif isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        for name, field in named.fields.items():
            yield from _id_paths(field.type, f"{path}.{name}", seen | {named.name})


def schema_id_arguments() -> set[str]:
    """Every ID or [ID] argument, or input field under an argument, of a root query or mutation."""
    schema = build_schema(SCHEMA_FILE.read_text())
    found = set()
    for root in filter(None, (schema.query_type, schema.mutation_type, schema.subscription_type)):
        for field_name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                found |= {f"{root.name}.{field_name}({p})" for p in _id_paths(arg.type, arg_name, frozenset())}
    return found


def covered_arguments() -> set[str]:
    """The arguments covered here and in every sibling `test_cross_tenant_<context>.py` module.

    Later contexts keep their own victim/attacker fixtures and `OPS` table in a module of
    their own (importing Op, mutation, not_found and gid from here); this test sees them all.
    """
    covered = {op.covers for op in ID_OPS}
    for path in sorted(Path(__file__).parent.glob("test_cross_tenant_*.py")):
        module = importlib.import_module(f"tests.api.{path.stem}")
        covered |= {op.covers for op in getattr(module, "OPS", []) if op.kind in ID_KINDS | getattr(module, "ID_KINDS", set())}
    return covered


def test_every_id_argument_in_the_schema_has_a_cross_tenant_case():
    in_schema = schema_id_arguments()
    covered = covered_arguments()
    assert in_schema - covered == set(), "add an Op(...) line for each"
    assert covered - in_schema == set(), "these table rows name arguments the schema no longer has"
    assert "Mutation.importEmployees(input.rows.departmentId)" in in_schema  # the walk reaches nested inputs


async def test_node_resolves_the_viewers_own_tenant(attacker):
    result = await attacker.handle.gql("query($id: ID!) { node(id: $id) { id ... on Tenant { slug } } }", {"id": attacker.handle.id})
    assert result.data["node"] == {"id": attacker.handle.id, "slug": attacker.handle.slug}
