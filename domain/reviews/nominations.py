"""Peer nominations: the subject names peers, a manager (or HR) approves or replaces them.

Approving in an ACTIVE cycle creates the peer's review at once, so peers can join after
launch. Nominations are seen by their subject, the subject's managers and HR admins.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, func, or_, select, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.goals.visibility import reports_of
from domain.org.hierarchy import direct_reports_by_manager_ids, employees_by_ids, reporting_chains
from domain.persistence import session_tenant
from domain.reviews import policy
from domain.reviews.cycles import get_cycle
from domain.reviews.models import (
    CycleParticipant,
    CycleStatus,
    NominationStatus,
    PeerNomination,
    Review,
    ReviewCycle,
    ReviewerKind,
)
from domain.reviews.rules import accepts_nominations, check_peer, check_peer_count, require

LIVE = (NominationStatus.NOMINATED.value, NominationStatus.APPROVED.value)


def visible_nominations(actor: Actor):
    """Nominations the actor may see, as SQL: their own as subject, their reports', or all for HR."""
    if actor.is_hr_admin:
        return true()
    return or_(PeerNomination.subject_id == actor.employee_id, PeerNomination.subject_id.in_(select(reports_of(actor).c.id)))


async def nominations_of(session: AsyncSession, actor: Actor, cycle_id: UUID, subject_id: UUID | None) -> list[PeerNomination]:
    query = select(PeerNomination).where(PeerNomination.cycle_id == cycle_id, visible_nominations(actor))
    if subject_id is not None:
        query = query.where(PeerNomination.subject_id == subject_id)
    return list(await session.scalars(query.order_by(PeerNomination.subject_id, PeerNomination.created_at, PeerNomination.id)))


async def _excluded(session: AsyncSession, participant: CycleParticipant) -> tuple[set[UUID], set[UUID]]:
    """(managers, direct reports) of the subject: the current chain and the cycle's manager."""
    subject = participant.subject_id
    chain = (await reporting_chains(session, [subject]))[subject]
    managers = {m.id for m in chain} | ({participant.manager_id} if participant.manager_id else set())
    reports = {r.id for r in (await direct_reports_by_manager_ids(session, [subject]))[subject]}
    return managers, reports


async def _check_peers(
    session: AsyncSession, participant: CycleParticipant, peer_ids: Sequence[UUID], paths: Sequence[list[str]]
) -> None:
    peers = await employees_by_ids(session, list(peer_ids))
    managers, reports = await _excluded(session, participant)
    for peer_id, at in zip(peer_ids, paths, strict=True):
        peer = peers.get(peer_id)
        if peer is None:
            raise NotFound("Employee", at)
        check_peer(participant.subject_id, peer_id, managers, reports, at)
        if not peer.is_active:
            raise DomainError(ErrorCode.INVALID_STATE, f"{peer.name} has left", at)


async def _open_cycle(session: AsyncSession, cycle_id: UUID) -> ReviewCycle:
    cycle = await get_cycle(session, cycle_id, "cycleId")
    require(ReviewerKind.PEER.value in cycle.reviewer_kinds, "This cycle has no peer reviews", ["cycleId"])
    require(accepts_nominations(cycle.status), f"A {cycle.status} cycle takes no nominations", ["cycleId"])
    return cycle


async def nominate_peers(session: AsyncSession, actor: Actor, cycle_id: UUID, peer_ids: Sequence[UUID]) -> list[PeerNomination]:
    """The subject's peers: `peer_ids` is the whole wish list. Pending nominations left out
    are withdrawn; approved ones stay and count towards the cycle's min and max."""
    cycle = await _open_cycle(session, cycle_id)
    participant = await session.get(CycleParticipant, (session_tenant(session), cycle.id, actor.employee_id))
    if participant is None:
        raise Forbidden("Only the cycle's participants nominate peers", ["cycleId"])
    seen: set[UUID] = set()
    for index, peer_id in enumerate(peer_ids):
        if peer_id in seen:
            raise DomainError(ErrorCode.DUPLICATE, "This peer is named twice", ["peerIds", str(index)])
        seen.add(peer_id)
    await _check_peers(session, participant, peer_ids, [["peerIds", str(i)] for i in range(len(peer_ids))])
    existing = {
        n.peer_id: n
        for n in await session.scalars(
            select(PeerNomination).where(PeerNomination.cycle_id == cycle.id, PeerNomination.subject_id == actor.employee_id)
        )
    }
    for index, peer_id in enumerate(peer_ids):
        found = existing.get(peer_id)
        if found is not None and found.status not in LIVE:
            raise DomainError(ErrorCode.INVALID_STATE, "Your manager replaced this nomination", ["peerIds", str(index)])
    withdrawn = [n.id for n in existing.values() if n.status == NominationStatus.NOMINATED and n.peer_id not in seen]
    approved = [n for n in existing.values() if n.status == NominationStatus.APPROVED]
    fresh = [peer_id for peer_id in peer_ids if peer_id not in existing]
    pending = [peer_id for peer_id in peer_ids if peer_id in existing and existing[peer_id].status == NominationStatus.NOMINATED]
    check_peer_count(len(approved) + len(pending) + len(fresh), cycle.peer_min, cycle.peer_max, ["peerIds"])
    if withdrawn:
        await session.execute(delete(PeerNomination).where(PeerNomination.id.in_(withdrawn)))
    for peer_id in fresh:
        session.add(PeerNomination(tenant_id=cycle.tenant_id, cycle_id=cycle.id, subject_id=actor.employee_id,
                                   peer_id=peer_id, nominated_by=actor.employee_id))
    await session.flush()
    return await nominations_of(session, actor, cycle.id, actor.employee_id)


async def _decidable(
    session: AsyncSession, actor: Actor, nomination_ids: Sequence[UUID], paths: Sequence[list[str]]
) -> list[PeerNomination]:
    """The nominations, each pending and decided by one of the subject's managers or HR.
    Ones the actor may not even see read as not found."""
    found = {n.id: n for n in await session.scalars(select(PeerNomination).where(PeerNomination.id.in_(list(nomination_ids))))}
    subjects = list({n.subject_id for n in found.values()})
    chains = await reporting_chains(session, subjects) if subjects else {}
    rows: list[PeerNomination] = []
    for nomination_id, at in zip(nomination_ids, paths, strict=True):
        nomination = found.get(nomination_id)
        managers = {m.id for m in chains.get(nomination.subject_id, [])} if nomination else set()
        if nomination is None or not (policy.can_decide_nominations(actor, managers) or nomination.subject_id == actor.employee_id):
            raise NotFound("PeerNomination", at)
        if not policy.can_decide_nominations(actor, managers):
            raise Forbidden("Only the subject's managers and HR admins decide nominations", at)
        if nomination.status != NominationStatus.NOMINATED:
            raise DomainError(ErrorCode.INVALID_STATE, f"This nomination is already {nomination.status}", at)
        rows.append(nomination)
    return rows


async def _add_peer_reviews(session: AsyncSession, nominations: Sequence[PeerNomination]) -> None:
    """The PEER review of each approved nomination whose cycle is ACTIVE (one statement)."""
    cycles = {n.cycle_id for n in nominations}
    active = set(
        await session.scalars(
            select(ReviewCycle.id).where(ReviewCycle.id.in_(list(cycles)), ReviewCycle.status == CycleStatus.ACTIVE.value)
        )
    )
    rows = [
        {"tenant_id": n.tenant_id, "cycle_id": n.cycle_id, "subject_id": n.subject_id, "reviewer_id": n.peer_id,
         "kind": ReviewerKind.PEER.value, "id": func.gen_random_uuid()}
        for n in nominations if n.cycle_id in active
    ]
    if rows:
        await session.execute(insert(Review).values(rows).on_conflict_do_nothing())


async def _check_cycles_open(session: AsyncSession, nominations: Sequence[PeerNomination], at: list[str]) -> None:
    for cycle_id in {n.cycle_id for n in nominations}:
        cycle = await get_cycle(session, cycle_id)
        require(accepts_nominations(cycle.status), f"A {cycle.status} cycle takes no nominations", at)


async def approve_nominations(session: AsyncSession, actor: Actor, nomination_ids: Sequence[UUID]) -> list[PeerNomination]:
    if len(set(nomination_ids)) != len(nomination_ids):
        raise DomainError(ErrorCode.DUPLICATE, "A nomination is listed twice", ["nominationIds"])
    paths = [["nominationIds", str(i)] for i in range(len(nomination_ids))]
    nominations = await _decidable(session, actor, nomination_ids, paths)
    await _check_cycles_open(session, nominations, ["nominationIds"])
    for nomination in nominations:
        nomination.status = NominationStatus.APPROVED.value
        nomination.decided_by = actor.employee_id
        nomination.decided_at = func.now()
    await session.flush()
    await _add_peer_reviews(session, nominations)
    for nomination in nominations:
        await session.refresh(nomination)
    return nominations


async def replace_nomination(session: AsyncSession, actor: Actor, nomination_id: UUID, peer_id: UUID) -> PeerNomination:
    """The pending nomination is REPLACED by an APPROVED one naming the manager's choice."""
    (old,) = await _decidable(session, actor, [nomination_id], [["nominationId"]])
    await _check_cycles_open(session, [old], ["nominationId"])
    participant = await session.get(CycleParticipant, (old.tenant_id, old.cycle_id, old.subject_id))
    await _check_peers(session, participant, [peer_id], [["peerId"]])
    taken = await session.scalar(
        select(PeerNomination.id).where(
            PeerNomination.cycle_id == old.cycle_id, PeerNomination.subject_id == old.subject_id, PeerNomination.peer_id == peer_id
        )
    )
    if taken is not None:
        raise DomainError(ErrorCode.DUPLICATE, "This peer is already nominated", ["peerId"])
    new = PeerNomination(
        tenant_id=old.tenant_id, cycle_id=old.cycle_id, subject_id=old.subject_id, peer_id=peer_id,
        status=NominationStatus.APPROVED.value, nominated_by=actor.employee_id, decided_by=actor.employee_id,
        decided_at=func.now(),
    )
    session.add(new)
    await session.flush()
    old.status = NominationStatus.REPLACED.value
    old.decided_by = actor.employee_id
    old.decided_at = func.now()
    old.replaced_by_id = new.id
    await session.flush()
    await _add_peer_reviews(session, [new])
    await session.refresh(new)
    return new


async def nominations_by_ids(session: AsyncSession, actor: Actor, ids: Sequence[UUID]) -> dict[UUID, PeerNomination]:
    rows = await session.scalars(select(PeerNomination).where(PeerNomination.id.in_(list(ids)), visible_nominations(actor)))
    return {row.id: row for row in rows}

