"""Review results: what a subject's reviews add up to, and who may read it when.

- SELF and MANAGER reviews are named: their answers come with the reviewer.
- PEER and DIRECT_REPORT answers only ever leave this module as k-anonymous cells
  (domain/reviews/anonymity.py): per question, an average and distribution or the texts
  in a keyed-hash order, each only when at least `anonymityThreshold` people answered.
  No reviewer, review ID, answer ID or timestamp of theirs is in a result.
- Anonymous cells are revealed only once the cycle is RELEASED (or CLOSED), to everyone
  alike, HR included. Before that a reopened review (HR may reopen in ACTIVE and
  CALIBRATION) or a late submission would change an aggregate someone had already seen,
  and with the progress view's list of who submitted, the difference would be one
  person's answer. After release nothing can change any more.
- Who reads: the subject and their managers up the chain (and the manager who wrote the
  review) once released; HR admins at any time (named parts before release).
- HR admins read anonymous authors only where a tenant admin enabled
  `hrCanSeeAnonymousAuthors`, never about themselves or their own reports, always with a
  reason, and each reading is recorded (`anonymous_author_readings`) before it is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import insert, select, tuple_
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from domain.actor import Actor
from domain.columns import timestamp_column
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.org.employees import get_employee
from domain.org.hierarchy import ancestor_ids, reporting_chains
from domain.persistence import session_tenant
from domain.reviews.anonymity import RatingSummary, TextSummary, summarize_ratings, summarize_texts
from domain.reviews.calibration import FinalRating, Key, cycles_by_ids, final_ratings, get_cycle, participants_by_keys
from domain.reviews.models import (
    ANONYMOUS_KINDS,
    CycleParticipant,
    CycleStatus,
    Review,
    ReviewAnswer,
    ReviewCycle,
    ReviewerKind,
    ReviewStatus,
)
from domain.reviews.questions import questions_for_reviews
from domain.reviews.questions import scales as review_scales
from domain.reviews.rules import REASON_MAX, Question, ScaleKind, clean_long_text
from domain.reviews.settings import ReviewSettings, current_settings

COMMENT_MAX = 2000
RELEASED = (CycleStatus.RELEASED, CycleStatus.CLOSED)
NAMED_KINDS = (ReviewerKind.SELF, ReviewerKind.MANAGER)
KIND_WORDS = {ReviewerKind.PEER: "peer", ReviewerKind.DIRECT_REPORT: "direct report"}


class ReviewAcknowledgement(SQLModel, table=True):
    __tablename__ = "review_acknowledgements"

    tenant_id: UUID = Field(primary_key=True)
    cycle_id: UUID = Field(primary_key=True)
    subject_id: UUID = Field(primary_key=True)
    comment: str | None = None
    acknowledged_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class AnonymousAuthorReading(SQLModel, table=True):
    __tablename__ = "anonymous_author_readings"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    reader_id: UUID
    cycle_id: UUID
    subject_id: UUID
    reason: str
    read_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class ReviewEvidenceRun(SQLModel, table=True):
    """Written by the release trigger (0004_review_results): once per released cycle."""

    __tablename__ = "review_evidence_runs"

    tenant_id: UUID = Field(primary_key=True)
    cycle_id: UUID = Field(primary_key=True)
    assessments: int
    recorded_at: datetime | None = Field(default=None, sa_column=timestamp_column())


# --- who reads (pure) ------------------------------------------------------------------------


class Audience(StrEnum):
    HR = "HR"  # named parts at any time, anonymous cells once released
    SUBJECT = "SUBJECT"
    MANAGER = "MANAGER"


def audience(actor: Actor, participant: CycleParticipant, chain: Sequence[UUID], status: CycleStatus | str) -> Audience | None:
    """`chain` is the subject's current managers; the manager of record (who wrote the
    review) counts too, even after a move."""
    if actor.is_hr_admin:
        return Audience.HR
    if CycleStatus(status) not in RELEASED:
        return None
    if actor.employee_id == participant.subject_id:
        return Audience.SUBJECT
    if actor.employee_id in chain or actor.employee_id == participant.manager_id:
        return Audience.MANAGER
    return None


def anonymous_cells_open(status: CycleStatus | str) -> bool:
    return CycleStatus(status) in RELEASED


def sealed_message() -> str:
    return "Peer and direct-report answers are shown, in aggregate only, once the results are released."


# --- the result of one subject ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamedAnswer:
    question: Question
    rating: int | None
    text: str | None


@dataclass(frozen=True, slots=True)
class NamedReview:
    kind: ReviewerKind
    reviewer_id: UUID
    answers: list[NamedAnswer]


@dataclass(frozen=True, slots=True)
class AnonymousCell:
    """One question asked of one anonymous kind: exactly one of ratings / texts is set."""

    kind: ReviewerKind
    question: Question
    ratings: RatingSummary | None
    texts: TextSummary | None


@dataclass(slots=True)
class ReviewResult:
    cycle: ReviewCycle
    participant: CycleParticipant
    audience: Audience
    settings: ReviewSettings
    final: FinalRating
    named: list[NamedReview] = field(default_factory=list)
    anonymous: list[AnonymousCell] = field(default_factory=list)
    acknowledgement: ReviewAcknowledgement | None = None
    detailed: bool = True  # False: named and anonymous were not read (see review_results)

    @property
    def released(self) -> bool:
        return CycleStatus(self.cycle.status) in RELEASED


def _key(answer: ReviewAnswer) -> tuple[UUID | None, UUID | None, UUID | None]:
    return (answer.question_id, answer.competency_id, answer.goal_id)


def _cell_key(cycle: ReviewCycle, question: Question, kind: ReviewerKind) -> bytes:
    """The text order's key: fixed per cycle, question and kind, independent of any answer."""
    return f"{cycle.id}:{question.key}:{kind.value}".encode()


def anonymous_cells(
    cycle: ReviewCycle,
    questions: dict[ReviewerKind, list[Question]],
    reviews: Sequence[Review],
    answers: dict[UUID, list[ReviewAnswer]],
    scales: dict[ScaleKind, set[int]],
    threshold: int,
    open_: bool,
) -> list[AnonymousCell]:
    """Every question asked of an anonymous kind, whatever was answered: the list's shape
    depends on the template and the cycle only. Only SUBMITTED reviews count."""
    cells: list[AnonymousCell] = []
    submitted = [r for r in reviews if r.status == ReviewStatus.SUBMITTED]
    for kind in (ReviewerKind.PEER, ReviewerKind.DIRECT_REPORT):
        if kind.value not in cycle.reviewer_kinds:
            continue
        by_item: dict[tuple, list[tuple[UUID, ReviewAnswer]]] = defaultdict(list)
        for review in submitted:
            if review.kind == kind:
                for answer in answers.get(review.id, []):
                    by_item[_key(answer)].append((review.reviewer_id, answer))
        for question in questions.get(kind, []):
            given = by_item.get(question.key, [])
            if question.scale is None:
                texts = (
                    summarize_texts([(a, x.text or "") for a, x in given], threshold, _cell_key(cycle, question, kind),
                                    KIND_WORDS[kind])
                    if open_ else TextSummary(False, (), sealed_message())
                )
                cells.append(AnonymousCell(kind, question, None, texts))
            else:
                ratings = (
                    summarize_ratings([(a, x.rating) for a, x in given if x.rating is not None],
                                      sorted(scales[question.scale]), threshold, KIND_WORDS[kind])
                    if open_ else RatingSummary(False, None, None, (), sealed_message())
                )
                cells.append(AnonymousCell(kind, question, ratings, None))
    return cells


def named_reviews(
    questions: dict[UUID, list[Question]], reviews: Sequence[Review], answers: dict[UUID, list[ReviewAnswer]]
) -> list[NamedReview]:
    """Submitted SELF and MANAGER reviews, each in its own question order."""
    found = []
    for kind in NAMED_KINDS:
        for review in (r for r in reviews if r.kind == kind and r.status == ReviewStatus.SUBMITTED):
            given = {_key(a): a for a in answers.get(review.id, [])}
            items = []
            for question in questions.get(review.id, []):
                answer = given.get(question.key)
                if answer is not None:
                    items.append(NamedAnswer(question, answer.rating, answer.text))
            found.append(NamedReview(kind, review.reviewer_id, items))
    return found


# --- batched reads ---------------------------------------------------------------------------


async def _reviews_and_answers(session: AsyncSession, keys: Sequence[Key]) -> tuple[list[Review], dict[UUID, list[ReviewAnswer]]]:
    """All reviews of the subjects, and the answers of the submitted ones, in one statement."""
    rows = await session.execute(
        select(Review, ReviewAnswer)
        .outerjoin(ReviewAnswer, (ReviewAnswer.review_id == Review.id) & (Review.status == ReviewStatus.SUBMITTED.value))
        .where(tuple_(Review.cycle_id, Review.subject_id).in_(list(set(keys))))
        .order_by(Review.kind, Review.id)
    )
    reviews: dict[UUID, Review] = {}
    answers: dict[UUID, list[ReviewAnswer]] = defaultdict(list)
    for review, answer in rows:
        reviews.setdefault(review.id, review)
        if answer is not None:
            answers[review.id].append(answer)
    return list(reviews.values()), answers


def _virtual_reviews(tenant_id: UUID, keys: Sequence[Key], cycles: dict[UUID, ReviewCycle]) -> list[Review]:
    """One stand-in review per subject and anonymous kind, never stored: the questions of a
    kind are asked of it whether or not anyone was assigned or answered."""
    return [
        Review(tenant_id=tenant_id, id=uuid4(), cycle_id=cycle_id, subject_id=subject_id, reviewer_id=subject_id, kind=kind)
        for cycle_id, subject_id in keys
        for kind in (k.value for k in ANONYMOUS_KINDS)
        if kind in cycles[cycle_id].reviewer_kinds
    ]


async def acknowledgements(session: AsyncSession, keys: Sequence[Key]) -> dict[Key, ReviewAcknowledgement | None]:
    rows = await session.scalars(
        select(ReviewAcknowledgement).where(
            tuple_(ReviewAcknowledgement.cycle_id, ReviewAcknowledgement.subject_id).in_(list(set(keys)))
        )
    )
    found: dict[Key, ReviewAcknowledgement | None] = {key: None for key in keys}
    found.update({(row.cycle_id, row.subject_id): row for row in rows})
    return found


async def review_results(
    session: AsyncSession,
    actor: Actor,
    keys: Sequence[Key],
    *,
    detailed: bool = True,
    managers: Mapping[UUID, Sequence[UUID]] | None = None,
) -> dict[Key, ReviewResult | None]:
    """The results the actor may read (None for the others, as if they did not exist).
    A fixed number of statements for any number of subjects. Not `detailed`: the final
    rating and acknowledgement only, without reading every answer (a team page's column).
    `managers`: each subject's current managers up the chain, when the caller already
    holds them (a page that also checks who may see development data); read otherwise."""
    found: dict[Key, ReviewResult | None] = {key: None for key in keys}
    participants = await participants_by_keys(session, keys) if keys else {}
    if not participants:
        return found
    cycles = await cycles_by_ids(session, list({cycle_id for cycle_id, _ in participants}))
    if managers is None:
        chains = await reporting_chains(session, list({subject_id for _, subject_id in participants}))
        managers = {subject: [m.id for m in chain] for subject, chain in chains.items()}
    audiences = {
        key: audience(actor, p, managers.get(p.subject_id, ()), cycles[p.cycle_id].status)
        for key, p in participants.items()
    }
    visible = [key for key, seen in audiences.items() if seen is not None]
    if not visible:
        return found
    settings = await current_settings(session)
    finals = await final_ratings(session, visible)
    acks = await acknowledgements(session, visible)
    details = await _details(session, visible, cycles, settings) if detailed else {}
    for key in visible:
        named, anonymous = details.get(key, ([], []))
        found[key] = ReviewResult(
            cycle=cycles[key[0]], participant=participants[key], audience=audiences[key], settings=settings,
            final=finals[key], named=named, anonymous=anonymous, acknowledgement=acks[key], detailed=detailed,
        )
    return found


async def _details(
    session: AsyncSession, visible: Sequence[Key], cycles: dict[UUID, ReviewCycle], settings: ReviewSettings
) -> dict[Key, tuple[list[NamedReview], list[AnonymousCell]]]:
    """Per subject: the named reviews and the anonymous cells, from every submitted answer."""
    reviews, answers = await _reviews_and_answers(session, visible)
    virtual = _virtual_reviews(session_tenant(session), visible, cycles)
    named = [r for r in reviews if r.kind in NAMED_KINDS and r.status == ReviewStatus.SUBMITTED]
    questions = await questions_for_reviews(session, [*named, *virtual], cycles)
    anonymous_questions = {(r.cycle_id, r.subject_id, ReviewerKind(r.kind)): questions[r.id] for r in virtual}
    allowed = await review_scales(session)
    by_subject: dict[Key, list[Review]] = defaultdict(list)
    for review in reviews:
        by_subject[(review.cycle_id, review.subject_id)].append(review)
    details = {}
    for key in visible:
        cycle, own = cycles[key[0]], by_subject.get(key, [])
        kinds = {kind: anonymous_questions.get((*key, kind), []) for kind in ANONYMOUS_KINDS}
        details[key] = (
            named_reviews(questions, own, answers),
            anonymous_cells(cycle, kinds, own, answers, allowed, settings.anonymity_threshold,
                            anonymous_cells_open(cycle.status)),
        )
    return details


async def review_result(session: AsyncSession, actor: Actor, cycle_id: UUID, subject_id: UUID) -> ReviewResult | None:
    return (await review_results(session, actor, [(cycle_id, subject_id)]))[(cycle_id, subject_id)]


# --- acknowledging ---------------------------------------------------------------------------


async def _acknowledged_cycle(
    session: AsyncSession, actor: Actor, review_id: UUID | None, cycle_id: UUID | None
) -> tuple[ReviewCycle, str]:
    """The cycle the actor acknowledges, and the input field that named it. A review ID
    counts only for the actor's own named reviews: any other one reads as missing."""
    if (review_id is None) == (cycle_id is None):
        raise DomainError(ErrorCode.INVALID, "Give either reviewId or cycleId", ["reviewId"])
    if review_id is not None:
        review = await session.get(Review, (session_tenant(session), review_id))
        if review is None or review.subject_id != actor.employee_id or review.kind not in NAMED_KINDS:
            raise NotFound("Review", ["reviewId"])
        return await get_cycle(session, review.cycle_id, "reviewId"), "reviewId"
    return await get_cycle(session, cycle_id, "cycleId"), "cycleId"


async def acknowledge_review(
    session: AsyncSession, actor: Actor, review_id: UUID | None, cycle_id: UUID | None, comment: str | None
) -> ReviewAcknowledgement:
    """The subject confirms they have read their released results, once."""
    cycle, at = await _acknowledged_cycle(session, actor, review_id, cycle_id)
    participant = await session.get(CycleParticipant, (session_tenant(session), cycle.id, actor.employee_id))
    if participant is None:
        raise DomainError(ErrorCode.INVALID, "Only the subject of a review acknowledges it", [at])
    if CycleStatus(cycle.status) != CycleStatus.RELEASED:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"Results are acknowledged once released (the cycle is {cycle.status})", [at]
        )
    cleaned = clean_long_text(comment, ["comment"], required=False, max_length=COMMENT_MAX)
    inserted = await session.scalar(
        upsert(ReviewAcknowledgement)
        .values(tenant_id=session_tenant(session), cycle_id=cycle.id, subject_id=actor.employee_id, comment=cleaned)
        .on_conflict_do_nothing()
        .returning(ReviewAcknowledgement.acknowledged_at)
    )
    if inserted is None:
        raise DomainError(ErrorCode.DUPLICATE, "You have already acknowledged these results", [at])
    return ReviewAcknowledgement(
        tenant_id=session_tenant(session), cycle_id=cycle.id, subject_id=actor.employee_id, comment=cleaned,
        acknowledged_at=inserted,
    )


# --- anonymous authors, for HR where the tenant allows it -----------------------------------


@dataclass(frozen=True, slots=True)
class AttributedReview:
    review: Review
    answers: list[NamedAnswer]


Recorder = Callable[[AnonymousAuthorReading], Awaitable[None]]


def record_in_session(session: AsyncSession) -> Recorder:
    async def record(reading: AnonymousAuthorReading) -> None:
        await session.execute(insert(AnonymousAuthorReading).values(**reading.model_dump(exclude={"read_at"})))

    return record


def require_author_reader(actor: Actor, subject_id: UUID, chain: Sequence[UUID], settings: ReviewSettings) -> None:
    """HR admins, where a tenant admin enabled it; never about themselves or their own reports."""
    if not actor.is_hr_admin or not settings.hr_can_see_anonymous_authors:
        raise Forbidden("Anonymous authors are shown to HR admins only where the tenant enabled it")
    if actor.employee_id == subject_id or actor.employee_id in chain:
        raise Forbidden("Nobody reads who wrote anonymous reviews of themselves or of their own reports", ["subjectId"])


async def reveal_anonymous_authors(
    session: AsyncSession, actor: Actor, cycle_id: UUID, subject_id: UUID, reason: str | None,
    record: Recorder | None = None,
) -> list[AttributedReview]:
    """The submitted PEER and DIRECT_REPORT reviews of one subject, with their authors.
    The reading is recorded (by `record`, by default in this transaction) before anything
    is returned; a recorder that fails means nothing is shown."""
    cycle = await get_cycle(session, cycle_id)
    await get_employee(session, subject_id, "subjectId")
    chain = (await ancestor_ids(session, subject_id))[1:]
    require_author_reader(actor, subject_id, chain, await current_settings(session))
    if await session.get(CycleParticipant, (session_tenant(session), cycle.id, subject_id)) is None:
        raise DomainError(ErrorCode.INVALID, "This employee is not a participant of the cycle", ["subjectId"])
    cleaned = clean_long_text(reason, ["reason"], required=True, max_length=REASON_MAX)
    reviews, answers = await _reviews_and_answers(session, [(cycle.id, subject_id)])
    anonymous = [r for r in reviews if r.is_anonymous and r.status == ReviewStatus.SUBMITTED]
    questions = await questions_for_reviews(session, anonymous, {cycle.id: cycle})
    reading = AnonymousAuthorReading(
        tenant_id=session_tenant(session), reader_id=actor.employee_id, cycle_id=cycle.id, subject_id=subject_id,
        reason=cleaned,
    )
    await (record or record_in_session(session))(reading)
    attributed = []
    for review in sorted(anonymous, key=lambda r: (r.kind, r.reviewer_id)):
        given = {_key(a): a for a in answers.get(review.id, [])}
        items = [NamedAnswer(q, given[q.key].rating, given[q.key].text) for q in questions.get(review.id, []) if q.key in given]
        attributed.append(AttributedReview(review, items))
    return attributed


DIRECT_READING = "Read through the review itself (review or node query)"


async def record_direct_readings(session: AsyncSession, actor: Actor, reviews: Sequence[Review]) -> None:
    """For any path that hands an HR admin anonymous reviews one by one (the setting on):
    one reading per subject and cycle, in the same transaction as the read."""
    read = {(r.cycle_id, r.subject_id) for r in reviews if r.is_anonymous and r.reviewer_id != actor.employee_id}
    if read:
        await session.execute(insert(AnonymousAuthorReading).values([
            {"tenant_id": session_tenant(session), "id": uuid4(), "reader_id": actor.employee_id, "cycle_id": cycle_id,
             "subject_id": subject_id, "reason": DIRECT_READING}
            for cycle_id, subject_id in sorted(read)
        ]))


async def author_readings(session: AsyncSession, actor: Actor, limit: int = 100) -> list[AnonymousAuthorReading] | None:
    """Newest first, for tenant admins (who decide whether HR may read authors at all)."""
    if not actor.is_tenant_admin:
        return None
    rows = await session.scalars(
        select(AnonymousAuthorReading)
        .order_by(AnonymousAuthorReading.read_at.desc(), AnonymousAuthorReading.id.desc())
        .limit(limit)
    )
    return list(rows)
