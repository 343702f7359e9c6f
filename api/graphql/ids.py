"""Opaque global IDs: base64url("Type:uuid"). A malformed ID, an ID of another type and
another tenant's ID all end the same way: not found."""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

import strawberry

MAX_ID_LENGTH = 200


def to_global_id(type_name: str, raw: UUID) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{raw}".encode()).decode().rstrip("="))


def parse_global_id(value: str | None) -> tuple[str, UUID] | None:
    if not value or len(value) > MAX_ID_LENGTH:
        return None
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        type_name, _, raw = decoded.partition(":")
        return type_name, UUID(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def uuid_of(value: str | None, type_name: str) -> UUID | None:
    """The UUID inside a global ID of `type_name`, or None for anything else."""
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name:
        return None
    return parsed[1]


def require_uuid(value: str | None, type_name: str, field: str) -> UUID:
    """Like `uuid_of`, but a miss is the domain's NOT_FOUND naming the input field."""
    from domain.errors import NotFound

    raw = uuid_of(value, type_name)
    if raw is None:
        raise NotFound(type_name, [field])
    return raw


def optional_uuid(value: str | None, type_name: str, field: str) -> UUID | None:
    return None if value is None else require_uuid(value, type_name, field)
