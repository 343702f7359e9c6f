"""The audit trail: who changed what sensitive thing, when, from what to what.

Entries are written in the same transaction as the change they describe, so there is
never a change without its entry nor an entry for a change that was rolled back. The
request role may only insert and read them (grants), and a trigger refuses any rewrite.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Column, Text, and_, insert, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from domain.actor import Actor
from domain.columns import timestamp_column
from domain.errors import Forbidden
from domain.pagination import Page, PageRequest
from domain.persistence import session_tenant


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    tenant_id: UUID = Field(primary_key=True)
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    occurred_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    actor_employee_id: UUID | None = None
    actor_label: str
    action: str
    subject_type: str
    subject_id: UUID | None = None
    before: dict | None = Field(default=None, sa_column=Column(JSONB))
    after: dict | None = Field(default=None, sa_column=Column(JSONB))
    request_id: str | None = Field(default=None, sa_column=Column(Text))


@dataclass(frozen=True, slots=True)
class AuditFilter:
    action: str | None = None
    subject_type: str | None = None
    subject_id: UUID | None = None
    actor_employee_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


async def record(
    session: AsyncSession,
    actor: Actor | str,
    action: str,
    subject_type: str,
    subject_id: UUID | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry. `actor` is an employee, or a label for platform operators."""
    employee_id = actor.employee_id if isinstance(actor, Actor) else None
    label = f"employee:{actor.employee_id}" if isinstance(actor, Actor) else actor
    await session.execute(
        insert(AuditEntry).values(
            tenant_id=session_tenant(session),
            id=uuid4(),
            actor_employee_id=employee_id,
            actor_label=label,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            before=dict(before) if before is not None else None,
            after=dict(after) if after is not None else None,
            request_id=session.info.get("request_id"),
        )
    )


async def audit_log(session: AsyncSession, actor: Actor, criteria: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
    """Newest first, for tenant admins only."""
    if not actor.is_tenant_admin:
        raise Forbidden("Only tenant admins read the audit log")
    conditions = [
        condition
        for condition in (
            AuditEntry.action == criteria.action if criteria.action else None,
            AuditEntry.subject_type == criteria.subject_type if criteria.subject_type else None,
            AuditEntry.subject_id == criteria.subject_id if criteria.subject_id else None,
            AuditEntry.actor_employee_id == criteria.actor_employee_id if criteria.actor_employee_id else None,
            AuditEntry.occurred_at >= criteria.since if criteria.since else None,
            AuditEntry.occurred_at < criteria.until if criteria.until else None,
        )
        if condition is not None
    ]
    query = select(AuditEntry).where(*conditions)
    if page.after is not None:
        at, last_id = page.after
        query = query.where(or_(AuditEntry.occurred_at < at, and_(AuditEntry.occurred_at == at, AuditEntry.id < last_id)))
    rows = list(await session.scalars(query.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc()).limit(page.first + 1)))
    items = rows[: page.first]
    return Page(items, len(rows) > page.first, None, [(e.occurred_at, e.id) for e in items])
