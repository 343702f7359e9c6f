"""The period argument of `Employee.leadershipEffectiveness`: imported eagerly by api/org/types.py
(strawberry cannot resolve a lazy input type on an argument), so it imports nothing of the API."""

from __future__ import annotations

from datetime import date

import strawberry


@strawberry.input(name="PeriodInput", description="Both days included.")
class PeriodInput:
    from_: date = strawberry.field(name="from")
    to: date
