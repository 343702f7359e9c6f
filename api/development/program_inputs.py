"""Input conversions the development programs' resolvers share."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from api.graphql.ids import uuid_of
from api.graphql.selection import selected_under

NO_MATCH = UUID(int=0)  # a malformed ID, or another tenant's: found nowhere, so reported as not found


def id_list(values: Sequence[str] | None, type_name: str) -> list[UUID]:
    """IDs of a list input; a malformed one becomes an ID that exists nowhere, so the domain
    reports it as NOT_FOUND at its index, exactly like a missing one."""
    return [uuid_of(value, type_name) or NO_MATCH for value in values or []]


def id_filter(value: str | None, type_name: str) -> UUID | None:
    """Only an absent ID leaves a filter off; a malformed one matches nothing."""
    if value is None:
        return None
    return uuid_of(value, type_name) or NO_MATCH


def wants_total(info, field_name: str) -> bool:
    return "totalCount" in selected_under(info.selected_fields, field_name)
