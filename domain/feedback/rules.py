"""Pure feedback rules: input shapes and what "overdue" means.

Errors name the input field (and the index in a list), so the API can point at it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import TypeVar
from uuid import UUID

from domain.errors import DomainError, ErrorCode
from domain.feedback.models import AskStatus

BODY_MAX = 5000
QUESTION_MAX = 1000
REASON_MAX = 1000
MAX_ASKED = 20
MAX_COMPETENCIES = 10
# Feedback and questions are prose: line breaks and tabs are fine, other control characters are not.
_PROSE_CONTROLS = {"\n", "\r", "\t"}

K = TypeVar("K")


def unique(values: Sequence[K]) -> list[K]:
    """In the order given; naming the same thing twice is naming it once."""
    return list(dict.fromkeys(values))


def clean_prose(value: str | None, field: str, max_length: int, *, required: bool = True) -> str | None:
    """Trimmed; blank is REQUIRED (or None when optional), longer than `max_length` is TOO_LONG."""
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise DomainError(ErrorCode.REQUIRED, f"{field} must not be blank", [field])
        return None
    if len(cleaned) > max_length:
        raise DomainError(ErrorCode.TOO_LONG, f"{field} must be at most {max_length:,} characters", [field])
    if any(unicodedata.category(ch) == "Cc" and ch not in _PROSE_CONTROLS for ch in cleaned):
        raise DomainError(ErrorCode.INVALID, f"{field} must not contain control characters", [field])
    return cleaned


def clean_body(value: str | None) -> str:
    return clean_prose(value, "body", BODY_MAX)


def clean_question(value: str | None) -> str:
    return clean_prose(value, "question", QUESTION_MAX)


def clean_reason(value: str | None) -> str | None:
    return clean_prose(value, "reason", REASON_MAX, required=False)


def check_receiver(giver_id: UUID, receiver_id: UUID) -> None:
    if giver_id == receiver_id:
        raise DomainError(ErrorCode.INVALID, "You cannot give feedback to yourself", ["toEmployeeId"])


def check_competency_count(competency_ids: Sequence[UUID]) -> list[UUID]:
    distinct = unique(competency_ids)
    if len(distinct) > MAX_COMPETENCIES:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_COMPETENCIES} competencies", ["competencyIds"])
    return distinct


def check_asked(requester_id: UUID, subject_id: UUID, asked_ids: Sequence[UUID]) -> list[UUID]:
    """1 to 20 distinct people, neither the subject (nobody gives feedback about themselves)
    nor the requester (who can simply give feedback). Errors name the offending index."""
    if not asked_ids:
        raise DomainError(ErrorCode.REQUIRED, "Ask at least one person", ["fromEmployeeIds"])
    if len(asked_ids) > MAX_ASKED:
        raise DomainError(ErrorCode.INVALID, f"Ask at most {MAX_ASKED} people at once", ["fromEmployeeIds"])
    seen: set[UUID] = set()
    for i, employee_id in enumerate(asked_ids):
        at = ["fromEmployeeIds", str(i)]
        if employee_id == subject_id:
            raise DomainError(ErrorCode.INVALID, "Nobody gives feedback about themselves", at)
        if employee_id == requester_id:
            raise DomainError(ErrorCode.INVALID, "You cannot ask yourself; give the feedback instead", at)
        if employee_id in seen:
            raise DomainError(ErrorCode.DUPLICATE, "This person is already asked", at)
        seen.add(employee_id)
    return list(asked_ids)


def check_due_date(due_date: date, today: date) -> date:
    if due_date < today:
        raise DomainError(ErrorCode.INVALID, "The due date must not be in the past", ["dueDate"])
    return due_date


def is_overdue(due_date: date, status: str, today: date) -> bool:
    """Past its due date and still unanswered. The due day itself is not overdue."""
    return status == AskStatus.OPEN and due_date < today


def require_open(status: str) -> None:
    """One answer per asked person: after an answer or a decline the part is closed."""
    if status == AskStatus.ANSWERED:
        raise DomainError(ErrorCode.INVALID_STATE, "You already answered this request", ["requestId"])
    if status == AskStatus.DECLINED:
        raise DomainError(ErrorCode.INVALID_STATE, "You declined this request", ["requestId"])
