"""The SPA screens as GraphQL operations, and who sends them.

Each screen names the schema fields it needs; when one is missing from the running
code the screen is kept in the table as skipped, with the reason. Screens whose issue
has not landed are listed as "not built yet" and never faked. The people who sign in
and the IDs they ask for are the seed's fixtures (benchmarks/seed.py `_fixtures`).
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
      recognitionsReceived(first: 1) { nodes { id message createdAt giver { name } } }
    }
    tenant { name }
    feedbackInbox { openCount overdueCount }
    oneOnOnes(first: 1, status: ACTIVE) {
      nodes {
        id cadence lastHeldOn
        otherParticipant { name }
        nextMeeting { scheduledOn }
        health { status daysSinceLastMeeting }
      }
    }
  }
}"""

# `reviewResult` of the latest released cycle: its final (calibrated) overall rating.
TEAM = """
query TeamPage($managerId: ID!, $first: Int!, $cycleId: ID!) {
  employees(first: $first, filter: {managerId: $managerId}) {
    nodes {
      id name title jobLevel { name }
      goals { id title status progress { value } }
      lastOneOnOneAt
      reviewResult(cycleId: $cycleId) { finalRating { rating label } }
      competencyProfile { competency { name } expectedLevel currentLevel gap }
    }
  }
}"""

RECOGNITION_FEED = """
query RecognitionFeed($first: Int!) {
  recognitionFeed(first: $first) {
    nodes {
      id message createdAt kind valueTags
      giver { id name }
      recipients { id name title }
      reactionCounts { emoji count }
      myReactions
      commentCount
    }
    pageInfo { hasNextPage endCursor }
  }
}"""

# What HR watches while a cycle runs: submitted / assigned overall, per kind and per
# department, and the first page of reviewers past a deadline.
CYCLE_PROGRESS = """
query CycleProgress($cycleId: ID!, $first: Int!) {
  reviewCycle(id: $cycleId) {
    id name status periodStart periodEnd
    deadlines { self manager peer directReport }
    progress {
      overall { submitted assigned ratio explanation }
      byKind { kind progress { submitted assigned ratio } }
      byDepartment { department { id name } progress { submitted assigned ratio } }
    }
    overdueReviewers(first: $first) { reviewer { id name } kind dueDate pending }
  }
}"""

# The schema has no "people-managers" filter on `employees`, so HR's list of managers is
# asked for by ID (`nodes`, at most 100).
LEADERSHIP = """
query LeadershipEffectiveness($ids: [ID!]!, $period: PeriodInput!) {
  nodes(ids: $ids) {
    ... on Employee {
      id name title
      leadershipEffectiveness(period: $period) {
        score previousScore trend explanation
        components { component value rawValue weight effectiveWeight contribution restsOn present }
      }
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

GIVE_FEEDBACK = """
mutation GiveFeedback($input: GiveFeedbackInput!) {
  giveFeedback(input: $input) {
    feedback { id createdAt receiver { name } }
    errors { code field message }
  }
}"""
BENCHMARK_FEEDBACK = "Benchmark feedback: thanks for the help this week."  # benchmarks/run.py removes these


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
    # (variable, small, large) for the page-size check; a list variable is cut to the size
    page_sizes: tuple[str, int, int] | None = None
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


def team_variables(manager_id: str, cycle_id: str, first: int = 50) -> dict:
    return {"managerId": gid("Employee", manager_id), "first": first, "cycleId": gid("ReviewCycle", cycle_id)}


def _team(fx: dict, first: int = 50) -> list[list[Request]]:
    cycle = fx["cycles"]["closed"]["id"]  # the latest cycle whose results are released
    return [[Request(m["email"], body(TEAM, team_variables(m["id"], cycle, first)))] for m in fx["team_managers"]]


def _recognition_feed(fx: dict) -> list[list[Request]]:
    return [[Request(email, body(RECOGNITION_FEED, {"first": 50}))] for email in fx["viewers"]]


def cycle_progress_variables(cycle_id: str, first: int = 50) -> dict:
    return {"cycleId": gid("ReviewCycle", cycle_id), "first": first}


def _cycle_progress(fx: dict) -> list[list[Request]]:
    variables = cycle_progress_variables(fx["cycles"]["calibrating"]["id"])
    return [[Request(admin["email"], body(CYCLE_PROGRESS, variables))] for admin in fx["hr_admins"]]


def leadership_variables(manager_ids: list[str], period: dict) -> dict:
    return {"ids": [gid("Employee", m) for m in manager_ids], "period": period}


def _leadership(fx: dict) -> list[list[Request]]:
    variables = leadership_variables(fx["leaders"], fx["leadership_period"])
    return [[Request(admin["email"], body(LEADERSHIP, variables))] for admin in fx["hr_admins"]]


def _org_chart(fx: dict) -> list[list[Request]]:
    root = gid("Employee", fx["ceo"]["id"])
    return [[Request(email, body(ORG_CHART, {"rootId": root}))] for email in fx["viewers"]]


def give_feedback_variables(to_employee_id: str, kind: str = "PRAISE") -> dict:
    return {"input": {"toEmployeeId": gid("Employee", to_employee_id), "body": BENCHMARK_FEEDBACK, "kind": kind,
                      "visibility": "MANAGER_VISIBLE"}}


def _writes(fx: dict) -> list[list[Request]]:
    """Per writer and round: a check-in on one of their active goals, three dashboard reads,
    feedback to their manager or a colleague, three reads again: 25% writes."""
    cycles = []
    for i, writer in enumerate(fx["writers"]):
        cycle = []
        for k, (goal, colleague) in enumerate(zip(writer["goals"][:2], writer["colleagues"] * 2)):
            value = 10 + (i * 7 + k * 3) % 90
            confidence = ("ON_TRACK", "AT_RISK", "ON_TRACK", "OFF_TRACK")[(i + k) % 4]
            variables = {"input": {"goalId": gid("Goal", goal), "value": value, "confidence": confidence,
                                   "note": "Benchmark check-in"}}
            cycle.append(Request(writer["email"], body(CHECK_IN, variables), write=True))
            cycle += [Request(writer["email"], body(VIEWER))] * 3
            feedback = give_feedback_variables(colleague, ("PRAISE", "COACHING")[(i + k) % 2])
            cycle.append(Request(writer["email"], body(GIVE_FEEDBACK, feedback), write=True))
            cycle += [Request(writer["email"], body(VIEWER))] * 3
        cycles.append(cycle)
    return cycles


SCREENS: list[Screen] = [
    Screen("viewer", "viewer dashboard (my goals, progress, health, inbox counts, next 1:1, latest recognition)",
           ("Query.viewer", "Employee.goals", "Goal.progress", "Goal.health", "Goal.latestCheckIn",
            "Viewer.feedbackInbox", "Viewer.oneOnOnes", "OneOnOne.nextMeeting", "Employee.recognitionsReceived"),
           _viewer),
    Screen("team", "team page (50 reports: title, level, goals+progress, last 1:1, latest rating, competency gaps)",
           ("Query.employees", "Employee.jobLevel", "Employee.goals", "Goal.progress", "Employee.competencyProfile",
            "Employee.lastOneOnOneAt", "Employee.reviewResult", "ReviewResult.finalRating"),
           _team, page_sizes=("first", 5, 50), budget_p99_ms=50.0, floor_ratio=True,
           notes="goals unbounded (seeded 2-4 per person); rating from the latest released cycle"),
    Screen("directory", "directory (employees first:100, search, manager, department)",
           ("Query.employees", "Employee.manager", "Employee.department"), _directory,
           page_sizes=("first", 10, 100), budget_p99_ms=50.0, floor_ratio=True),
    Screen("org_chart", "org chart (reports depth 3 from the top: 186 people)",
           ("Query.employee", "Employee.reports", "Employee.directReportCount"), _org_chart),
    Screen("recognition", "recognition feed (50 items: giver, recipients, reaction counts, comment count)",
           ("Query.recognitionFeed", "Recognition.recipients", "Recognition.reactionCounts", "Recognition.commentCount"),
           _recognition_feed, page_sizes=("first", 10, 50)),
    Screen("cycle", "HR cycle progress (20,000-person cycle: overall, per kind, per department, overdue page)",
           ("Query.reviewCycle", "ReviewCycle.progress", "ReviewCycle.overdueReviewers"), _cycle_progress,
           page_sizes=("first", 10, 100)),
    Screen("leadership", "leadership effectiveness of 100 managers over a year (HR admin)",
           ("Query.nodes", "Employee.leadershipEffectiveness", "LeadershipEffectiveness.components"), _leadership,
           page_sizes=("ids", 10, 100), notes="managers by ID: employees has no people-manager filter"),
    Screen("writes", "writes: checkInGoal and giveFeedback mixed 1:3 with dashboard reads",
           ("Mutation.checkInGoal", "Mutation.giveFeedback", "Query.viewer", "Goal.progress"), _writes),
]

# Screens of the issue that wait for later issues: (name, the API they need, what is missing).
NOT_BUILT_YET: list[tuple[str, tuple[str, ...], str]] = []


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
