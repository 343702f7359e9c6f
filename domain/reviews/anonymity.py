"""Pure k-anonymity rules for PEER and DIRECT_REPORT answers. No database.

The unit of anonymity is a *cell*: one subject's submitted answers of one anonymous kind
to one question. A cell is shown only when at least `threshold` different people answered
it; otherwise it is the one constant "not enough responses" value, identical whatever
lies below (nobody, one person, threshold - 1 people), so not even the count leaks.

Aggregates over many subjects (a department, a job level, a manager's team) are sums of
whole cells that are themselves shown; a hidden cell contributes nothing anywhere. So the
difference between any two aggregates, whatever their filters and however many are
combined, is again a sum of whole shown cells (each of at least `threshold` people) or
nothing: differencing cannot isolate fewer than `threshold` authors.

What this does not protect against (docs/reviews.md): a cell where every answer is
the same value tells everyone what each author answered (k-anonymity is not l-diversity),
and `threshold - 1` authors colluding with the reader can still subtract their own answers.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from domain.errors import DomainError, ErrorCode

DEFAULT_THRESHOLD = 3
MIN_THRESHOLD = 2  # a "group" of one is a name
MAX_THRESHOLD = 50
TWO_PLACES = Decimal("0.01")


def not_enough_message(threshold: int) -> str:
    """The same words for 0, 1 or threshold - 1 answers: it depends on the setting only."""
    return (
        "Not enough responses: answers of this kind are shown only in aggregate, "
        f"once at least {threshold} people have answered."
    )


def check_threshold(value: int, field: Sequence[str] = ("anonymityThreshold",)) -> int:
    if not MIN_THRESHOLD <= value <= MAX_THRESHOLD:
        raise DomainError(
            ErrorCode.INVALID,
            f"The anonymity threshold is a number of people from {MIN_THRESHOLD} to {MAX_THRESHOLD}",
            list(field),
        )
    return value


def releasable(authors: Iterable[Hashable], threshold: int) -> bool:
    """A cell may be shown when at least `threshold` different people are behind it."""
    return len(set(authors)) >= threshold


# --- ratings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bucket:
    value: int
    count: int


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """Average and distribution over the whole scale, or nothing at all (`shown` False)."""

    shown: bool
    average: Decimal | None
    responses: int | None
    distribution: tuple[Bucket, ...]
    explanation: str


def hidden_ratings(threshold: int) -> RatingSummary:
    return RatingSummary(False, None, None, (), not_enough_message(threshold))


def distribution(values: Sequence[int], scale: Sequence[int]) -> tuple[Bucket, ...]:
    """Every level of the scale in order, zeros included, so the shape never varies."""
    counts = Counter(values)
    off_scale = set(counts) - set(scale)
    if off_scale:
        raise ValueError(f"ratings off the scale: {sorted(off_scale)}")
    return tuple(Bucket(level, counts.get(level, 0)) for level in sorted(scale))


def average(values: Sequence[int]) -> Decimal:
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)


def scale_label(scale: Sequence[int]) -> str:
    return f"{min(scale)}-{max(scale)}" if scale else "empty"


def summarize_ratings(
    answers: Iterable[tuple[Hashable, int]], scale: Sequence[int], threshold: int, what: str
) -> RatingSummary:
    """One cell: (author, rating) pairs. Authors are only counted, never returned."""
    pairs = list(answers)
    if not releasable((author for author, _ in pairs), threshold):
        return hidden_ratings(threshold)
    values = [value for _, value in pairs]
    return RatingSummary(
        shown=True,
        average=average(values),
        responses=len(values),
        distribution=distribution(values, scale),
        explanation=f"Average {average(values)} of {len(values)} {what} answers on the {scale_label(scale)} scale.",
    )


def combine(cells: Iterable[RatingSummary], scale: Sequence[int], threshold: int, what: str) -> RatingSummary:
    """An aggregate over many subjects: the sum of the shown cells only (see module doc)."""
    totals = Counter[int]()
    used = 0
    for cell in cells:
        if cell.shown:
            used += 1
            totals.update({bucket.value: bucket.count for bucket in cell.distribution})
    responses = sum(totals.values())
    if responses == 0:
        return hidden_ratings(threshold)
    values = list(totals.elements())
    return RatingSummary(
        shown=True,
        average=average(values),
        responses=responses,
        distribution=distribution(values, scale),
        explanation=(
            f"Average {average(values)} of {responses} {what} answers about {used} "
            f"{'person' if used == 1 else 'people'} on the {scale_label(scale)} scale; people with fewer than "
            f"{threshold} {what} answers are left out entirely."
        ),
    )


# --- text --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextSummary:
    shown: bool
    texts: tuple[str, ...]
    explanation: str


def hidden_texts(threshold: int) -> TextSummary:
    return TextSummary(False, (), not_enough_message(threshold))


def order_key(key: bytes, text: str) -> tuple[bytes, str]:
    """A keyed hash of the text (then the text): stable, and unrelated to who wrote it or when."""
    digest = hashlib.blake2b(text.encode(), key=hashlib.sha256(key).digest(), digest_size=16).digest()
    return digest, text


def summarize_texts(answers: Iterable[tuple[Hashable, str]], threshold: int, key: bytes, what: str) -> TextSummary:
    """One cell of free-text answers: blank ones do not count; the rest come without author,
    in an order that depends on the texts and the cell's key only."""
    pairs = [(author, text.strip()) for author, text in answers if text and text.strip()]
    if not releasable((author for author, _ in pairs), threshold):
        return hidden_texts(threshold)
    texts = tuple(sorted((text for _, text in pairs), key=lambda text: order_key(key, text)))
    return TextSummary(
        True, texts, f"{len(texts)} {what} answers, without names, in an order unrelated to who wrote them or when."
    )
