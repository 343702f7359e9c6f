"""The LISTEN/NOTIFY bus (tenants/notify.py) on real PostgreSQL, as the request role.

Publishing goes through real committed (or rolled-back) tenant transactions; listening
through the bus's own asyncpg connection, which one test kills from the server side.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tenants.notify import NotificationBus, publish, publish_many
from tenants.session import mark_rollback_only, tenant_session

WAIT = 5.0


@pytest.fixture
async def bus(engines):
    _, app = engines
    running = NotificationBus(app.url.set(drivername="postgresql").render_as_string(hide_password=False), min_backoff=0.05)
    yield running
    await running.aclose()


def _channel() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


async def _next(subscription, timeout: float = WAIT):
    return await asyncio.wait_for(anext(subscription), timeout)


async def _nothing(subscription, seconds: float = 0.5) -> bool:
    try:
        await asyncio.wait_for(anext(subscription), seconds)
    except TimeoutError:
        return True
    return False


async def test_a_committed_publish_arrives_with_its_tenant_and_ids_only(engines, service_tenants, bus):
    _, app = engines
    channel, recipient, thing = _channel(), uuid.uuid4(), uuid.uuid4()
    async with bus.subscription(channel) as events:
        async with tenant_session(app, service_tenants[0]) as session:
            await publish(session, channel, {"recipient_id": recipient, "object_id": thing})
        notification = await _next(events)
    assert notification.channel == channel
    assert notification.payload == {"tenant_id": str(service_tenants[0]), "recipient_id": str(recipient), "object_id": str(thing)}
    assert (notification.tenant_id, notification.uuid("object_id")) == (service_tenants[0], thing)


async def test_nothing_arrives_from_a_rolled_back_transaction_or_savepoint(engines, service_tenants, bus):
    _, app = engines
    channel = _channel()
    async with bus.subscription(channel) as events:
        async with tenant_session(app, service_tenants[0]) as session:
            await publish(session, channel, {"object_id": "whole transaction rolled back"})
            mark_rollback_only(session)
        async with tenant_session(app, service_tenants[0]) as session:
            with pytest.raises(RuntimeError):
                async with session.begin_nested():  # as a mutation answered with a UserError
                    await publish(session, channel, {"object_id": "savepoint rolled back"})
                    raise RuntimeError("refused")
            await publish(session, channel, {"object_id": "kept"})
        assert (await _next(events))["object_id"] == "kept"
        assert await _nothing(events)


async def test_each_subscriber_gets_only_what_its_predicate_accepts(engines, service_tenants, bus):
    _, app = engines
    channel, ana, ben = _channel(), uuid.uuid4(), uuid.uuid4()

    def for_(person):
        return lambda notification: notification.uuid("recipient_id") == person

    async with bus.subscription(channel, for_(ana)) as to_ana, bus.subscription(channel, for_(ben)) as to_ben:
        assert bus.subscriber_count(channel) == 2
        async with tenant_session(app, service_tenants[0]) as session:
            await publish_many(session, channel, [{"recipient_id": ana, "object_id": n} for n in ("1", "2")])
        assert [(await _next(to_ana))["object_id"] for _ in range(2)] == ["1", "2"]
        assert await _nothing(to_ben)
    assert bus.subscriber_count(channel) == 0


async def test_the_bus_listens_again_after_its_connection_is_killed(engines, service_tenants, bus):
    owner, app = engines
    channel = _channel()
    async with bus.subscription(channel) as events:
        killed = bus.backend_pid
        async with owner.begin() as conn:  # what a database restart or a failover does to the connection
            assert await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": killed}) is True
        for _ in range(100):
            if bus.reconnects == 1 and bus.backend_pid not in (None, killed):
                break
            await asyncio.sleep(0.05)
        assert (bus.reconnects, bus.connected) == (1, True)
        async with tenant_session(app, service_tenants[0]) as session:
            await publish(session, channel, {"object_id": "after the restart"})
        assert (await _next(events))["object_id"] == "after the restart"


async def test_notifications_that_are_not_ours_are_ignored(engines, service_tenants, bus):
    owner, app = engines
    channel = _channel()
    async with bus.subscription(channel) as events:
        async with owner.begin() as conn:  # anyone may NOTIFY on any channel
            for junk in ("garbage", "[1, 2]", '{"object_id": 7}'):
                await conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": channel, "p": junk})
        async with tenant_session(app, service_tenants[0]) as session:
            await publish(session, channel, {"object_id": "real"})
        first = await _next(events)
        # A JSON object with a non-string value arrives with that value blanked; the rest never arrive.
        assert (first.payload, first.uuid("object_id")) == ({"object_id": None}, None)
        assert (await _next(events))["object_id"] == "real"
        assert await _nothing(events)


async def test_publishing_needs_a_tenant_session_and_a_plain_channel_name(engines, service_tenants):
    _, app = engines
    async with AsyncSession(app) as unbound:
        with pytest.raises(RuntimeError, match="bound to a tenant"):
            await publish(unbound, "hr_anything", {"object_id": "x"})
    async with tenant_session(app, service_tenants[0]) as session:
        for bad in ("Upper", "with space", "x" * 64, "semi;colon"):
            with pytest.raises(ValueError, match="invalid channel"):
                await publish(session, bad, {"object_id": "x"})
        with pytest.raises(ValueError, match="ids only"):
            await publish(session, "hr_anything", {"object_id": "x" * 8000})
        mark_rollback_only(session)
