"""`recognitionPosted` over a real WebSocket (graphql-transport-ws) with real tokens.

Absence is proved with fences rather than sleeps: notifications of one channel reach a
subscriber in commit order, so when a subscriber's next message is a later recognition,
the earlier one was never sent to it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from sqlalchemy import text
from websockets.asyncio.client import ClientConnection, connect

from domain.recognition.events import RECOGNITION_POSTED
from tests.api.test_cross_tenant import raw_uuid

POSTED = """subscription($mine: Boolean!) { recognitionPosted(onlyToMe: $mine) {
  id message visibility giver { name } recipients { name } reactionCounts { count } } }"""
RECOGNIZE = """mutation($input: RecognizeInput!) { recognize(input: $input) {
  recognition { id } errors { code field } } }"""


class Stream:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def next(self, timeout: float = 5) -> dict:
        """The next delivered result's data (errors fail the test)."""
        message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]["recognitionPosted"]


def _bus_count(server) -> int:
    bus = getattr(server.server.app.state, "notification_bus", None)
    return 0 if bus is None else bus.subscriber_count(RECOGNITION_POSTED)


@asynccontextmanager
async def subscribed(server, token: str, only_to_me: bool = False) -> AsyncIterator[Stream]:
    """Connected, authenticated at connection_init, and LISTENing when this yields."""
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 5)) == {"type": "connection_ack"}
        before = _bus_count(server)
        await socket.send(json.dumps(
            {"id": "1", "type": "subscribe", "payload": {"query": POSTED, "variables": {"mine": only_to_me}}}
        ))
        deadline = time.monotonic() + 5
        while _bus_count(server) <= before:  # the server LISTENs once the subscription runs
            assert time.monotonic() < deadline, "the subscription never started"
            await asyncio.sleep(0.01)
        yield Stream(socket)


async def _org(tenant) -> dict[str, str]:
    boss = f"manager@{tenant.slug}.test"
    rows = [{"email": boss, "name": "Manager"}] + [
        {"email": f"{key}@{tenant.slug}.test", "name": key.capitalize(), "managerEmail": boss}
        for key in ("ana", "ben", "cy")
    ]
    ids = {p["email"].split("@")[0]: p["id"] for p in await tenant.import_rows(rows)}
    for key in ("manager", "ana", "ben", "cy"):
        ids[f"{key}_token"] = tenant.token_for(f"{key}@{tenant.slug}.test")
    return ids


async def _post(tenant, token: str, recipients: list[str], message: str, visibility: str = "PUBLIC") -> str:
    result = await tenant.gql(
        RECOGNIZE, {"input": {"recipientIds": recipients, "message": message, "visibility": visibility}}, token=token
    )
    payload = result.data["recognize"]
    assert payload["errors"] == [], payload
    return payload["recognition"]["id"]


async def test_a_public_recognition_reaches_its_tenants_subscribers_and_not_another_tenants(server, tenant, other_tenant):
    a = await _org(tenant)
    eve = (await other_tenant.create_employee(name="Eve"))["id"]
    async with subscribed(server, a["cy_token"]) as cy, subscribed(server, other_tenant.admin_token) as b_admin:
        posted = await _post(tenant, a["ana_token"], [a["ben"]], "Great launch")
        assert await cy.next() == {
            "id": posted, "message": "Great launch", "visibility": "PUBLIC", "giver": {"name": "Ana"},
            "recipients": [{"name": "Ben"}], "reactionCounts": [],
        }
        # Fences: each side's next delivery is its own tenant's later post, so neither saw the other's.
        b_posted = await _post(other_tenant, other_tenant.admin_token, [eve], "Thanks Eve")
        assert (await b_admin.next())["id"] == b_posted
        fence = await _post(tenant, a["ana_token"], [a["cy"]], "Fence")
        assert (await cy.next())["id"] == fence


async def test_a_private_recognition_reaches_its_recipient_only(server, tenant):
    p = await _org(tenant)
    async with (
        subscribed(server, p["ben_token"]) as ben,
        subscribed(server, p["ben_token"], only_to_me=True) as ben_mine,
        subscribed(server, p["cy_token"]) as cy,
        subscribed(server, p["manager_token"]) as manager,
        subscribed(server, p["ana_token"]) as giver,
    ):
        private = await _post(tenant, p["ana_token"], [p["ben"]], "Just between us", "PRIVATE")
        for stream in (ben, ben_mine):
            assert await stream.next() == {
                "id": private, "message": "Just between us", "visibility": "PRIVATE", "giver": {"name": "Ana"},
                "recipients": [{"name": "Ben"}], "reactionCounts": [],
            }
        # A refused recognition (yourself) was rolled back with its savepoint: it announces nothing.
        refused = await tenant.gql(RECOGNIZE, {"input": {"recipientIds": [p["cy"], p["ana"]], "message": "x"}},
                                   token=p["ana_token"])
        assert refused.data["recognize"]["errors"] == [{"code": "INVALID", "field": ["input", "recipientIds", "1"]}]
        to_cy = await _post(tenant, p["ana_token"], [p["cy"]], "Public, to Cy")
        # The feed subscribers' next delivery is the public one: the private one never reached them.
        for stream in (cy, manager, giver, ben):
            assert (await stream.next())["id"] == to_cy
        to_ben = await _post(tenant, p["ana_token"], [p["ben"]], "Public, to Ben")
        assert (await ben_mine.next())["id"] == to_ben  # only-to-me skipped the one to Cy
        assert (await ben.next())["id"] == to_ben


async def test_a_forged_notification_reaches_nobody_who_cannot_see_the_recognition(server, tenant, engines):
    # Any database role may NOTIFY on a channel, so a notification is only a hint: each
    # delivery re-reads the recognition as the subscriber.
    p = await _org(tenant)
    private = await _post(tenant, p["ana_token"], [p["ben"]], "Private to Ben", "PRIVATE")
    async with subscribed(server, p["cy_token"]) as cy:
        forged = {"tenant_id": raw_uuid(tenant.id), "object_id": raw_uuid(private),
                  "recipient_id": raw_uuid(p["cy"]), "visibility": "PRIVATE"}
        owner, _ = engines
        async with owner.begin() as conn:
            await conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": RECOGNITION_POSTED, "p": orjson.dumps(forged).decode()})
        fence = await _post(tenant, p["ana_token"], [p["cy"]], "Fence")
        assert (await cy.next())["id"] == fence
