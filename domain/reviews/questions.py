"""The effective questions of reviews, batched: a fixed number of statements for any
number of reviews (templates, automatic leadership ratings, goals of the period).

Goals rated by a RATING_GOALS question are the subject's ACTIVE or COMPLETED goals
whose window overlaps the cycle's period, and only those the reviewer kind may see:
every goal for SELF, PUBLIC and MANAGER_CHAIN ones for MANAGER, PUBLIC ones for PEER
and DIRECT_REPORT reviewers (a PRIVATE goal never reaches a colleague's form).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from uuid import UUID

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.competencies.models import Competency
from domain.competencies.scale import scale_levels
from domain.goals.models import Goal, GoalStatus, Visibility
from domain.reviews.models import ParticipantCompetency, QuestionKind, Review, ReviewCycle, ReviewerKind
from domain.reviews.rules import GoalItem, Question, ScaleKind, TemplateItem, effective_questions
from domain.reviews.settings import rating_scale
from domain.reviews.templates import template_items

GOAL_STATUSES = (GoalStatus.ACTIVE.value, GoalStatus.COMPLETED.value)
GOALS_SEEN_BY = {
    ReviewerKind.SELF: {v.value for v in Visibility},
    ReviewerKind.MANAGER: {Visibility.PUBLIC.value, Visibility.MANAGER_CHAIN.value},
    ReviewerKind.PEER: {Visibility.PUBLIC.value},
    ReviewerKind.DIRECT_REPORT: {Visibility.PUBLIC.value},
}

Pair = tuple[UUID, UUID]  # (cycle, subject)


async def _leadership(session: AsyncSession, pairs: Collection[Pair]) -> dict[Pair, list[tuple[UUID, str]]]:
    rows = await session.execute(
        select(ParticipantCompetency.cycle_id, ParticipantCompetency.subject_id, Competency.id, Competency.name)
        .join(Competency, Competency.id == ParticipantCompetency.competency_id)
        .where(tuple_(ParticipantCompetency.cycle_id, ParticipantCompetency.subject_id).in_(list(pairs)))
        .order_by(ParticipantCompetency.position, Competency.name)
    )
    found: dict[Pair, list[tuple[UUID, str]]] = defaultdict(list)
    for cycle_id, subject_id, competency_id, name in rows:
        found[(cycle_id, subject_id)].append((competency_id, name))
    return found


async def _goals(session: AsyncSession, subjects: Collection[UUID]) -> dict[UUID, list[Goal]]:
    """The subjects' ACTIVE and COMPLETED goals; each cycle's period is applied per review."""
    rows = await session.scalars(
        select(Goal)
        .where(Goal.owner_id.in_(list(subjects)), Goal.status.in_(GOAL_STATUSES))
        .order_by(Goal.due_date, Goal.title, Goal.id)
    )
    found: dict[UUID, list[Goal]] = defaultdict(list)
    for goal in rows:
        found[goal.owner_id].append(goal)
    return found


def _goal_items(goals: Sequence[Goal], cycle: ReviewCycle, kind: str) -> list[GoalItem]:
    seen = GOALS_SEEN_BY[ReviewerKind(kind)]
    return [
        GoalItem(goal.id, goal.title)
        for goal in goals
        if goal.visibility in seen and goal.start_date <= cycle.period_end and goal.due_date >= cycle.period_start
    ]


async def questions_for_reviews(
    session: AsyncSession, reviews: Sequence[Review], cycles: dict[UUID, ReviewCycle]
) -> dict[UUID, list[Question]]:
    """Per review, its questions in order. At most three statements for any number of reviews."""
    if not reviews:
        return {}
    items: dict[UUID, list[TemplateItem]] = await template_items(session, list({c.template_id for c in cycles.values()}))
    leadership = await _leadership(session, {(r.cycle_id, r.subject_id) for r in reviews})
    wants_goals = any(i.kind == QuestionKind.RATING_GOALS for rows in items.values() for i in rows)
    goals = await _goals(session, {r.subject_id for r in reviews}) if wants_goals else {}
    found: dict[UUID, list[Question]] = {}
    for review in reviews:
        cycle = cycles[review.cycle_id]
        found[review.id] = effective_questions(
            items.get(cycle.template_id, []),
            review.kind,
            _goal_items(goals.get(review.subject_id, []), cycle, review.kind),
            leadership.get((review.cycle_id, review.subject_id), []),
        )
    return found


async def scales(session: AsyncSession) -> dict[ScaleKind, set[int]]:
    """The allowed ratings per scale: the proficiency scale and the tenant's rating scale."""
    return {
        ScaleKind.PROFICIENCY: await scale_levels(session),
        ScaleKind.RATING: {level.value for level in await rating_scale(session)},
    }
