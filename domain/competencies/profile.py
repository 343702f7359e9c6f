"""An employee's competency profile: expected level, current level, gap, evidence.

One batch reads everything for many employees in five statements (job levels with their
expectations, latest assessments, competencies, completed goals as evidence, the scale),
whatever the number of employees, so a directory page with profiles stays flat.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from domain.competencies.framework import by_position, competencies_by_ids
from domain.competencies.models import AssessmentSource, Competency, CompetencyAssessment, JobLevel, JobLevelExpectation
from domain.competencies.rules import ProfileFacts, current_and_self, explain, gap
from domain.competencies.scale import current_scale
from domain.goals.models import Goal, GoalCompetency, GoalKind, GoalStatus, Visibility
from domain.persistence import among, column_rows


@dataclass(frozen=True, slots=True)
class ProfileSubject:
    """Whose profile, at which job level, and whether the viewer may see their PRIVATE goals."""

    employee_id: UUID
    job_level_id: UUID | None
    private_goals_visible: bool


@dataclass(slots=True)
class ProfileEntry:
    """Not frozen: a team page builds over a thousand, and a frozen dataclass sets each
    field through object.__setattr__ (twice the cost). Nothing writes to one after."""

    competency: Competency
    expected_level: int | None
    current: AssessmentRecord | None
    self_assessment: AssessmentRecord | None
    gap: int | None
    evidence: list[Goal] = field(default_factory=list)
    employee_id: UUID | None = None  # whose profile: other contexts' evidence fields look it up by it
    job_level: str | None = None
    scale: Sequence[Any] = ()

    @property
    def explanation(self) -> str:
        """Written when asked: a team page lists hundreds of entries and rarely shows this."""
        facts = ProfileFacts(self.job_level, self.expected_level, self.current, self.self_assessment, len(self.evidence))
        return explain(facts, self.scale)


EVIDENCE_KINDS = (GoalKind.LEADERSHIP.value, GoalKind.DEVELOPMENT.value)


async def _job_levels(session: AsyncSession, ids: set[UUID]) -> tuple[dict[UUID, JobLevel], dict[UUID, dict[UUID, int]]]:
    """Job levels and, per level, competency -> expected level (one outer join)."""
    rows = await session.execute(
        select(JobLevel, JobLevelExpectation)
        .outerjoin(JobLevelExpectation, JobLevelExpectation.job_level_id == JobLevel.id)
        .where(among(JobLevel.id, ids))
    )
    levels: dict[UUID, JobLevel] = {}
    expected: dict[UUID, dict[UUID, int]] = defaultdict(dict)
    for level, expectation in rows:
        levels[level.id] = level
        if expectation is not None:
            expected[level.id][expectation.competency_id] = expectation.expected_level
    return levels, expected


class AssessmentRecord(NamedTuple):
    """A read-only competency_assessments row (a team page reads thousands; see domain/org/records.py)."""

    tenant_id: UUID
    id: UUID
    employee_id: UUID
    competency_id: UUID
    level: int
    source: str
    note: str | None
    assessed_by: UUID | None
    assessed_on: date
    recorded_at: datetime | None


async def latest_assessments(session: AsyncSession, employee_ids: Sequence[UUID]) -> list[AssessmentRecord]:
    """Per employee and competency, the latest self-assessment and the latest other one
    (DISTINCT ON the pair and whether it is SELF), not the whole history."""
    is_self = CompetencyAssessment.source == AssessmentSource.SELF.value
    rows = await column_rows(
        session,
        select(*(getattr(CompetencyAssessment, name) for name in AssessmentRecord._fields))
        .where(among(CompetencyAssessment.employee_id, employee_ids))
        .ext(distinct_on(CompetencyAssessment.employee_id, CompetencyAssessment.competency_id, is_self))
        .order_by(
            CompetencyAssessment.employee_id,
            CompetencyAssessment.competency_id,
            is_self,
            CompetencyAssessment.assessed_on.desc(),
            CompetencyAssessment.recorded_at.desc(),
        ),
    )
    return [AssessmentRecord._make(row) for row in rows]


async def completed_goal_evidence(session: AsyncSession, owner_ids: Sequence[UUID]) -> list[tuple[UUID, Goal]]:
    """(competency, goal) for every completed LEADERSHIP or DEVELOPMENT goal the owners linked to it."""
    rows = await session.execute(
        select(GoalCompetency.competency_id, Goal)
        .join(Goal, Goal.id == GoalCompetency.goal_id)
        .where(
            among(Goal.owner_id, owner_ids),
            Goal.status == GoalStatus.COMPLETED.value,
            Goal.kind.in_(EVIDENCE_KINDS),
        )
        .order_by(Goal.completed_on.desc().nulls_last(), Goal.due_date.desc(), Goal.title)
    )
    return [(competency_id, goal) for competency_id, goal in rows]


async def competency_profiles(
    session: AsyncSession, subjects: Sequence[ProfileSubject]
) -> dict[ProfileSubject, list[ProfileEntry]]:
    employee_ids = list({s.employee_id for s in subjects})
    levels, expected = await _job_levels(session, {s.job_level_id for s in subjects if s.job_level_id})
    assessed: dict[UUID, list[AssessmentRecord]] = defaultdict(list)
    for row in await latest_assessments(session, employee_ids):
        assessed[row.employee_id].append(row)
    evidence: dict[UUID, list[tuple[UUID, Goal]]] = defaultdict(list)
    for competency_id, goal in await completed_goal_evidence(session, employee_ids):
        evidence[goal.owner_id].append((competency_id, goal))
    wanted = {c for per_level in expected.values() for c in per_level}
    wanted |= {row.competency_id for rows in assessed.values() for row in rows}
    wanted |= {competency_id for rows in evidence.values() for competency_id, _ in rows}
    competencies = await competencies_by_ids(session, list(wanted)) if wanted else {}
    active = {i: c for i, c in competencies.items() if c.active}
    rank = {competency.id: n for n, competency in enumerate(by_position(list(active.values())))}
    scale = await current_scale(session)
    return {
        subject: _entries(subject, levels, expected, assessed[subject.employee_id], evidence[subject.employee_id],
                          active, rank, scale)
        for subject in subjects
    }


def _entries(subject, levels, expected, assessed, evidence, active, rank, scale) -> list[ProfileEntry]:
    """Expected competencies first, then ones only assessed or evidenced; archived ones are left out."""
    level = levels.get(subject.job_level_id) if subject.job_level_id else None
    expects = expected.get(level.id, {}) if level else {}
    level_name = level.name if level else None
    ratings: dict[UUID, list[AssessmentRecord]] = defaultdict(list)
    for row in assessed:
        ratings[row.competency_id].append(row)
    goals: dict[UUID, list[Goal]] = defaultdict(list)
    for competency_id, goal in evidence:
        if goal.visibility != Visibility.PRIVATE or subject.private_goals_visible:
            goals[competency_id].append(goal)
    expected_first = [i for i in sorted((i for i in expects if i in active), key=rank.__getitem__)]
    extra = (set(ratings) | set(goals)) - set(expects)
    others = sorted((i for i in extra if i in active), key=rank.__getitem__)
    entries = []
    for competency_id in expected_first + others:
        current, own = current_and_self(ratings.get(competency_id, ()))
        expected_level = expects.get(competency_id)
        entries.append(
            ProfileEntry(
                active[competency_id],
                expected_level,
                current,
                own,
                gap(expected_level, current.level if current else None),
                goals.get(competency_id, []),
                subject.employee_id,
                level_name,
                scale,
            )
        )
    return entries
