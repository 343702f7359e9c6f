"""The benchmark platform's activity, expanded set-based in SQL from the loaded people.

Python (benchmarks/seed.py) decides the structure: who reviews whom (templates, cycles,
participants, approved peer nominations). Everything that is "n rows per person" is
expanded here with generate_series, like the check-ins: reviews and their answers, the
release evidence, feedback with requests and their answers, recognition with recipients,
reactions and comments, a 1:1 series per manager-report pair with its meetings.
Released cycles also get what releasing writes (the review evidence) and some calibration.

Determinism: ids are md5 of a string naming the row and every choice is a hash of such a
string (`_hash`), so one seed always gives the same rows. Colleagues are picked on a ring
of each tenant's active people ordered by id: the k-th of `picks` picks sits
1 + h % m + k*m places further on (m = (n - 1) / picks), so picks are distinct and never
the person. Only the tenants being loaded are touched (@tenants); dates count back from
the seed's anchor day (@anchor).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from uuid import UUID

import asyncpg

FEEDBACK_GIVEN = 10  # unsolicited feedback a person gives a year; answers to requests come on top
REQUESTS_A_YEAR = 4  # one feedback request a quarter...
ASKED = 3  # ...to three colleagues
RECOGNITIONS_GIVEN = 8  # x about 1.4 recipients: about 11 received per person a year
MEETING_WINDOW_DAYS = 182  # 1:1 meetings are seeded for the last six months

FEEDBACK_BODIES = [
    "Thanks for unblocking the release: the way you split the work made it easy to help.",
    "Your write-up of the incident was clear and kind; the follow-ups are already moving.",
    "In the planning session, try to land the decision before we move on: we lost the thread twice.",
    "Great facilitation of the retro. Everyone spoke, and the actions have owners.",
    "The customer call went well; next time share the numbers beforehand so we can prepare.",
    "I appreciated how you mentored the new joiner through their first on-call week.",
    "The proposal needs a clearer problem statement up front; the solution part is strong.",
    "You kept stakeholders informed all through the migration. It made a real difference.",
]
REQUEST_QUESTIONS = [
    "How did I handle the quarterly planning, and what should I change next time?",
    "What is one thing I could do to make our collaboration smoother?",
    "How clear was my last presentation, and where did I lose you?",
    "What should I keep doing, and what should I stop doing, in our project work?",
]
DECLINE_REASON = "I have not worked with you closely enough this quarter."
RECOGNITION_MESSAGES = [
    "Huge thanks for jumping in on the outage at 2am and getting customers back online.",
    "For the beautifully organised offsite: every detail was thought through.",
    "Shipped the new onboarding flow two weeks early, with tests and docs.",
    "Always the first to help a colleague who is stuck. The team is better for it.",
    "Closed the biggest deal of the quarter by really listening to what the customer needed.",
    "Turned a messy spreadsheet process into a tool the whole department now uses.",
]
VALUE_TAGS = ["customer-focus", "ownership", "teamwork", "craft", "courage", "learning"]
EMOJIS = ["👏", "🎉", "🙌", "🚀", "💡", "🙏"]  # the offered set (domain/recognition/rules.py), in order
COMMENTS = ["Well deserved!", "So true, thank you!", "This made a huge difference for us.", "+1, great work"]
REVIEW_TEXTS = [
    "Consistently delivers what was agreed and flags risks early.",
    "Brings calm and structure to difficult conversations.",
    "Could delegate more and give others room to grow.",
    "Strong technical judgement; sharing it more widely would help the team.",
    "Listens well and follows through on feedback.",
]


def _hash(text: str) -> str:
    """A non-negative 31-bit hash (bigint first: abs() of int4's minimum overflows)."""
    return f"abs(hashtext({text})::bigint)"


def _choice(values: str, index: str) -> str:
    """One element of the text-array parameter `values`."""
    return f"({values}::text[])[1 + ({index}) % cardinality({values}::text[])]"


def _at(day: str, seconds: str) -> str:
    """A time on `day` between 08:00 and 18:00 (UTC: the load sets the time zone)."""
    return f"(({day})::timestamp + make_interval(secs => 28800 + ({seconds}) % 36000))"


def _within_tenure(h: str, hired: str) -> str:
    """A day of the last year, after `hired`."""
    return f"(@anchor::date - (({h}) % greatest(1, least(365, @anchor::date - {hired})))::int)"


def _pick(ring: str, h: str, k: str, picks: int) -> str:
    """The ring position of `ring`'s k-th (0-based) of `picks` distinct colleagues."""
    m = f"greatest(1, ({ring}.n - 1) / {picks})"
    return f"({ring}.ord + 1 + ({h}) % {m} + ({k}) * {m}) % {ring}.n"


def _rating(h: str, bias: str) -> str:
    """1..5 (both seeded scales), mostly 3 and 4; half the answers shifted by the subject's bias."""
    base = (f"CASE WHEN {h} % 100 < 4 THEN 1 WHEN {h} % 100 < 16 THEN 2 WHEN {h} % 100 < 60 THEN 3 "
            f"WHEN {h} % 100 < 92 THEN 4 ELSE 5 END")
    return f"least(5, greatest(1, {base} + CASE WHEN {h} / 100 % 2 = 0 THEN {bias} % 3 - 1 ELSE 0 END))"


# --- the people ---------------------------------------------------------------------------

TEMP_TABLES = """
CREATE TEMP TABLE bench_ring (tenant_id uuid, id uuid, manager_id uuid, hire_date date, ord int, n int,
                              manager_ord int) ON COMMIT DROP;
CREATE TEMP TABLE bench_competencies (tenant_id uuid, ids uuid[]) ON COMMIT DROP;
CREATE TEMP TABLE bench_asks (tenant_id uuid, request_id uuid, employee_id uuid, requester_id uuid, visibility text,
                              status text, responded_at timestamptz, h bigint) ON COMMIT DROP;
CREATE TEMP TABLE bench_recognitions (tenant_id uuid, id uuid, giver_id uuid, ord int, n int, h bigint,
                                      created_at timestamptz, recipients int, reactions int) ON COMMIT DROP;
CREATE TEMP TABLE bench_one_on_ones (tenant_id uuid, id uuid, report_id uuid, manager_id uuid, started_on date,
                                     stride int, first_day date, held_until date, next_booked boolean) ON COMMIT DROP
"""

RING = """
INSERT INTO bench_ring (tenant_id, id, manager_id, hire_date, ord, n)
SELECT e.tenant_id, e.id, e.manager_id, e.hire_date,
       row_number() OVER (PARTITION BY e.tenant_id ORDER BY e.id) - 1, count(*) OVER (PARTITION BY e.tenant_id)
FROM employees e
WHERE e.tenant_id = ANY(@tenants::uuid[]) AND e.status = 'ACTIVE'
"""

RING_MANAGERS = """
UPDATE bench_ring r SET manager_ord = m.ord FROM bench_ring m WHERE m.tenant_id = r.tenant_id AND m.id = r.manager_id
"""

COMPETENCY_LISTS = """
INSERT INTO bench_competencies (tenant_id, ids)
SELECT tenant_id, array_agg(id ORDER BY position) FROM competencies
WHERE tenant_id = ANY(@tenants::uuid[]) AND active GROUP BY tenant_id
"""

# --- reviews --------------------------------------------------------------------------------

# As at launch (domain/reviews/cycles.py _LEADERSHIP): a people-manager's reviews also rate
# the LEADERSHIP competencies expected at their job level that the template does not rate.
PARTICIPANT_COMPETENCIES = """
INSERT INTO participant_competencies (tenant_id, cycle_id, subject_id, competency_id, expected_level, position)
SELECT p.tenant_id, p.cycle_id, p.subject_id, e.competency_id, e.expected_level, c.position
FROM cycle_participants p
JOIN review_cycles y ON y.tenant_id = p.tenant_id AND y.id = p.cycle_id
JOIN job_level_expectations e ON e.tenant_id = p.tenant_id AND e.job_level_id = p.job_level_id
JOIN competencies c ON c.tenant_id = e.tenant_id AND c.id = e.competency_id AND c.category = 'LEADERSHIP' AND c.active
WHERE p.tenant_id = ANY(@tenants::uuid[]) AND p.leads_people
  AND NOT EXISTS (SELECT 1 FROM template_questions q
                  WHERE q.tenant_id = y.tenant_id AND q.template_id = y.template_id AND q.competency_id = e.competency_id)
"""

# One review per subject and kind, as at launch: themselves, the manager of record, every
# participating direct report, the approved peers. A closed cycle has 98% submitted; the
# cycle in calibration leaves 7 to 22% per kind open, past their deadlines.
REVIEWS = f"""
INSERT INTO reviews (tenant_id, id, cycle_id, subject_id, reviewer_id, kind, status, submitted_at, created_at, updated_at)
SELECT a.tenant_id, md5(a.name)::uuid, a.cycle_id, a.subject_id, a.reviewer_id, a.kind, s.status, s.submitted_at,
       c.launched_at, coalesce(s.submitted_at, c.launched_at + make_interval(days => (a.h / 7 % 5)::int))
FROM (
    SELECT x.*, 'review/' || x.cycle_id || '/' || x.subject_id || '/' || x.reviewer_id || '/' || x.kind AS name,
           {_hash("'review/' || x.cycle_id || '/' || x.subject_id || '/' || x.reviewer_id || '/' || x.kind")} AS h
    FROM (
        SELECT p.tenant_id, p.cycle_id, p.subject_id, p.subject_id AS reviewer_id, 'SELF' AS kind
        FROM cycle_participants p WHERE p.tenant_id = ANY(@tenants::uuid[])
        UNION ALL
        SELECT p.tenant_id, p.cycle_id, p.subject_id, p.manager_id, 'MANAGER'
        FROM cycle_participants p WHERE p.tenant_id = ANY(@tenants::uuid[]) AND p.manager_id IS NOT NULL
        UNION ALL
        SELECT r.tenant_id, r.cycle_id, r.manager_id, r.subject_id, 'DIRECT_REPORT'
        FROM cycle_participants r WHERE r.tenant_id = ANY(@tenants::uuid[]) AND r.manager_id IS NOT NULL
        UNION ALL
        SELECT n.tenant_id, n.cycle_id, n.subject_id, n.peer_id, 'PEER'
        FROM peer_nominations n WHERE n.tenant_id = ANY(@tenants::uuid[]) AND n.status = 'APPROVED'
    ) x
) a
JOIN review_cycles c ON c.tenant_id = a.tenant_id AND c.id = a.cycle_id
CROSS JOIN LATERAL (
    SELECT CASE a.kind WHEN 'SELF' THEN c.self_due WHEN 'MANAGER' THEN c.manager_due WHEN 'PEER' THEN c.peer_due
                       ELSE c.direct_report_due END AS due,
           CASE WHEN c.status IN ('RELEASED', 'CLOSED') THEN 98
                ELSE CASE a.kind WHEN 'SELF' THEN 90 WHEN 'MANAGER' THEN 93 WHEN 'PEER' THEN 82 ELSE 78 END END AS rate
) k
CROSS JOIN LATERAL (
    SELECT CASE WHEN a.h % 100 < k.rate THEN 'SUBMITTED' WHEN a.h % 3 = 0 THEN 'IN_PROGRESS' ELSE 'NOT_STARTED' END AS status,
           CASE WHEN a.h % 100 < k.rate THEN
               c.launched_at + make_interval(days => (a.h / 100 % greatest(1, k.due - c.launched_at::date + 2))::int,
                                             secs => a.h / 13 % 28800) END AS submitted_at
) s
"""

# Submitted reviews answer every required question of their kind and about 60% of the
# optional ones, drafts about half; the automatic LEADERSHIP ratings are answered by every
# kind in submitted reviews (the direct reports' ones feed the leadership index).
ANSWERS = f"""
INSERT INTO review_answers (tenant_id, id, review_id, question_id, competency_id, goal_id, rating, text, updated_at)
SELECT r.tenant_id, md5('answer/' || r.id || '/' || q.id)::uuid, r.id, q.id, q.competency_id, NULL::uuid,
       CASE WHEN q.kind <> 'TEXT' THEN {_rating('x.h', 'x.bias')} END,
       CASE WHEN q.kind = 'TEXT' THEN {_choice('@texts', 'x.h')} END,
       r.updated_at
FROM reviews r
JOIN review_cycles c ON c.tenant_id = r.tenant_id AND c.id = r.cycle_id
JOIN template_questions q ON q.tenant_id = c.tenant_id AND q.template_id = c.template_id AND r.kind = ANY(q.reviewer_kinds)
CROSS JOIN LATERAL (SELECT {_hash("r.id || '/' || q.id")} AS h, {_hash("r.subject_id::text")} AS bias) x
WHERE r.tenant_id = ANY(@tenants::uuid[]) AND r.status <> 'NOT_STARTED'
  AND (q.required OR x.h % 10 < 6) AND (r.status = 'SUBMITTED' OR x.h / 10 % 2 = 0)
UNION ALL
SELECT r.tenant_id, md5('answer/' || r.id || '/' || pc.competency_id)::uuid, r.id, NULL, pc.competency_id, NULL,
       {_rating('x.h', 'x.bias')}, NULL, r.updated_at
FROM reviews r
JOIN participant_competencies pc ON pc.tenant_id = r.tenant_id AND pc.cycle_id = r.cycle_id AND pc.subject_id = r.subject_id
CROSS JOIN LATERAL (SELECT {_hash("r.id || '/' || pc.competency_id")} AS h, {_hash("r.subject_id::text")} AS bias) x
WHERE r.tenant_id = ANY(@tenants::uuid[]) AND r.status = 'SUBMITTED'
"""

# What the release trigger (migration 0004, hr_record_review_evidence) writes when a cycle
# becomes RELEASED. The seed inserts released cycles as they are (no UPDATE, no trigger),
# so it writes the same rows itself, with ids derived from the answers instead of random.
RELEASE_EVIDENCE = """
INSERT INTO competency_assessments
    (tenant_id, id, employee_id, competency_id, level, source, note, assessed_by, assessed_on, recorded_at)
SELECT r.tenant_id, md5('evidence/' || a.id)::uuid, r.subject_id, a.competency_id, a.rating, 'REVIEW',
       'Manager review in ' || y.name, r.reviewer_id, y.period_end, y.released_at
FROM review_cycles y
JOIN reviews r ON r.tenant_id = y.tenant_id AND r.cycle_id = y.id AND r.kind = 'MANAGER' AND r.status = 'SUBMITTED'
JOIN review_answers a ON a.tenant_id = r.tenant_id AND a.review_id = r.id AND a.rating IS NOT NULL AND a.goal_id IS NULL
JOIN competencies c ON c.tenant_id = a.tenant_id AND c.id = a.competency_id AND c.category = 'LEADERSHIP'
WHERE y.tenant_id = ANY(@tenants::uuid[]) AND y.status IN ('RELEASED', 'CLOSED')
"""

EVIDENCE_RUNS = """
INSERT INTO review_evidence_runs (tenant_id, cycle_id, assessments, recorded_at)
SELECT y.tenant_id, y.id,
       (SELECT count(*) FROM competency_assessments a WHERE a.tenant_id = y.tenant_id AND a.source = 'REVIEW'
          AND a.assessed_on = y.period_end AND a.note = 'Manager review in ' || y.name),
       y.released_at
FROM review_cycles y
WHERE y.tenant_id = ANY(@tenants::uuid[]) AND y.status IN ('RELEASED', 'CLOSED')
"""

# Calibration moved one in twenty released overall ratings by one step: towards 3, or off it.
CALIBRATION_ADJUSTMENTS = f"""
INSERT INTO calibration_adjustments
    (tenant_id, id, cycle_id, subject_id, previous_rating, rating, reason, adjusted_by, adjusted_at)
SELECT r.tenant_id, md5('calibration/' || r.id)::uuid, r.cycle_id, r.subject_id, a.rating,
       CASE WHEN a.rating > 3 THEN a.rating - 1 WHEN a.rating < 3 THEN a.rating + 1 WHEN x.h / 20 % 2 = 0 THEN 2 ELSE 4 END,
       'Calibrated against people with the same scope and level.', y.created_by,
       y.calibration_started_at + make_interval(days => (x.h / 100 % 10)::int, secs => x.h / 7 % 28800)
FROM review_cycles y
JOIN reviews r ON r.tenant_id = y.tenant_id AND r.cycle_id = y.id AND r.kind = 'MANAGER' AND r.status = 'SUBMITTED'
JOIN review_answers a ON a.tenant_id = r.tenant_id AND a.review_id = r.id AND a.rating IS NOT NULL
JOIN template_questions q ON q.tenant_id = a.tenant_id AND q.id = a.question_id AND q.kind = 'OVERALL_RATING'
CROSS JOIN LATERAL (SELECT {_hash("'calibration/' || r.id")} AS h) x
WHERE y.tenant_id = ANY(@tenants::uuid[]) AND y.status IN ('RELEASED', 'CLOSED') AND x.h % 20 = 0
"""

# --- feedback -----------------------------------------------------------------------------

# Two a year to one's manager, the rest to colleagues, over the last year (or since
# joining); 70% praise; 60% manager-visible, 20% public, 20% private.
FEEDBACK = f"""
INSERT INTO feedback (tenant_id, id, giver_id, receiver_id, body, kind, visibility, created_at)
SELECT g.tenant_id, md5('feedback/' || g.id || '/' || k)::uuid, g.id, r.id, {_choice('@texts', 'x.h / 50')},
       CASE WHEN x.h % 10 < 7 THEN 'PRAISE' ELSE 'COACHING' END,
       CASE x.h / 10 % 5 WHEN 0 THEN 'PUBLIC' WHEN 1 THEN 'PRIVATE' ELSE 'MANAGER_VISIBLE' END,
       {_at(_within_tenure('x.h / 1000', 'g.hire_date'), 'x.h / 7')}
FROM bench_ring g
CROSS JOIN generate_series(1, {FEEDBACK_GIVEN}) AS k
CROSS JOIN LATERAL (SELECT {_hash("'feedback/' || g.id || '/' || k")} AS h) x
JOIN bench_ring r ON r.tenant_id = g.tenant_id
 AND r.ord = CASE WHEN k <= 2 AND g.manager_ord IS NOT NULL THEN g.manager_ord ELSE {_pick('g', 'x.h', '0', 1)} END
WHERE g.n > 1
"""

# One request a quarter, about oneself, due two weeks later.
REQUESTS = f"""
INSERT INTO feedback_requests (tenant_id, id, requester_id, subject_id, question, due_date, visibility, created_at)
SELECT g.tenant_id, md5('request/' || g.id || '/' || k)::uuid, g.id, g.id, {_choice('@texts', 'x.h / 100')}, d.day + 14,
       CASE WHEN x.h % 10 < 8 THEN 'MANAGER_VISIBLE' WHEN x.h % 10 = 8 THEN 'PRIVATE' ELSE 'PUBLIC' END,
       {_at('d.day', 'x.h / 7')}
FROM bench_ring g
CROSS JOIN generate_series(1, {REQUESTS_A_YEAR}) AS k
CROSS JOIN LATERAL (SELECT {_hash("'request/' || g.id || '/' || k")} AS h) x
CROSS JOIN LATERAL (SELECT @anchor::date - ((k - 1) * 91 + x.h / 10 % 91)::int AS day) d
WHERE g.n > {ASKED} AND d.day >= g.hire_date
"""

# Older asks: 75% answered, 7% declined, the rest still open (so overdue); asks of the
# last two weeks: 30% answered so far.
ASKS = f"""
INSERT INTO bench_asks (tenant_id, request_id, employee_id, requester_id, visibility, status, responded_at, h)
SELECT q.tenant_id, q.id, r.id, q.requester_id, q.visibility,
       CASE WHEN q.created_at >= @anchor::date - 14 THEN CASE WHEN s.h % 10 < 3 THEN 'ANSWERED' ELSE 'OPEN' END
            WHEN s.h % 100 < 75 THEN 'ANSWERED' WHEN s.h % 100 < 82 THEN 'DECLINED' ELSE 'OPEN' END,
       least(q.created_at + make_interval(days => (1 + s.h / 100 % 10)::int, secs => s.h / 7 % 20000),
             @anchor::date + time '23:00'),
       s.h
FROM feedback_requests q
JOIN bench_ring g ON g.tenant_id = q.tenant_id AND g.id = q.requester_id
CROSS JOIN LATERAL (SELECT {_hash("'asked/' || q.id")} AS h) x
CROSS JOIN generate_series(0, {ASKED - 1}) AS j
CROSS JOIN LATERAL (SELECT {_hash("'ask/' || q.id || '/' || j")} AS h) s
JOIN bench_ring r ON r.tenant_id = g.tenant_id AND r.ord = {_pick('g', 'x.h', 'j', ASKED)}
WHERE q.tenant_id = ANY(@tenants::uuid[])
"""

ANSWERED_FEEDBACK = f"""
INSERT INTO feedback (tenant_id, id, giver_id, receiver_id, body, kind, visibility, request_id, created_at)
SELECT a.tenant_id, md5('answer/' || a.request_id || '/' || a.employee_id)::uuid, a.employee_id, a.requester_id,
       {_choice('@texts', 'a.h / 1000')}, CASE WHEN a.h / 10 % 10 < 6 THEN 'PRAISE' ELSE 'COACHING' END,
       a.visibility, a.request_id, a.responded_at
FROM bench_asks a WHERE a.status = 'ANSWERED'
"""

ASKED_RECIPIENTS = """
INSERT INTO feedback_request_recipients (tenant_id, request_id, employee_id, status, feedback_id, decline_reason, responded_at)
SELECT a.tenant_id, a.request_id, a.employee_id, a.status,
       CASE WHEN a.status = 'ANSWERED' THEN md5('answer/' || a.request_id || '/' || a.employee_id)::uuid END,
       CASE WHEN a.status = 'DECLINED' THEN @reason::text END,
       CASE WHEN a.status <> 'OPEN' THEN a.responded_at END
FROM bench_asks a
"""

FEEDBACK_COMPETENCIES = f"""
INSERT INTO feedback_competencies (tenant_id, feedback_id, competency_id)
SELECT f.tenant_id, f.id, c.ids[1 + x.h / 10 % cardinality(c.ids)]
FROM feedback f
JOIN bench_competencies c ON c.tenant_id = f.tenant_id
CROSS JOIN LATERAL (SELECT {_hash("'feedback-competency/' || f.id")} AS h) x
WHERE f.tenant_id = ANY(@tenants::uuid[]) AND x.h % 10 < 3
"""

# --- recognition --------------------------------------------------------------------------

# 1 recipient (70%), 2 (20%) or 3; 0 to 4 reactions; 90% public; 5% leadership achievements.
RECOGNITION_PLAN = f"""
INSERT INTO bench_recognitions (tenant_id, id, giver_id, ord, n, h, created_at, recipients, reactions)
SELECT g.tenant_id, md5('recognition/' || g.id || '/' || k)::uuid, g.id, g.ord, g.n, x.h,
       {_at(_within_tenure('x.h / 1000', 'g.hire_date'), 'x.h / 7')},
       1 + (x.h % 10 >= 7)::int + (x.h % 10 >= 9)::int, (x.h / 10 % 5)::int
FROM bench_ring g
CROSS JOIN generate_series(1, {RECOGNITIONS_GIVEN}) AS k
CROSS JOIN LATERAL (SELECT {_hash("'recognition/' || g.id || '/' || k")} AS h) x
WHERE g.n > 4
"""

RECOGNITIONS = f"""
INSERT INTO recognitions (tenant_id, id, giver_id, message, kind, visibility, value_tags, created_at)
SELECT b.tenant_id, b.id, b.giver_id, {_choice('@texts', 'b.h / 50')},
       CASE WHEN b.h / 500 % 20 = 0 THEN 'LEADERSHIP_ACHIEVEMENT' ELSE 'KUDOS' END,
       CASE WHEN b.h / 10000 % 10 = 0 THEN 'PRIVATE' ELSE 'PUBLIC' END,
       CASE WHEN b.h / 100000 % 3 = 0
            THEN ARRAY[{_choice('@tags', 'b.h / 300')}, {_choice('@tags', 'b.h / 300 + 1')}]
            ELSE ARRAY[{_choice('@tags', 'b.h / 300')}] END,
       b.created_at
FROM bench_recognitions b
"""

RECOGNITION_RECIPIENTS = f"""
INSERT INTO recognition_recipients (tenant_id, recognition_id, employee_id, position)
SELECT b.tenant_id, b.id, r.id, j
FROM bench_recognitions b
CROSS JOIN generate_series(0, 2) AS j
JOIN bench_ring r ON r.tenant_id = b.tenant_id AND r.ord = {_pick('b', 'b.h / 7', 'j', 3)}
WHERE j < b.recipients
"""

RECOGNITION_REACTIONS = f"""
INSERT INTO recognition_reactions (tenant_id, recognition_id, employee_id, emoji, reacted_at)
SELECT b.tenant_id, b.id, r.id, {_choice('@texts', 'b.h / 11 + j')},
       b.created_at + make_interval(mins => (5 + (b.h / 13 + j * 97) % 2000)::int)
FROM bench_recognitions b
CROSS JOIN generate_series(0, 3) AS j
JOIN bench_ring r ON r.tenant_id = b.tenant_id AND r.ord = {_pick('b', 'b.h / 17', 'j', 4)}
WHERE j < b.reactions
"""

RECOGNITION_COMMENTS = f"""
INSERT INTO recognition_comments (tenant_id, id, recognition_id, author_id, body, created_at)
SELECT b.tenant_id, md5('comment/' || b.id)::uuid, b.id, r.id, {_choice('@texts', 'b.h / 19')},
       b.created_at + make_interval(mins => (30 + b.h / 23 % 3000)::int)
FROM bench_recognitions b
JOIN bench_ring r ON r.tenant_id = b.tenant_id AND r.ord = {_pick('b', 'b.h / 29', '0', 1)}
WHERE b.h / 1000000 % 100 < 15
"""

RECOGNITION_COMPETENCIES = """
INSERT INTO recognition_competencies (tenant_id, recognition_id, competency_id)
SELECT b.tenant_id, b.id, c.ids[1 + b.h / 31 % cardinality(c.ids)]
FROM bench_recognitions b
JOIN bench_competencies c ON c.tenant_id = b.tenant_id
WHERE b.h / 3000 % 4 = 0
"""

# --- 1:1s ---------------------------------------------------------------------------------

# One active series per manager-report pair: 30% weekly, 50% biweekly, 20% monthly. One
# in eight stopped meeting two cadences or more ago (late by now); the others have their
# next meeting booked.
ONE_ON_ONE_PLAN = f"""
INSERT INTO bench_one_on_ones (tenant_id, id, report_id, manager_id, started_on, stride, first_day, held_until, next_booked)
SELECT e.tenant_id, md5('one-on-one/' || e.id)::uuid, e.id, e.manager_id, greatest(e.hire_date, @anchor::date - 730),
       c.stride, greatest(e.hire_date, @anchor::date - {MEETING_WINDOW_DAYS}) + (x.h / 10 % c.stride)::int,
       CASE WHEN x.h / 100 % 8 = 0 THEN @anchor::date - (2 * c.stride + x.h / 1000 % 20)::int ELSE @anchor::date END,
       x.h / 100 % 8 <> 0
FROM bench_ring e
CROSS JOIN LATERAL (SELECT {_hash("'one-on-one/' || e.id")} AS h) x
CROSS JOIN LATERAL (SELECT CASE WHEN x.h % 10 < 3 THEN 7 WHEN x.h % 10 < 8 THEN 14 ELSE 30 END AS stride) c
WHERE e.manager_id IS NOT NULL
"""

ONE_ON_ONES = """
INSERT INTO one_on_ones (tenant_id, id, first_id, second_id, cadence, status, started_on, started_by, created_at)
SELECT s.tenant_id, s.id, least(s.report_id, s.manager_id), greatest(s.report_id, s.manager_id),
       CASE s.stride WHEN 7 THEN 'WEEKLY' WHEN 14 THEN 'BIWEEKLY' ELSE 'MONTHLY' END, 'ACTIVE',
       s.started_on, s.manager_id, s.started_on + time '09:00'
FROM bench_one_on_ones s
"""

# Every cadence date of the window up to `held_until` was held (one in twelve skipped);
# the first date after the anchor is booked.
MEETINGS = f"""
INSERT INTO one_on_one_meetings (tenant_id, id, one_on_one_id, scheduled_on, held_on, status, created_by, created_at)
SELECT s.tenant_id, md5(s.id || '/' || k)::uuid, s.id, d.day,
       CASE WHEN d.day <= @anchor::date THEN d.day END, CASE WHEN d.day <= @anchor::date THEN 'HELD' ELSE 'SCHEDULED' END,
       s.manager_id, (d.day - 7) + time '10:00'
FROM bench_one_on_ones s
CROSS JOIN LATERAL generate_series(0, (@anchor::date - s.first_day) / s.stride + 1) AS k
CROSS JOIN LATERAL (SELECT s.first_day + k * s.stride AS day) d
WHERE s.first_day <= @anchor::date
  AND CASE WHEN d.day > @anchor::date THEN s.next_booked
           ELSE d.day <= s.held_until AND {_hash("s.id || '/' || k")} % 12 <> 0 END
"""


# In order: (table counted, statement, text-array parameters). What a later step reads
# is analysed first: freshly loaded tables have no statistics, and the planner's guesses
# about them cost minutes (nested loops over millions of answers).
STEPS: list[tuple[str, str, dict]] = [
    ("", RING, {}),
    ("", RING_MANAGERS, {}),
    ("", COMPETENCY_LISTS, {}),
    ("participant_competencies", PARTICIPANT_COMPETENCIES, {}),
    ("reviews", REVIEWS, {}),
    ("review_answers", ANSWERS, {"texts": REVIEW_TEXTS}),
    ("competency_assessments", RELEASE_EVIDENCE, {}),
    ("review_evidence_runs", EVIDENCE_RUNS, {}),
    ("calibration_adjustments", CALIBRATION_ADJUSTMENTS, {}),
    ("feedback", FEEDBACK, {"texts": FEEDBACK_BODIES}),
    ("feedback_requests", REQUESTS, {"texts": REQUEST_QUESTIONS}),
    ("", ASKS, {}),
    ("feedback", ANSWERED_FEEDBACK, {"texts": FEEDBACK_BODIES}),
    ("feedback_request_recipients", ASKED_RECIPIENTS, {"reason": DECLINE_REASON}),
    ("feedback_competencies", FEEDBACK_COMPETENCIES, {}),
    ("", RECOGNITION_PLAN, {}),
    ("recognitions", RECOGNITIONS, {"texts": RECOGNITION_MESSAGES, "tags": VALUE_TAGS}),
    ("recognition_recipients", RECOGNITION_RECIPIENTS, {}),
    ("recognition_reactions", RECOGNITION_REACTIONS, {"texts": EMOJIS}),
    ("recognition_comments", RECOGNITION_COMMENTS, {"texts": COMMENTS}),
    ("recognition_competencies", RECOGNITION_COMPETENCIES, {}),
    ("", ONE_ON_ONE_PLAN, {}),
    ("one_on_ones", ONE_ON_ONES, {}),
    ("one_on_one_meetings", MEETINGS, {}),
]

# The tables the steps write (besides competency_assessments, which the COPY loads too).
TABLES = tuple(dict.fromkeys(table for table, _, _ in STEPS if table and table != "competency_assessments"))
# Loaded by COPY before the steps, or written by one step and read by a later one.
READ_BEFORE = ("employees", "competencies", "job_level_expectations", "review_cycles", "template_questions",
               "cycle_participants", "peer_nominations")
READ_LATER = {"participant_competencies", "reviews", "review_answers", "feedback_requests", "feedback"}

_PARAMETER = re.compile(r"@([a-z]+)\b")


def bind(sql: str, values: dict) -> tuple[str, list]:
    """@name placeholders as asyncpg's $n, numbered in order of first use."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _PARAMETER.sub(number, sql), [values[name] for name in names]


async def expand(connection: asyncpg.Connection, tenant_ids: list[UUID], anchor: date,
                 log: Callable[[str], None] | None = None) -> dict[str, int]:
    """Every step for the loaded tenants, in the caller's transaction; rows written per table."""
    await connection.execute(TEMP_TABLES)
    await connection.execute(f"ANALYZE {', '.join(READ_BEFORE)}")
    counts: dict[str, int] = {}
    for table, sql, texts in STEPS:
        began = time.perf_counter()
        statement, args = bind(sql, {"tenants": tenant_ids, "anchor": anchor, **texts})
        status = await connection.execute(statement, *args)
        written = re.match(r"\s*INSERT INTO (\w+)", sql)
        if written and (written.group(1).startswith("bench_") or written.group(1) in READ_LATER):
            await connection.execute(f"ANALYZE {written.group(1)}")
        if table:
            counts[table] = counts.get(table, 0) + int(status.split()[-1])
            if log:
                log(f"seed:   {table}: {int(status.split()[-1]):,} rows in {time.perf_counter() - began:.1f}s")
    return counts
