"""A deterministic, realistic platform for the benchmark, loaded fast.

50 small tenants (50 to 500 people) and one large tenant of 20,000 people in 8 reporting
levels and 200 departments; per tenant a framework of 30 competencies on the default
five-level scale, 8 job levels with expectations, assessments for a third of the people
(and for every member of the benchmarked teams); about 3 goals per person (metrics or
two key results), most of them checked in weekly for the past year (~4.5M check-ins).
Per tenant also two review cycles of one template (last year's CLOSED, this year's in
CALIBRATION with some reviews still open past their deadlines): SELF, MANAGER, 3 PEER and
DIRECT_REPORT reviews for everyone who was there at launch, managers also rated on their
leadership competencies; about 20 feedback items (a quarterly feedback request to three
colleagues included) and 10 recognitions received per person a year, with reactions and
comments; a 1:1 series per manager-report pair with six months of meetings on its cadence
(benchmarks/activity.py expands these in SQL).

Rows are generated in Python from fixed seeds (`random.Random(f"{SEED}/{slug}")`) and
loaded with COPY as the owner role; check-ins are expanded in SQL from one "series" row
per measure (generate_series), with ids and confidences hashed from the series, so the
same seed always gives the same data. Dates are relative to a fixed ANCHOR day.

The owner bypasses row-level security as a superuser; an owner that is not one turns
FORCE off for the load inside the same transaction (and back on before COMMIT). For a
fresh bench database (`bulk=True`) foreign-key triggers are skipped (the generator
keeps every reference inside its tenant) and the indexes of the two biggest tables
(check-ins, review answers) are built after the load, which is what keeps seeding under
two minutes on two cores.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import asyncpg

from benchmarks import activity
from domain.competencies.rules import DEFAULT_SCALE
from domain.competencies.starter import STARTER_COMPETENCIES
from domain.reviews.models import DEFAULT_RATING_SCALE

SEED = 20_261_123
SEED_VERSION = "4"  # bump when the generated data changes
ANCHOR = date(2026, 11, 16)  # the seeded data's "today": a year of weekly check-ins ends here
ROOT = Path(__file__).resolve().parent.parent

LARGE_SLUG = "bench-large"
LARGE_LEVELS = (1, 6, 30, 150, 600, 1800, 5400, 12013)  # 20,000 people in 8 reporting levels
LARGE_DEPARTMENTS = 200
SMALL_TENANTS = 50
TEAM_MANAGERS = 4  # level-7 managers with exactly TEAM_SIZE reports each (the team page)
TEAM_SIZE = 50
FIXTURE_PEOPLE = 100  # distinct signed-in people per screen
LEADERS = 100  # managers on the leadership effectiveness screen

FIRST = [
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farah", "Gus", "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo", "Nia",
    "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Viktor", "Wen", "Xavi", "Yara", "Zane", "Amara",
    "Bruno", "Carmen", "Dmitri", "Emeka", "Freya", "Goran", "Hiro", "Ines", "Jonas", "Keiko", "Luca", "Maya",
    "Nikolai", "Olga", "Pedro", "Rahul", "Sofia", "Tomás", "Ulla", "Valeria", "Wojtek", "Ximena", "Yusuf", "Zoë",
    "Aisha", "Björn", "Chen", "Diego", "Esther", "Felix", "Grace", "Hugo", "Isla",
]
LAST = [
    "Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Nguyen", "Fischer", "Osei",
    "Ramirez", "Ivanova", "Chen", "Murphy", "Patel", "Andersson", "Bianchi", "Costa", "Dubois", "Eriksen", "Ferreira",
    "García", "Horvath", "Ito", "Jansen", "Kim", "Larsen", "Müller", "Nakamura", "O'Brien", "Petrov", "Quispe",
    "Rossi", "Schmidt", "Takahashi", "Umar", "Varga", "Wagner", "Xu", "Yamamoto", "Zhang", "Abara", "Berg",
    "Castillo", "Dimitrov", "Engel", "Fontaine", "Grant", "Hansen", "Iqbal", "Jovanovic", "Kaur", "Lopez", "Mensah",
    "Nowak", "Olsen", "Park", "Reyes", "Singh",
]
# The directory screen cycles through these searches (the floor gets the same ones).
SEARCHES = ["", "an", "el", "son", "ri", "Okafor", "ma", "Tanaka", "li", "er"]

FUNCTIONS = ["Engineering", "Sales", "Marketing", "Operations", "Finance", "People", "Product", "Customer Success",
             "Legal", "Data"]
IC_TITLES = {"Engineering": "Software Engineer", "Sales": "Account Executive", "Marketing": "Marketing Specialist",
             "Operations": "Operations Analyst", "Finance": "Financial Analyst", "People": "People Partner",
             "Product": "Product Manager", "Customer Success": "Customer Success Manager", "Legal": "Legal Counsel",
             "Data": "Data Scientist", "Executive": "Chief of Staff"}
SENIORITY = {1: "Associate ", 2: "", 3: "Senior ", 4: "Staff ", 5: "Principal "}
AREAS = ["Platform", "Growth", "Core", "Enterprise", "Mobile", "Payments", "Insights", "Field", "EMEA", "Americas",
         "APAC", "Infrastructure"]
TECHNICAL = ["Python", "SQL", "Data Modelling", "Cloud Infrastructure", "Security", "Testing", "System Design",
             "Frontend", "Mobile Development", "Negotiation", "Forecasting", "Customer Discovery", "Copywriting",
             "Analytics", "Accessibility", "Incident Response", "Product Sense"]
# name, unit, baseline, target (direction follows from the two)
METRICS = [
    ("Net revenue retention", "%", 100, 115), ("Median review turnaround", "hours", 30, 12),
    ("Customer NPS", "points", 20, 45), ("Tickets resolved per week", "tickets", 40, 60),
    ("Churned accounts", "accounts", 25, 10), ("Test coverage", "%", 55, 80), ("Cost per hire", "EUR", 4200, 3000),
    ("Pipeline generated", "kEUR", 300, 500), ("Onboarding time", "days", 30, 14), ("Training hours", "hours", 0, 40),
    ("Deployment frequency", "deploys/week", 3, 10), ("First response time", "minutes", 90, 30),
    ("Qualified leads", "leads", 120, 200), ("Forecast accuracy", "%", 70, 90), ("Open incidents", "incidents", 18, 5),
]
JOB_LEVELS = [  # name, track, rank
    ("IC1", "INDIVIDUAL_CONTRIBUTOR", 1), ("IC2", "INDIVIDUAL_CONTRIBUTOR", 2), ("IC3", "INDIVIDUAL_CONTRIBUTOR", 3),
    ("IC4", "INDIVIDUAL_CONTRIBUTOR", 4), ("IC5", "INDIVIDUAL_CONTRIBUTOR", 5),
    ("M1", "MANAGER", 1), ("M2", "MANAGER", 2), ("M3", "MANAGER", 3),
]

COLUMNS = {
    "tenants": ("id", "slug", "name", "status"),
    "proficiency_levels": ("tenant_id", "level", "name", "description"),
    "competencies": ("tenant_id", "id", "name", "description", "category", "active", "position"),
    "competency_indicators": ("tenant_id", "competency_id", "level", "description", "indicators"),
    "job_levels": ("tenant_id", "id", "name", "rank", "track", "description"),
    "job_level_expectations": ("tenant_id", "job_level_id", "competency_id", "expected_level"),
    "departments": ("tenant_id", "id", "name", "parent_id"),
    "employees": ("tenant_id", "id", "email", "name", "title", "job_level_id", "department_id", "manager_id",
                  "hire_date", "termination_date", "status", "roles"),
    "manager_assignments": ("tenant_id", "id", "employee_id", "manager_id", "effective_from", "effective_to"),
    "competency_assessments": ("tenant_id", "id", "employee_id", "competency_id", "level", "source", "note",
                               "assessed_by", "assessed_on", "recorded_at"),
    "goals": ("tenant_id", "id", "title", "description", "owner_id", "kind", "scope", "department_id", "status",
              "visibility", "start_date", "due_date", "parent_id", "metric_name", "metric_unit", "metric_baseline",
              "metric_target", "metric_direction", "metric_current", "created_by", "completed_on"),
    "key_results": ("tenant_id", "id", "goal_id", "name", "unit", "baseline", "target", "direction", "current",
                    "weight", "position"),
    "goal_competencies": ("tenant_id", "goal_id", "competency_id"),
    "review_templates": ("tenant_id", "id", "name", "description", "include_leadership_for_managers", "created_by",
                         "created_at", "updated_at"),
    "template_sections": ("tenant_id", "id", "template_id", "title", "description", "position"),
    "template_questions": ("tenant_id", "id", "template_id", "section_id", "position", "kind", "prompt", "competency_id",
                           "reviewer_kinds", "required"),
    "review_cycles": ("tenant_id", "id", "name", "period_start", "period_end", "status", "reviewer_kinds", "template_id",
                      "peer_min", "peer_max", "self_due", "manager_due", "peer_due", "direct_report_due", "created_by",
                      "launched_at", "calibration_started_at", "released_at", "closed_at", "created_at", "updated_at"),
    "cycle_participants": ("tenant_id", "cycle_id", "subject_id", "department_id", "job_level_id", "manager_id",
                           "leads_people", "added_at"),
    "peer_nominations": ("tenant_id", "id", "cycle_id", "subject_id", "peer_id", "status", "nominated_by", "decided_by",
                         "decided_at", "created_at"),
}
SERIES_COLUMNS = ("tenant_id", "goal_id", "key_result_id", "author_id", "first_day", "stride", "n", "baseline", "step")
CENT = Decimal("0.01")
# Tables whose indexes a fresh load drops and rebuilds afterwards (nothing references them).
DEFERRED_INDEX_TABLES = ("goal_check_ins", "review_answers")

REVIEWER_KINDS = ["SELF", "MANAGER", "PEER", "DIRECT_REPORT"]
PEERS = 3
# The seeded answers (benchmarks/activity.py) are 1..5 on both scales a review uses.
assert [level.level for level in DEFAULT_SCALE] == [1, 2, 3, 4, 5]
assert [value for value, _ in DEFAULT_RATING_SCALE] == [1, 2, 3, 4, 5]


@dataclass(frozen=True)
class CycleSpec:
    key: str  # its name in the fixtures
    name: str
    period: tuple[date, date]
    launched: date
    deadlines: tuple[date, date, date]  # SELF; PEER and DIRECT_REPORT; MANAGER
    calibration: date
    released: date | None
    closed: date | None
    peer_step: int  # peers are the 3 siblings after you (+1) or before you (-1)

    @property
    def status(self) -> str:
        return "CLOSED" if self.closed else "RELEASED" if self.released else "CALIBRATION"


YEAR = ANCHOR.year
REVIEW_CYCLES = (
    CycleSpec("closed", f"Annual review {YEAR - 1}", (date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 31)), date(YEAR - 1, 12, 1),
              (date(YEAR - 1, 12, 12), date(YEAR - 1, 12, 19), date(YEAR, 1, 9)), date(YEAR, 1, 12), date(YEAR, 1, 26),
              date(YEAR, 3, 2), 1),
    CycleSpec("calibrating", f"Performance review {YEAR}", (date(YEAR, 1, 1), date(YEAR, 10, 31)), ANCHOR - timedelta(days=28),
              (ANCHOR - timedelta(days=14), ANCHOR - timedelta(days=10), ANCHOR - timedelta(days=4)),
              ANCHOR - timedelta(days=2), None, None, -1),
)
# section -> (kind, prompt, which core competency, reviewer kinds, required)
TEMPLATE = (
    ("Results", [("OVERALL_RATING", "Overall, how did they perform against expectations?", None, ["SELF", "MANAGER"], True)]),
    ("Core competencies", [
        ("RATING_COMPETENCY", "How well do they show this core competency?", 0, REVIEWER_KINDS, True),
        ("RATING_COMPETENCY", "How well do they show this core competency?", 1, REVIEWER_KINDS, True),
    ]),
    ("Comments", [
        ("TEXT", "What should they keep doing?", None, REVIEWER_KINDS, True),
        ("TEXT", "What would make them even more effective?", None, REVIEWER_KINDS, False),
    ]),
)


@dataclass
class TenantPlan:
    slug: str
    name: str
    people: int
    levels: tuple[int, ...] = ()
    departments: int = 0
    large: bool = False


@dataclass
class Person:
    index: int
    depth: int
    id: uuid.UUID
    manager: int | None
    name: str = ""
    email: str = ""
    function: str = "Executive"
    reports: list[int] = field(default_factory=list)
    department: uuid.UUID | None = None
    job_level: str = "IC1"
    active: bool = True
    hired: date = ANCHOR
    roles: list[str] = field(default_factory=list)
    goals: list[tuple[uuid.UUID, str, bool]] = field(default_factory=list)  # (id, status, measured by a metric)


@dataclass
class Generated:
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {table: [] for table in COLUMNS})
    series: list[tuple] = field(default_factory=list)
    heads: list[tuple] = field(default_factory=list)  # (tenant_id, department_id, head_id)
    fixtures: dict = field(default_factory=dict)


def fingerprint() -> str:
    """Changes whenever the schema (any migration) or this generator changes: then reseed."""
    digest = hashlib.sha256(f"{SEED_VERSION}/{SEED}".encode())
    for path in sorted((ROOT / "migrations").rglob("*.py")) + [Path(__file__), Path(activity.__file__)]:
        digest.update(path.read_bytes())
    return f"{SEED_VERSION}-{digest.hexdigest()[:16]}"


def platform_plan() -> list[TenantPlan]:
    rng = random.Random(f"{SEED}/platform")
    plans = [TenantPlan(LARGE_SLUG, "Large Corp", sum(LARGE_LEVELS), LARGE_LEVELS, LARGE_DEPARTMENTS, large=True)]
    for i in range(1, SMALL_TENANTS + 1):
        plans.append(TenantPlan(f"bench-small-{i:02d}", f"Small Co {i:02d}", rng.randint(50, 500)))
    return plans


def small_levels(people: int, fan_out: int = 5) -> tuple[int, ...]:
    levels, total = [1], 1
    while total < people:
        size = min(levels[-1] * fan_out, people - total)
        levels.append(size)
        total += size
    return tuple(levels)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)  # PostgreSQL's round() on numeric, half away from zero


# --- one tenant ---------------------------------------------------------------------------


def generate_tenant(plan: TenantPlan, out: Generated) -> None:
    rng = random.Random(f"{SEED}/{plan.slug}")
    tenant_id = _uuid(rng)
    out.rows["tenants"].append((tenant_id, plan.slug, plan.name, "ACTIVE"))
    competencies, job_levels = _framework(rng, tenant_id, out)
    levels = plan.levels or small_levels(plan.people)
    people = _hierarchy(rng, levels, plan)
    departments = plan.departments or max(3, min(30, plan.people // 15))
    _departments(rng, tenant_id, people, departments, out)
    _employees(rng, tenant_id, plan, people, job_levels, out)
    _assessments(rng, tenant_id, people, competencies, plan, out)
    _goals(rng, tenant_id, people, competencies, out)
    # Its own stream, so the people and goals above (and the fixtures) do not move with it.
    cycles = _review_cycles(random.Random(f"{SEED}/{plan.slug}/reviews"), tenant_id, people, competencies,
                            job_levels, out)
    if plan.large:
        out.fixtures.update(_fixtures(rng, tenant_id, plan, people, cycles))


def _framework(rng: random.Random, tenant_id: uuid.UUID, out: Generated) -> tuple[dict[str, list[uuid.UUID]], dict[str, uuid.UUID]]:
    """The default scale, 30 competencies with texts per level, 8 job levels with expectations."""
    rows = out.rows
    for level in DEFAULT_SCALE:
        rows["proficiency_levels"].append((tenant_id, level.level, level.name, level.description))
    by_category: dict[str, list[uuid.UUID]] = {"LEADERSHIP": [], "CORE": [], "TECHNICAL": []}
    named = [(c.name, c.category, c.description, [(t.description, list(t.indicators)) for t in c.levels])
             for c in STARTER_COMPETENCIES]
    named += [(name, "TECHNICAL", f"Applies {name.lower()} to the team's work.",
               [(f"{name}: {DEFAULT_SCALE[k].name.lower()} practice.", [f"Shows {name.lower()} at level {k + 1}."])
                for k in range(5)]) for name in TECHNICAL]
    for position, (name, category, description, texts) in enumerate(named[:30]):
        competency_id = _uuid(rng)
        by_category.setdefault(category, []).append(competency_id)
        rows["competencies"].append((tenant_id, competency_id, name, description, category, True, position))
        for level, (text, indicators) in enumerate(texts, start=1):
            rows["competency_indicators"].append((tenant_id, competency_id, level, text, indicators))
    job_levels = {}
    for name, track, rank in JOB_LEVELS:
        level_id = _uuid(rng)
        job_levels[name] = level_id
        rows["job_levels"].append((tenant_id, level_id, name, rank, track, f"{track.title().replace('_', ' ')} level {rank}"))
        if track == "MANAGER":
            expected = [(c, min(5, 2 + rank)) for c in by_category["LEADERSHIP"]]
            expected += [(c, min(5, 2 + rank)) for c in by_category["CORE"]]
        else:
            technical = by_category["TECHNICAL"]
            expected = [(c, min(5, 1 + (rank + 1) // 2)) for c in by_category["CORE"]]
            expected += [(technical[(rank * 3 + k) % len(technical)], min(5, rank)) for k in range(5)]
        for competency_id, level in expected:
            rows["job_level_expectations"].append((tenant_id, level_id, competency_id, level))
    return by_category, job_levels


def _hierarchy(rng: random.Random, levels: tuple[int, ...], plan: TenantPlan) -> list[Person]:
    people: list[Person] = []
    previous: list[int] = []
    for depth, size in enumerate(levels):
        current = []
        for j in range(size):
            manager = None
            if previous:
                if plan.large and depth == len(levels) - 1 and j < TEAM_MANAGERS * TEAM_SIZE:
                    manager = previous[j // TEAM_SIZE]  # the benchmarked teams: exactly TEAM_SIZE reports
                elif plan.large and depth == len(levels) - 1:
                    manager = previous[TEAM_MANAGERS + j % (len(previous) - TEAM_MANAGERS)]
                else:
                    manager = previous[j % len(previous)]
            person = Person(len(people), depth, _uuid(rng), manager)
            if manager is not None:
                people[manager].reports.append(person.index)
            people.append(person)
            current.append(person.index)
        previous = current
    for person in people:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        person.name = f"{first} {last}"
        local = _ascii(f"{first}.{last}".lower()).replace(" ", "").replace("'", "")
        person.email = f"{local}.{person.index}@{plan.slug}.example"
        if person.depth == 1:
            person.function = FUNCTIONS[person.index % len(FUNCTIONS)]
        elif person.manager is not None:
            person.function = people[person.manager].function
    return people


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _departments(rng: random.Random, tenant_id: uuid.UUID, people: list[Person], count: int, out: Generated) -> None:
    """The first `count` managers (top-down) each head a department under their manager's."""
    heads = [p for p in people if p.reports][:count]
    for n, head in enumerate(heads):
        head.department = _uuid(rng)
        if head.manager is None:
            name, parent = "Company", None
        else:
            parent = people[head.manager].department
            name = head.function if head.depth == 1 else f"{head.function} {AREAS[n % len(AREAS)]} {n}"
        out.rows["departments"].append((tenant_id, head.department, name, parent))
        out.heads.append((tenant_id, head.department, head.id))
    for person in people:  # top-down, so a manager's department is known first
        if person.department is None and person.manager is not None:
            person.department = people[person.manager].department


def _team_members(plan: TenantPlan, people: list[Person]) -> set[int]:
    return {r for p in people if plan.large and len(p.reports) == TEAM_SIZE for r in p.reports}


def _employees(rng, tenant_id, plan: TenantPlan, people: list[Person], job_levels, out: Generated) -> None:
    teams = _team_members(plan, people)
    for person in people:
        if person.reports:
            person.job_level = "M3" if person.depth <= 1 else "M2" if person.depth <= 3 else "M1"
            titles = {0: "Chief Executive Officer", 1: f"VP {person.function}", 2: f"Director, {person.function}",
                      3: f"Head of {person.function}"}
            title = titles.get(person.depth, f"{person.function} Manager")
        else:
            rank = rng.choices([1, 2, 3, 4, 5], weights=[15, 30, 30, 18, 7])[0]
            person.job_level = f"IC{rank}"
            title = f"{SENIORITY[rank]}{IC_TITLES[person.function]}"
        hired = ANCHOR - timedelta(days=rng.randint(400, 4000) if person.reports else rng.randint(30, 3650))
        terminated = None
        if not person.reports and person.index not in teams and rng.random() < 0.015:
            person.active = False
            terminated = ANCHOR - timedelta(days=rng.randint(1, 300))
            hired = min(hired, terminated - timedelta(days=30))
        roles = ["EMPLOYEE"]
        if person.index == 0:
            roles = ["EMPLOYEE", "TENANT_ADMIN"]
        elif person.depth == 2 and person.function == "People":
            roles = ["EMPLOYEE", "HR_ADMIN"]
        person.hired, person.roles = hired, roles
        manager_id = people[person.manager].id if person.manager is not None else None
        out.rows["employees"].append((
            tenant_id, person.id, person.email, person.name, title, job_levels[person.job_level], person.department,
            manager_id, hired, terminated, "ACTIVE" if person.active else "TERMINATED", roles,
        ))
        out.rows["manager_assignments"].append((tenant_id, _uuid(rng), person.id, manager_id, hired, terminated))


def _assessments(rng, tenant_id, people: list[Person], competencies, plan: TenantPlan, out: Generated) -> None:
    """A third of the people, and every member of a benchmarked team, have ratings (and so gaps)."""
    teams = _team_members(plan, people)
    pool = competencies["CORE"] + competencies["TECHNICAL"]
    for person in people:
        if not person.active or person.manager is None or (person.index not in teams and rng.random() > 0.33):
            continue
        manager = people[person.manager]
        chosen = rng.sample(competencies["LEADERSHIP"] if person.reports else pool, 5)
        for k, competency_id in enumerate(chosen):
            on = ANCHOR - timedelta(days=rng.randint(10, 300))
            source, by = ("SELF", person.id) if k == 4 else ("MANAGER", manager.id)
            out.rows["competency_assessments"].append((
                tenant_id, _uuid(rng), person.id, competency_id, rng.randint(1, 5), source,
                "Seen in the last quarter's work." if k == 0 else None, by, on, datetime.combine(on, dtime(10), UTC),
            ))


def _goals(rng, tenant_id, people: list[Person], competencies, out: Generated) -> None:
    rows = out.rows
    for person in people:
        if not person.active:
            continue
        manager_team_goal = None
        if person.manager is not None and people[person.manager].goals:
            manager_team_goal = people[person.manager].goals[0][0]
        for k in range(rng.choice([2, 3, 3, 4])):
            goal_id = _uuid(rng)
            kind = rng.choices(["PERFORMANCE", "DEVELOPMENT", "LEADERSHIP"], weights=[70, 20, 10])[0]
            if kind == "LEADERSHIP" and not person.reports:
                kind = "DEVELOPMENT"
            scope = "TEAM" if person.reports and k == 0 else "INDIVIDUAL"
            status = rng.choices(["ACTIVE", "COMPLETED", "DRAFT", "CANCELLED"], weights=[78, 10, 6, 6])[0]
            visibility = rng.choices(["MANAGER_CHAIN", "PUBLIC", "PRIVATE"], weights=[60, 35, 5])[0]
            start = ANCHOR - timedelta(days=364 - rng.randint(0, 20))
            due = ANCHOR + timedelta(days=rng.randint(14, 200))
            completed_on, end = None, ANCHOR
            if status == "DRAFT":
                start = ANCHOR + timedelta(days=rng.randint(1, 30))
                due = start + timedelta(days=rng.randint(60, 180))
            elif status == "COMPLETED":
                completed_on = ANCHOR - timedelta(days=rng.randint(7, 120))
                due, end = completed_on + timedelta(days=rng.randint(0, 30)), completed_on
            elif status == "CANCELLED":
                end = ANCHOR - timedelta(days=rng.randint(10, 200))
            weeks = max(0, (end - start).days // 7) if status != "DRAFT" else 0
            elapsed = min(1.0, (end - start).days / max(1, (due - start).days))
            pace = {"ACTIVE": elapsed * rng.uniform(0.5, 1.2), "COMPLETED": rng.uniform(0.9, 1.1)}.get(
                status, rng.uniform(0.0, 0.5))
            parent = manager_team_goal if scope == "INDIVIDUAL" and rng.random() < 0.25 else None
            by_metric = rng.random() < 0.85
            if kind == "DEVELOPMENT":
                linked = rng.sample(competencies["CORE"] + competencies["TECHNICAL"], 2)
                metric = ("Practice sessions", "sessions", 0, 12)
                title = "Build depth in a core skill through deliberate practice"
            elif kind == "LEADERSHIP":
                linked = rng.sample(competencies["LEADERSHIP"], 2)
                metric = ("Feedback participation", "%", 40, 60)
                title = "Increase feedback participation across my team"
            else:
                linked = []
                metric = rng.choice(METRICS)
                verb = "Raise" if metric[3] > metric[2] else "Cut"
                title = f"{verb} {metric[0].lower()} from {metric[2]} to {metric[3]} {metric[1]}"
            if scope == "TEAM":
                title = f"Team: {title}"
            metric_row = (None,) * 6
            if by_metric:
                baseline, target = Decimal(metric[2]), Decimal(metric[3])
                current = _series(out, tenant_id, goal_id, None, person.id, start + timedelta(days=7), 7, weeks,
                                  baseline, target, pace)
                direction = "INCREASE" if target > baseline else "DECREASE"
                metric_row = (metric[0], metric[1], baseline, target, direction, current)
            else:
                title = f"Deliver the {AREAS[k % len(AREAS)].lower()} programme"
                for position, (weight, spec) in enumerate(((Decimal(60), rng.choice(METRICS)), (Decimal(40), rng.choice(METRICS)))):
                    kr_id = _uuid(rng)
                    baseline, target = Decimal(spec[2]), Decimal(spec[3])
                    n = (weeks + 1) // 2 if position == 0 else weeks // 2
                    current = _series(out, tenant_id, goal_id, kr_id, person.id, start + timedelta(days=7 * (position + 1)),
                                      14, n, baseline, target, pace)
                    rows["key_results"].append((tenant_id, kr_id, goal_id, spec[0], spec[1], baseline, target,
                                                "INCREASE" if target > baseline else "DECREASE", current, weight, position))
            rows["goals"].append((
                tenant_id, goal_id, title, None, person.id, kind, scope, None, status, visibility, start, due, parent,
                *metric_row, person.id, completed_on,
            ))
            for competency_id in linked:
                rows["goal_competencies"].append((tenant_id, goal_id, competency_id))
            person.goals.append((goal_id, status, by_metric))


def _series(out: Generated, tenant_id, goal_id, kr_id, author_id, first_day: date, stride: int, n: int,
            baseline: Decimal, target: Decimal, pace: float) -> Decimal | None:
    """One row per measure; SQL expands it to n check-ins valued round(baseline + step * k, 2)."""
    if n <= 0:
        return None
    step = ((target - baseline) * Decimal(str(round(pace, 4))) / n).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    out.series.append((tenant_id, goal_id, kr_id, author_id, first_day, stride, n, baseline, step))
    return _cents(baseline + step * n)


# --- review cycles: the structure (the reviews and answers are expanded in SQL) ------------


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, dtime(hour), UTC)


def _review_cycles(rng: random.Random, tenant_id: uuid.UUID, people: list[Person], competencies,
                   job_levels: dict[str, uuid.UUID], out: Generated) -> dict[str, uuid.UUID]:
    """One template and REVIEW_CYCLES: who took part (everyone active at launch, with the
    department, level and manager of the day) and their approved peers. Returns the ids."""
    rows = out.rows
    author = next((p.id for p in people if "HR_ADMIN" in p.roles), people[0].id)
    template_id = _template(rng, tenant_id, competencies["CORE"], author, out)
    ids = {}
    for spec in REVIEW_CYCLES:
        cycle_id = ids[spec.key] = _uuid(rng)
        self_due, peer_due, manager_due = spec.deadlines
        launched = _at(spec.launched)
        rows["review_cycles"].append((
            tenant_id, cycle_id, spec.name, *spec.period, spec.status, REVIEWER_KINDS, template_id, PEERS, PEERS,
            self_due, manager_due, peer_due, peer_due, author, launched, _at(spec.calibration),
            spec.released and _at(spec.released), spec.closed and _at(spec.closed), _at(spec.launched - timedelta(days=21)),
            _at(spec.closed or spec.released or spec.calibration),
        ))
        joined = [p for p in people if p.active and p.hired <= spec.launched]
        present, pools = {p.index for p in joined}, _pools(joined)
        for person in joined:
            manager = people[person.manager].id if person.manager in present else None
            rows["cycle_participants"].append((
                tenant_id, cycle_id, person.id, person.department, job_levels[person.job_level], manager,
                any(people[r].active for r in person.reports), _at(spec.launched - timedelta(days=14)),
            ))
            for peer in _peers(person, pools, spec.peer_step):
                rows["peer_nominations"].append((
                    tenant_id, _uuid(rng), cycle_id, person.id, peer.id, "APPROVED", person.id, manager or author,
                    _at(spec.launched - timedelta(days=3)), _at(spec.launched - timedelta(days=7)),
                ))
    return ids


def _template(rng: random.Random, tenant_id: uuid.UUID, core: list[uuid.UUID], author: uuid.UUID, out: Generated) -> uuid.UUID:
    rows = out.rows
    template_id = _uuid(rng)
    created = _at(REVIEW_CYCLES[0].launched - timedelta(days=60))
    rows["review_templates"].append((tenant_id, template_id, "Annual review",
                                     "Results, two core competencies and comments; people-managers are also rated on "
                                     "the leadership competencies of their level.", True, author, created, created))
    for section_position, (title, questions) in enumerate(TEMPLATE):
        section_id = _uuid(rng)
        rows["template_sections"].append((tenant_id, section_id, template_id, title, None, section_position))
        for position, (kind, prompt, competency, kinds, required) in enumerate(questions):
            rows["template_questions"].append((
                tenant_id, _uuid(rng), template_id, section_id, position, kind, prompt,
                core[competency] if competency is not None else None, kinds, required,
            ))
    return template_id


Pools = dict[tuple[str, int | None], tuple[list[Person], dict[int, int]]]


def _pools(joined: list[Person]) -> Pools:
    """Siblings and same-depth people among `joined`, each with everyone's position."""
    groups: dict[tuple[str, int | None], list[Person]] = {}
    for p in joined:
        groups.setdefault(("manager", p.manager), []).append(p)
        groups.setdefault(("depth", p.depth), []).append(p)
    return {key: (group, {p.index: i for i, p in enumerate(group)}) for key, group in groups.items()}


def _peers(person: Person, pools: Pools, step: int) -> list[Person]:
    """PEERS colleagues on a ring: siblings when there are enough, else people at the same
    depth; skip-level people for the top. Never oneself, one's manager or a direct report."""
    if person.manager is None:
        pool, _ = pools.get(("depth", 2), ([], {}))
        return pool[:PEERS]
    siblings, where = pools[("manager", person.manager)]
    if len(siblings) <= PEERS:
        siblings, where = pools[("depth", person.depth)]
    i, size = where[person.index], len(siblings)
    return [siblings[(i + step * k) % size] for k in range(1, min(PEERS, size - 1) + 1)]


# --- who signs in ---------------------------------------------------------------------------


def _fixtures(rng: random.Random, tenant_id: uuid.UUID, plan: TenantPlan, people: list[Person],
              cycles: dict[str, uuid.UUID]) -> dict:
    """Who signs in for each screen, and what they look at: fixed people of the large tenant."""
    leaves = [p for p in people if p.depth == len(plan.levels) - 1 and p.active and len(p.goals) >= 2]
    viewers = rng.sample(leaves, FIXTURE_PEOPLE)
    writers = [p for p in rng.sample(leaves, 3 * FIXTURE_PEOPLE)
               if any(status == "ACTIVE" and metric for _, status, metric in p.goals)][:FIXTURE_PEOPLE]
    teams = [p for p in people if len(p.reports) == TEAM_SIZE][:TEAM_MANAGERS]
    hr_admins = [p for p in people if "HR_ADMIN" in p.roles and p.active]
    # Managers whose upward ratings can pass the anonymity threshold of 3.
    leaders = rng.sample([p for p in people if sum(people[r].active for r in p.reports) >= 3], LEADERS)
    return {
        "tenant": {"slug": plan.slug, "id": str(tenant_id), "people": plan.people},
        "ceo": {"id": str(people[0].id), "email": people[0].email},
        "hr_admins": [{"id": str(p.id), "email": p.email} for p in hr_admins],
        "team_managers": [{"id": str(p.id), "email": p.email} for p in teams],
        "viewers": [p.email for p in viewers],
        "writers": [{"email": p.email, "goals": [str(g) for g, status, metric in p.goals if status == "ACTIVE" and metric],
                     "colleagues": [str(c.id) for c in _colleagues(p, people)]}
                    for p in writers],
        "searches": SEARCHES,
        "cycles": {spec.key: {"id": str(cycles[spec.key]), "name": spec.name, "status": spec.status}
                   for spec in REVIEW_CYCLES},
        "leaders": [str(p.id) for p in leaders],
        "leadership_period": {"from": (ANCHOR - timedelta(days=364)).isoformat(), "to": ANCHOR.isoformat()},
    }


def _colleagues(person: Person, people: list[Person]) -> list[Person]:
    """Whom a writer gives feedback to: their manager, and an active sibling (else the skip-level manager)."""
    manager = people[person.manager]
    siblings = [people[r] for r in manager.reports if r != person.index and people[r].active]
    return [manager, *(siblings or [people[manager.manager]])[:1]]


# --- loading ----------------------------------------------------------------------------


EXPAND_CHECK_INS = """
INSERT INTO goal_check_ins (tenant_id, id, goal_id, key_result_id, value, confidence, note, author_id,
                            checked_in_on, recorded_at)
SELECT s.tenant_id,
       md5(s.goal_id::text || ':' || coalesce(s.key_result_id::text, '') || ':' || k)::uuid,
       s.goal_id, s.key_result_id, round(s.baseline + s.step * k, 2),
       CASE WHEN h % 20 = 0 THEN 'OFF_TRACK' WHEN h % 20 < 4 THEN 'AT_RISK' ELSE 'ON_TRACK' END,
       CASE WHEN k % 5 = 0 THEN 'Progress update for week ' || k END,
       s.author_id, s.first_day + (k - 1) * s.stride,
       (s.first_day + (k - 1) * s.stride) + time '09:00' + make_interval(secs => h % 28800)
FROM bench_series s
CROSS JOIN LATERAL generate_series(1, s.n) AS k
CROSS JOIN LATERAL (SELECT abs(hashtext(s.goal_id::text || k::text)) AS h) AS hashed
"""


async def _deferred_indexes(connection: asyncpg.Connection, table: str) -> list[str]:
    """Drop `table`'s indexes (and primary key), returning the statements that rebuild them."""
    rows = await connection.fetch(
        """SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition,
                  c.conname, pg_get_constraintdef(c.oid) AS constraint_definition
           FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
           WHERE i.indrelid = $1::regclass""",
        table,
    )
    rebuild = []
    for row in rows:
        if row["conname"]:
            await connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{row["conname"]}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{row["conname"]}" {row["constraint_definition"]}')
        else:
            await connection.execute(f"DROP INDEX {row['name']}")
            rebuild.append(row["definition"])
    return rebuild


async def load(connection: asyncpg.Connection, generated: Generated, *, bulk: bool, defer_indexes: bool | None = None,
               log=None) -> dict[str, int]:  # noqa: ANN001
    """Everything in one transaction, as the owner role. Returns row counts per table.

    `bulk`: a fresh database; foreign-key triggers are skipped (for a superuser) and, unless
    `defer_indexes` says otherwise, the biggest tables' indexes are rebuilt after the load."""
    counts: dict[str, int] = {}
    privileged = await connection.fetchval("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
    tables = [t for t in COLUMNS if t != "tenants"] + ["goal_check_ins", *activity.TABLES]
    defer_indexes = bulk if defer_indexes is None else defer_indexes
    async with connection.transaction():
        await connection.execute("SET LOCAL TimeZone = 'UTC'")
        if not privileged:  # the owner is only exempt from row-level security while FORCE is off
            for table in tables:
                await connection.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        if bulk and privileged:
            await connection.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
            await connection.execute("SET LOCAL maintenance_work_mem = '512MB'")
        rebuild = []
        if defer_indexes:
            for table in DEFERRED_INDEX_TABLES:
                rebuild += await _deferred_indexes(connection, table)
        for table, columns in COLUMNS.items():
            records = generated.rows[table]
            await connection.copy_records_to_table(table, records=records, columns=columns)
            counts[table] = len(records)
        await connection.execute(
            "CREATE TEMP TABLE bench_series (tenant_id uuid, goal_id uuid, key_result_id uuid, author_id uuid, "
            "first_day date, stride int, n int, baseline numeric, step numeric) ON COMMIT DROP"
        )
        await connection.copy_records_to_table("bench_series", records=generated.series, columns=SERIES_COLUMNS)
        status = await connection.execute(EXPAND_CHECK_INS)
        counts["goal_check_ins"] = int(status.split()[-1])
        await connection.execute(
            "CREATE TEMP TABLE bench_heads (tenant_id uuid, id uuid, head_id uuid) ON COMMIT DROP"
        )
        await connection.copy_records_to_table("bench_heads", records=generated.heads, columns=("tenant_id", "id", "head_id"))
        await connection.execute(
            "UPDATE departments d SET head_id = h.head_id FROM bench_heads h WHERE d.tenant_id = h.tenant_id AND d.id = h.id"
        )
        if log:
            log(f"seed:   {sum(counts.values()) - counts['goal_check_ins']:,} rows copied, "
                f"{counts['goal_check_ins']:,} check-ins expanded")
        tenant_ids = [row[0] for row in generated.rows["tenants"]]
        for table, written in (await activity.expand(connection, tenant_ids, ANCHOR, log)).items():
            counts[table] = counts.get(table, 0) + written
        began = time.perf_counter()
        for statement in rebuild:
            await connection.execute(statement)
        if rebuild and log:
            log(f"seed:   indexes of {', '.join(DEFERRED_INDEX_TABLES)} rebuilt in {time.perf_counter() - began:.1f}s")
        if not privileged:
            for table in tables:
                await connection.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    return counts


def generate(plans: list[TenantPlan]) -> Generated:
    out = Generated()
    for plan in plans:
        generate_tenant(plan, out)
    return out


# --- the bench database: reuse it when the schema and the generator are unchanged ---------


async def current_seed(connection: asyncpg.Connection) -> dict | None:
    if not await connection.fetchval("SELECT to_regclass('bench_meta') IS NOT NULL"):
        return None
    row = await connection.fetchrow("SELECT seed_version, fixtures, seconds, counts FROM bench_meta")
    if row is None:
        return None
    return {"seed_version": row["seed_version"], "fixtures": json.loads(row["fixtures"]),
            "seconds": row["seconds"], "counts": json.loads(row["counts"])}


async def seed_platform(connection: asyncpg.Connection, log=print) -> dict:
    started = time.perf_counter()
    plans = platform_plan()
    generated = generate(plans)
    log(f"seed: generated {sum(len(r) for r in generated.rows.values()):,} rows and {len(generated.series):,} "
        f"check-in series in {time.perf_counter() - started:.1f}s; loading")
    counts = await load(connection, generated, bulk=True, log=log)
    loaded = time.perf_counter()
    log(f"seed: loaded in {loaded - started:.1f}s; vacuum analyze")
    await connection.execute("VACUUM (ANALYZE)")  # statistics, hint bits and the visibility map, before any timing
    seconds = round(time.perf_counter() - started, 1)
    await connection.execute(
        "CREATE TABLE bench_meta (seed_version text NOT NULL, fixtures jsonb NOT NULL, counts jsonb NOT NULL, "
        "seconds numeric NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())"
    )
    await connection.execute(
        "INSERT INTO bench_meta (seed_version, fixtures, counts, seconds) VALUES ($1, $2, $3, $4)",
        fingerprint(), json.dumps(generated.fixtures), json.dumps(counts), seconds,
    )
    log(f"seed: done in {seconds}s ({counts['employees']:,} employees, {counts['goals']:,} goals, "
        f"{counts['goal_check_ins']:,} check-ins, {counts['reviews']:,} reviews, {counts['review_answers']:,} answers, "
        f"{counts['feedback']:,} feedback, {counts['recognitions']:,} recognitions, "
        f"{counts['one_on_one_meetings']:,} 1:1 meetings)")
    return {"seed_version": fingerprint(), "fixtures": generated.fixtures, "seconds": seconds, "counts": counts}


def tiny_plan(slug: str, people: int = 30) -> TenantPlan:
    """A small tenant for tests (tests/test_benchmarks_smoke.py)."""
    return TenantPlan(slug, f"Tiny {slug}", people, departments=3)
