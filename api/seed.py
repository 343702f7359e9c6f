"""The demo tenant `acme`: about 60 people in 4 levels, 5 departments. Idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actor import Actor
from domain.competencies.assessments import NewAssessment, assess_competency
from domain.competencies.framework import competency_ids_by_name
from domain.competencies.install import install_starter_framework
from domain.competencies.models import AssessmentSource
from domain.goals.check_ins import NewCheckIn, check_in
from domain.goals.goals import MeasureSpec, NewGoal, create_goal
from domain.goals.models import Confidence, GoalKind, GoalScope, GoalStatus, Visibility
from domain.onboarding import onboard_tenant
from domain.org import departments, importing
from domain.org.importing import ImportRow
from domain.org.models import Role
from tenants import registry
from tenants.session import provisioning_session, tenant_session

DEMO_SLUG = "acme"
DEMO_ADMIN = "hr.admin@acme.test"
DEMO_EMPLOYEE = "employee@acme.test"
DEMO_CEO = "ceo@acme.test"

_FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elena", "Farah", "Gus", "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo",
          "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Viktor", "Wen", "Xavi", "Yara", "Zane"]
_LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Nguyen", "Fischer",
         "Osei", "Ramirez", "Ivanova", "Chen", "Murphy", "Patel"]
# A few assessments so the demo profiles show gaps: (who is assessed, by whom, source,
# competency, level, days ago). "employee" is DEMO_EMPLOYEE (IC2), "lead" their manager
# (M1), "vp" the lead's manager (M2).
_ASSESSMENTS = [
    ("employee", "employee", AssessmentSource.SELF, "Communication", 4, 40),
    ("employee", "employee", AssessmentSource.SELF, "Problem Solving", 3, 40),
    ("employee", "lead", AssessmentSource.MANAGER, "Communication", 2, 30),
    ("employee", "lead", AssessmentSource.MANAGER, "Problem Solving", 3, 30),
    ("employee", "lead", AssessmentSource.MANAGER, "Ownership", 2, 30),
    ("employee", "lead", AssessmentSource.MANAGER, "Collaboration", 3, 30),
    ("lead", "lead", AssessmentSource.SELF, "Coaching", 3, 20),
    ("lead", "vp", AssessmentSource.MANAGER, "Coaching", 2, 10),
    ("lead", "vp", AssessmentSource.MANAGER, "Delegation", 2, 10),
    ("lead", "vp", AssessmentSource.MANAGER, "Decision Making", 3, 10),
]
_DEPARTMENTS = {"Engineering": "VP Engineering", "Sales": "VP Sales", "Marketing": "VP Marketing", "People": "VP People"}


async def seed_demo(owner: AsyncEngine, app: AsyncEngine, today: date) -> bool:
    """Returns False when the demo tenant already exists (nothing is changed)."""
    async with provisioning_session(owner) as session:
        if await registry.by_slug(session, DEMO_SLUG) is not None:
            return False
        onboarded = await onboard_tenant(
            session, slug=DEMO_SLUG, name="Acme Corporation", admin_email=DEMO_ADMIN,
            admin_name="Harriet Admin", oidc_issuer=None, today=today,
        )
    tenant_id, admin_id = onboarded.tenant.id, onboarded.admin.id
    actor = Actor(tenant_id, admin_id, frozenset({Role.EMPLOYEE, Role.HR_ADMIN, Role.TENANT_ADMIN}))
    async with tenant_session(app, tenant_id) as session:
        await install_starter_framework(session, actor)  # the scale, competencies, IC1-IC4 and M1-M3
        company = await departments.create_department(session, actor, "Acme")
        dept_ids = {}
        for name in _DEPARTMENTS:
            dept_ids[name] = (await departments.create_department(session, actor, name, company.id)).id
        people = await importing.import_employees(session, actor, _people(company.id, dept_ids, today), as_of=today)
        await _assess(session, tenant_id, people, today)
        await _goals(session, tenant_id, people, today)
    return True


async def _goals(session, tenant_id, people, today: date) -> None:
    """The motivating example, tracked for two months, plus a goal of the demo employee."""
    employee = next(person for person in people if person.email == DEMO_EMPLOYEE)
    lead = next(person for person in people if person.id == employee.manager_id)
    as_lead = Actor(tenant_id, lead.id, frozenset({Role.EMPLOYEE}))
    started = today - timedelta(days=60)
    participation = await create_goal(
        session,
        as_lead,
        NewGoal(
            title="Increase employee feedback participation by 30% within six months",
            description="Share of my team giving or requesting feedback each month.",
            kind=GoalKind.LEADERSHIP,
            scope=GoalScope.TEAM,
            status=GoalStatus.ACTIVE,
            visibility=Visibility.PUBLIC,
            start_date=started,
            due_date=started + timedelta(days=182),
            metric=MeasureSpec(name="Feedback participation", unit="%", baseline=Decimal(40), relative_change_percent=Decimal(30)),
        ),
        today=started,
    )
    for days, value, confidence in ((14, 41, Confidence.ON_TRACK), (30, 43, Confidence.ON_TRACK), (58, 44, Confidence.AT_RISK)):
        await check_in(session, as_lead, NewCheckIn(participation.id, Decimal(value), confidence), today=started + timedelta(days=days))
    as_employee = Actor(tenant_id, employee.id, frozenset({Role.EMPLOYEE}))
    await create_goal(
        session,
        as_employee,
        NewGoal(
            title="Cut the median code review turnaround from 30 to 12 hours",
            kind=GoalKind.PERFORMANCE,
            status=GoalStatus.ACTIVE,
            start_date=today - timedelta(days=30),
            due_date=today + timedelta(days=60),
            key_results=[
                MeasureSpec(name="Median review turnaround", unit="hours", baseline=Decimal(30), target=Decimal(12), weight=Decimal(70)),
                MeasureSpec(name="Reviews done within a day", unit="%", baseline=Decimal(35), target=Decimal(80), weight=Decimal(30)),
            ],
        ),
        today=today - timedelta(days=30),
    )


async def _assess(session, tenant_id, people, today: date) -> None:
    by_id = {person.id: person for person in people}
    employee = next(person for person in people if person.email == DEMO_EMPLOYEE)
    lead = by_id[employee.manager_id]
    who = {"employee": employee, "lead": lead, "vp": by_id[lead.manager_id]}
    competencies = await competency_ids_by_name(session)
    for subject, assessor, source, competency, level, days_ago in _ASSESSMENTS:
        actor = Actor(tenant_id, who[assessor].id, frozenset({Role.EMPLOYEE}))
        data = NewAssessment(who[subject].id, competencies[competency], level, source)
        await assess_competency(session, actor, data, today=today - timedelta(days=days_ago))


def _people(company_id, dept_ids, today: date) -> list[ImportRow]:
    rng = random.Random(42)
    names = iter(sorted({f"{f} {l}" for f in _FIRST for l in _LAST}, key=lambda _: rng.random()))

    def person(title: str, department_id, manager: str | None, level: str, email: str | None = None) -> ImportRow:
        name = next(names)
        address = email or f"{name.lower().replace(' ', '.')}@acme.test"
        hired = today - timedelta(days=rng.randint(90, 3000))
        return ImportRow(email=address, name=name, title=title, job_level=level, department_id=department_id,
                         manager_email=manager, hire_date=hired)

    rows = [person("Chief Executive Officer", company_id, None, "M3", DEMO_CEO)]
    for department, vp_title in _DEPARTMENTS.items():
        vp = person(vp_title, dept_ids[department], DEMO_CEO, "M2")
        rows.append(vp)
        for team in range(3):
            lead = person(f"{department} Manager", dept_ids[department], vp.email, "M1")
            rows.append(lead)
            for member in range(3 if team else 4):
                email = DEMO_EMPLOYEE if (department == "Engineering" and team == 0 and member == 0) else None
                rows.append(person(f"{department} Specialist", dept_ids[department], lead.email, "IC2" if member == 0 else "IC1", email))
    return rows
