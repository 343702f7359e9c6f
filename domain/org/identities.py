"""Binding a signed-in identity to an employee.

The first sign-in matches the token's email to an active employee (case-insensitive)
and records (issuer, subject); from then on the binding, not the email, decides.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.org.models import Employee, EmployeeIdentity, EmployeeStatus
from domain.org.rules import email_key
from domain.persistence import session_tenant


async def signed_in_employee(session: AsyncSession, issuer: str, subject: str, email: str | None) -> Employee | None:
    """The active employee behind this identity, binding it on first use; None if nobody matches."""
    bound = await session.scalar(
        select(Employee)
        .join(EmployeeIdentity, EmployeeIdentity.employee_id == Employee.id)
        .where(EmployeeIdentity.issuer == issuer, EmployeeIdentity.subject == subject)
    )
    if bound is not None:
        return bound if bound.status == EmployeeStatus.ACTIVE else None
    if not email:
        return None
    candidate = await session.scalar(
        select(Employee).where(func.lower(Employee.email) == email_key(email), Employee.status == EmployeeStatus.ACTIVE)
    )
    if candidate is None:
        return None
    # Another subject of the same issuer already owns this employee: an email alone
    # must not let a second account take the person over. (The same subject here means a
    # concurrent first sign-in of this very token committed in between: that is fine.)
    taken = await session.scalar(
        select(EmployeeIdentity.subject).where(
            EmployeeIdentity.employee_id == candidate.id, EmployeeIdentity.issuer == issuer
        )
    )
    if taken is not None and taken != subject:
        return None
    inserted = await session.execute(
        insert(EmployeeIdentity)
        .values(tenant_id=session_tenant(session), issuer=issuer, subject=subject, employee_id=candidate.id)
        .on_conflict_do_nothing()
        .returning(EmployeeIdentity.employee_id)
    )
    if inserted.scalar() is not None:
        return candidate
    # A concurrent first sign-in won the race: the same subject (fine) or another
    # subject of this issuer for the same employee (the unique index refuses it).
    winner = await session.scalar(
        select(EmployeeIdentity.employee_id).where(EmployeeIdentity.issuer == issuer, EmployeeIdentity.subject == subject)
    )
    return candidate if winner == candidate.id else None
