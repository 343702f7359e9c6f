"""Domain errors carry a stable code and the input field they concern.

The API maps them onto `UserError { code field message }`; the codes are part of
the public contract, so they are an enum and never change meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    CONFLICT = "CONFLICT"
    DUPLICATE = "DUPLICATE"
    CYCLE = "CYCLE"
    FORBIDDEN = "FORBIDDEN"
    INVALID_STATE = "INVALID_STATE"


class DomainError(Exception):
    """A rule was broken. Raising it aborts the current unit of work."""

    def __init__(self, code: ErrorCode, message: str, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field else None


class DomainErrors(Exception):
    """Several independent problems found while validating one input (e.g. a bulk import)."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)


class NotFound(DomainError):
    def __init__(self, what: str, field: Sequence[str] | None = None) -> None:
        super().__init__(ErrorCode.NOT_FOUND, f"{what} not found", field)


class Forbidden(DomainError):
    def __init__(self, message: str = "You are not allowed to do this", field: Sequence[str] | None = None) -> None:
        super().__init__(ErrorCode.FORBIDDEN, message, field)
