"""GraphQL subscriptions over WebSocket (graphql-transport-ws) against real servers.

Three server processes share one database: the suite's server A (mutations go there),
server B (another uvicorn in this process, with its own engines, bus and LISTEN
connection, and small limits), and server C (`python -m api.cli serve` in a separate OS
process). Deliveries between them can only travel through PostgreSQL LISTEN/NOTIFY.

"Receives nothing" only means something for a subscription that is known to be live:
`subscribe` returns after a ping/pong round trip, which the server answers only once the
subscription listens, and each watched subscriber first receives a canary addressed to it.
Only then is the feedback under test given; the others are watched for a window afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from graphql import GraphQLError
from sqlalchemy import text
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from api.app import create_app
from api.realtime.ws import _public
from domain.errors import DomainError, ErrorCode
from tests.api.test_cross_tenant import raw_uuid
from tests.support.servers import ServerThread, free_port

PROTOCOL = "graphql-transport-ws"
QUIET_SECONDS = 1.0  # how long "nobody else received it" is watched
RECEIVED = "subscription { feedbackReceived { id body kind visibility giver { name } receiver { name } } }"
REQUESTED = "subscription { feedbackRequested { id question about { name } requestedBy { name } myStatus asked { status } } }"
GIVE = """mutation($input: GiveFeedbackInput!) { giveFeedback(input: $input) { feedback { id } errors { code field } } }"""
ROOT = Path(__file__).resolve().parents[2]


# --- a small graphql-transport-ws client ------------------------------------------------------


class Socket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, base_url: str, token: str | None = None, *, init: bool = True) -> Socket:
        ws = await connect(base_url.replace("http://", "ws://") + "/graphql", subprotocols=[PROTOCOL], open_timeout=5)
        socket = cls(ws)
        if init:
            assert await socket.init(token) == {"type": "connection_ack"}
        return socket

    async def send(self, message: dict) -> None:
        await self.ws.send(json.dumps(message))

    async def init(self, token: str | None) -> dict:
        await self.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"} if token else {}})
        return await self.receive()

    async def subscribe(self, op_id: str, query: str, *, wait: bool = True) -> None:
        """With `wait`, returns once the subscription listens: the server reads the next
        message (our ping) only after that, so its pong says anything committed from now on arrives."""
        await self.send({"id": op_id, "type": "subscribe", "payload": {"query": query}})
        if wait:
            await self.send({"type": "ping"})
            assert await self.receive() == {"type": "pong"}

    async def receive(self, timeout: float = 10) -> dict:
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def silent_for(self, seconds: float) -> bool:
        try:
            message = await self.receive(timeout=seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected message {message}")

    async def close_code(self, timeout: float = 10) -> tuple[int, str]:
        """Wait for the server to close the socket; its code and reason."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code, closed.rcvd.reason

    async def aclose(self) -> None:
        await self.ws.close()


async def delivered(socket: Socket, op_id: str, field: str) -> dict:
    message = await socket.receive()
    assert message["type"] == "next" and message["id"] == op_id, message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"][field]


# --- the servers ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server_b(settings):
    """Another uvicorn with its own engines and bus (so its own LISTEN connection), and small limits."""
    tuned = settings.model_copy(update={
        "port": free_port(), "dev_issuer_url": settings.dev_issuer, "ws_max_subscriptions": 2, "ws_max_connections": 2,
        "pool_size": 3,
    })
    app = create_app(tuned)
    running = ServerThread(app, tuned.port).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server_c(settings, database_url):
    """`hr serve` in a separate OS process, trusting the same development issuer."""
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": database_url, "HR_ENV": "test", "PORT": str(port),
        "HR_DATA_DIR": str(settings.data_dir), "HR_DEV_AUTH": "1", "HR_DEV_ISSUER": settings.dev_issuer,
        "HR_DB_POOL_SIZE": "3",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"hr serve did not start: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
async def people(tenant, other_tenant) -> dict[str, str]:
    """ana, ben, cy in one tenant; eve in another. IDs and "<key>_token"."""
    found = {}
    rows = [{"email": f"{key}@{tenant.slug}.test", "name": key.capitalize()} for key in ("ana", "ben", "cy")]
    for person in await tenant.import_rows(rows):
        key = person["email"].split("@")[0]
        found[key], found[f"{key}_token"] = person["id"], tenant.token_for(person["email"])
    (eve,) = await other_tenant.import_rows([{"email": f"eve@{other_tenant.slug}.test", "name": "Eve"}])
    found["eve"], found["eve_token"] = eve["id"], other_tenant.token_for(eve["email"])
    found["oscar_token"] = other_tenant.admin_token
    return found


async def give(handle, token: str, to: str, body: str, visibility: str = "PRIVATE", **values) -> dict:
    payload = {"toEmployeeId": to, "body": body, "kind": "PRAISE", "visibility": visibility, **values}
    return (await handle.gql(GIVE, {"input": payload}, token=token)).data["giveFeedback"]


async def given(handle, token: str, to: str, body: str, visibility: str = "PRIVATE") -> str:
    payload = await give(handle, token, to, body, visibility)
    assert payload["errors"] == [], payload
    return payload["feedback"]["id"]


async def live(socket: Socket, op_id: str, handle, giver_token: str, receiver: str) -> None:
    """Subscribe to feedbackReceived and prove it live with a canary addressed to the receiver."""
    await socket.subscribe(op_id, RECEIVED)
    await given(handle, giver_token, receiver, f"canary for {op_id}")
    assert (await delivered(socket, op_id, "feedbackReceived"))["body"] == f"canary for {op_id}"


# --- delivery across processes -----------------------------------------------------------------


async def test_feedback_given_through_one_server_reaches_only_its_receiver_on_the_others(
    tenant, other_tenant, people, server_b, server_c
):
    ana_b = await Socket.open(server_b.url, people["ana_token"])
    ana_c = await Socket.open(server_c, people["ana_token"])
    cy_b = await Socket.open(server_b.url, people["cy_token"])  # same tenant, not the receiver
    eve_c = await Socket.open(server_c, people["eve_token"])  # another tenant
    try:
        for socket, op_id in ((ana_b, "ana-b"), (ana_c, "ana-c")):
            await socket.subscribe(op_id, RECEIVED)
        await live(cy_b, "cy-b", tenant, people["ben_token"], people["cy"])
        await live(eve_c, "eve-c", other_tenant, people["oscar_token"], people["eve"])
        await given(tenant, people["ben_token"], people["ana"], "canary for ana")
        for socket, op_id in ((ana_b, "ana-b"), (ana_c, "ana-c")):
            assert (await delivered(socket, op_id, "feedbackReceived"))["body"] == "canary for ana"

        # The feedback under test, given through server A.
        feedback = await given(tenant, people["ben_token"], people["ana"], "Your demo was sharp.", "PRIVATE")
        expected = {"id": feedback, "body": "Your demo was sharp.", "kind": "PRAISE", "visibility": "PRIVATE",
                    "giver": {"name": "Ben"}, "receiver": {"name": "Ana"}}
        assert await delivered(ana_b, "ana-b", "feedbackReceived") == expected
        assert await delivered(ana_c, "ana-c", "feedbackReceived") == expected
        quiet = await asyncio.gather(cy_b.silent_for(QUIET_SECONDS), eve_c.silent_for(QUIET_SECONDS))
        assert quiet == [True, True]
    finally:
        for socket in (ana_b, ana_c, cy_b, eve_c):
            await socket.aclose()


async def test_a_feedback_request_reaches_each_person_asked_and_not_its_subject(tenant, people, server_b, api):
    cy = await Socket.open(server_b.url, people["cy_token"])
    ana = await Socket.open(api.client.base_url.__str__(), people["ana_token"])
    try:
        await cy.subscribe("cy", REQUESTED)
        await ana.subscribe("ana", REQUESTED)
        asked = await tenant.gql(
            """mutation($about: ID!, $from: [ID!]!) { requestFeedback(input: {aboutEmployeeId: $about,
                 fromEmployeeIds: $from, question: "How did I run the retro?", dueDate: "2099-01-01"}) {
                 feedbackRequest { id } errors { code } } }""",
            {"about": people["ben"], "from": [people["cy"]]}, token=people["ben_token"],
        )
        request = asked.data["requestFeedback"]["feedbackRequest"]["id"]
        # The asked person sees their part, never who else was asked.
        assert await delivered(cy, "cy", "feedbackRequested") == {
            "id": request, "question": "How did I run the retro?", "about": {"name": "Ben"},
            "requestedBy": {"name": "Ben"}, "myStatus": "OPEN", "asked": None,
        }
        # ana was subscribed first and is live (a request to her arrives), yet heard nothing of ben's.
        assert await ana.silent_for(QUIET_SECONDS)
        to_ana = await tenant.gql(
            """mutation($about: ID!, $from: [ID!]!) { requestFeedback(input: {aboutEmployeeId: $about,
                 fromEmployeeIds: $from, question: "And mine?", dueDate: "2099-01-01"}) { errors { code } } }""",
            {"about": people["ben"], "from": [people["ana"]]}, token=people["ben_token"],
        )
        assert to_ana.data["requestFeedback"]["errors"] == []
        assert (await delivered(ana, "ana", "feedbackRequested"))["question"] == "And mine?"
    finally:
        await cy.aclose()
        await ana.aclose()


async def test_a_mutation_answered_with_a_user_error_announces_nothing(tenant, people, server_b):
    archived = await tenant.gql("""mutation { c: createCompetency(input: {name: "Gone", category: "CORE"}) {
      competency { id } } }""")
    competency = archived.data["c"]["competency"]["id"]
    await tenant.gql("mutation($id: ID!) { archiveCompetency(input: {id: $id}) { errors { code } } }", {"id": competency})
    ana = await Socket.open(server_b.url, people["ana_token"])
    try:
        await live(ana, "ana", tenant, people["ben_token"], people["ana"])
        # The feedback row and its NOTIFY were written, then the savepoint rolled back on the archived competency.
        refused = await give(tenant, people["ben_token"], people["ana"], "Rolled back", competencyIds=[competency])
        assert refused == {"feedback": None, "errors": [{"code": "INVALID_STATE", "field": ["input", "competencyIds", "0"]}]}
        # Two in one request: the first commits and is announced, the refused second is not.
        both = await tenant.gql(
            """mutation($ana: ID!, $c: ID!) {
              ok: giveFeedback(input: {toEmployeeId: $ana, body: "Kept", kind: PRAISE, visibility: PRIVATE}) { errors { code } }
              no: giveFeedback(input: {toEmployeeId: $ana, body: "Dropped", kind: PRAISE, visibility: PRIVATE,
                                       competencyIds: [$c]}) { errors { code } } }""",
            {"ana": people["ana"], "c": competency}, token=people["ben_token"],
        )
        assert both.data == {"ok": {"errors": []}, "no": {"errors": [{"code": "INVALID_STATE"}]}}
        assert (await delivered(ana, "ana", "feedbackReceived"))["body"] == "Kept"
        assert await ana.silent_for(QUIET_SECONDS)
    finally:
        await ana.aclose()


async def _notify(engines, payload: dict) -> None:
    """A NOTIFY sent straight to the database: anyone with a connection can do this."""
    owner, _ = engines
    async with owner.begin() as conn:
        await conn.execute(text("SELECT pg_notify('hr_feedback_received', :p)"), {"p": json.dumps(payload)})


async def test_a_forged_notification_shows_nothing_the_subscriber_may_not_see(
    tenant, other_tenant, people, server_b, engines
):
    ana = await Socket.open(server_b.url, people["ana_token"])
    try:
        await live(ana, "ana", tenant, people["ben_token"], people["ana"])
        private = await given(tenant, people["ben_token"], people["cy"], "between ben and cy", "PRIVATE")
        foreign = await given(other_tenant, people["oscar_token"], people["eve"], "in another tenant", "PUBLIC")
        tenant_id, ana_id = raw_uuid(tenant.id), raw_uuid(people["ana"])
        # Addressed to ana, naming objects she may not see: re-read with her rights, they are not there.
        for object_id in (raw_uuid(private), raw_uuid(foreign), "not-a-uuid"):
            await _notify(engines, {"tenant_id": tenant_id, "recipient_id": ana_id, "object_id": object_id})
        await _notify(engines, {"tenant_id": raw_uuid(other_tenant.id), "recipient_id": ana_id, "object_id": raw_uuid(foreign)})
        assert await ana.silent_for(QUIET_SECONDS)
        await given(tenant, people["ben_token"], people["ana"], "still live")
        assert (await delivered(ana, "ana", "feedbackReceived"))["body"] == "still live"
    finally:
        await ana.aclose()


async def test_a_subscriber_who_left_the_company_is_disconnected_at_the_next_event(tenant, people, server_b, engines):
    ana = await Socket.open(server_b.url, people["ana_token"])
    await live(ana, "ana", tenant, people["ben_token"], people["ana"])
    left = await tenant.gql("mutation($id: ID!) { terminateEmployee(input: {employeeId: $id}) { errors { code } } }",
                            {"id": people["ana"]})
    assert left.data["terminateEmployee"]["errors"] == []
    # Nothing can be given to her any more, so the next event for her is a bare NOTIFY.
    await _notify(engines, {"tenant_id": raw_uuid(tenant.id), "recipient_id": raw_uuid(people["ana"]),
                            "object_id": raw_uuid(people["ana"])})
    assert await ana.close_code() == (4403, "Forbidden")


# --- the protocol's gate: connection_init, tokens, limits ---------------------------------------


async def test_subscribing_before_connection_init_closes_the_socket_with_4401(server_b):
    socket = await Socket.open(server_b.url, init=False)
    await socket.subscribe("early", RECEIVED, wait=False)
    assert await socket.close_code() == (4401, "Unauthorized")


@pytest.mark.parametrize("case", ["forged", "missing", "no tenant", "unknown person"])
async def test_a_bad_token_at_connection_init_is_refused_with_4403(server_b, api, tenant, case):
    good = tenant.admin_token
    token = {
        "forged": good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"),  # the signature no longer matches
        "missing": None,
        "no tenant": api.platform_token(),  # valid, but names no employee
        "unknown person": tenant.token_for(f"nobody@{tenant.slug}.test"),
    }[case]
    socket = await Socket.open(server_b.url, init=False)
    await socket.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"} if token else {}})
    code, reason = await socket.close_code()
    assert code == 4403 and reason.startswith("Forbidden"), (code, reason)


async def test_an_expired_token_ends_the_subscription(server_b, api, tenant, people):
    short = api.token(f"ana@{tenant.slug}.test", tenant.slug, exp=int(time.time()) + 2)
    socket = await Socket.open(server_b.url, short)
    await socket.subscribe("ana", RECEIVED)
    started = time.monotonic()
    assert await socket.close_code(timeout=10) == (4403, "Token expired")
    assert time.monotonic() - started < 4
    # The same person with a fresh token is served again.
    fresh = await Socket.open(server_b.url, people["ana_token"])
    await live(fresh, "again", tenant, people["ben_token"], people["ana"])
    await fresh.aclose()


async def test_at_most_n_subscriptions_per_connection(server_b, tenant, people):
    socket = await Socket.open(server_b.url, people["ana_token"])  # server B allows 2
    try:
        await socket.subscribe("one", RECEIVED)
        await socket.subscribe("two", REQUESTED)
        await socket.subscribe("three", RECEIVED, wait=False)
        refused = await socket.receive()
        assert refused == {"id": "three", "type": "error", "payload": [{
            "message": "At most 2 subscriptions per connection; complete one first",
            "extensions": {"code": "SUBSCRIPTION_LIMIT"}}]}
        # Completing one frees its place, and the others keep working.
        await socket.send({"id": "one", "type": "complete"})
        await socket.subscribe("four", RECEIVED)
        await given(tenant, people["ben_token"], people["ana"], "counted")
        assert (await delivered(socket, "four", "feedbackReceived"))["body"] == "counted"
    finally:
        await socket.aclose()


async def _admitted_soon(url: str, token: str) -> Socket:
    for _ in range(20):
        socket = await Socket.open(url, init=False)
        try:
            if await socket.init(token) == {"type": "connection_ack"}:
                return socket
        except ConnectionClosed:  # 4429: not yet
            await asyncio.sleep(0.1)
    raise AssertionError("the freed connection slot was never given back")


async def test_at_most_m_connections_per_person(server_b, people):
    first = await Socket.open(server_b.url, people["ana_token"])  # server B allows 2
    second = await Socket.open(server_b.url, people["ana_token"])
    third = await Socket.open(server_b.url, init=False)
    await third.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {people['ana_token']}"}})
    assert await third.close_code() == (4429, "Too many connections: at most 2 per person")
    await second.aclose()
    again = await _admitted_soon(server_b.url, people["ana_token"])  # once the server has seen the close
    # Another person is counted apart.
    ben = await Socket.open(server_b.url, people["ben_token"])
    for socket in (first, again, ben):
        await socket.aclose()


async def test_only_subscriptions_are_served_over_the_socket(server_b, people):
    socket = await Socket.open(server_b.url, people["ana_token"])
    try:
        await socket.subscribe("q", "{ viewer { roles } }", wait=False)
        assert await socket.receive() == {"id": "q", "type": "error", "payload": [{
            "message": "Only subscriptions are served over WebSocket; send queries and mutations with POST",
            "extensions": {"code": "BAD_REQUEST"}}]}
        deep = "subscription { feedbackReceived { giver { " + "manager { " * 9 + "name" + " }" * 12
        await socket.subscribe("deep", deep, wait=False)
        assert (await socket.receive())["payload"][0]["extensions"] == {"code": "QUERY_TOO_DEEP"}
        await socket.subscribe("typo", "subscription { feedbackReceived { bodyy } }", wait=False)
        invalid = await socket.receive()
        assert (invalid["type"], invalid["payload"][0]["extensions"]) == ("error", {"code": "GRAPHQL_VALIDATION_FAILED"})
    finally:
        await socket.aclose()


async def test_a_subscription_sent_over_http_is_pointed_at_the_websocket(tenant):
    for method in ("POST", "GET"):
        if method == "POST":
            result = await tenant.gql(RECEIVED)
            status, body = result.status, result.body
        else:
            response = await tenant.api.client.get("/graphql", params={"query": RECEIVED},
                                                   headers={"Authorization": f"Bearer {tenant.admin_token}"})
            status, body = response.status_code, response.json()
        assert (status, body) == (400, {"errors": [{
            "message": "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql",
            "extensions": {"code": "BAD_REQUEST"}}]}), method


def test_unexpected_errors_are_masked_and_domain_errors_keep_their_code():
    leaked = _public(GraphQLError("boom", original_error=RuntimeError("password=hunter2"), path=["feedbackReceived"]), "s")
    assert leaked.formatted == {"message": "Internal server error", "path": ["feedbackReceived"],
                                "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
    domain = _public(GraphQLError("x", original_error=DomainError(ErrorCode.INVALID, "Bad", ["first"])), "s")
    assert (domain.message, domain.extensions) == ("Bad", {"code": "INVALID", "field": ["first"]})
    down = _public(GraphQLError("x", original_error=ConnectionRefusedError("db:5432")), "s")
    assert (down.message, down.extensions) == ("Service unavailable", {"code": "SERVICE_UNAVAILABLE"})
