"""The error half of every mutation payload: `UserError { code field message }`."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from domain.errors import DomainError, DomainErrors, ErrorCode, NotFound

ErrorCodeType = strawberry.enum(ErrorCode, name="ErrorCode", description="Stable machine-readable error codes.")


@strawberry.type
class UserError:
    code: ErrorCodeType
    field: list[str] | None = strawberry.field(description="Path of the input field at fault, e.g. [\"input\", \"email\"].")
    message: str


def user_errors(error: DomainError | DomainErrors) -> list[UserError]:
    items = error.errors if isinstance(error, DomainErrors) else [error]
    return [UserError(code=e.code, field=["input", *e.field] if e.field else None, message=e.message) for e in items]


class InputError(DomainError):
    """Raised by resolvers for input they cannot even hand to the domain (a malformed ID)."""


def not_found(field: Sequence[str], what: str = "Object") -> NotFound:
    return NotFound(what, list(field))
