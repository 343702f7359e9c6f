"""Pure org rules: input shapes, hierarchy cycles, effective-dated reporting lines."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TypeVar

from domain.errors import DomainError, ErrorCode

NAME_MAX = 200
TITLE_MAX = 200
EMAIL_MAX = 254
SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
# Deliberately simple: one @, a dot in the domain, no spaces. The identity provider owns the rest.
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")

K = TypeVar("K")


def has_control_characters(value: str) -> bool:
    """C0, DEL and C1 controls (category Cc); PostgreSQL text cannot even store NUL."""
    return any(unicodedata.category(ch) == "Cc" for ch in value)


def clean_text(value: str | None, field: str, *, required: bool = True, max_length: int = NAME_MAX) -> str | None:
    """Trim; reject blank required values and over-long ones with errors naming the field."""
    if value is None:
        if required:
            raise DomainError(ErrorCode.REQUIRED, f"{field} is required", [field])
        return None
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise DomainError(ErrorCode.REQUIRED, f"{field} must not be blank", [field])
        return None
    if len(cleaned) > max_length:
        raise DomainError(ErrorCode.TOO_LONG, f"{field} must be at most {max_length} characters", [field])
    if has_control_characters(cleaned):
        raise DomainError(ErrorCode.INVALID, f"{field} must not contain control characters", [field])
    return cleaned


def clean_email(value: str | None, field: str = "email") -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise DomainError(ErrorCode.REQUIRED, f"{field} is required", [field])
    if len(cleaned) > EMAIL_MAX or not EMAIL.match(cleaned) or has_control_characters(cleaned):
        raise DomainError(ErrorCode.INVALID, f"{field} is not a valid email address", [field])
    return cleaned


def email_key(email: str) -> str:
    """Emails are unique per tenant, compared case-insensitively."""
    return email.strip().lower()


def clean_slug(value: str | None, field: str = "slug") -> str:
    cleaned = (value or "").strip()
    if not SLUG.match(cleaned):
        raise DomainError(
            ErrorCode.INVALID,
            "slug must be 3-40 characters of lowercase letters, digits and hyphens, starting with a letter",
            [field],
        )
    return cleaned


def check_date_order(
    start: date | None, end: date | None, field: str, what: str = "date", *, field_is_start: bool = False
) -> None:
    """`field` names the date being set: the end by default, or the start (then it must not be after `what`)."""
    if start is not None and end is not None and end < start:
        relation = "after" if field_is_start else "before"
        raise DomainError(ErrorCode.INVALID, f"{field} must not be {relation} the {what}", [field])


def creates_cycle(node: K, new_parent: K | None, parent_of: Callable[[K], K | None]) -> bool:
    """True when hanging `node` under `new_parent` would make `node` its own ancestor."""
    seen: set[K] = set()
    current = new_parent
    while current is not None:
        if current == node:
            return True
        if current in seen:  # an existing cycle elsewhere; do not loop forever
            return True
        seen.add(current)
        current = parent_of(current)
    return False


def find_cycles(parent_of: Mapping[K, K | None]) -> set[K]:
    """Every key that lies on a cycle of the parent mapping (rows merely leading into one are fine)."""
    bad: set[K] = set()
    for start in parent_of:
        path: list[K] = []
        on_path: set[K] = set()
        current: K | None = start
        while current is not None and current in parent_of and current not in bad:
            if current in on_path:
                bad.update(path[path.index(current):])
                break
            path.append(current)
            on_path.add(current)
            current = parent_of[current]
    return bad


def duplicates(values: Iterable[K]) -> set[K]:
    seen: set[K] = set()
    repeated: set[K] = set()
    for value in values:
        (repeated if value in seen else seen).add(value)
    return repeated
