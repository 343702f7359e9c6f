"""Pure review rules: the cycle state machine, template and cycle validation, peer
nomination rules, the effective question list of one review, and answer validation.

Nothing here touches the database, so every rule is tested exhaustively in
tests/rules/test_review_rules.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.reviews.models import (
    DEFAULT_RATING_SCALE,
    CycleStatus,
    QuestionKind,
    ReviewerKind,
    ReviewStatus,
)

NAME_MAX = 200
DESCRIPTION_MAX = 2000
PROMPT_MAX = 1000
TEXT_ANSWER_MAX = 5000
REASON_MAX = 1000
MAX_SECTIONS = 20
MAX_QUESTIONS = 100
PEER_LIMIT = 20
LEADERSHIP_SECTION = "Leadership"
# Newlines and tabs are fine in long text; other control characters are not.
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


# --- the cycle state machine -----------------------------------------------------------


class CycleAction(StrEnum):
    LAUNCH = "LAUNCH"
    ADVANCE = "ADVANCE"
    CLOSE = "CLOSE"


TRANSITIONS: Mapping[tuple[CycleStatus, CycleAction], CycleStatus] = {
    (CycleStatus.DRAFT, CycleAction.LAUNCH): CycleStatus.ACTIVE,
    (CycleStatus.ACTIVE, CycleAction.ADVANCE): CycleStatus.CALIBRATION,
    (CycleStatus.CALIBRATION, CycleAction.ADVANCE): CycleStatus.RELEASED,
    (CycleStatus.RELEASED, CycleAction.CLOSE): CycleStatus.CLOSED,
}

_VERBS = {CycleAction.LAUNCH: "launched", CycleAction.ADVANCE: "advanced", CycleAction.CLOSE: "closed"}


def next_status(current: CycleStatus | str, action: CycleAction) -> CycleStatus:
    """The status after `action`, or INVALID_STATE naming what is allowed from here."""
    current = CycleStatus(current)
    target = TRANSITIONS.get((current, action))
    if target is None:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"A {current.value} cycle cannot be {_VERBS[action]}", ["id"]
        )
    return target


def accepts_participants(status: CycleStatus | str) -> bool:
    """Participants join before launch, or while reviewing runs (their reviews are created then)."""
    return CycleStatus(status) in (CycleStatus.DRAFT, CycleStatus.ACTIVE)


def accepts_nominations(status: CycleStatus | str) -> bool:
    return CycleStatus(status) in (CycleStatus.DRAFT, CycleStatus.ACTIVE)


def accepts_answers(status: CycleStatus | str, reopened_count: int) -> bool:
    """Reviewers write while the cycle is ACTIVE; in CALIBRATION only a review HR reopened."""
    status = CycleStatus(status)
    return status == CycleStatus.ACTIVE or (status == CycleStatus.CALIBRATION and reopened_count > 0)


def accepts_reopening(status: CycleStatus | str) -> bool:
    """Released results are final: reopening stops at calibration."""
    return CycleStatus(status) in (CycleStatus.ACTIVE, CycleStatus.CALIBRATION)


def require(condition: bool, message: str, path: Sequence[str], code: ErrorCode = ErrorCode.INVALID_STATE) -> None:
    if not condition:
        raise DomainError(code, message, list(path))


# --- text -------------------------------------------------------------------------------


def clean_long_text(value: str | None, path: Sequence[str], *, required: bool, max_length: int) -> str | None:
    """Trim; blank is missing; newlines and tabs allowed, other control characters not."""
    name = path[-1]
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise DomainError(ErrorCode.REQUIRED, f"{name} is required", list(path))
        return None
    if len(cleaned) > max_length:
        raise DomainError(ErrorCode.TOO_LONG, f"{name} must be at most {max_length} characters", list(path))
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in cleaned):
        raise DomainError(ErrorCode.INVALID, f"{name} must not contain control characters", list(path))
    return cleaned


def clean_line(value: str | None, path: Sequence[str], *, required: bool = True, max_length: int = NAME_MAX) -> str | None:
    """A one-line name or title: no control characters at all."""
    cleaned = clean_long_text(value, path, required=required, max_length=max_length)
    if cleaned is not None and any(ch in _ALLOWED_CONTROLS for ch in cleaned):
        raise DomainError(ErrorCode.INVALID, f"{path[-1]} must be one line", list(path))
    return cleaned


def clean_kinds(kinds: Sequence[str], path: Sequence[str]) -> list[str]:
    """At least one reviewer kind, each once, in the canonical order."""
    if not kinds:
        raise DomainError(ErrorCode.REQUIRED, "At least one reviewer kind is required", list(path))
    if len(set(kinds)) != len(kinds):
        raise DomainError(ErrorCode.DUPLICATE, "A reviewer kind is listed twice", list(path))
    chosen = {ReviewerKind(kind) for kind in kinds}
    return [kind.value for kind in ReviewerKind if kind in chosen]


# --- templates ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    kind: QuestionKind
    prompt: str
    reviewer_kinds: Sequence[str]
    required: bool = True
    competency_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class SectionSpec:
    title: str
    questions: Sequence[QuestionSpec]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CleanQuestion:
    kind: QuestionKind
    prompt: str
    reviewer_kinds: list[str]
    required: bool
    competency_id: UUID | None
    path: tuple[str, ...]  # where it came from in the input, for errors found later


@dataclass(frozen=True, slots=True)
class CleanSection:
    title: str
    description: str | None
    questions: list[CleanQuestion]


def _clean_question(spec: QuestionSpec, at: list[str]) -> CleanQuestion:
    kind = QuestionKind(spec.kind)
    if kind == QuestionKind.RATING_COMPETENCY and spec.competency_id is None:
        raise DomainError(ErrorCode.REQUIRED, "A competency rating needs a competency", [*at, "competencyId"])
    if kind != QuestionKind.RATING_COMPETENCY and spec.competency_id is not None:
        raise DomainError(ErrorCode.INVALID, "Only RATING_COMPETENCY questions name a competency", [*at, "competencyId"])
    return CleanQuestion(
        kind=kind,
        prompt=clean_long_text(spec.prompt, [*at, "prompt"], required=True, max_length=PROMPT_MAX) or "",
        reviewer_kinds=clean_kinds(spec.reviewer_kinds, [*at, "reviewerKinds"]),
        required=spec.required,
        competency_id=spec.competency_id,
        path=tuple(at),
    )


def clean_sections(sections: Sequence[SectionSpec]) -> list[CleanSection]:
    """1 to 20 sections, 1 to 100 questions in all; a competency rated once, one overall rating."""
    if not sections:
        raise DomainError(ErrorCode.REQUIRED, "A template needs at least one section", ["sections"])
    if len(sections) > MAX_SECTIONS:
        raise DomainError(ErrorCode.INVALID, f"A template has at most {MAX_SECTIONS} sections", ["sections"])
    cleaned: list[CleanSection] = []
    for index, section in enumerate(sections):
        at = ["sections", str(index)]
        questions = [
            _clean_question(question, [*at, "questions", str(position)])
            for position, question in enumerate(section.questions)
        ]
        if not questions:
            raise DomainError(ErrorCode.REQUIRED, "A section needs at least one question", [*at, "questions"])
        cleaned.append(
            CleanSection(
                title=clean_line(section.title, [*at, "title"]) or "",
                description=clean_long_text(section.description, [*at, "description"], required=False, max_length=DESCRIPTION_MAX),
                questions=questions,
            )
        )
    _check_question_set([q for s in cleaned for q in s.questions])
    return cleaned


def _check_question_set(questions: list[CleanQuestion]) -> None:
    if len(questions) > MAX_QUESTIONS:
        raise DomainError(ErrorCode.INVALID, f"A template has at most {MAX_QUESTIONS} questions", ["sections"])
    rated: set[UUID] = set()
    overall = False
    for question in questions:
        if question.competency_id is not None:
            if question.competency_id in rated:
                raise DomainError(ErrorCode.DUPLICATE, "This competency is already rated", [*question.path, "competencyId"])
            rated.add(question.competency_id)
        if question.kind == QuestionKind.OVERALL_RATING:
            if overall:
                raise DomainError(ErrorCode.DUPLICATE, "A template has one overall rating", [*question.path, "kind"])
            overall = True


# --- cycles -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CycleSpec:
    name: str
    period_start: date
    period_end: date
    reviewer_kinds: Sequence[str]
    peer_min: int = 0
    peer_max: int = 0
    self_due: date | None = None
    manager_due: date | None = None
    peer_due: date | None = None
    direct_report_due: date | None = None


DUE_FIELDS = {
    ReviewerKind.SELF: "selfDue",
    ReviewerKind.MANAGER: "managerDue",
    ReviewerKind.PEER: "peerDue",
    ReviewerKind.DIRECT_REPORT: "directReportDue",
}


def check_cycle(spec: CycleSpec) -> tuple[str, list[str]]:
    """The cleaned name and reviewer kinds; the period, peer range and deadlines checked."""
    name = clean_line(spec.name, ["name"]) or ""
    if spec.period_end < spec.period_start:
        raise DomainError(ErrorCode.INVALID, "The period cannot end before it starts", ["periodEnd"])
    kinds = clean_kinds(spec.reviewer_kinds, ["reviewerKinds"])
    if not 0 <= spec.peer_min <= PEER_LIMIT:
        raise DomainError(ErrorCode.INVALID, f"peerMin must be between 0 and {PEER_LIMIT}", ["peerMin"])
    if not spec.peer_min <= spec.peer_max <= PEER_LIMIT:
        raise DomainError(ErrorCode.INVALID, f"peerMax must be between peerMin and {PEER_LIMIT}", ["peerMax"])
    if ReviewerKind.PEER in kinds and spec.peer_max < 1:
        raise DomainError(ErrorCode.INVALID, "A cycle with peer reviews allows at least one peer", ["peerMax"])
    for kind, field_name in DUE_FIELDS.items():
        due = getattr(spec, f"{kind.value.lower()}_due")
        if due is not None and due < spec.period_start:
            raise DomainError(ErrorCode.INVALID, "A deadline cannot fall before the period starts", [field_name])
    return name, kinds


# --- peer nominations -------------------------------------------------------------------


def check_peer(subject_id: UUID, peer_id: UUID, managers: Collection[UUID], reports: Collection[UUID], path: Sequence[str]) -> None:
    """Nobody is their own peer; a manager and a direct report review in their own right,
    never as a peer (the manager's review is named, a report's upward review is anonymous)."""
    if peer_id == subject_id:
        raise DomainError(ErrorCode.INVALID, "Nobody can be their own peer reviewer", list(path))
    if peer_id in managers:
        raise DomainError(ErrorCode.INVALID, "A manager cannot review their report as a peer", list(path))
    if peer_id in reports:
        raise DomainError(ErrorCode.INVALID, "A direct report cannot review their manager as a peer", list(path))


def check_peer_count(count: int, peer_min: int, peer_max: int, path: Sequence[str]) -> None:
    if not peer_min <= count <= peer_max:
        raise DomainError(
            ErrorCode.INVALID, f"Nominate between {peer_min} and {peer_max} peers (you named {count})", list(path)
        )


# --- scales -----------------------------------------------------------------------------


class ScaleKind(StrEnum):
    PROFICIENCY = "PROFICIENCY"  # the tenant's competency scale (domain/competencies/scale.py)
    RATING = "RATING"  # tenant_settings.rating_scale


@dataclass(frozen=True, slots=True)
class RatingLevel:
    value: int
    label: str


DEFAULT_RATING_LEVELS = tuple(RatingLevel(value, label) for value, label in DEFAULT_RATING_SCALE)


def rating_levels(raw: Sequence[Mapping[str, Any]] | None) -> list[RatingLevel]:
    """The stored jsonb scale as levels, in value order; nothing stored means 1..5."""
    if not raw:
        return list(DEFAULT_RATING_LEVELS)
    return sorted((RatingLevel(int(item["value"]), str(item["label"])) for item in raw), key=lambda level: level.value)


# --- the effective questions of one review ------------------------------------------------


ItemKey = tuple[UUID | None, UUID | None, UUID | None]  # (question, competency, goal), as stored in review_answers


@dataclass(frozen=True, slots=True)
class TemplateItem:
    """A template question, with its section, as the question list is built from."""

    id: UUID
    section_title: str
    section_position: int
    position: int
    kind: QuestionKind
    prompt: str
    competency_id: UUID | None
    reviewer_kinds: Sequence[str]
    required: bool


@dataclass(frozen=True, slots=True)
class GoalItem:
    id: UUID
    title: str


@dataclass(frozen=True, slots=True)
class Question:
    """One thing a reviewer answers: a template question, one goal of a goals rating,
    or an automatic leadership rating (no template question)."""

    section: str
    kind: QuestionKind
    prompt: str
    required: bool
    scale: ScaleKind | None
    question_id: UUID | None = None
    competency_id: UUID | None = None
    goal_id: UUID | None = None
    goal_title: str | None = None
    automatic: bool = False

    @property
    def key(self) -> ItemKey:
        return (self.question_id, self.competency_id, self.goal_id)


_SCALES = {
    QuestionKind.RATING_COMPETENCY: ScaleKind.PROFICIENCY,
    QuestionKind.RATING_GOALS: ScaleKind.RATING,
    QuestionKind.OVERALL_RATING: ScaleKind.RATING,
    QuestionKind.TEXT: None,
}


def leadership_prompt(name: str) -> str:
    return f"Rate {name}: a leadership competency expected at this job level."


def effective_questions(
    template: Sequence[TemplateItem],
    reviewer_kind: ReviewerKind | str,
    goals: Sequence[GoalItem],
    leadership: Sequence[tuple[UUID, str]],
) -> list[Question]:
    """The review's questions in order: the template's for this reviewer kind (a goals
    rating expands to one item per goal), then a LEADERSHIP rating for each competency
    in `leadership` (a people-manager's, fixed when the reviews were created; each is
    answered by every reviewer kind and required)."""
    kind = ReviewerKind(reviewer_kind).value
    items: list[Question] = []
    ordered = sorted(template, key=lambda q: (q.section_position, q.position))
    for question in ordered:
        if kind not in question.reviewer_kinds:
            continue
        base = dict(section=question.section_title, kind=question.kind, prompt=question.prompt,
                    required=question.required, scale=_SCALES[question.kind], question_id=question.id)
        if question.kind == QuestionKind.RATING_GOALS:
            items.extend(Question(**base, goal_id=goal.id, goal_title=goal.title) for goal in goals)
        else:
            items.append(Question(**base, competency_id=question.competency_id))
    items.extend(
        Question(section=LEADERSHIP_SECTION, kind=QuestionKind.RATING_COMPETENCY, prompt=leadership_prompt(name),
                 required=True, scale=ScaleKind.PROFICIENCY, competency_id=competency_id, automatic=True)
        for competency_id, name in leadership
    )
    return items


# --- answers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerSpec:
    """One answer as given: a template question (`question_id`, plus `goal_id` for a goals
    rating) or an automatic leadership rating (`competency_id`). Neither rating nor text
    clears a draft answer."""

    question_id: UUID | None = None
    competency_id: UUID | None = None
    goal_id: UUID | None = None
    rating: int | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class CleanAnswer:
    key: ItemKey
    rating: int | None
    text: str | None

    @property
    def is_empty(self) -> bool:
        return self.rating is None and self.text is None


def match_question(answer: AnswerSpec, questions: Sequence[Question], at: list[str]) -> Question:
    """The review's question the answer is for; anything else reads as not found."""
    if (answer.question_id is None) == (answer.competency_id is None):
        raise DomainError(
            ErrorCode.INVALID, "Give questionId, or competencyId for an automatic leadership rating", [*at, "questionId"]
        )
    for question in questions:
        if answer.question_id is not None:
            if question.question_id == answer.question_id and question.goal_id == answer.goal_id:
                return question
        elif question.automatic and question.competency_id == answer.competency_id and answer.goal_id is None:
            return question
    if answer.question_id is not None and answer.goal_id is not None and any(q.question_id == answer.question_id for q in questions):
        raise DomainError(ErrorCode.NOT_FOUND, "Goal not found", [*at, "goalId"])
    where = "questionId" if answer.question_id is not None else "competencyId"
    raise DomainError(ErrorCode.NOT_FOUND, "Question not found", [*at, where])


def clean_answer(answer: AnswerSpec, question: Question, scales: Mapping[ScaleKind, Collection[int]], at: list[str]) -> CleanAnswer:
    """A rating only for rating questions and on their scale; text only for text questions."""
    if question.scale is None:
        if answer.rating is not None:
            raise DomainError(ErrorCode.INVALID, "A text question takes text, not a rating", [*at, "rating"])
        text = clean_long_text(answer.text, [*at, "text"], required=False, max_length=TEXT_ANSWER_MAX)
        return CleanAnswer(question.key, None, text)
    if answer.text is not None:
        raise DomainError(ErrorCode.INVALID, "A rating question takes a rating, not text", [*at, "text"])
    if answer.rating is not None:
        allowed = scales[question.scale]
        if answer.rating not in allowed:
            low, high = (min(allowed), max(allowed)) if allowed else (0, 0)
            raise DomainError(ErrorCode.INVALID, f"The rating must be on the scale ({low} to {high})", [*at, "rating"])
    return CleanAnswer(question.key, answer.rating, None)


def clean_answers(
    answers: Sequence[AnswerSpec], questions: Sequence[Question], scales: Mapping[ScaleKind, Collection[int]]
) -> list[CleanAnswer]:
    """Every answer matched and checked, each question answered at most once."""
    cleaned: list[CleanAnswer] = []
    seen: set[ItemKey] = set()
    for index, answer in enumerate(answers):
        at = ["answers", str(index)]
        question = match_question(answer, questions, at)
        if question.key in seen:
            raise DomainError(ErrorCode.DUPLICATE, "This question is answered twice", [*at, "questionId"])
        seen.add(question.key)
        cleaned.append(clean_answer(answer, question, scales, at))
    return cleaned


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    key: ItemKey
    rating: int | None
    text: str | None


def check_submission(
    questions: Sequence[Question], stored: Sequence[StoredAnswer], scales: Mapping[ScaleKind, Collection[int]]
) -> None:
    """Every required question answered, every stored rating on its (current) scale.
    All problems at once, each naming the question, so a form can mark them together."""
    by_key = {answer.key: answer for answer in stored}
    errors: list[DomainError] = []
    for question in questions:
        answer = by_key.get(question.key)
        if answer is None or (answer.rating is None and answer.text is None):
            if question.required:
                errors.append(DomainError(ErrorCode.REQUIRED, f"Answer required: {_label(question)}", ["answers"]))
            continue
        if question.scale is not None and answer.rating is not None and answer.rating not in scales[question.scale]:
            errors.append(DomainError(ErrorCode.INVALID, f"Rating off the scale: {_label(question)}", ["answers"]))
    if errors:
        raise DomainErrors(errors)


def _label(question: Question) -> str:
    return f"{question.prompt} ({question.goal_title})" if question.goal_title else question.prompt


# --- progress ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tally:
    submitted: int
    assigned: int

    @property
    def ratio(self) -> float:
        return self.submitted / self.assigned if self.assigned else 0.0

    def explain(self, what: str = "reviews") -> str:
        if not self.assigned:
            return f"No {what} assigned yet."
        return f"{self.submitted} of {self.assigned} {what} submitted ({round(100 * self.ratio)}%)."


def is_overdue(due: date | None, status: ReviewStatus | str, today: date) -> bool:
    """Past its kind's deadline and not submitted (a review due today is not late yet)."""
    return due is not None and due < today and ReviewStatus(status) != ReviewStatus.SUBMITTED

