"""SQL statements per request stay constant in the page size (no N+1).

The count comes from the server itself (a statement counter on the request's engine),
so it includes authentication, the tenant binding and every resolver.
"""

from __future__ import annotations

DIRECTORY = """query($first: Int!) { employees(first: $first) { totalCount
  edges { node { id name email title manager { id name } department { id name } directReportCount } } } }"""

DEEPER = """query($first: Int!) { employees(first: $first) { edges { node { name
  manager { name department { name } manager { name } } department { name parent { name } head { name } }
  directReports { name } } } } }"""


async def _org_of(tenant, people: int) -> None:
    departments = [await tenant.create_department(f"Dept {i}") for i in range(3)]
    rows = [{"email": f"boss@{tenant.slug}.test", "name": "Boss", "departmentId": departments[0]["id"]}]
    rows += [
        {
            "email": f"m{i}@{tenant.slug}.test",
            "name": f"Manager {i:03}",
            "managerEmail": f"boss@{tenant.slug}.test",
            "departmentId": departments[i % 3]["id"],
        }
        for i in range(10)
    ]
    rows += [
        {
            "email": f"e{i}@{tenant.slug}.test",
            "name": f"Employee {i:03}",
            "managerEmail": f"m{i % 10}@{tenant.slug}.test",
            "departmentId": departments[i % 3]["id"],
        }
        for i in range(people - len(rows))
    ]
    await tenant.import_rows(rows)


async def test_directory_page_runs_a_constant_small_number_of_statements(tenant):
    await _org_of(tenant, 120)
    small = await tenant.gql(DIRECTORY, {"first": 5})
    large = await tenant.gql(DIRECTORY, {"first": 100})
    assert len(large.data["employees"]["edges"]) == 100
    assert large.data["employees"]["totalCount"] == 121  # the imported people plus the founding admin
    # registry look-up, tenant binding, principal, the page (one join), the total
    assert large.sql_statements == small.sql_statements
    assert large.sql_statements <= 5


async def test_relations_not_planned_into_the_join_are_batched_per_level(tenant):
    await _org_of(tenant, 120)
    small = await tenant.gql(DEEPER, {"first": 5})
    large = await tenant.gql(DEEPER, {"first": 100})
    assert all(edge["node"]["manager"] is None or edge["node"]["manager"]["name"] for edge in large.data["employees"]["edges"])
    assert large.sql_statements == small.sql_statements
    assert large.sql_statements <= 10


async def test_org_chart_from_the_top_is_constant_in_the_size_of_the_tree(tenant):
    await _org_of(tenant, 60)
    query = """query($id: ID!) { employee(id: $id) { reports(depth: 3) { id name title manager { id } department { name } } } }"""
    boss = (await tenant.gql('{ employees(filter: {search: "Boss"}) { nodes { id } } }')).data["employees"]["nodes"][0]
    result = await tenant.gql(query, {"id": boss["id"]})
    assert len(result.data["employee"]["reports"]) == 59
    assert result.sql_statements <= 7
