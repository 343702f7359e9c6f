"""Calibration: the second look at managers' overall ratings before results are released.

Who calibrates: HR admins, and the subject's upper managers, skip-level and above. The
direct manager does not: they gave the rating being calibrated, and calibration exists
so that someone with a wider view can compare it across teams. Nobody calibrates
themselves. Upper managers see (and adjust) only the subjects below them at depth two
or more; HR sees everyone in the cycle.

The final rating is the latest adjustment if there is one, else the manager's overall
rating from the submitted MANAGER review; it always says which, and why. Adjustments and
9-box placements are history: rows are only ever added (a trigger refuses updates), the
latest counts.

Overall ratings from MANAGER reviews are named, so their distributions need no
threshold; distributions over PEER or DIRECT_REPORT overall ratings are sums of whole
k-anonymous cells (domain/reviews/anonymity.py) and exist only once results are released.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid4

from sqlalchemy import func, select, tuple_
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from domain import audit
from domain.actor import Actor
from domain.columns import timestamp_column
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.org.employees import get_employee
from domain.org.hierarchy import ancestor_ids, subtree
from domain.org.models import Employee
from domain.persistence import session_tenant
from domain.reviews.anonymity import (
    Bucket,
    RatingSummary,
    average,
    combine,
    distribution,
    hidden_ratings,
    summarize_ratings,
)
from domain.reviews.models import (
    ANONYMOUS_KINDS,
    CycleParticipant,
    CycleStatus,
    QuestionKind,
    Review,
    ReviewAnswer,
    ReviewCycle,
    ReviewerKind,
    ReviewStatus,
    TemplateQuestion,
)
from domain.reviews.rules import REASON_MAX, clean_long_text
from domain.reviews.settings import ReviewSettings, current_settings

NOTE_MAX = 2000


class GridLevel(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class CalibrationAdjustment(SQLModel, table=True):
    __tablename__ = "calibration_adjustments"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    cycle_id: UUID
    subject_id: UUID
    previous_rating: int | None = None
    rating: int
    reason: str
    adjusted_by: UUID
    adjusted_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class NineBoxPlacement(SQLModel, table=True):
    __tablename__ = "nine_box_placements"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    cycle_id: UUID
    subject_id: UUID
    performance: str
    potential: str
    note: str | None = None
    placed_by: UUID
    placed_at: datetime | None = Field(default=None, sa_column=timestamp_column())


# --- who calibrates (pure) ------------------------------------------------------------------


def upper_managers(chain: Sequence[UUID]) -> Sequence[UUID]:
    """`chain` is the subject's managers, direct one first: the skip-level and above."""
    return chain[1:]


def can_calibrate(actor: Actor, subject_id: UUID, chain: Sequence[UUID]) -> bool:
    if actor.employee_id == subject_id:
        return False
    return actor.is_hr_admin or actor.employee_id in upper_managers(chain)


# --- the final rating (pure) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FinalRating:
    rating: int | None
    manager_rating: int | None
    adjusted: bool
    explanation: str


def final_rating(manager_rating: int | None, latest: CalibrationAdjustment | None, settings: ReviewSettings) -> FinalRating:
    if latest is not None:
        origin = (
            f"the manager's {settings.label(manager_rating)}" if manager_rating is not None else "no manager rating"
        )
        return FinalRating(
            latest.rating, manager_rating, True,
            f"Calibrated to {settings.label(latest.rating)} from {settings.label(latest.previous_rating)} "
            f"(originally {origin}): {latest.reason}",
        )
    if manager_rating is not None:
        return FinalRating(
            manager_rating, manager_rating, False,
            f"The manager's overall rating, {settings.label(manager_rating)}; not adjusted in calibration.",
        )
    return FinalRating(None, None, False, "No final rating yet: the manager's review has no submitted overall rating.")


# --- batched reads ------------------------------------------------------------------------


async def get_cycle(session: AsyncSession, cycle_id: UUID, field_name: str = "cycleId") -> ReviewCycle:
    cycle = await session.get(ReviewCycle, (session_tenant(session), cycle_id), populate_existing=True)
    if cycle is None:
        raise NotFound("ReviewCycle", [field_name])
    return cycle


async def cycles_by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, ReviewCycle]:
    rows = await session.scalars(select(ReviewCycle).where(ReviewCycle.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def get_participant(
    session: AsyncSession, cycle: ReviewCycle, subject_id: UUID, field_name: str = "subjectId", *, lock: bool = False
) -> CycleParticipant:
    """The employee must exist (else NOT_FOUND, as for any missing ID) and be in the cycle."""
    await get_employee(session, subject_id, field_name)
    query = select(CycleParticipant).where(
        CycleParticipant.cycle_id == cycle.id, CycleParticipant.subject_id == subject_id
    )
    participant = await session.scalar(query.with_for_update() if lock else query)
    if participant is None:
        raise DomainError(ErrorCode.INVALID, "This employee is not a participant of the cycle", [field_name])
    return participant


Key = tuple[UUID, UUID]  # (cycle, subject)


async def participants_by_keys(session: AsyncSession, keys: Sequence[Key]) -> dict[Key, CycleParticipant]:
    rows = await session.scalars(
        select(CycleParticipant).where(tuple_(CycleParticipant.cycle_id, CycleParticipant.subject_id).in_(list(set(keys))))
    )
    return {(row.cycle_id, row.subject_id): row for row in rows}


async def manager_ratings(session: AsyncSession, keys: Sequence[Key]) -> dict[Key, int | None]:
    """The overall rating of each subject's submitted MANAGER review (one statement)."""
    rows = await session.execute(
        select(Review.cycle_id, Review.subject_id, ReviewAnswer.rating)
        .join(ReviewAnswer, ReviewAnswer.review_id == Review.id)
        .join(TemplateQuestion, TemplateQuestion.id == ReviewAnswer.question_id)
        .where(
            tuple_(Review.cycle_id, Review.subject_id).in_(list(set(keys))),
            Review.kind == ReviewerKind.MANAGER.value,
            Review.status == ReviewStatus.SUBMITTED.value,
            TemplateQuestion.kind == QuestionKind.OVERALL_RATING.value,
            ReviewAnswer.rating.is_not(None),
        )
        .order_by(Review.submitted_at, Review.id)
    )
    found: dict[Key, int | None] = {key: None for key in keys}
    for cycle_id, subject_id, rating in rows:
        if found.get((cycle_id, subject_id)) is None:
            found[(cycle_id, subject_id)] = rating
    return found


async def adjustment_histories(session: AsyncSession, keys: Sequence[Key]) -> dict[Key, list[CalibrationAdjustment]]:
    """Newest first."""
    rows = await session.scalars(
        select(CalibrationAdjustment)
        .where(tuple_(CalibrationAdjustment.cycle_id, CalibrationAdjustment.subject_id).in_(list(set(keys))))
        .order_by(CalibrationAdjustment.adjusted_at.desc(), CalibrationAdjustment.id.desc())
    )
    grouped: dict[Key, list[CalibrationAdjustment]] = {key: [] for key in keys}
    for row in rows:
        grouped.setdefault((row.cycle_id, row.subject_id), []).append(row)
    return grouped


async def latest_placements(session: AsyncSession, keys: Sequence[Key]) -> dict[Key, NineBoxPlacement | None]:
    rows = await session.scalars(
        select(NineBoxPlacement)
        .where(tuple_(NineBoxPlacement.cycle_id, NineBoxPlacement.subject_id).in_(list(set(keys))))
        .ext(distinct_on(NineBoxPlacement.cycle_id, NineBoxPlacement.subject_id))
        .order_by(NineBoxPlacement.cycle_id, NineBoxPlacement.subject_id, NineBoxPlacement.placed_at.desc(),
                  NineBoxPlacement.id.desc())
    )
    found: dict[Key, NineBoxPlacement | None] = {key: None for key in keys}
    found.update({(row.cycle_id, row.subject_id): row for row in rows})
    return found


async def final_ratings(session: AsyncSession, keys: Sequence[Key]) -> dict[Key, FinalRating]:
    settings = await current_settings(session)
    ratings = await manager_ratings(session, keys)
    histories = await adjustment_histories(session, keys)
    return {key: final_rating(ratings.get(key), (histories.get(key) or [None])[0], settings) for key in keys}


# --- changing things ---------------------------------------------------------------------


async def _calibration_target(
    session: AsyncSession, actor: Actor, cycle_id: UUID, subject_id: UUID
) -> tuple[ReviewCycle, CycleParticipant]:
    """Existence, then who may, then state: a caller without the right learns nothing about the cycle's state."""
    cycle = await get_cycle(session, cycle_id)
    await get_employee(session, subject_id, "subjectId")
    chain = (await ancestor_ids(session, subject_id))[1:]
    if not can_calibrate(actor, subject_id, chain):
        raise Forbidden("Only HR admins and the subject's skip-level managers and above calibrate", ["subjectId"])
    participant = await get_participant(session, cycle, subject_id, lock=True)
    if CycleStatus(cycle.status) != CycleStatus.CALIBRATION:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"Ratings are calibrated while the cycle is in CALIBRATION (it is {cycle.status})",
            ["cycleId"],
        )
    return cycle, participant


async def adjust_final_rating(
    session: AsyncSession, actor: Actor, cycle_id: UUID, subject_id: UUID, rating: int, reason: str | None
) -> tuple[ReviewCycle, FinalRating]:
    cycle, _ = await _calibration_target(session, actor, cycle_id, subject_id)
    settings = await current_settings(session)
    if rating not in settings.scale_values:
        low, high = min(settings.scale_values), max(settings.scale_values)
        raise DomainError(ErrorCode.INVALID, f"The rating must be on the rating scale ({low} to {high})", ["rating"])
    cleaned = clean_long_text(reason, ["reason"], required=True, max_length=REASON_MAX)
    key = (cycle.id, subject_id)
    previous = (await final_ratings(session, [key]))[key]
    adjustment = CalibrationAdjustment(
        tenant_id=session_tenant(session), cycle_id=cycle.id, subject_id=subject_id, previous_rating=previous.rating,
        rating=rating, reason=cleaned, adjusted_by=actor.employee_id,
        # The wall clock: two adjustments in one transaction still have an order.
        adjusted_at=func.clock_timestamp(),
    )
    session.add(adjustment)
    await session.flush()
    await session.refresh(adjustment, ["adjusted_at"])
    await audit.record(session, actor, "calibration.adjusted", "Employee", subject_id,
                       {"cycleId": str(cycle.id), "rating": previous.rating},
                       {"cycleId": str(cycle.id), "rating": rating, "reason": cleaned})
    return cycle, final_rating(previous.manager_rating, adjustment, settings)


async def place_on_nine_box(
    session: AsyncSession, actor: Actor, cycle_id: UUID, subject_id: UUID,
    performance: GridLevel, potential: GridLevel, note: str | None,
) -> NineBoxPlacement:
    cycle, _ = await _calibration_target(session, actor, cycle_id, subject_id)
    placement = NineBoxPlacement(
        tenant_id=session_tenant(session), cycle_id=cycle.id, subject_id=subject_id,
        performance=GridLevel(performance).value, potential=GridLevel(potential).value,
        note=clean_long_text(note, ["note"], required=False, max_length=NOTE_MAX),
        placed_by=actor.employee_id, placed_at=func.clock_timestamp(),
    )
    session.add(placement)
    await session.flush()
    await session.refresh(placement, ["placed_at"])
    return placement


# --- the calibration view -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalibrationEntry:
    participant: CycleParticipant
    final: FinalRating


@dataclass(slots=True)
class CalibrationView:
    cycle: ReviewCycle
    settings: ReviewSettings
    entries: list[CalibrationEntry] = field(default_factory=list)


async def _calibrated_subjects(session: AsyncSession, actor: Actor, cycle: ReviewCycle) -> list[CycleParticipant]:
    """Everyone in the cycle for HR; for a manager, the participants two or more levels below."""
    query = (
        select(CycleParticipant)
        .join(Employee, Employee.id == CycleParticipant.subject_id)
        .where(CycleParticipant.cycle_id == cycle.id)
    )
    if not actor.is_hr_admin:
        below = [employee.id for employee, depth in await subtree(session, actor.employee_id, None) if depth >= 2]
        query = query.where(CycleParticipant.subject_id.in_(below))
    return list(await session.scalars(query.order_by(Employee.name, Employee.id)))


def may_view_calibration(actor: Actor, cycle: ReviewCycle) -> bool:
    """HR from launch on (manager ratings are named); upper managers from CALIBRATION on."""
    status = CycleStatus(cycle.status)
    if status == CycleStatus.DRAFT:
        return False
    return actor.is_hr_admin or status != CycleStatus.ACTIVE


async def calibration_view(session: AsyncSession, actor: Actor, cycle_id: UUID) -> CalibrationView | None:
    """None when the cycle does not exist for the actor or they do not calibrate it."""
    cycle = await session.get(ReviewCycle, (session_tenant(session), cycle_id))
    if cycle is None or not may_view_calibration(actor, cycle):
        return None
    participants = await _calibrated_subjects(session, actor, cycle)
    if not participants and not actor.is_hr_admin:
        return None  # a manager with nobody two levels down does not calibrate this cycle
    keys = [(cycle.id, p.subject_id) for p in participants]
    finals = await final_ratings(session, keys) if keys else {}
    view = CalibrationView(cycle, await current_settings(session))
    view.entries = [CalibrationEntry(p, finals[(cycle.id, p.subject_id)]) for p in participants]
    return view


# --- distributions (pure) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Distribution:
    shown: bool
    people: int | None
    rated: int | None
    average: Decimal | None
    buckets: tuple[Bucket, ...]
    explanation: str


def rating_distribution(ratings: Sequence[int | None], settings: ReviewSettings, what: str = "final ratings") -> Distribution:
    """Named ratings (the manager's, after calibration): no threshold, every level shown."""
    given = [r for r in ratings if r is not None]
    scale = settings.scale_values
    if not given:
        return Distribution(True, len(ratings), 0, None, distribution([], scale),
                            f"No {what} yet among {len(ratings)} people.")
    counts = Counter(given)
    spread = ", ".join(f"{settings.label(level)}: {counts.get(level, 0)}" for level in scale)
    return Distribution(
        True, len(ratings), len(given), average(given), distribution(given, scale),
        f"{len(given)} {what} of {len(ratings)} people, average {average(given)}. {spread}.",
    )


def hidden_distribution(message: str) -> Distribution:
    return Distribution(False, None, None, None, (), message)


@dataclass(frozen=True, slots=True)
class DistributionFilter:
    """Slices by the participants' snapshot (department, job level, manager of record)."""

    department_id: UUID | None = None
    job_level_id: UUID | None = None
    manager_id: UUID | None = None
    reviewer_kind: ReviewerKind = ReviewerKind.MANAGER


def in_slice(participant: CycleParticipant, criteria: DistributionFilter) -> bool:
    return all(
        wanted is None or wanted == actual
        for wanted, actual in (
            (criteria.department_id, participant.department_id),
            (criteria.job_level_id, participant.job_level_id),
            (criteria.manager_id, participant.manager_id),
        )
    )


async def anonymous_overall_cells(
    session: AsyncSession, cycle: ReviewCycle, subject_ids: Sequence[UUID], kind: ReviewerKind, settings: ReviewSettings,
) -> dict[UUID, RatingSummary]:
    """Per subject, the k-anonymous cell of the overall ratings given by `kind` reviewers."""
    rows = await session.execute(
        select(Review.subject_id, Review.reviewer_id, ReviewAnswer.rating)
        .join(ReviewAnswer, ReviewAnswer.review_id == Review.id)
        .join(TemplateQuestion, TemplateQuestion.id == ReviewAnswer.question_id)
        .where(
            Review.cycle_id == cycle.id,
            Review.subject_id.in_(list(subject_ids)),
            Review.kind == kind.value,
            Review.status == ReviewStatus.SUBMITTED.value,
            TemplateQuestion.kind == QuestionKind.OVERALL_RATING.value,
            ReviewAnswer.rating.is_not(None),
        )
    )
    given: dict[UUID, list[tuple[UUID, int]]] = {subject_id: [] for subject_id in subject_ids}
    for subject_id, reviewer_id, rating in rows:
        given[subject_id].append((reviewer_id, rating))
    what = "peer" if kind == ReviewerKind.PEER else "direct report"
    return {
        subject_id: summarize_ratings(pairs, settings.scale_values, settings.anonymity_threshold, what)
        for subject_id, pairs in given.items()
    }


def as_distribution(summary: RatingSummary) -> Distribution:
    if not summary.shown:
        return hidden_distribution(summary.explanation)
    return Distribution(True, None, summary.responses, summary.average, summary.distribution, summary.explanation)


async def distribution_for(
    session: AsyncSession, view: CalibrationView, criteria: DistributionFilter
) -> Distribution:
    """MANAGER (the default): final ratings of the slice, named, no threshold. PEER and
    DIRECT_REPORT: once released, the sum of the subjects' own shown cells only, so any
    two slices differ by whole cells of at least `threshold` people (see anonymity.py)."""
    if criteria.reviewer_kind == ReviewerKind.SELF:
        raise DomainError(ErrorCode.INVALID, "Self-ratings are not aggregated", ["filter", "reviewerKind"])
    chosen = [entry for entry in view.entries if in_slice(entry.participant, criteria)]
    if criteria.reviewer_kind not in ANONYMOUS_KINDS:
        return rating_distribution([entry.final.rating for entry in chosen], view.settings)
    if CycleStatus(view.cycle.status) not in (CycleStatus.RELEASED, CycleStatus.CLOSED):
        return hidden_distribution(
            "Peer and direct-report answers are shown, in aggregate only, once the results are released."
        )
    if not chosen:
        return as_distribution(hidden_ratings(view.settings.anonymity_threshold))
    cells = await anonymous_overall_cells(
        session, view.cycle, [e.participant.subject_id for e in chosen], criteria.reviewer_kind, view.settings
    )
    what = "peer" if criteria.reviewer_kind == ReviewerKind.PEER else "direct report"
    return as_distribution(combine(cells.values(), view.settings.scale_values, view.settings.anonymity_threshold, what))


@dataclass(frozen=True, slots=True)
class Group:
    key: UUID | None
    distribution: Distribution


def grouped(view: CalibrationView, attribute: str) -> list[Group]:
    """Final ratings per department or per manager of record (None: participants without
    one), in the order of their first member by name."""
    members: dict[UUID | None, list[int | None]] = {}
    for entry in view.entries:
        members.setdefault(getattr(entry.participant, attribute), []).append(entry.final.rating)
    return [Group(key, rating_distribution(ratings, view.settings)) for key, ratings in members.items()]
