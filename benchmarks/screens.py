"""The SPA screens as GraphQL operations, and who sends them.

Each screen names the schema fields it needs; when one is missing from the running
code the screen is kept in the table as skipped, with the reason. Screens whose issue
has not landed are listed as "not built yet" and never faked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

DIRECTORY = """
query Directory($search: String, $first: Int!) {
  employees(first: $first, filter: {search: $search}) {
    nodes { id name email title manager { name } department { name } }
  }
}"""

VIEWER = """
query ViewerDashboard {
  viewer {
    employee {
      id name title jobLevel { name } manager { name }
      goals {
        id title status dueDate
        progress { value explanation }
        health { status expectedProgress explanation }
        latestCheckIn { value confidence checkedInOn }
      }
    }
    tenant { name }
  }
}"""

TEAM = """
query TeamPage($managerId: ID!, $first: Int!) {
  employees(first: $first, filter: {managerId: $managerId}) {
    nodes {
      id name title jobLevel { name }
      goals { id title status progress { value } }
      competencyProfile { competency { name } expectedLevel currentLevel gap }
    }
  }
}"""

ORG_CHART = """
query OrgChart($rootId: ID!) {
  employee(id: $rootId) {
    id name title
    reports(depth: 3) { id name title jobLevel { name } manager { id } department { name } directReportCount }
  }
}"""

CHECK_IN = """
mutation CheckIn($input: CheckInGoalInput!) {
  checkInGoal(input: $input) {
    checkIn { id value confidence }
    goal { id progress { value } health { status } }
    errors { code field message }
  }
}"""


@dataclass(frozen=True)
class Request:
    """One request a client sends: the token's email, the body, and whether it writes."""

    email: str
    body: bytes
    write: bool = False


@dataclass(frozen=True)
class Screen:
    name: str
    title: str
    needs: tuple[str, ...]  # "Type.field" the screen reads
    requests: Callable[[dict], list[list[Request]]]  # fixtures -> one request cycle per client slot
    page_sizes: tuple[str, int, int] | None = None  # (variable, small, large) for the page-size check
    budget_p99_ms: float = 150.0
    floor_ratio: bool = False  # compared with the directory floor
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def gid(type_name: str, raw: str) -> str:
    import base64

    return base64.urlsafe_b64encode(f"{type_name}:{raw}".encode()).decode().rstrip("=")


def body(query: str, variables: dict | None = None) -> bytes:
    return orjson.dumps({"query": query, "variables": variables or {}})


def directory_variables(search: str, first: int = 100) -> dict:
    return {"search": search or None, "first": first}


def _directory(fx: dict) -> list[list[Request]]:
    # Client slot i signs in as viewer i and cycles through the searches from its own offset.
    searches = fx["searches"]
    return [
        [Request(email, body(DIRECTORY, directory_variables(searches[(i + k) % len(searches)]))) for k in range(len(searches))]
        for i, email in enumerate(fx["viewers"])
    ]


def _viewer(fx: dict) -> list[list[Request]]:
    return [[Request(email, body(VIEWER))] for email in fx["viewers"]]


def _team(fx: dict, first: int = 50) -> list[list[Request]]:
    return [
        [Request(m["email"], body(TEAM, {"managerId": gid("Employee", m["id"]), "first": first}))]
        for m in fx["team_managers"]
    ]


def _org_chart(fx: dict) -> list[list[Request]]:
    root = gid("Employee", fx["ceo"]["id"])
    return [[Request(email, body(ORG_CHART, {"rootId": root}))] for email in fx["viewers"]]


def _writes(fx: dict) -> list[list[Request]]:
    """One check-in on one of your own active goals, then three dashboard reads: 25% writes."""
    cycles = []
    for i, writer in enumerate(fx["writers"]):
        cycle = []
        for k, goal in enumerate(writer["goals"][:2]):
            value = 10 + (i * 7 + k * 3) % 90
            confidence = ("ON_TRACK", "AT_RISK", "ON_TRACK", "OFF_TRACK")[(i + k) % 4]
            variables = {"input": {"goalId": gid("Goal", goal), "value": value, "confidence": confidence,
                                   "note": "Benchmark check-in"}}
            cycle.append(Request(writer["email"], body(CHECK_IN, variables), write=True))
            cycle += [Request(writer["email"], body(VIEWER))] * 3
        cycles.append(cycle)
    return cycles


SCREENS: list[Screen] = [
    Screen("viewer", "viewer dashboard (me + my goals, progress, health)",
           ("Query.viewer", "Employee.goals", "Goal.progress", "Goal.health", "Goal.latestCheckIn"), _viewer,
           notes="inbox counts, next 1:1 and latest recognition not built yet"),
    Screen("team", "team page (50 reports: title, level, goals+progress, competency gaps)",
           ("Query.employees", "Employee.jobLevel", "Employee.goals", "Goal.progress", "Employee.competencyProfile"),
           _team, page_sizes=("first", 5, 50), budget_p99_ms=50.0, floor_ratio=True,
           notes="goals unbounded (seeded 2-4 per person); last 1:1 and latest rating not built yet"),
    Screen("directory", "directory (employees first:100, search, manager, department)",
           ("Query.employees", "Employee.manager", "Employee.department"), _directory,
           page_sizes=("first", 10, 100), budget_p99_ms=50.0, floor_ratio=True),
    Screen("org_chart", "org chart (reports depth 3 from the top: 186 people)",
           ("Query.employee", "Employee.reports", "Employee.directReportCount"), _org_chart),
    Screen("writes", "writes: checkInGoal mixed 1:3 with dashboard reads",
           ("Mutation.checkInGoal", "Query.viewer", "Goal.progress"), _writes),
]

# Screens of the issue that wait for later issues: (name, the API they need, what is missing).
NOT_BUILT_YET = [
    ("feedback inbox", ("Viewer.feedbackInbox",), "the viewer's inbox counts"),
    ("1:1s", ("Viewer.oneOnOnes", "Employee.lastOneOnOneAt"), "next 1:1 on the dashboard, last 1:1 on the team page"),
    ("recognition feed", ("Query.recognitionFeed",), "50 items with recipients and reaction counts"),
    ("HR cycle progress", ("Query.reviewCycle",), "progress of the 20,000-person review cycle (and latest rating on the team page)"),
    ("leadership effectiveness", ("Query.leadershipEffectiveness",), "100 managers, once the insights issue lands"),
    ("writes: giveFeedback", ("Mutation.giveFeedback",), "feedback writes mixed with reads"),
]


def not_built_yet(schema) -> list[dict]:  # noqa: ANN001 - a graphql-core schema
    """Each waiting screen, and whether its API has appeared (then only the seed and the screen are missing)."""
    waiting = []
    for name, needs, what in NOT_BUILT_YET:
        present = not missing_fields(Screen(name, name, needs, lambda fx: []), schema)
        reason = f"{what}: the API is there, the benchmark does not seed or measure it yet" if present else f"{what}: not in the API yet"
        waiting.append({"screen": name, "reason": reason, "api_present": present})
    return waiting


def missing_fields(screen: Screen, schema) -> list[str]:
    """Fields the screen needs that the running code's schema lacks (graphql-core schema)."""
    missing = []
    for needed in screen.needs:
        type_name, _, field_name = needed.partition(".")
        graphql_type = schema.type_map.get(type_name)
        if graphql_type is None or field_name not in getattr(graphql_type, "fields", {}):
            missing.append(needed)
    return missing
