"""Pure ranking rules: mentors for a mentee, and stretch projects or training for an employee.

Nothing here touches the database, so every rule is tested with plain values and
hypothesis (tests/rules/test_matching.py).

Mentor matching
- The mentee's needs: for each competency they asked to grow in the program, the gap on
  their competency profile (expected - current) when it is positive; otherwise one level
  (they asked to grow it, and the profile shows no gap to measure).
- A mentor covers, per need, the levels between the mentee's current level (0 when not
  assessed) and the mentor's own assessed level, at most the need. Only competencies the
  mentor offered count, and only levels assessed by someone else (a manager, a review,
  evidence): a self-assessment is not an assessed strength.
- score = covered levels + DEPARTMENT_BONUS when the mentor works in another department
  than the mentee (both departments known). Covered levels are whole numbers and the bonus
  is below one, so the bonus only ever breaks ties between equal coverage.
- Never suggested: the mentee, anyone in `excluded` (the mentee's managers up the chain,
  mentors already paired with them) and mentors at capacity. Ties after the score go to
  the mentor with fewer active mentees, then by name.

Project and training recommendations
- score = the gap levels (positive gaps only) of the employee's competencies the item
  targets; items targeting none of the gaps are not recommended. Ties go to the item
  matching more gaps, then to the caller's order (soonest start, or name).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from uuid import UUID

DEPARTMENT_BONUS = 0.5

T = TypeVar("T")
Label = Callable[[int | None], str]


def _plain_label(level: int | None) -> str:
    return "none" if level is None else f"level {level}"


def _levels(count: int) -> str:
    return f"{count} level{'' if count == 1 else 's'}"


# --- the mentee's needs ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GapFact:
    """One line of a competency profile, as matching needs it."""

    competency_id: UUID
    name: str
    current: int | None
    gap: int | None


@dataclass(frozen=True, slots=True)
class Need:
    competency_id: UUID
    name: str
    levels: int  # at least 1
    current: int | None  # the mentee's current level, None when not assessed
    from_gap: bool  # False: asked for, with no positive gap on the profile (counts one level)


def mentee_needs(wanted: Sequence[tuple[UUID, str]], facts: Mapping[UUID, GapFact]) -> list[Need]:
    """One need per competency the mentee asked to grow, in the order given."""
    needs = []
    for competency_id, name in wanted:
        fact = facts.get(competency_id)
        current = fact.current if fact else None
        if fact is not None and fact.gap is not None and fact.gap > 0:
            needs.append(Need(competency_id, name, fact.gap, current, True))
        else:
            needs.append(Need(competency_id, name, 1, current, False))
    return needs


# --- mentors -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MentorCandidate:
    employee_id: UUID
    name: str
    department_id: UUID | None
    levels: Mapping[UUID, int]  # assessed (not self) levels in the competencies they offered
    active_mentees: int = 0


@dataclass(frozen=True, slots=True)
class Cover:
    competency_id: UUID
    name: str
    covered: int
    needed: int
    mentor_level: int | None


@dataclass(frozen=True, slots=True)
class MentorSuggestion:
    candidate: MentorCandidate
    score: float
    covered: int
    needed: int
    department_bonus: float
    covers: tuple[Cover, ...]
    explanation: str


def covered_levels(need: Need, mentor_level: int | None) -> int:
    """Levels of `need` a mentor at `mentor_level` can take the mentee through."""
    if mentor_level is None:
        return 0
    return max(0, min(need.levels, mentor_level - (need.current or 0)))


def other_department(mentee_department: UUID | None, mentor_department: UUID | None) -> bool:
    """Only a known, different department earns the bonus."""
    return mentee_department is not None and mentor_department is not None and mentee_department != mentor_department


def eligible(candidate: MentorCandidate, mentee_id: UUID, excluded: Collection[UUID], capacity: int) -> bool:
    return candidate.employee_id != mentee_id and candidate.employee_id not in excluded and candidate.active_mentees < capacity


def _cover_phrase(need: Need, cover: Cover, label: Label) -> str:
    mentee = label(need.current) if need.current is not None else "not assessed"
    why = f"gap of {_levels(need.levels)}" if need.from_gap else "asked for, no gap on the profile"
    mentor = f"mentor {label(cover.mentor_level)}" if cover.mentor_level is not None else "mentor not assessed in it"
    return f"{need.name} {cover.covered} of {need.levels} ({why}; mentee {mentee}, {mentor})"


def score_mentor(
    needs: Sequence[Need], candidate: MentorCandidate, mentee_department: UUID | None, label: Label = _plain_label
) -> MentorSuggestion:
    covers = tuple(
        Cover(n.competency_id, n.name, covered_levels(n, candidate.levels.get(n.competency_id)), n.levels,
              candidate.levels.get(n.competency_id))
        for n in needs
    )
    covered = sum(c.covered for c in covers)
    needed = sum(n.levels for n in needs)
    bonus = DEPARTMENT_BONUS if other_department(mentee_department, candidate.department_id) else 0.0
    parts = [f"Covers {covered} of {needed} level{'' if needed == 1 else 's'} to grow"]
    if needs:
        parts[0] += ": " + "; ".join(_cover_phrase(n, c, label) for n, c in zip(needs, covers, strict=True))
    parts[0] += "."
    if bonus:
        parts.append(f"Another department than the mentee: +{bonus}.")
    parts.append(f"Score {covered + bonus}.")
    return MentorSuggestion(candidate, covered + bonus, covered, needed, bonus, covers, " ".join(parts))


def rank_mentors(
    needs: Sequence[Need],
    candidates: Sequence[MentorCandidate],
    *,
    mentee_id: UUID,
    mentee_department: UUID | None,
    excluded: Collection[UUID],
    capacity: int,
    label: Label = _plain_label,
) -> list[MentorSuggestion]:
    """Eligible mentors, best first (see the module docstring for the rules)."""
    scored = [
        score_mentor(needs, c, mentee_department, label)
        for c in candidates
        if eligible(c, mentee_id, excluded, capacity)
    ]
    return sorted(
        scored, key=lambda s: (-s.score, s.candidate.active_mentees, s.candidate.name, str(s.candidate.employee_id))
    )


# --- projects and training --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gap:
    competency_id: UUID
    name: str
    levels: int  # positive


def positive_gaps(facts: Sequence[GapFact]) -> list[Gap]:
    return [Gap(f.competency_id, f.name, f.gap) for f in facts if f.gap is not None and f.gap > 0]


@dataclass(frozen=True, slots=True)
class Offer(Generic[T]):
    item: T
    competency_ids: tuple[UUID, ...]
    order: tuple[Hashable, ...] = ()  # the caller's tie-break: soonest start, name, id


@dataclass(frozen=True, slots=True)
class Recommendation(Generic[T]):
    item: T
    score: int
    matched: tuple[Gap, ...] = field(default_factory=tuple)
    explanation: str = ""


def _explain_offer(matched: Sequence[Gap], targets: int, what: str) -> str:
    total = sum(g.levels for g in matched)
    gaps = "; ".join(f"{g.name} ({_levels(g.levels)} below expectation)" for g in matched)
    return (
        f"This {what} targets {len(matched)} of your gaps ({_levels(total)} in all): {gaps}. "
        f"It targets {targets} competenc{'y' if targets == 1 else 'ies'} in all. Score {total}."
    )


def rank_offers(gaps: Sequence[Gap], offers: Sequence[Offer[T]], what: str) -> list[Recommendation[T]]:
    """Items that target at least one gap, most gap levels covered first."""
    by_competency = {g.competency_id: g for g in gaps}
    ranked: list[tuple[tuple, Recommendation[T]]] = []
    for offer in offers:
        matched = tuple(by_competency[c] for c in dict.fromkeys(offer.competency_ids) if c in by_competency)
        if not matched:
            continue
        score = sum(g.levels for g in matched)
        explanation = _explain_offer(matched, len(set(offer.competency_ids)), what)
        ranked.append(((-score, -len(matched), offer.order), Recommendation(offer.item, score, matched, explanation)))
    ranked.sort(key=lambda pair: pair[0])
    return [recommendation for _, recommendation in ranked]
