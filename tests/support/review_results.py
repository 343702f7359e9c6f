"""Helpers for tests of review results, calibration and anonymity, on top of
tests/support/reviews.py (the org and cycle built through the public API)."""

from __future__ import annotations

from typing import Any

from tests.support.reviews import ALL_KINDS, ReviewScene, ok

ADVANCE = """mutation($c: ID!) { advanceReviewCycle(input: {id: $c}) { cycle { status } errors { code field message } } }"""

RESULT_FIELDS = """released
  finalRating { rating label managerRating adjusted explanation }
  namedReviews { kind reviewer { id } answers { rating text question { prompt competency { name } } } }
  anonymousFeedback { reviewerKind question { section kind prompt automatic competency { name } goal { id } }
    ratings { enoughResponses average responses distribution { value count } explanation }
    texts { enoughResponses answers explanation } }
  acknowledgement { comment }"""

RESULT = f"""query($c: ID!, $s: ID!) {{ reviewResult(cycleId: $c, subjectId: $s) {{ {RESULT_FIELDS} }} }}"""

CALIBRATION = """query($c: ID!, $f: RatingDistributionFilter) { reviewCalibration(cycleId: $c) {
  entries { subject { id } finalRating { rating adjusted explanation }
            adjustments { previousRating rating reason adjustedBy { id } } nineBox { performance potential note } }
  byDepartment { department { name } distribution { people rated buckets { value count } } }
  byManager { manager { id } distribution { people rated average buckets { value count } explanation } }
  ratingDistribution(filter: $f) { enoughResponses people rated average buckets { value count } explanation } } }"""

ADJUST = """mutation($input: AdjustFinalRatingInput!) { adjustFinalRating(input: $input) {
  finalRating { rating managerRating adjusted explanation } adjustment { previousRating rating reason adjustedBy { id } }
  errors { code field message } } }"""

NINE_BOX = """mutation($input: PlaceOnNineBoxInput!) { placeOnNineBox(input: $input) {
  placement { performance potential note placedBy { id } } errors { code field message } } }"""

ACKNOWLEDGE = """mutation($input: AcknowledgeReviewInput!) { acknowledgeReview(input: $input) {
  acknowledgement { comment } errors { code field message } } }"""

REVEAL = """mutation($input: RevealAnonymousAuthorsInput!) { revealAnonymousAuthors(input: $input) {
  reviews { kind reviewer { id } answers { rating text question { prompt } } } errors { code field message } } }"""

SETTINGS = """mutation($input: UpdateReviewSettingsInput!) { updateReviewSettings(input: $input) {
  reviewSettings { anonymityThreshold hrCanSeeAnonymousAuthors ratingScale { value label } }
  errors { code field message } } }"""


async def advance(scene: ReviewScene, to: str) -> None:
    """Advance the cycle as HR until it is `to` (CALIBRATION or RELEASED)."""
    order = ["ACTIVE", "CALIBRATION", "RELEASED"]
    status = (await scene.gql("hr", "query($c: ID!) { reviewCycle(id: $c) { status } }", {"c": scene.cycle}))["reviewCycle"]["status"]
    for _ in range(order.index(to) - order.index(status)):
        await ok(scene.handle, ADVANCE, {"c": scene.cycle})


async def result_of(scene: ReviewScene, viewer: str, subject: str) -> dict | None:
    return (await scene.gql(viewer, RESULT, {"c": scene.cycle, "s": scene.id(subject)}))["reviewResult"]


async def set_review_settings(scene: ReviewScene, **fields: Any) -> dict:
    return (await ok(scene.handle, SETTINGS, {"input": fields}))["reviewSettings"]


def cells(result: dict, kind: str) -> list[dict]:
    return [cell for cell in result["anonymousFeedback"] if cell["reviewerKind"] == kind]


def rating_template(scene: ReviewScene, name: str = "Peer ratings") -> dict:
    """Everyone rates Coaching and overall, and writes strengths (overall included for peers
    and reports, so slices over their overall ratings have something to add up)."""
    return {
        "name": name,
        "sections": [{"title": "All", "questions": [
            {"kind": "RATING_COMPETENCY", "prompt": "How well do they coach?", "reviewerKinds": ALL_KINDS,
             "competencyId": scene.competencies["Coaching"]},
            {"kind": "TEXT", "prompt": "Leadership strengths", "reviewerKinds": ALL_KINDS, "required": False},
            {"kind": "OVERALL_RATING", "prompt": "Overall performance", "reviewerKinds": ALL_KINDS},
        ]}],
    }
