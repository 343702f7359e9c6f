"""Graceful shutdown: readiness turns false at once, in-flight requests still finish."""

from __future__ import annotations

import asyncio
import signal

import httpx
from sqlalchemy import text

from api.app import create_app
from tests.support.api import Api
from tests.support.servers import ServerThread, free_port


async def test_sigterm_drains_in_flight_requests_and_reports_not_ready(settings, api, tenant, engines):
    tuned = settings.model_copy(update={"port": free_port(), "dev_issuer_url": settings.dev_issuer})
    app = create_app(tuned)
    server = ServerThread(app, tuned.port).start()
    owner, _ = engines
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        pod = Api(client, api.dev_key, api.dev_issuer)
        await pod.gql("{ viewer { employee { id } } }", token=tenant.admin_token)
        async with owner.connect() as connection:
            transaction = await connection.begin()
            await connection.execute(text("LOCK TABLE departments IN ACCESS EXCLUSIVE MODE"))
            in_flight = asyncio.create_task(pod.gql("{ departments { totalCount } }", token=tenant.admin_token))
            await asyncio.sleep(0.3)  # the request is now waiting on the lock
            server.server.handle_exit(signal.SIGTERM, None)
            assert app.state.draining is True
            await transaction.rollback()  # let the in-flight request finish
        finished = await in_flight
    assert finished.status == 200 and finished.data["departments"]["totalCount"] == 0
    server.thread.join(timeout=10)
    assert not server.thread.is_alive()


async def test_readiness_reports_draining(settings):
    tuned = settings.model_copy(update={"port": free_port(), "dev_issuer_url": settings.dev_issuer})
    app = create_app(tuned)
    server = ServerThread(app, tuned.port).start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            assert (await client.get("/readyz")).status_code == 200
            app.state.draining = True
            draining = await client.get("/readyz")
            assert draining.status_code == 503 and draining.json() == {"status": "draining"}
            assert (await client.get("/healthz")).status_code == 200  # alive, just not taking traffic
    finally:
        server.stop()


async def test_sigterm_closes_live_subscriptions_with_a_reason(settings, tenant):
    from tests.api.test_subscriptions import RECEIVED, Socket

    tuned = settings.model_copy(update={"port": free_port(), "dev_issuer_url": settings.dev_issuer})
    app = create_app(tuned)
    server = ServerThread(app, tuned.port, grace_seconds=2).start()
    socket = await Socket.open(server.url, tenant.admin_token)
    await socket.subscribe("1", RECEIVED)
    server.server.handle_exit(signal.SIGTERM, None)
    code, reason = await socket.close_code()
    assert code in (1001, 1012), (code, reason)  # going away / service restart: the client reconnects elsewhere
    server.thread.join(timeout=10)
    assert not server.thread.is_alive()
