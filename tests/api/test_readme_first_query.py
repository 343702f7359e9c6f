"""The README's first query works as written, on the demo tenant `make run` seeds.

The document is read from README.md itself, so editing the README (or the schema under
it) without keeping the two in step fails here.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from api.seed import DEMO_ADMIN, DEMO_EMPLOYEE, DEMO_SLUG, seed_demo

README = Path(__file__).resolve().parents[2] / "README.md"


def first_query() -> str:
    section = README.read_text().split("## A first query", 1)[1]
    return re.search(r"```graphql\n(.*?)```", section, re.DOTALL).group(1)


@pytest.fixture(scope="module")
async def demo(engines) -> None:
    owner, app = engines
    await seed_demo(owner, app, date.today())


@pytest.mark.parametrize("email", [DEMO_ADMIN, DEMO_EMPLOYEE])
async def test_the_readme_first_query_answers_for_the_demo_tokens(api, demo, email):
    result = await api.gql(first_query(), token=api.token(email, tenant=DEMO_SLUG))

    assert result.status == 200 and result.errors == [], result.body
    viewer, employees = result.data["viewer"], result.data["employees"]
    assert viewer["employee"]["name"] and viewer["roles"]
    nodes = [edge["node"] for edge in employees["edges"]]
    assert 0 < len(nodes) <= 20 and employees["totalCount"] >= len(nodes)
    # The search "an" matches a name or an email, case-insensitively.
    assert all(node["name"] and node["department"]["name"] for node in nodes)
    assert any(node["manager"] is not None for node in nodes)


async def test_the_demo_admin_is_hr_and_the_demo_employee_is_not(api, demo):
    admin = await api.gql(first_query(), token=api.token(DEMO_ADMIN, tenant=DEMO_SLUG))
    employee = await api.gql(first_query(), token=api.token(DEMO_EMPLOYEE, tenant=DEMO_SLUG))

    assert "HR_ADMIN" in admin.data["viewer"]["roles"]
    assert employee.data["viewer"]["roles"] == ["EMPLOYEE"]
    assert employee.data["viewer"]["employee"]["manager"] is not None
