"""Keyset pagination shared by list queries: stable under inserts, no OFFSET scans."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

MAX_PAGE = 100
DEFAULT_PAGE = 20


@dataclass(frozen=True, slots=True)
class PageRequest:
    first: int = DEFAULT_PAGE
    after: tuple[Any, ...] | None = None  # the sort key of the last row already seen
    with_total: bool = False


@dataclass(slots=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool
    total: int | None = None
    keys: list[tuple[Any, ...]] = field(default_factory=list)  # sort key per item, for cursors
    # Where the next page starts when it is not the last item's key: a list filtered after
    # reading (goals by derived health) may have read further than it shows.
    resume_key: tuple[Any, ...] | None = None
