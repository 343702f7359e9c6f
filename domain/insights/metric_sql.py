"""The one implementation of every metric: one SQL statement per series.

Every statement has the same shape: the windows of the series (`b`: ordinal, from, to,
passed as two date arrays and unnested), the people in scope (`members`, recursive for
department and manager subtrees), then the metric's numerator and denominator per window.
Row-level security scopes every table to the session's tenant; the indexes named in
migration 0010 keep each statement to index range scans over the period.
"""

from __future__ import annotations

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

# The people in scope (current department and current reporting lines), by scope kind.
_MEMBERS = {
    ScopeKind.TENANT: "members AS (SELECT id, manager_id, hire_date, termination_date FROM employees)",
    ScopeKind.DEPARTMENT: """depts AS (
        SELECT id FROM departments WHERE id = :scope_id
        UNION ALL
        SELECT d.id FROM departments d JOIN depts ON d.parent_id = depts.id
    ),
    members AS (
        SELECT e.id, e.manager_id, e.hire_date, e.termination_date
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
        SELECT id FROM lines WHERE manager_id = :scope_id
        UNION
        SELECT l.id FROM lines l JOIN sub ON l.manager_id = sub.id
    ),
    members AS (
        SELECT e.id, e.manager_id, e.hire_date, e.termination_date
        FROM employees e JOIN sub ON e.id = sub.id
    )""",
}

_BUCKETS = """b AS (
        SELECT ord, f, t FROM unnest(CAST(:froms AS date[]), CAST(:tos AS date[])) WITH ORDINALITY AS x(f, t, ord)
    )"""


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
        SELECT b.ord, count(DISTINCT m.id) AS n
        FROM b JOIN activity x ON x.day BETWEEN b.t - 29 AND b.t
        JOIN members m ON m.id = x.employee_id AND {_active('b.t')}
        GROUP BY b.ord
    ),
    den AS (
        SELECT b.ord, count(*) AS d FROM b JOIN members m ON {_active('b.t')} GROUP BY b.ord
    )
    SELECT b.ord, coalesce(num.n, 0) AS num, coalesce(den.d, 0) AS den
    FROM b LEFT JOIN num ON num.ord = b.ord LEFT JOIN den ON den.ord = b.ord""",
    MetricName.REVIEW_COMPLETION_RATE: """
    assigned AS (
        SELECT r.status, r.submitted_at FROM reviews r JOIN members m ON m.id = r.subject_id
        WHERE r.cycle_id = :cycle_id
    )
    SELECT b.ord,
        (SELECT count(*) FROM assigned a WHERE a.status = 'SUBMITTED'
          AND (a.submitted_at AT TIME ZONE 'UTC')::date <= b.t) AS num,
        (SELECT count(*) FROM assigned) AS den
    FROM b""",
    MetricName.GOAL_ATTAINMENT_RATE: """
    due AS (
        SELECT g.id, g.due_date,
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
    SELECT b.ord,
        count(due.id) FILTER (WHERE due.attained) AS num,
        count(due.id) AS den
    FROM b LEFT JOIN due ON due.due_date BETWEEN b.f AND b.t
    GROUP BY b.ord""",
    # On cadence at t: the days since the last held meeting (or since the start, before the
    # first one) are within cadence + grace. So the start and each held meeting cover the days
    # from them to `allowed` later, cut short by the next meeting: disjoint spans per series,
    # and a report is on cadence at t when a span of the series with their manager covers t.
    MetricName.ONE_ON_ONE_CADENCE_RATE: f"""
    rules (cadence, allowed) AS (SELECT * FROM (VALUES {{cadence_values}}) v(cadence, allowed)),
    reports AS (SELECT m.* FROM members m WHERE m.manager_id IS NOT NULL),
    series AS (
        SELECT m.id AS report_id, m.hire_date, m.termination_date, s.tenant_id, s.id, s.started_on, s.ended_on, rules.allowed
        FROM reports m
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
        SELECT m.report_id AS id, m.hire_date, m.termination_date, m.ended_on, m.day AS lo,
            least(m.day + m.allowed, coalesce(lead(m.day) OVER (PARTITION BY m.id ORDER BY m.day) - 1, m.day + m.allowed)) AS hi
        FROM marks m
    ),
    num AS (
        SELECT b.ord, count(*) AS n FROM b JOIN spans m ON b.t BETWEEN m.lo AND m.hi
          AND (m.ended_on IS NULL OR m.ended_on > b.t) AND {_active('b.t')}
        GROUP BY b.ord
    ),
    den AS (
        SELECT b.ord, count(*) AS d FROM b JOIN reports m ON {_active('b.t')} GROUP BY b.ord
    )
    SELECT b.ord, coalesce(num.n, 0) AS num, coalesce(den.d, 0) AS den
    FROM b LEFT JOIN num ON num.ord = b.ord LEFT JOIN den ON den.ord = b.ord""",
    MetricName.RECOGNITION_RATE: f"""
    given AS (
        SELECT {_utc_day('r.created_at')} AS day FROM recognitions r JOIN members m ON m.id = r.giver_id
        WHERE r.created_at >= {_ts('CAST(:first_from AS date)')} AND r.created_at < {_ts('CAST(:last AS date) + 1')}
    )
    SELECT b.ord,
        (SELECT count(*) FROM given WHERE given.day BETWEEN b.f AND b.t) AS num,
        (SELECT count(*) FROM members m WHERE {_active('b.t')}) * ((b.t - b.f + 1)::numeric / {DAYS_PER_MONTH}) AS den
    FROM b""",
    MetricName.RETENTION_RATE: f"""
    SELECT b.ord,
        count(m.id) FILTER (WHERE m.termination_date IS NULL OR m.termination_date >= b.t) AS num,
        count(m.id) AS den
    FROM b LEFT JOIN members m ON {_active('b.f')}
    GROUP BY b.ord""",
    # The level at each end of a window is the latest non-self assessment on or before the
    # end / before the start, read through competency_assessments_latest_idx per pair.
    MetricName.COMPETENCY_GROWTH: """
    pairs AS (
        SELECT DISTINCT b.ord, b.f, b.t, a.tenant_id, a.employee_id, a.competency_id
        FROM b JOIN competency_assessments a ON a.assessed_on BETWEEN b.f AND b.t
        JOIN members m ON m.id = a.employee_id
        WHERE a.source <> 'SELF' AND a.assessed_on BETWEEN CAST(:first_from AS date) AND CAST(:last AS date)
    ),
    changes AS (
        SELECT p.ord,
            (SELECT a.level FROM competency_assessments a WHERE a.tenant_id = p.tenant_id AND a.employee_id = p.employee_id
               AND a.competency_id = p.competency_id AND a.source <> 'SELF' AND a.assessed_on <= p.t
               ORDER BY a.assessed_on DESC, a.recorded_at DESC LIMIT 1) AS level_end,
            (SELECT a.level FROM competency_assessments a WHERE a.tenant_id = p.tenant_id AND a.employee_id = p.employee_id
               AND a.competency_id = p.competency_id AND a.source <> 'SELF' AND a.assessed_on < p.f
               ORDER BY a.assessed_on DESC, a.recorded_at DESC LIMIT 1) AS level_start
        FROM pairs p
    )
    SELECT b.ord,
        coalesce(sum(c.level_end - c.level_start) FILTER (WHERE c.level_start IS NOT NULL), 0) AS num,
        count(c.ord) FILTER (WHERE c.level_start IS NOT NULL) AS den
    FROM b LEFT JOIN changes c ON c.ord = b.ord
    GROUP BY b.ord""",
}


def _cadence_values() -> str:
    # The cadence rules of domain/one_on_ones/rules.py, so SQL and the 1:1 health agree.
    return ", ".join(f"('{c.value}', {CADENCE_DAYS[c] + GRACE_DAYS[c]})" for c in CADENCE_DAYS)


def statement(name: MetricName, scope: Scope) -> str:
    body = _PER_WINDOW[name].replace("{cadence_values}", _cadence_values())
    joiner = "\n" if body.lstrip().startswith("SELECT") else ",\n"  # the body may add CTEs of its own
    return f"WITH RECURSIVE {_BUCKETS},\n    {_MEMBERS[scope.kind]}{joiner}    {body}\n    ORDER BY 1"


async def _points(session, name, scope, windows, cycle_id) -> list[MetricPoint]:
    if name == MetricName.REVIEW_COMPLETION_RATE and cycle_id is None:
        raise DomainError(ErrorCode.REQUIRED, "REVIEW_COMPLETION_RATE is per review cycle", ["cycleId"])
    if scope.kind != ScopeKind.TENANT and scope.id is None:
        raise DomainError(ErrorCode.REQUIRED, "A department or manager scope needs its id", ["scope"])
    params = {
        "froms": [f for f, _ in windows],
        "tos": [t for _, t in windows],
        "first": windows[0][1],
        "first_from": windows[0][0],
        "last": windows[-1][1],
        "scope_id": scope.id,
        "cycle_id": cycle_id,
    }
    sql = statement(name, scope)
    used = {k: v for k, v in params.items() if f":{k}" in sql}
    # JIT compilation (hundreds of ms, triggered by the subplans' cost estimates) dwarfs these
    # index-driven statements; off for the rest of this transaction only.
    await session.execute(text("SET LOCAL jit = off"))
    rows = (await session.execute(text(sql), used)).all()
    return [
        MetricPoint(at=windows[ord_ - 1][1], value=ratio(Decimal(num), Decimal(den)), numerator=Decimal(num), denominator=Decimal(den))
        for ord_, num, den in rows
    ]


async def series(
    session: AsyncSession, name: MetricName, scope: Scope, start: date, end: date, grain: Grain, cycle_id: UUID | None
) -> MetricSeries:
    points = await _points(session, name, scope, buckets(start, end, grain), cycle_id)
    return MetricSeries(name=name, definition=DEFINITIONS[name], unit=UNITS[name], points=points)


async def value(
    session: AsyncSession, name: MetricName, scope: Scope, start: date, end: date, cycle_id: UUID | None
) -> MetricPoint:
    if end < start:
        raise DomainError(ErrorCode.INVALID, "The period ends before it starts", ["to"])
    return (await _points(session, name, scope, [(start, end)], cycle_id))[0]
