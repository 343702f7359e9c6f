"""Recognition as (weak) competency evidence, for the competency profile.

A recognition tagged with a competency counts for each recipient, over the last twelve
months. Only recognition the viewer may see is counted, so a count never reveals a
PRIVATE recognition the viewer could not open. It never changes a level: the profile
shows the count beside the assessed level, with an explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.recognition.models import Recognition, RecognitionCompetency, RecognitionRecipient
from domain.recognition.rules import evidence_since
from domain.recognition.visibility import visible

EvidenceKey = tuple[UUID, UUID]  # (employee, competency)


async def recognition_counts(
    session: AsyncSession, actor: Actor, keys: Sequence[EvidenceKey], today: date
) -> dict[EvidenceKey, int]:
    """Per (employee, competency) asked, the visible recognitions of the employee tagged with
    the competency since `evidence_since(today)`; one statement for all keys."""
    employee_ids = list({employee for employee, _ in keys})
    competency_ids = list({competency for _, competency in keys})
    since = datetime.combine(evidence_since(today), time.min, tzinfo=UTC)
    rows = await session.execute(
        select(RecognitionRecipient.employee_id, RecognitionCompetency.competency_id, func.count(Recognition.id.distinct()))
        .join(Recognition, Recognition.id == RecognitionRecipient.recognition_id)
        .join(RecognitionCompetency, RecognitionCompetency.recognition_id == Recognition.id)
        .where(
            RecognitionRecipient.employee_id.in_(employee_ids),
            RecognitionCompetency.competency_id.in_(competency_ids),
            Recognition.created_at >= since,
            visible(actor),
        )
        .group_by(RecognitionRecipient.employee_id, RecognitionCompetency.competency_id)
    )
    counts = {(employee, competency): count for employee, competency, count in rows}
    return {key: counts.get(key, 0) for key in keys}
