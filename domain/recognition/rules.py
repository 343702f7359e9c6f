"""Pure recognition rules: input shapes, the emoji set, the evidence window and its words.

Errors name the input field (and the index in a list), so the API can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TypeVar
from uuid import UUID

from domain.errors import DomainError, ErrorCode
from domain.org.rules import clean_text, has_control_characters

MESSAGE_MAX = 2000
COMMENT_MAX = 1000
MAX_RECIPIENTS = 20
MAX_COMPETENCIES = 10
MAX_VALUE_TAGS = 5
VALUE_TAG_MAX = 30
EVIDENCE_MONTHS = 12

# The reactions offered, in display order. Single code points, so what a client sends is
# what is stored; a trailing variation selector (U+FE0F) is ignored.
EMOJIS: tuple[str, ...] = ("👏", "🎉", "🙌", "🚀", "💡", "🙏")
_VARIATION_SELECTOR = "\ufe0f"
_TAG = re.compile(r"^[\w-]+$")
_SPACES = re.compile(r"\s+")

K = TypeVar("K")


def clean_message(value: str | None) -> str:
    return clean_text(value, "message", max_length=MESSAGE_MAX)


def clean_comment(value: str | None) -> str:
    return clean_text(value, "body", max_length=COMMENT_MAX)


def unique(values: Sequence[K]) -> list[K]:
    """In the order given; asking for the same thing twice is asking once."""
    return list(dict.fromkeys(values))


def check_recipients(giver_id: UUID, recipient_ids: Sequence[UUID]) -> list[UUID]:
    """1 to 20 distinct people, never the giver. Errors name the offending index."""
    if not recipient_ids:
        raise DomainError(ErrorCode.REQUIRED, "Recognize at least one person", ["recipientIds"])
    for i, recipient_id in enumerate(recipient_ids):
        if recipient_id == giver_id:
            raise DomainError(ErrorCode.INVALID, "You cannot recognize yourself", ["recipientIds", str(i)])
    distinct = unique(recipient_ids)
    if len(distinct) > MAX_RECIPIENTS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_RECIPIENTS} people at once", ["recipientIds"])
    return distinct


def check_competency_count(competency_ids: Sequence[UUID]) -> list[UUID]:
    distinct = unique(competency_ids)
    if len(distinct) > MAX_COMPETENCIES:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_COMPETENCIES} competencies", ["competencyIds"])
    return distinct


def normalize_tag(value: str, index: int) -> str:
    """"  #Customer Focus " -> "customer-focus": trimmed, no leading #, lower case, spaces as hyphens."""
    at = ["valueTags", str(index)]
    if has_control_characters(value):
        raise DomainError(ErrorCode.INVALID, "A value tag must not contain control characters", at)
    tag = _SPACES.sub("-", value.strip().lstrip("#").strip()).lower()
    if not tag:
        raise DomainError(ErrorCode.REQUIRED, "A value tag must not be blank", at)
    if len(tag) > VALUE_TAG_MAX:
        raise DomainError(ErrorCode.TOO_LONG, f"A value tag is at most {VALUE_TAG_MAX} characters", at)
    if not _TAG.match(tag):
        raise DomainError(ErrorCode.INVALID, "A value tag holds letters, digits, hyphens and underscores", at)
    return tag


def clean_value_tags(values: Sequence[str]) -> list[str]:
    tags = unique([normalize_tag(value, i) for i, value in enumerate(values)])
    if len(tags) > MAX_VALUE_TAGS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_VALUE_TAGS} value tags", ["valueTags"])
    return tags


def clean_emoji(value: str | None) -> str:
    emoji = (value or "").strip().replace(_VARIATION_SELECTOR, "")
    if emoji not in EMOJIS:
        raise DomainError(ErrorCode.INVALID, f"React with one of {' '.join(EMOJIS)}", ["emoji"])
    return emoji


def evidence_since(today: date) -> date:
    """The first day of the evidence window: the same day twelve months ago (28 Feb for 29 Feb)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def explain_evidence(count: int, competency: str, since: date) -> str:
    if count == 0:
        return f"No recognition tagged {competency} since {since.isoformat()}."
    times = "once" if count == 1 else f"{count} times"
    return (
        f"Recognized {times} for {competency} since {since.isoformat()}. Recognition is weak evidence: "
        "it shows the behaviour was noticed, not the level reached, so it never changes the current level."
    )
