"""An employee's competency profile: expected level, current level, gap, evidence.

One batch reads everything for many employees in five statements (job levels with their
expectations, latest assessments, competencies, completed goals as evidence, the scale),
whatever the number of employees, so a directory page with profiles stays flat.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from domain.competencies.framework import by_position, competencies_by_ids
from domain.competencies.models import AssessmentSource, Competency, CompetencyAssessment, JobLevel, JobLevelExpectation
from domain.competencies.rules import ProfileFacts, current_and_self, explain, gap
from domain.competencies.scale import current_scale
from domain.goals.models import Goal, GoalCompetency, GoalKind, GoalStatus, Visibility


@dataclass(frozen=True, slots=True)
class ProfileSubject:
    """Whose profile, at which job level, and whether the viewer may see their PRIVATE goals."""

    employee_id: UUID
    job_level_id: UUID | None
    private_goals_visible: bool


@dataclass(frozen=True, slots=True)
class ProfileEntry:
    competency: Competency
    expected_level: int | None
    current: CompetencyAssessment | None
    self_assessment: CompetencyAssessment | None
    gap: int | None
    evidence: list[Goal] = field(default_factory=list)
    explanation: str = ""
    employee_id: UUID | None = None  # whose profile: other contexts' evidence fields look it up by it


EVIDENCE_KINDS = (GoalKind.LEADERSHIP.value, GoalKind.DEVELOPMENT.value)


async def _job_levels(session: AsyncSession, ids: set[UUID]) -> tuple[dict[UUID, JobLevel], dict[UUID, dict[UUID, int]]]:
    """Job levels and, per level, competency -> expected level (one outer join)."""
    rows = await session.execute(
        select(JobLevel, JobLevelExpectation)
        .outerjoin(JobLevelExpectation, JobLevelExpectation.job_level_id == JobLevel.id)
        .where(JobLevel.id.in_(list(ids)))
    )
    levels: dict[UUID, JobLevel] = {}
    expected: dict[UUID, dict[UUID, int]] = defaultdict(dict)
    for level, expectation in rows:
        levels[level.id] = level
        if expectation is not None:
            expected[level.id][expectation.competency_id] = expectation.expected_level
    return levels, expected


async def latest_assessments(session: AsyncSession, employee_ids: Sequence[UUID]) -> list[CompetencyAssessment]:
    """Per employee and competency, the latest self-assessment and the latest other one
    (DISTINCT ON the pair and whether it is SELF), not the whole history."""
    is_self = CompetencyAssessment.source == AssessmentSource.SELF.value
    rows = await session.scalars(
        select(CompetencyAssessment)
        .where(CompetencyAssessment.employee_id.in_(list(employee_ids)))
        .ext(distinct_on(CompetencyAssessment.employee_id, CompetencyAssessment.competency_id, is_self))
        .order_by(
            CompetencyAssessment.employee_id,
            CompetencyAssessment.competency_id,
            is_self,
            CompetencyAssessment.assessed_on.desc(),
            CompetencyAssessment.recorded_at.desc(),
        )
    )
    return list(rows)


async def completed_goal_evidence(session: AsyncSession, owner_ids: Sequence[UUID]) -> list[tuple[UUID, Goal]]:
    """(competency, goal) for every completed LEADERSHIP or DEVELOPMENT goal the owners linked to it."""
    rows = await session.execute(
        select(GoalCompetency.competency_id, Goal)
        .join(Goal, Goal.id == GoalCompetency.goal_id)
        .where(
            Goal.owner_id.in_(list(owner_ids)),
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
    assessed: dict[UUID, list[CompetencyAssessment]] = defaultdict(list)
    for row in await latest_assessments(session, employee_ids):
        assessed[row.employee_id].append(row)
    evidence: dict[UUID, list[tuple[UUID, Goal]]] = defaultdict(list)
    for competency_id, goal in await completed_goal_evidence(session, employee_ids):
        evidence[goal.owner_id].append((competency_id, goal))
    wanted = {c for per_level in expected.values() for c in per_level}
    wanted |= {row.competency_id for rows in assessed.values() for row in rows}
    wanted |= {competency_id for rows in evidence.values() for competency_id, _ in rows}
    competencies = await competencies_by_ids(session, list(wanted)) if wanted else {}
    scale = await current_scale(session)
    return {
        subject: _entries(subject, levels, expected, assessed[subject.employee_id], evidence[subject.employee_id],
                          competencies, scale)
        for subject in subjects
    }


def _entries(subject, levels, expected, assessed, evidence, competencies, scale) -> list[ProfileEntry]:
    """Expected competencies first, then ones only assessed or evidenced; archived ones are left out."""
    level = levels.get(subject.job_level_id) if subject.job_level_id else None
    expects = expected.get(level.id, {}) if level else {}
    ratings: dict[UUID, list[CompetencyAssessment]] = defaultdict(list)
    for row in assessed:
        ratings[row.competency_id].append(row)
    goals: dict[UUID, list[Goal]] = defaultdict(list)
    for competency_id, goal in evidence:
        if goal.visibility != Visibility.PRIVATE or subject.private_goals_visible:
            goals[competency_id].append(goal)
    active = {i: c for i, c in competencies.items() if c.active}
    expected_first = by_position([active[i] for i in expects if i in active])
    others = by_position([active[i] for i in (set(ratings) | set(goals)) - set(expects) if i in active])
    entries = []
    for competency in expected_first + others:
        current, own = current_and_self(ratings.get(competency.id, []))
        expected_level = expects.get(competency.id)
        facts = ProfileFacts(level.name if level else None, expected_level, current, own, len(goals.get(competency.id, [])))
        entries.append(
            ProfileEntry(
                competency=competency,
                expected_level=expected_level,
                current=current,
                self_assessment=own,
                gap=gap(expected_level, current.level if current else None),
                evidence=goals.get(competency.id, []),
                explanation=explain(facts, scale),
                employee_id=subject.employee_id,
            )
        )
    return entries
