"""Peer nomination mutations: the subject nominates, a manager (or HR) approves or replaces."""

from __future__ import annotations

import strawberry

from api.graphql.errors import UserError
from api.graphql.ids import require_uuid
from api.org.types import Ctx
from api.reviews.mutating import id_or_nothing, perform_fresh
from api.reviews.types import NominationType
from domain.reviews import nominations


@strawberry.input
class NominatePeersInput:
    cycle_id: strawberry.ID
    peer_ids: list[strawberry.ID] = strawberry.field(
        description="Your whole wish list: pending nominations left out are withdrawn; approved ones stay."
    )


@strawberry.input
class ApproveNominationsInput:
    nomination_ids: list[strawberry.ID]


@strawberry.input
class ReplaceNominationInput:
    nomination_id: strawberry.ID
    peer_id: strawberry.ID = strawberry.field(description="Approved at once in place of the nominated peer.")


@strawberry.type
class PeerNominationsPayload:
    nominations: list[NominationType] | None
    errors: list[UserError]


@strawberry.type
class PeerNominationPayload:
    nomination: NominationType | None
    errors: list[UserError]


@strawberry.type
class NominationMutations:
    @strawberry.mutation(description="A participant names peers to review them (within the cycle's min and max). "
                         "Nobody names themselves, a manager or a direct report.")
    async def nominate_peers(self, info: Ctx, input: NominatePeersInput) -> PeerNominationsPayload:
        async def work(session, actor):
            cycle_id = require_uuid(input.cycle_id, "ReviewCycle", "cycleId")
            peers = [id_or_nothing(value, "Employee") for value in input.peer_ids]
            return await nominations.nominate_peers(session, actor, cycle_id, peers)

        found, errors = await perform_fresh(info, work)
        return PeerNominationsPayload(nominations=found, errors=errors)

    @strawberry.mutation(description="The subject's managers or HR admins; in an ACTIVE cycle the peer's review is created.")
    async def approve_nominations(self, info: Ctx, input: ApproveNominationsInput) -> PeerNominationsPayload:
        async def work(session, actor):
            ids = [id_or_nothing(value, "PeerNomination") for value in input.nomination_ids]
            return await nominations.approve_nominations(session, actor, ids)

        found, errors = await perform_fresh(info, work)
        return PeerNominationsPayload(nominations=found, errors=errors)

    @strawberry.mutation(description="The subject's managers or HR admins replace a pending nomination with their choice.")
    async def replace_nomination(self, info: Ctx, input: ReplaceNominationInput) -> PeerNominationPayload:
        async def work(session, actor):
            nomination_id = require_uuid(input.nomination_id, "PeerNomination", "nominationId")
            return await nominations.replace_nomination(session, actor, nomination_id, id_or_nothing(input.peer_id, "Employee"))

        found, errors = await perform_fresh(info, work)
        return PeerNominationPayload(nomination=found, errors=errors)
