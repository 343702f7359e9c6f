"""Column helpers shared by the contexts' tables."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, func


def timestamp_column() -> Column:
    """A timestamptz set by the database when the row is written."""
    return Column(DateTime(timezone=True), server_default=func.now(), nullable=False)
