"""GraphQL types of review results, calibration and review settings.

Anonymous results are built from value objects that hold no reviewer, review ID, answer
ID or timestamp (domain/reviews/results.py): none of these types has a field that could
reach one. Questions are described by what they ask (prompt, competency, goal), never by
a review they came from.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from api.graphql.ids import uuid_of
from api.org.types import Ctx, DepartmentType, EmployeeType
from api.reviews.types import QuestionKindType, RatingLevelType, ReviewCycleType, ReviewerKindType
from domain.reviews import anonymity, calibration, results, settings
from domain.reviews.calibration import GridLevel
from domain.reviews.models import QuestionKind, ReviewerKind
from domain.reviews.rules import Question

if TYPE_CHECKING:
    from api.competencies.types import CompetencyType
    from api.goals.types import GoalType

CompetencyRef = Annotated["CompetencyType", strawberry.lazy("api.competencies.types")]
GoalRef = Annotated["GoalType", strawberry.lazy("api.goals.types")]

GridLevelType = strawberry.enum(GridLevel, name="NineBoxLevel")


def _number(value) -> float | None:
    return None if value is None else float(value)


# --- settings ---------------------------------------------------------------------------


@strawberry.type(name="ReviewSettingsChange", description="One change of one review setting: who, when, old -> new.")
class SettingsChangeType:
    setting: str = strawberry.field(description="anonymityThreshold, hrCanSeeAnonymousAuthors or ratingScale.")
    old_value: strawberry.scalars.JSON
    new_value: strawberry.scalars.JSON
    changed_at: datetime
    changed_by_id: strawberry.Private[UUID | None]

    @strawberry.field
    def changed_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.changed_by_id)


@strawberry.type(name="AnonymousAuthorReading", description="An HR admin read who wrote a subject's anonymous reviews.")
class AuthorReadingType:
    reason: str
    read_at: datetime
    reader_id: strawberry.Private[UUID]
    subject_id: strawberry.Private[UUID]
    cycle_id: strawberry.Private[UUID]

    @strawberry.field
    def reader(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.reader_id)

    @strawberry.field
    def subject(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.subject_id)

    @strawberry.field
    def cycle(self, info: Ctx) -> ReviewCycleType | None:
        return info.context.reviews.cycle(self.cycle_id)


@strawberry.type(
    name="ReviewSettings",
    description="How reviews work in this tenant. Everyone may read them; tenant admins change them.",
)
class ReviewSettingsType:
    anonymity_threshold: int = strawberry.field(
        description="PEER and DIRECT_REPORT answers show, in aggregate only, once at least this many people answered."
    )
    hr_can_see_anonymous_authors: bool = strawberry.field(
        description="Whether HR admins may read who wrote anonymous answers (each reading is recorded)."
    )
    rating_scale: list[RatingLevelType]

    @strawberry.field(description="Newest first; HR and tenant admins only (null for others).")
    async def changes(self, info: Ctx) -> list[SettingsChangeType] | None:
        ctx = info.context
        rows = await ctx.run(settings.settings_changes, ctx.actor)
        if rows is None:
            return None
        return [SettingsChangeType(setting=r.setting, old_value=r.old_value, new_value=r.new_value,
                                   changed_at=r.changed_at, changed_by_id=r.changed_by) for r in rows]

    @strawberry.field(description="Who read anonymous authors, newest first; tenant admins only (null for others).")
    async def anonymous_author_readings(self, info: Ctx) -> list[AuthorReadingType] | None:
        ctx = info.context
        rows = await ctx.run(results.author_readings, ctx.actor)
        if rows is None:
            return None
        return [AuthorReadingType(reason=r.reason, read_at=r.read_at, reader_id=r.reader_id, subject_id=r.subject_id,
                                  cycle_id=r.cycle_id) for r in rows]


def settings_type(value: settings.ReviewSettings) -> ReviewSettingsType:
    return ReviewSettingsType(
        anonymity_threshold=value.anonymity_threshold,
        hr_can_see_anonymous_authors=value.hr_can_see_anonymous_authors,
        rating_scale=[RatingLevelType(value=level.value, label=level.label) for level in value.rating_scale],
    )


# --- results -------------------------------------------------------------------------------


@strawberry.type(name="ReviewResultQuestion", description="What was asked. No ID: it names no review and no answer.")
class ResultQuestionType:
    source: strawberry.Private[Question]

    @strawberry.field
    def section(self) -> str:
        return self.source.section

    @strawberry.field
    def kind(self) -> QuestionKindType:
        return QuestionKind(self.source.kind)

    @strawberry.field
    def prompt(self) -> str:
        return self.source.prompt

    @strawberry.field(description="An automatic LEADERSHIP rating of a people-manager.")
    def automatic(self) -> bool:
        return self.source.automatic

    @strawberry.field
    def competency(self, info: Ctx) -> CompetencyRef | None:
        return info.context.competencies.competency(self.source.competency_id)

    @strawberry.field(description="The goal rated, for a goals rating (null if you may not see the goal).")
    def goal(self, info: Ctx) -> GoalRef | None:
        return info.context.goals.goal(self.source.goal_id)


@strawberry.type(name="ReviewResultAnswer")
class ResultAnswerType:
    question: ResultQuestionType
    rating: int | None
    text: str | None


def answers_type(items: list[results.NamedAnswer]) -> list[ResultAnswerType]:
    return [ResultAnswerType(question=ResultQuestionType(source=a.question), rating=a.rating, text=a.text) for a in items]


@strawberry.type(name="NamedReviewResult", description="A submitted SELF or MANAGER review: named.")
class NamedReviewType:
    kind: ReviewerKindType
    answers: list[ResultAnswerType]
    reviewer_id: strawberry.Private[UUID]

    @strawberry.field
    def reviewer(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.reviewer_id)


@strawberry.type(name="RatingBucket")
class BucketType:
    value: int
    count: int


@strawberry.type(
    name="RatingAggregate",
    description="Average and distribution of anonymous ratings, or nothing at all: below the threshold "
    "`enoughResponses` is false, every number is null and the distribution empty, whatever lies below.",
)
class RatingAggregateType:
    enough_responses: bool
    average: float | None
    responses: int | None
    distribution: list[BucketType] = strawberry.field(description="Every value of the scale, zeros included.")
    explanation: str


def rating_aggregate(summary: anonymity.RatingSummary) -> RatingAggregateType:
    return RatingAggregateType(
        enough_responses=summary.shown, average=_number(summary.average), responses=summary.responses,
        distribution=[BucketType(value=b.value, count=b.count) for b in summary.distribution],
        explanation=summary.explanation,
    )


@strawberry.type(
    name="TextAggregate",
    description="Anonymous text answers without author, in an order unrelated to who wrote them or when; "
    "empty below the threshold.",
)
class TextAggregateType:
    enough_responses: bool
    answers: list[str]
    explanation: str


@strawberry.type(name="AnonymousQuestionResult", description="One question asked of PEER or DIRECT_REPORT reviewers.")
class AnonymousCellType:
    reviewer_kind: ReviewerKindType
    question: ResultQuestionType
    ratings: RatingAggregateType | None = strawberry.field(description="For rating questions.")
    texts: TextAggregateType | None = strawberry.field(description="For text questions.")


def cell_type(cell: results.AnonymousCell) -> AnonymousCellType:
    return AnonymousCellType(
        reviewer_kind=cell.kind,
        question=ResultQuestionType(source=cell.question),
        ratings=None if cell.ratings is None else rating_aggregate(cell.ratings),
        texts=None if cell.texts is None else TextAggregateType(
            enough_responses=cell.texts.shown, answers=list(cell.texts.texts), explanation=cell.texts.explanation),
    )


@strawberry.type(name="FinalRating", description="The latest calibration adjustment, else the manager's overall rating.")
class FinalRatingType:
    rating: int | None
    label: str | None
    manager_rating: int | None
    adjusted: bool
    explanation: str


def final_type(final: calibration.FinalRating, scale: settings.ReviewSettings) -> FinalRatingType:
    return FinalRatingType(
        rating=final.rating, label=None if final.rating is None else scale.label(final.rating),
        manager_rating=final.manager_rating, adjusted=final.adjusted, explanation=final.explanation,
    )


@strawberry.type(name="ReviewAcknowledgement")
class AcknowledgementType:
    comment: str | None
    acknowledged_at: datetime


@strawberry.type(
    name="ReviewResult",
    description="One subject's results in one cycle. The subject and their managers read it once the cycle is "
    "RELEASED; HR admins at any time (anonymous answers only once released, for everyone).",
)
class ReviewResultType:
    source: strawberry.Private[results.ReviewResult]

    @strawberry.field
    def subject(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.source.participant.subject_id)

    @strawberry.field
    def cycle(self) -> ReviewCycleType:
        return self.source.cycle

    @strawberry.field(description="Whether the cycle is RELEASED or CLOSED.")
    def released(self) -> bool:
        return self.source.released

    @strawberry.field
    def named_reviews(self) -> list[NamedReviewType]:
        _require_details(self.source)
        return [NamedReviewType(kind=r.kind, answers=answers_type(r.answers), reviewer_id=r.reviewer_id)
                for r in self.source.named]

    @strawberry.field(description="Per anonymous kind and question, in template order, whatever was answered.")
    def anonymous_feedback(self) -> list[AnonymousCellType]:
        _require_details(self.source)
        return [cell_type(cell) for cell in self.source.anonymous]

    @strawberry.field
    def final_rating(self) -> FinalRatingType:
        return final_type(self.source.final, self.source.settings)

    @strawberry.field
    def acknowledgement(self) -> AcknowledgementType | None:
        ack = self.source.acknowledgement
        return None if ack is None else AcknowledgementType(comment=ack.comment, acknowledged_at=ack.acknowledged_at)


def _require_details(result: results.ReviewResult) -> None:
    # The loader was chosen from the selection (api/reviews/results_queries.py); an empty
    # list here would silently hide answers, so a selection it missed fails loudly instead.
    if not result.detailed:
        raise RuntimeError("review details were not loaded for this selection")


# --- calibration ---------------------------------------------------------------------------


@strawberry.type(
    name="RatingDistribution",
    description="How many people got each rating. Over PEER or DIRECT_REPORT ratings it only sums subjects whose own "
    "answers reach the threshold, and says `enoughResponses: false` (and nothing else) when none do.",
)
class DistributionType:
    enough_responses: bool
    people: int | None = strawberry.field(description="Participants in the slice (final ratings only).")
    rated: int | None = strawberry.field(description="Ratings counted.")
    average: float | None
    buckets: list[BucketType]
    explanation: str


def distribution_type(value: calibration.Distribution) -> DistributionType:
    return DistributionType(
        enough_responses=value.shown, people=value.people, rated=value.rated, average=_number(value.average),
        buckets=[BucketType(value=b.value, count=b.count) for b in value.buckets], explanation=value.explanation,
    )


@strawberry.type(name="CalibrationAdjustment", description="One change of a final rating, with its reason.")
class AdjustmentType:
    previous_rating: int | None
    rating: int
    reason: str
    adjusted_at: datetime
    adjusted_by_id: strawberry.Private[UUID]

    @strawberry.field
    def adjusted_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.adjusted_by_id)


def adjustment_type(row: calibration.CalibrationAdjustment) -> AdjustmentType:
    return AdjustmentType(previous_rating=row.previous_rating, rating=row.rating, reason=row.reason,
                          adjusted_at=row.adjusted_at, adjusted_by_id=row.adjusted_by)


@strawberry.type(name="NineBoxPlacement", description="Performance x potential, as placed in calibration.")
class PlacementType:
    performance: GridLevelType
    potential: GridLevelType
    note: str | None
    placed_at: datetime
    placed_by_id: strawberry.Private[UUID]

    @strawberry.field
    def placed_by(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.placed_by_id)


def placement_type(row: calibration.NineBoxPlacement) -> PlacementType:
    return PlacementType(performance=GridLevel(row.performance), potential=GridLevel(row.potential), note=row.note,
                         placed_at=row.placed_at, placed_by_id=row.placed_by)


@strawberry.type(name="CalibrationEntry", description="One subject being calibrated.")
class CalibrationEntryType:
    entry: strawberry.Private[calibration.CalibrationEntry]
    scale: strawberry.Private[settings.ReviewSettings]

    @strawberry.field
    def subject(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.entry.participant.subject_id)

    @strawberry.field(description="Their department when they joined the cycle.")
    def department(self, info: Ctx) -> DepartmentType | None:
        return info.context.org.department(self.entry.participant.department_id)

    @strawberry.field(description="The manager who wrote their MANAGER review.")
    def manager(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.entry.participant.manager_id)

    @strawberry.field
    def final_rating(self) -> FinalRatingType:
        return final_type(self.entry.final, self.scale)

    @strawberry.field(description="Newest first.")
    async def adjustments(self, info: Ctx) -> list[AdjustmentType]:
        key = (self.entry.participant.cycle_id, self.entry.participant.subject_id)
        return [adjustment_type(row) for row in await info.context.review_results.adjustments.load(key)]

    @strawberry.field
    async def nine_box(self, info: Ctx) -> PlacementType | None:
        key = (self.entry.participant.cycle_id, self.entry.participant.subject_id)
        row = await info.context.review_results.placements.load(key)
        return None if row is None else placement_type(row)


@strawberry.type(name="CalibrationGroup", description="Final ratings of one department, or of one manager's reports.")
class GroupType:
    distribution: DistributionType
    department_id: strawberry.Private[UUID | None]
    manager_id: strawberry.Private[UUID | None]

    @strawberry.field
    def department(self, info: Ctx) -> DepartmentType | None:
        return info.context.org.department(self.department_id)

    @strawberry.field
    def manager(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.manager_id)


@strawberry.input
class RatingDistributionFilter:
    department_id: strawberry.ID | None = None
    job_level_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = strawberry.field(default=None, description="The manager of record.")
    reviewer_kind: ReviewerKindType = strawberry.field(
        default=ReviewerKind.MANAGER,
        description="MANAGER: final ratings (after calibration). PEER / DIRECT_REPORT: their overall ratings, "
        "k-anonymous, once released. SELF is not aggregated (INVALID).",
    )


_NO_MATCH = UUID(int=0)  # a malformed ID or another tenant's filters to nobody


def distribution_filter(raw: RatingDistributionFilter | None) -> calibration.DistributionFilter:
    if raw is None:
        return calibration.DistributionFilter()

    def of(value: str | None, type_name: str) -> UUID | None:
        return None if value is None else (uuid_of(value, type_name) or _NO_MATCH)

    return calibration.DistributionFilter(
        department_id=of(raw.department_id, "Department"),
        job_level_id=of(raw.job_level_id, "JobLevel"),
        manager_id=of(raw.manager_id, "Employee"),
        reviewer_kind=ReviewerKind(raw.reviewer_kind),
    )


@strawberry.type(
    name="ReviewCalibration",
    description="HR admins see every participant; a manager sees those two or more levels below them (the direct "
    "manager gave the rating being calibrated). Available from CALIBRATION on (for HR from launch).",
)
class CalibrationType:
    view: strawberry.Private[calibration.CalibrationView]

    @strawberry.field
    def cycle(self) -> ReviewCycleType:
        return self.view.cycle

    @strawberry.field(description="The subjects you calibrate, by name.")
    def entries(self) -> list[CalibrationEntryType]:
        return [CalibrationEntryType(entry=e, scale=self.view.settings) for e in self.view.entries]

    @strawberry.field(description="Final ratings per department (as snapshotted when subjects joined).")
    def by_department(self) -> list[GroupType]:
        return [GroupType(distribution=distribution_type(g.distribution), department_id=g.key, manager_id=None)
                for g in calibration.grouped(self.view, "department_id")]

    @strawberry.field(description="Final ratings per manager of record.")
    def by_manager(self) -> list[GroupType]:
        return [GroupType(distribution=distribution_type(g.distribution), department_id=None, manager_id=g.key)
                for g in calibration.grouped(self.view, "manager_id")]

    @strawberry.field(description="One slice. Another tenant's or a malformed ID filters to nobody.")
    async def rating_distribution(self, info: Ctx, filter: RatingDistributionFilter | None = None) -> DistributionType:
        ctx = info.context
        found = await ctx.run(calibration.distribution_for, self.view, distribution_filter(filter))
        return distribution_type(found)


# --- anonymous authors ------------------------------------------------------------------------


@strawberry.type(name="AttributedReview", description="An anonymous review with its author, for HR where allowed.")
class AttributedReviewType:
    kind: ReviewerKindType
    answers: list[ResultAnswerType]
    reviewer_id: strawberry.Private[UUID]

    @strawberry.field
    def reviewer(self, info: Ctx) -> EmployeeType | None:
        return info.context.org.employee(self.reviewer_id)


def attributed_type(item: results.AttributedReview) -> AttributedReviewType:
    return AttributedReviewType(kind=ReviewerKind(item.review.kind), answers=answers_type(item.answers),
                                reviewer_id=item.review.reviewer_id)
