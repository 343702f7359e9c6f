"""Mentor matching and gap-based recommendations: pure rules, no database.

A small hand-built framework where the right answer is known, then hypothesis
properties: excluded people never appear, more coverage never lowers a score, and the
department bonus is exactly 0.5 and never outranks a mentor who covers more.
"""

from __future__ import annotations

import uuid
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.competencies.rules import DEFAULT_SCALE, level_label
from domain.development.matching import (
    DEPARTMENT_BONUS,
    GapFact,
    MentorCandidate,
    Need,
    Offer,
    covered_levels,
    mentee_needs,
    positive_gaps,
    rank_mentors,
    rank_offers,
    score_mentor,
)

FAST = settings(max_examples=100, deadline=None)
COACHING, DELEGATION, FEEDBACK = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
SALES, ENGINEERING = uuid.uuid4(), uuid.uuid4()
MENTEE, MANAGER = uuid.uuid4(), uuid.uuid4()


def label(level: int | None) -> str:
    return level_label(level, DEFAULT_SCALE)


# The mentee (in Engineering) is Developing (2) in Coaching and Delegation where their job
# level expects Advanced (4) and Proficient (3), and meets the Feedback expectation.
FACTS = {
    COACHING: GapFact(COACHING, "Coaching", 2, 2),
    DELEGATION: GapFact(DELEGATION, "Delegation", 2, 1),
    FEEDBACK: GapFact(FEEDBACK, "Feedback", 3, 0),
}
NEEDS = mentee_needs([(COACHING, "Coaching"), (DELEGATION, "Delegation")], FACTS)


def mentor(name: str, department, levels: dict, active: int = 0, employee_id=None) -> MentorCandidate:
    return MentorCandidate(employee_id or uuid.uuid4(), name, department, levels, active)


def rank(candidates, *, excluded=(MANAGER,), capacity=2, needs=NEEDS):
    return rank_mentors(
        needs, candidates, mentee_id=MENTEE, mentee_department=ENGINEERING, excluded=set(excluded), capacity=capacity,
        label=label,
    )


def test_the_mentee_needs_their_gaps_and_one_level_of_what_they_asked_for_without_a_gap():
    needs = mentee_needs([(COACHING, "Coaching"), (FEEDBACK, "Feedback"), (uuid.UUID(int=7), "Pitching")], FACTS)
    assert [(n.name, n.levels, n.current, n.from_gap) for n in needs] == [
        ("Coaching", 2, 2, True),
        ("Feedback", 1, 3, False),  # meets the expectation, asked to grow anyway
        ("Pitching", 1, None, False),  # not on the profile at all
    ]


def test_a_mentor_covers_the_levels_between_the_mentee_and_themselves_at_most_the_need():
    need = Need(COACHING, "Coaching", 2, 2, True)
    assert [covered_levels(need, level) for level in (None, 1, 2, 3, 4, 5)] == [0, 0, 0, 1, 2, 2]
    unassessed = Need(COACHING, "Coaching", 1, None, False)
    assert covered_levels(unassessed, 1) == 1


def test_the_known_best_mentor_ranks_first_and_the_chain_and_full_mentors_never_appear():
    ana = mentor("Ana", SALES, {COACHING: 4, DELEGATION: 3})  # covers 2 + 1, another department
    ben = mentor("Ben", ENGINEERING, {COACHING: 4, DELEGATION: 3})  # covers the same, same department
    cy = mentor("Cy", SALES, {COACHING: 3})  # covers 1 of Coaching, not assessed in Delegation
    boss = mentor("Dee", SALES, {COACHING: 5, DELEGATION: 5}, employee_id=MANAGER)  # the mentee's manager
    full = mentor("Eve", SALES, {COACHING: 5, DELEGATION: 5}, active=2)  # at capacity
    itself = mentor("Mo", ENGINEERING, {COACHING: 5}, employee_id=MENTEE)

    ranked = rank([cy, boss, ben, full, itself, ana])

    assert [(s.candidate.name, s.score, s.covered, s.needed) for s in ranked] == [
        ("Ana", 3.5, 3, 3), ("Ben", 3.0, 3, 3), ("Cy", 1.5, 1, 3),
    ]
    assert ranked[0].explanation == (
        "Covers 3 of 3 levels to grow: Coaching 2 of 2 (gap of 2 levels; mentee Developing (2), mentor Advanced (4)); "
        "Delegation 1 of 1 (gap of 1 level; mentee Developing (2), mentor Proficient (3)). "
        "Another department than the mentee: +0.5. Score 3.5."
    )
    assert ranked[2].explanation == (
        "Covers 1 of 3 levels to grow: Coaching 1 of 2 (gap of 2 levels; mentee Developing (2), mentor Proficient (3)); "
        "Delegation 0 of 1 (gap of 1 level; mentee Developing (2), mentor not assessed in it). "
        "Another department than the mentee: +0.5. Score 1.5."
    )
    # The explanation names no excluded person.
    assert not any(name in s.explanation for s in ranked for name in ("Dee", "Eve", "Mo"))


def test_ties_go_to_the_mentor_with_fewer_mentees_then_by_name():
    busy = mentor("Aaron", SALES, {COACHING: 4}, active=1)
    free = mentor("Zoe", SALES, {COACHING: 4})
    also_free = mentor("Yan", SALES, {COACHING: 4})
    assert [s.candidate.name for s in rank([busy, free, also_free])] == ["Yan", "Zoe", "Aaron"]


def test_no_bonus_when_either_department_is_unknown():
    nowhere = mentor("Nia", None, {COACHING: 4})
    suggestion = score_mentor(NEEDS, nowhere, ENGINEERING, label)
    assert (suggestion.department_bonus, suggestion.score) == (0.0, 2.0)
    assert score_mentor(NEEDS, mentor("Ola", SALES, {COACHING: 4}), None, label).department_bonus == 0.0


# --- properties ---------------------------------------------------------------------------------

COMPETENCIES = [uuid.UUID(int=i) for i in range(1, 6)]
DEPARTMENTS = [uuid.UUID(int=100 + i) for i in range(3)]
levels = st.integers(1, 5)


@st.composite
def needs_strategy(draw):
    chosen = draw(st.lists(st.sampled_from(COMPETENCIES), min_size=1, max_size=5, unique=True))
    return [
        Need(c, f"C{c.int}", draw(st.integers(1, 4)), draw(st.one_of(st.none(), levels)), draw(st.booleans()))
        for c in chosen
    ]


@st.composite
def candidate_strategy(draw, employee_id=None):
    return MentorCandidate(
        employee_id or uuid.uuid4(),
        draw(st.text(alphabet="abcdef", min_size=1, max_size=4)),
        draw(st.one_of(st.none(), st.sampled_from(DEPARTMENTS))),
        draw(st.dictionaries(st.sampled_from(COMPETENCIES), levels, max_size=5)),
        draw(st.integers(0, 3)),
    )


@FAST
@given(needs_strategy(), st.lists(candidate_strategy(), max_size=8), st.data(), st.integers(1, 3))
def test_the_mentee_the_excluded_and_mentors_at_capacity_never_appear(needs, candidates, data, capacity):
    excluded = {c.employee_id for c in candidates if data.draw(st.booleans())}
    mentee_as_mentor = data.draw(candidate_strategy(employee_id=MENTEE))
    ranked = rank_mentors(
        needs, [*candidates, mentee_as_mentor], mentee_id=MENTEE, mentee_department=DEPARTMENTS[0],
        excluded=excluded, capacity=capacity,
    )
    shown = {s.candidate.employee_id for s in ranked}
    assert MENTEE not in shown
    assert shown.isdisjoint(excluded)
    assert all(s.candidate.active_mentees < capacity for s in ranked)
    # Everyone else is suggested (ranked, not filtered by score), best first.
    assert shown == {c.employee_id for c in candidates if c.employee_id not in excluded and c.active_mentees < capacity}
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)


@FAST
@given(needs_strategy(), candidate_strategy(), st.sampled_from(COMPETENCIES), st.integers(1, 5),
       st.one_of(st.none(), st.sampled_from(DEPARTMENTS)))
def test_more_coverage_never_lowers_a_score(needs, candidate, competency, raise_by, mentee_department):
    before = score_mentor(needs, candidate, mentee_department)
    higher = {**candidate.levels, competency: min(5, candidate.levels.get(competency, 0) + raise_by)}
    after = score_mentor(needs, MentorCandidate(candidate.employee_id, candidate.name, candidate.department_id, higher,
                                                candidate.active_mentees), mentee_department)
    assert after.score >= before.score
    assert after.covered >= before.covered
    assert 0 <= after.covered <= after.needed == sum(n.levels for n in needs)


@FAST
@given(needs_strategy(), candidate_strategy(), candidate_strategy())
def test_the_department_bonus_is_half_a_level_and_never_beats_more_coverage(needs, first, second):
    mentee_department = DEPARTMENTS[0]
    inside = MentorCandidate(first.employee_id, first.name, mentee_department, first.levels, 0)
    outside = MentorCandidate(first.employee_id, first.name, DEPARTMENTS[1], first.levels, 0)
    assert score_mentor(needs, outside, mentee_department).score - score_mentor(needs, inside, mentee_department).score \
        == DEPARTMENT_BONUS == 0.5
    # Whatever the departments, a mentor covering more levels ranks above one covering fewer.
    ranked = rank_mentors(needs, [first, second], mentee_id=MENTEE, mentee_department=mentee_department,
                          excluded=set(), capacity=10)
    covered = [s.covered for s in ranked]
    assert covered == sorted(covered, reverse=True)


# --- projects and training ------------------------------------------------------------------------

P_COACHING, P_BOTH, P_FEEDBACK, P_DELEGATION = "Coach a new team", "Lead the offsite", "Run a retro", "Hand over on-call"


def test_offers_rank_by_the_gap_levels_they_target_and_untargeted_gaps_are_left_out():
    gaps = positive_gaps(list(FACTS.values()))
    assert [(g.name, g.levels) for g in gaps] == [("Coaching", 2), ("Delegation", 1)]  # Feedback meets expectation
    offers = [
        Offer(P_COACHING, (COACHING,), (date(2026, 7, 1), P_COACHING)),
        Offer(P_BOTH, (COACHING, DELEGATION, FEEDBACK), (date(2026, 9, 1), P_BOTH)),
        Offer(P_FEEDBACK, (FEEDBACK,), (date(2026, 6, 1), P_FEEDBACK)),
        Offer(P_DELEGATION, (DELEGATION,), (date(2026, 6, 1), P_DELEGATION)),
    ]
    ranked = rank_offers(gaps, offers, "project")
    assert [(r.item, r.score) for r in ranked] == [(P_BOTH, 3), (P_COACHING, 2), (P_DELEGATION, 1)]
    assert ranked[0].explanation == (
        "This project targets 2 of your gaps (3 levels in all): Coaching (2 levels below expectation); "
        "Delegation (1 level below expectation). It targets 3 competencies in all. Score 3."
    )


def test_equal_scores_go_to_more_gaps_then_the_callers_order():
    gaps = positive_gaps([GapFact(COACHING, "Coaching", 1, 2), GapFact(DELEGATION, "Delegation", 1, 1),
                          GapFact(FEEDBACK, "Feedback", 2, 1)])
    offers = [
        Offer("late single", (COACHING,), (2,)),
        Offer("pair", (DELEGATION, FEEDBACK), (3,)),
        Offer("early single", (COACHING,), (1,)),
    ]
    assert [r.item for r in rank_offers(gaps, offers, "training")] == ["pair", "early single", "late single"]


gap_maps = st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(-2, 4), max_size=5)


@FAST
@given(gap_maps, st.lists(st.lists(st.sampled_from(COMPETENCIES), max_size=4), max_size=6), st.sampled_from(COMPETENCIES))
def test_offer_scores_are_the_targeted_gap_levels_and_more_targets_never_lower_them(gap_map, targets, extra):
    gaps = positive_gaps([GapFact(c, f"C{c.int}", 1, g) for c, g in gap_map.items()])
    levels_of = {g.competency_id: g.levels for g in gaps}
    offers = [Offer(i, tuple(t), (i,)) for i, t in enumerate(targets)]
    ranked = rank_offers(gaps, offers, "project")
    for recommendation in ranked:
        assert recommendation.score == sum(levels_of.get(c, 0) for c in set(targets[recommendation.item])) > 0
    assert {r.item for r in ranked} == {i for i, t in enumerate(targets) if set(t) & set(levels_of)}
    widened = rank_offers(gaps, [Offer(i, (*t, extra), (i,)) for i, t in enumerate(targets)], "project")
    before = {r.item: r.score for r in ranked}
    assert all(r.score >= before.get(r.item, 0) for r in widened)
