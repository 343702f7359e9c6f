"""Pure competency rules: the proficiency scale, categories, level texts, current level and gap.

Nothing here touches the database, so every rule is tested with plain values (and
hypothesis where a property says more than examples).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol, TypeVar

from domain.competencies.models import AssessmentSource, CompetencyCategory, Track
from domain.errors import DomainError, ErrorCode
from domain.org.rules import clean_text

K = TypeVar("K", bound=Hashable)

MIN_LEVELS, MAX_LEVELS = 2, 10
LEVEL_NAME_MAX = 50
LEVEL_DESCRIPTION_MAX = 1000
CATEGORY_MAX = 50
COMPETENCY_NAME_MAX = 100
DESCRIPTION_MAX = 2000
INDICATOR_MAX = 300
MAX_INDICATORS = 10
NOTE_MAX = 2000
MAX_EXPECTATIONS = 100
# Characters a custom category may hold besides letters and digits ("SALES & MARKETING").
_CATEGORY_PUNCTUATION = set(" _-&/")


@dataclass(frozen=True, slots=True)
class ScaleLevel:
    level: int
    name: str
    description: str | None = None


DEFAULT_SCALE: tuple[ScaleLevel, ...] = (
    ScaleLevel(1, "Beginner", "Learning the basics; needs guidance and close support to apply it."),
    ScaleLevel(2, "Developing", "Applies it in familiar situations, with some guidance in new ones."),
    ScaleLevel(3, "Proficient", "Applies it independently and reliably in most situations."),
    ScaleLevel(4, "Advanced", "Handles complex, ambiguous situations and helps others improve."),
    ScaleLevel(5, "Expert", "A recognised authority who shapes how the organisation does it."),
)


@dataclass(frozen=True, slots=True)
class LevelText:
    """What a competency looks like at one level: a summary and observable behaviours."""

    level: int
    description: str
    indicators: tuple[str, ...] = ()


def clean_at(value: str | None, path: Sequence[str], *, required: bool = True, max_length: int) -> str | None:
    """`clean_text` for a nested input field: errors name the whole path."""
    try:
        return clean_text(value, path[-1], required=required, max_length=max_length)
    except DomainError as error:
        raise DomainError(error.code, error.message, list(path)) from None


# --- the proficiency scale ------------------------------------------------------------


def check_scale(levels: Sequence[ScaleLevel]) -> list[ScaleLevel]:
    """2 to 10 levels numbered 1..n without gaps (in any order), names unique ignoring case."""
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        raise DomainError(ErrorCode.INVALID, f"A scale has {MIN_LEVELS} to {MAX_LEVELS} levels", ["levels"])
    seen_levels: set[int] = set()
    seen_names: set[str] = set()
    cleaned: list[ScaleLevel] = []
    for index, item in enumerate(levels):
        at = ["levels", str(index)]
        if not 1 <= item.level <= len(levels):
            raise DomainError(
                ErrorCode.INVALID,
                f"Levels are numbered 1 to {len(levels)} without gaps; {item.level} is outside",
                [*at, "level"],
            )
        if item.level in seen_levels:
            raise DomainError(ErrorCode.DUPLICATE, f"Level {item.level} is given twice", [*at, "level"])
        name = clean_at(item.name, [*at, "name"], max_length=LEVEL_NAME_MAX)
        if name.casefold() in seen_names:
            raise DomainError(ErrorCode.DUPLICATE, f"Two levels are named {name!r}", [*at, "name"])
        description = clean_at(item.description, [*at, "description"], required=False, max_length=LEVEL_DESCRIPTION_MAX)
        seen_levels.add(item.level)
        seen_names.add(name.casefold())
        cleaned.append(ScaleLevel(item.level, name, description))
    return sorted(cleaned, key=lambda lvl: lvl.level)


def check_on_scale(level: int, scale: Collection[int], path: Sequence[str]) -> int:
    if level not in scale:
        top = max(scale) if scale else 0
        raise DomainError(ErrorCode.INVALID, f"The level must be on the proficiency scale (1 to {top})", list(path))
    return level


def level_label(level: int | None, scale: Sequence[ScaleLevel]) -> str:
    """"Proficient (3)"; a level the scale no longer names still reads sensibly."""
    if level is None:
        return "none"
    name = next((item.name for item in scale if item.level == level), f"Level {level}")
    return f"{name} ({level})"


# --- competencies -----------------------------------------------------------------------


def clean_category(value: str | None, path: Sequence[str] = ("category",)) -> str:
    """LEADERSHIP, CORE, TECHNICAL, or a custom one: 1 to 50 letters, digits, spaces and
    `_-&/`, stored upper-case with single spaces so "Sales  ops" and "SALES OPS" are one."""
    cleaned = unicodedata.normalize("NFC", " ".join((value or "").split()).upper())
    if not cleaned:
        raise DomainError(ErrorCode.REQUIRED, "category is required", list(path))
    if len(cleaned) > CATEGORY_MAX:
        raise DomainError(ErrorCode.TOO_LONG, f"category must be at most {CATEGORY_MAX} characters", list(path))
    if not all(ch.isalnum() or ch in _CATEGORY_PUNCTUATION for ch in cleaned):
        raise DomainError(
            ErrorCode.INVALID, "category may hold letters, digits, spaces and _ - & / only", list(path)
        )
    return cleaned


def is_leadership(category: str) -> bool:
    return category == CompetencyCategory.LEADERSHIP


def check_level_texts(texts: Sequence[LevelText], scale: Collection[int]) -> list[LevelText]:
    """Each described level is on the scale, once; a summary and at most 10 indicators each."""
    seen: set[int] = set()
    cleaned: list[LevelText] = []
    for index, text in enumerate(texts):
        at = ["levels", str(index)]
        check_on_scale(text.level, scale, [*at, "level"])
        if text.level in seen:
            raise DomainError(ErrorCode.DUPLICATE, f"Level {text.level} is described twice", [*at, "level"])
        description = clean_at(text.description, [*at, "description"], max_length=LEVEL_DESCRIPTION_MAX)
        if len(text.indicators) > MAX_INDICATORS:
            raise DomainError(
                ErrorCode.INVALID, f"At most {MAX_INDICATORS} indicators per level", [*at, "indicators"]
            )
        indicators = tuple(
            clean_at(indicator, [*at, "indicators", str(i)], max_length=INDICATOR_MAX)
            for i, indicator in enumerate(text.indicators)
        )
        seen.add(text.level)
        cleaned.append(LevelText(text.level, description, indicators))
    return sorted(cleaned, key=lambda text: text.level)


def reorder(current: Sequence[K], moved: Sequence[K]) -> list[K]:
    """The `moved` items take the slots they occupy together, in the order given; every
    other item keeps its slot. Reordering one category's competencies leaves the rest alone."""
    chosen = set(moved)
    queue = iter(moved)
    return [next(queue) if item in chosen else item for item in current]


# --- career levels ---------------------------------------------------------------------


def check_manager_expectations(track: str, categories: Sequence[str], path: Sequence[str] = ("expectations",)) -> None:
    """A manager level is where leadership is expected: it names at least one LEADERSHIP competency."""
    if track == Track.MANAGER and not any(is_leadership(category) for category in categories):
        raise DomainError(
            ErrorCode.INVALID,
            "A MANAGER level must expect at least one LEADERSHIP competency",
            list(path),
        )


# --- assessments, current level and gap ----------------------------------------------------


class Rated(Protocol):
    level: int
    source: str
    assessed_on: date
    recorded_at: datetime | None


R = TypeVar("R", bound=Rated)


_NEVER = datetime.min.replace(tzinfo=UTC)


def _recency(rating: Rated) -> tuple[date, datetime]:
    return rating.assessed_on, rating.recorded_at or _NEVER


def latest(ratings: Sequence[R]) -> R | None:
    """The most recent judgement: the later day, then the later recording on that day."""
    return max(ratings, key=_recency, default=None)


def current_and_self(ratings: Sequence[R]) -> tuple[R | None, R | None]:
    """(current, latest self-assessment). The current level is the latest judgement by
    someone else (manager, review, evidence); only without one does the self-assessment count."""
    if not ratings:  # most lines of a profile: nothing assessed yet
        return None, None
    others = [r for r in ratings if r.source != AssessmentSource.SELF]
    own = [r for r in ratings if r.source == AssessmentSource.SELF]
    latest_own = latest(own)
    return (latest(others) or latest_own), latest_own


def gap(expected: int | None, current: int | None) -> int | None:
    """Levels still to grow: positive is below expectation, negative above, null when unknown."""
    if expected is None or current is None:
        return None
    return expected - current


@dataclass(frozen=True, slots=True)
class ProfileFacts:
    """Everything one profile line says, for `explain`."""

    job_level: str | None
    expected: int | None
    current: Rated | None
    self_rating: Rated | None
    evidence: int


def _source_phrase(rating: Rated) -> str:
    if rating.source == AssessmentSource.SELF:
        return f"a self-assessment on {rating.assessed_on.isoformat()}"
    return f"a {rating.source} assessment on {rating.assessed_on.isoformat()}"


def _gap_phrase(difference: int) -> str:
    if difference == 0:
        return "which meets the expectation"
    plural = "s" if abs(difference) != 1 else ""
    return f"{abs(difference)} level{plural} {'below' if difference > 0 else 'above'} the expectation"


def explain(facts: ProfileFacts, scale: Sequence[ScaleLevel]) -> str:
    """One readable sentence per fact, so the numbers can always say where they came from."""
    label: Callable[[int | None], str] = lambda level: level_label(level, scale)  # noqa: E731
    parts: list[str] = []
    if facts.expected is not None:
        parts.append(f"Expected at {facts.job_level}: {label(facts.expected)}.")
    elif facts.job_level is not None:
        parts.append(f"Not an expectation of {facts.job_level}.")
    else:
        parts.append("No job level is set, so nothing is expected.")
    if facts.current is None:
        parts.append("Not assessed yet, so there is no gap.")
    else:
        sentence = f"Current: {label(facts.current.level)}, from {_source_phrase(facts.current)}"
        difference = gap(facts.expected, facts.current.level)
        if difference is not None:
            sentence += f", {_gap_phrase(difference)}"
        if facts.current.source == AssessmentSource.SELF:
            sentence += " (no manager, review or evidence assessment yet)"
        parts.append(sentence + ".")
        own = facts.self_rating
        if own is not None and own is not facts.current:
            parts.append(f"Self-assessed {label(own.level)} on {own.assessed_on.isoformat()}.")
    if facts.evidence:
        plural = "s" if facts.evidence != 1 else ""
        parts.append(f"{facts.evidence} completed goal{plural} as evidence.")
    return " ".join(parts)
