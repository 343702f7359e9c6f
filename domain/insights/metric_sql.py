"""The one implementation of every metric: one SQL statement per series, or per kind of scope
for many scopes at once (a page of managers).

Every statement has the same shape: the windows of the series (`b`: ordinal, from, to,
passed as two date arrays and unnested), the scopes asked (`scopes`, an array of ids), the
people in each scope (`members`, recursive for department and manager subtrees, each row
tagged with its scope), then the metric's numerator and denominator per scope and window.
Row-level security scopes every table to the session's tenant; the indexes named in
migration 0010 keep each statement to index range scans over the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, ErrorCode
from domain.insights.metric_rules import buckets, ratio
from domain.insights.metrics import (
    Grain,
    MetricName,
    MetricPoint,
    MetricSeries,
    Scope,
    ScopeKind,
)
from domain.one_on_ones.rules import CADENCE_DAYS, GRACE_DAYS

PARTICIPATION_WINDOW_DAYS = 30
DAYS_PER_MONTH = 30  # RECOGNITION_RATE counts employee-months of 30 days

DEFINITIONS = {
    MetricName.FEEDBACK_PARTICIPATION_RATE: (
        "Share of the employees in scope active at each point who gave feedback (including "
        "answering a request) or requested feedback in the trailing 30 days up to and including that day."
    ),
    MetricName.REVIEW_COMPLETION_RATE: (
        "For one review cycle: reviews submitted by each point over all reviews assigned for "
        "subjects in scope (every reviewer kind together; no per-kind counts are shown)."
    ),
    MetricName.GOAL_ATTAINMENT_RATE: (
        "Share of goals owned by people in scope and due in each period (not draft or cancelled) "
        "that reached their target: completed, or a metric goal whose latest check-in on or before "
        "its due date reached its target."
    ),
    MetricName.ONE_ON_ONE_CADENCE_RATE: (
        "Share of the reports in scope active at each point (employees with a manager) whose 1:1 "
        "series with their current manager is on cadence that day (cadence plus grace since the last "
        "held meeting or the start); reports without a series count as not on cadence."
    ),
    MetricName.RECOGNITION_RATE: (
        "Recognitions given by people in scope in each period per active employee per month "
        "(employees active at the period's end x the period's days / 30)."
    ),
    MetricName.RETENTION_RATE: (
        "Of the people in scope active at each period's start, the share still active at its end "
        "(not terminated before the end)."
    ),
    MetricName.COMPETENCY_GROWTH: (
        "Average change in assessed level per employee-competency pair assessed in the period "
        "(manager, review or evidence assessments, not self): latest level by the period's end minus "
        "the latest level before it starts. First-time assessments have no prior level and are not counted."
    ),
}

UNITS = {
    MetricName.FEEDBACK_PARTICIPATION_RATE: "RATIO",
    MetricName.REVIEW_COMPLETION_RATE: "RATIO",
    MetricName.GOAL_ATTAINMENT_RATE: "RATIO",
    MetricName.ONE_ON_ONE_CADENCE_RATE: "RATIO",
    MetricName.RECOGNITION_RATE: "PER_EMPLOYEE_PER_MONTH",
    MetricName.RETENTION_RATE: "RATIO",
    MetricName.COMPETENCY_GROWTH: "LEVELS",
}

# Every statement answers many scopes of one kind at once: `scopes` holds their ids and each
# member row carries the scope it belongs to (a person in two overlapping subtrees is in both).
# The tenant scope has no id of its own, so it travels as TENANT_SCOPE_ID.
TENANT_SCOPE_ID = UUID(int=0)

_SCOPES = "scopes AS (SELECT DISTINCT unnest(CAST(:scope_ids AS uuid[])) AS scope)"

# The people in scope (current department and current reporting lines), by scope kind.
_MEMBERS = {
    ScopeKind.TENANT: """members AS (
        SELECT s.scope, e.id, e.manager_id, e.hire_date, e.termination_date FROM scopes s CROSS JOIN employees e
    )""",
    ScopeKind.DEPARTMENT: """depts AS (
        SELECT id AS scope, id FROM departments WHERE id = ANY(CAST(:scope_ids AS uuid[]))
        UNION ALL
        SELECT depts.scope, d.id FROM departments d JOIN depts ON d.parent_id = depts.id
    ),
    members AS (
        SELECT depts.scope, e.id, e.manager_id, e.hire_date, e.termination_date
        FROM employees e JOIN depts ON e.department_id = depts.id
    )""",
    # Leavers lose their reporting line at termination; they count under the manager they
    # had when they left (manager_assignments), so a team's retention sees its leavers.
    ScopeKind.MANAGER: """lines AS (
        SELECT e.id, coalesce(e.manager_id, CASE WHEN e.termination_date IS NOT NULL THEN (
            SELECT ma.manager_id FROM manager_assignments ma
            WHERE ma.employee_id = e.id AND ma.effective_from < e.termination_date
            ORDER BY ma.effective_from DESC, ma.recorded_at DESC LIMIT 1) END) AS manager_id
        FROM employees e
    ),
    sub AS (
        SELECT manager_id AS scope, id FROM lines WHERE manager_id = ANY(CAST(:scope_ids AS uuid[]))
        UNION
        SELECT sub.scope, l.id FROM lines l JOIN sub ON l.manager_id = sub.id
    ),
    members AS (
        SELECT sub.scope, e.id, e.manager_id, e.hire_date, e.termination_date
        FROM employees e JOIN sub ON e.id = sub.id
    )""",
}

_BUCKETS = """b AS (
        SELECT ord, f, t FROM unnest(CAST(:froms AS date[]), CAST(:tos AS date[])) WITH ORDINALITY AS x(f, t, ord)
    )"""

# Every (scope, window) pair answers, with zeros where nothing matched.
_GRID = "scopes s CROSS JOIN b"


def _active(day: str) -> str:
    """Active at `day`: hired on or before it and not terminated before it."""
    return f"(m.hire_date IS NULL OR m.hire_date <= {day}) AND (m.termination_date IS NULL OR m.termination_date >= {day})"


def _utc_day(column: str) -> str:
    return f"({column} AT TIME ZONE 'UTC')::date"


def _ts(day: str) -> str:
    """Midnight UTC of `day`, so timestamp columns compare through their index."""
    return f"(({day})::timestamp AT TIME ZONE 'UTC')"


_PER_WINDOW = {
    # Activity days of people in scope from 29 days before the first point to the last one,
    # each read once through the (tenant_id, created_at) indexes, then counted per point.
    MetricName.FEEDBACK_PARTICIPATION_RATE: f"""
    activity AS (
        SELECT f.giver_id AS employee_id, {_utc_day('f.created_at')} AS day FROM feedback f
        WHERE f.created_at >= {_ts('CAST(:first AS date) - 29')} AND f.created_at < {_ts('CAST(:last AS date) + 1')}
        UNION
        SELECT r.requester_id, {_utc_day('r.created_at')} FROM feedback_requests r
        WHERE r.created_at >= {_ts('CAST(:first AS date) - 29')} AND r.created_at < {_ts('CAST(:last AS date) + 1')}
    ),
    num AS (
        SELECT m.scope, b.ord, count(DISTINCT m.id) AS n
        FROM b JOIN activity x ON x.day BETWEEN b.t - 29 AND b.t
        JOIN members m ON m.id = x.employee_id AND {_active('b.t')}
        GROUP BY m.scope, b.ord
    ),
    den AS (
        SELECT m.scope, b.ord, count(*) AS d FROM b JOIN members m ON {_active('b.t')} GROUP BY m.scope, b.ord
    )
    SELECT s.scope, b.ord, coalesce(num.n, 0) AS num, coalesce(den.d, 0) AS den
    FROM {_GRID} LEFT JOIN num ON num.scope = s.scope AND num.ord = b.ord
    LEFT JOIN den ON den.scope = s.scope AND den.ord = b.ord""",
    MetricName.REVIEW_COMPLETION_RATE: f"""
    assigned AS (
        SELECT m.scope, r.status, r.submitted_at FROM reviews r JOIN members m ON m.id = r.subject_id
        WHERE r.cycle_id = :cycle_id
    ),
    den AS (SELECT a.scope, count(*) AS d FROM assigned a GROUP BY a.scope)
    SELECT s.scope, b.ord,
        (SELECT count(*) FROM assigned a WHERE a.scope = s.scope AND a.status = 'SUBMITTED'
          AND (a.submitted_at AT TIME ZONE 'UTC')::date <= b.t) AS num,
        coalesce(den.d, 0) AS den
    FROM {_GRID} LEFT JOIN den ON den.scope = s.scope""",
    MetricName.GOAL_ATTAINMENT_RATE: f"""
    due AS (
        SELECT m.scope, g.id, g.due_date,
            g.status = 'COMPLETED' OR (g.metric_target IS NOT NULL AND EXISTS (
                SELECT 1 FROM (
                    SELECT c.value FROM goal_check_ins c
                    WHERE c.tenant_id = g.tenant_id AND c.goal_id = g.id AND c.key_result_id IS NULL AND c.checked_in_on <= g.due_date
                    ORDER BY c.checked_in_on DESC, c.recorded_at DESC LIMIT 1
                ) latest
                WHERE CASE WHEN g.metric_direction = 'DECREASE' THEN latest.value <= g.metric_target
                           ELSE latest.value >= g.metric_target END
            )) AS attained
        FROM goals g JOIN members m ON m.id = g.owner_id
        WHERE g.status IN ('ACTIVE', 'COMPLETED') AND g.due_date BETWEEN CAST(:first_from AS date) AND CAST(:last AS date)
    )
    SELECT s.scope, b.ord,
        count(due.id) FILTER (WHERE due.attained) AS num,
        count(due.id) AS den
    FROM {_GRID} LEFT JOIN due ON due.scope = s.scope AND due.due_date BETWEEN b.f AND b.t
    GROUP BY s.scope, b.ord""",
    # On cadence at t: the days since the last held meeting (or since the start, before the
    # first one) are within cadence + grace. So the start and each held meeting cover the days
    # from them to `allowed` later, cut short by the next meeting: disjoint spans per series,
    # and a report is on cadence at t when a span of the series with their manager covers t
    # while the series runs and the report is active. Spans do not depend on the scope, so they
    # are cut once per series; `covered` then folds them into day ranges per scope, so each
    # window meets a few ranges rather than every span.
    MetricName.ONE_ON_ONE_CADENCE_RATE: f"""
    rules (cadence, allowed) AS (SELECT * FROM (VALUES {{cadence_values}}) v(cadence, allowed)),
    reports AS (SELECT m.* FROM members m WHERE m.manager_id IS NOT NULL),
    series AS (
        SELECT m.id AS report_id, s.tenant_id, s.id, s.started_on, s.ended_on, rules.allowed
        FROM (SELECT DISTINCT id, manager_id FROM reports) m
        JOIN one_on_ones s ON s.first_id = least(m.id, m.manager_id) AND s.second_id = greatest(m.id, m.manager_id)
        JOIN rules ON rules.cadence = s.cadence
    ),
    marks AS (
        SELECT s.*, s.started_on AS day FROM series s
        UNION ALL
        SELECT s.*, mt.held_on FROM series s JOIN one_on_one_meetings mt
          ON mt.tenant_id = s.tenant_id AND mt.one_on_one_id = s.id AND mt.status = 'HELD'
         AND mt.held_on BETWEEN greatest(s.started_on, CAST(:first AS date) - s.allowed) AND CAST(:last AS date)
    ),
    spans AS (
        SELECT m.report_id, m.ended_on, m.day AS lo,
            least(m.day + m.allowed, coalesce(lead(m.day) OVER (PARTITION BY m.id ORDER BY m.day) - 1, m.day + m.allowed)) AS hi
        FROM marks m
    ),
    covered AS (
        SELECT r.scope, greatest(p.lo, r.hire_date) AS lo, least(p.hi, p.ended_on - 1, r.termination_date) AS hi, count(*) AS n
        FROM spans p JOIN reports r ON r.id = p.report_id
        GROUP BY 1, 2, 3
    ),
    num AS (
        SELECT c.scope, b.ord, sum(c.n)::bigint AS n FROM b JOIN covered c ON b.t BETWEEN c.lo AND c.hi
        GROUP BY c.scope, b.ord
    ),
    den AS (
        SELECT m.scope, b.ord, count(*) AS d FROM b JOIN reports m ON {_active('b.t')} GROUP BY m.scope, b.ord
    )
    SELECT s.scope, b.ord, coalesce(num.n, 0) AS num, coalesce(den.d, 0) AS den
    FROM {_GRID} LEFT JOIN num ON num.scope = s.scope AND num.ord = b.ord
    LEFT JOIN den ON den.scope = s.scope AND den.ord = b.ord""",
    MetricName.RECOGNITION_RATE: f"""
    given AS (
        SELECT m.scope, {_utc_day('r.created_at')} AS day FROM recognitions r JOIN members m ON m.id = r.giver_id
        WHERE r.created_at >= {_ts('CAST(:first_from AS date)')} AND r.created_at < {_ts('CAST(:last AS date) + 1')}
    ),
    num AS (
        SELECT g.scope, b.ord, count(*) AS n FROM b JOIN given g ON g.day BETWEEN b.f AND b.t GROUP BY g.scope, b.ord
    ),
    den AS (
        SELECT m.scope, b.ord, count(*) AS d FROM b JOIN members m ON {_active('b.t')} GROUP BY m.scope, b.ord
    )
    SELECT s.scope, b.ord, coalesce(num.n, 0) AS num,
        coalesce(den.d, 0) * ((b.t - b.f + 1)::numeric / {DAYS_PER_MONTH}) AS den
    FROM {_GRID} LEFT JOIN num ON num.scope = s.scope AND num.ord = b.ord
    LEFT JOIN den ON den.scope = s.scope AND den.ord = b.ord""",
    # People of a scope hired and leaving on the same days count together: each window meets
    # one row per such cohort rather than one per person.
    MetricName.RETENTION_RATE: f"""
    cohorts AS (SELECT m.scope, m.hire_date, m.termination_date, count(*) AS n FROM members m GROUP BY 1, 2, 3)
    SELECT s.scope, b.ord,
        coalesce(sum(m.n) FILTER (WHERE m.termination_date IS NULL OR m.termination_date >= b.t), 0)::bigint AS num,
        coalesce(sum(m.n), 0)::bigint AS den
    FROM {_GRID} LEFT JOIN cohorts m ON m.scope = s.scope AND {_active('b.f')}
    GROUP BY s.scope, b.ord""",
    # The level at each end of a window is the latest non-self assessment on or before the
    # end / before the start, read through competency_assessments_latest_idx per pair.
    MetricName.COMPETENCY_GROWTH: f"""
    pairs AS (
        SELECT DISTINCT m.scope, b.ord, b.f, b.t, a.tenant_id, a.employee_id, a.competency_id
        FROM b JOIN competency_assessments a ON a.assessed_on BETWEEN b.f AND b.t
        JOIN members m ON m.id = a.employee_id
        WHERE a.source <> 'SELF' AND a.assessed_on BETWEEN CAST(:first_from AS date) AND CAST(:last AS date)
    ),
    changes AS (
        SELECT p.scope, p.ord,
            (SELECT a.level FROM competency_assessments a WHERE a.tenant_id = p.tenant_id AND a.employee_id = p.employee_id
               AND a.competency_id = p.competency_id AND a.source <> 'SELF' AND a.assessed_on <= p.t
               ORDER BY a.assessed_on DESC, a.recorded_at DESC LIMIT 1) AS level_end,
            (SELECT a.level FROM competency_assessments a WHERE a.tenant_id = p.tenant_id AND a.employee_id = p.employee_id
               AND a.competency_id = p.competency_id AND a.source <> 'SELF' AND a.assessed_on < p.f
               ORDER BY a.assessed_on DESC, a.recorded_at DESC LIMIT 1) AS level_start
        FROM pairs p
    )
    SELECT s.scope, b.ord,
        coalesce(sum(c.level_end - c.level_start) FILTER (WHERE c.level_start IS NOT NULL), 0) AS num,
        count(c.ord) FILTER (WHERE c.level_start IS NOT NULL) AS den
    FROM {_GRID} LEFT JOIN changes c ON c.scope = s.scope AND c.ord = b.ord
    GROUP BY s.scope, b.ord""",
}


def _cadence_values() -> str:
    # The cadence rules of domain/one_on_ones/rules.py, so SQL and the 1:1 health agree.
    return ", ".join(f"('{c.value}', {CADENCE_DAYS[c] + GRACE_DAYS[c]})" for c in CADENCE_DAYS)


def statement(name: MetricName, kind: ScopeKind) -> str:
    body = _PER_WINDOW[name].replace("{cadence_values}", _cadence_values())
    joiner = "\n" if body.lstrip().startswith("SELECT") else ",\n"  # the body may add CTEs of its own
    return f"WITH RECURSIVE {_BUCKETS},\n    {_SCOPES},\n    {_MEMBERS[kind]}{joiner}    {body}"


async def _points_by_scope(
    session: AsyncSession, name: MetricName, kind: ScopeKind, scope_ids: Sequence[UUID],
    windows: Sequence[tuple[date, date]], cycle_id: UUID | None,
) -> dict[UUID, list[MetricPoint]]:
    """One statement for every scope of one kind and every window."""
    params = {
        "froms": [f for f, _ in windows],
        "tos": [t for _, t in windows],
        # The bounds every window lies in, whatever order the windows come in.
        "first": min(t for _, t in windows),
        "first_from": min(f for f, _ in windows),
        "last": max(t for _, t in windows),
        "scope_ids": list(scope_ids),
        "cycle_id": cycle_id,
    }
    sql = statement(name, kind)
    used = {k: v for k, v in params.items() if f":{k}" in sql}
    # JIT compilation (hundreds of ms, triggered by the subplans' cost estimates) dwarfs these
    # index-driven statements; off for the rest of this transaction only.
    await session.execute(text("SET LOCAL jit = off"))
    found: dict[UUID, list[MetricPoint]] = {i: [] for i in scope_ids}
    for scope_id, ord_, num, den in sorted((await session.execute(text(sql), used)).all(), key=lambda row: row[1]):
        found[scope_id].append(MetricPoint(
            at=windows[ord_ - 1][1], value=ratio(Decimal(num), Decimal(den)), numerator=Decimal(num), denominator=Decimal(den)
        ))
    return found


async def _points(
    session: AsyncSession, name: MetricName, scopes: Sequence[Scope], windows: Sequence[tuple[date, date]],
    cycle_id: UUID | None,
) -> dict[Scope, list[MetricPoint]]:
    """The metric over each window for each scope: one statement per kind of scope asked."""
    if name == MetricName.REVIEW_COMPLETION_RATE and cycle_id is None:
        raise DomainError(ErrorCode.REQUIRED, "REVIEW_COMPLETION_RATE is per review cycle", ["cycleId"])
    if any(scope.kind != ScopeKind.TENANT and scope.id is None for scope in scopes):
        raise DomainError(ErrorCode.REQUIRED, "A department or manager scope needs its id", ["scope"])
    if not windows:
        return {scope: [] for scope in scopes}
    found: dict[Scope, list[MetricPoint]] = {}
    for kind in dict.fromkeys(scope.kind for scope in scopes):
        of_kind = [scope for scope in scopes if scope.kind == kind]
        ids = list(dict.fromkeys(scope.id or TENANT_SCOPE_ID for scope in of_kind))
        points = await _points_by_scope(session, name, kind, ids, windows, cycle_id)
        found.update({scope: points[scope.id or TENANT_SCOPE_ID] for scope in of_kind})
    return found


async def series(
    session: AsyncSession, name: MetricName, scope: Scope, start: date, end: date, grain: Grain, cycle_id: UUID | None
) -> MetricSeries:
    points = (await _points(session, name, [scope], buckets(start, end, grain), cycle_id))[scope]
    return MetricSeries(name=name, definition=DEFINITIONS[name], unit=UNITS[name], points=points)


async def value(
    session: AsyncSession, name: MetricName, scope: Scope, start: date, end: date, cycle_id: UUID | None
) -> MetricPoint:
    return (await values_many(session, name, [scope], [(start, end)], cycle_id))[scope][0]


async def values_many(
    session: AsyncSession, name: MetricName, scopes: Sequence[Scope], periods: Sequence[tuple[date, date]],
    cycle_id: UUID | None,
) -> dict[Scope, list[MetricPoint]]:
    if any(end < start for start, end in periods):
        raise DomainError(ErrorCode.INVALID, "The period ends before it starts", ["to"])
    return await _points(session, name, scopes, periods, cycle_id)
