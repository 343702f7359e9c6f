"""PostgreSQL LISTEN/NOTIFY as the event bus between server processes (no new infrastructure).

Publishing: `await publish(session, channel, {"recipient_id": ..., "object_id": ...})`
inside the writing transaction. It runs `pg_notify`, which PostgreSQL delivers only when
that transaction commits: a rolled-back write (or a rolled-back savepoint, such as a
mutation that answered with a UserError) announces nothing. The payload is ids only,
plus the tenant of the session, which `publish` adds itself so a caller cannot announce
into another tenant by mistake.

Listening: one `NotificationBus` per process keeps one dedicated asyncpg connection (as
the request role) that LISTENs on every channel someone subscribed to, and fans each
notification out to the in-process subscribers whose predicate accepts it:

    async with bus.subscription(FEEDBACK_RECEIVED, lambda n: n["recipient_id"] == me) as events:
        async for notification in events:   # Notification: .channel, .tenant_id, ["object_id"]
            ...

When `subscription()` returns, the LISTEN is in place, so anything committed afterwards
arrives. If the connection drops (a database restart), the bus reconnects with
exponential backoff and LISTENs again; notifications sent while it was away are lost, so
clients should refetch after reconnecting.

NOTIFY channels are database-wide and any role may NOTIFY on them, so a notification is
only a hint: subscribers must re-read the object through their own tenant-scoped session
and visibility rules before showing anything (api/realtime does).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
import orjson
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

log = structlog.get_logger(__name__)

_CHANNEL = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MAX_PAYLOAD_BYTES = 7_900  # PostgreSQL refuses payloads of 8,000 bytes or more
_NOTIFY = text("SELECT pg_notify(:channel, payload) FROM unnest(CAST(:payloads AS text[])) AS payload")


def _check_channel(channel: str) -> str:
    if not _CHANNEL.match(channel):
        raise ValueError(f"invalid channel name {channel!r}")
    return channel


def _encode(tenant_id: UUID, payload: Mapping[str, Any]) -> str:
    body = {key: None if value is None else str(value) for key, value in payload.items()}
    body["tenant_id"] = str(tenant_id)
    encoded = orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode()
    if len(encoded.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError("notification payload too large; send ids only")
    return encoded


async def publish(session: AsyncSession, channel: str, payload: Mapping[str, Any]) -> None:
    """Announce `payload` (ids) on `channel` when the session's transaction commits."""
    await publish_many(session, channel, [payload])


async def publish_many(session: AsyncSession, channel: str, payloads: Sequence[Mapping[str, Any]]) -> None:
    """Several notifications on one channel in one statement (e.g. one per person asked)."""
    tenant_id = session.info.get("tenant_id")
    if tenant_id is None:
        raise RuntimeError("publish needs a session bound to a tenant (tenants.session.bind_tenant)")
    if payloads:
        encoded = [_encode(tenant_id, payload) for payload in payloads]
        await session.execute(_NOTIFY, {"channel": _check_channel(channel), "payloads": encoded})


@dataclass(frozen=True, slots=True)
class Notification:
    channel: str
    payload: dict[str, str | None]

    @property
    def tenant_id(self) -> UUID | None:
        return self.uuid("tenant_id")

    def uuid(self, key: str) -> UUID | None:
        """The id under `key`, or None when absent or not a UUID (payloads are only hints)."""
        value = self.payload.get(key)
        try:
            return UUID(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def __getitem__(self, key: str) -> str | None:
        return self.payload.get(key)


Predicate = Callable[[Notification], bool]


@dataclass(eq=False)
class Subscription:
    """One subscriber's queue. Iterate it for the notifications its predicate accepted."""

    channel: str
    predicate: Predicate
    queue: asyncio.Queue[Notification] = field(default_factory=lambda: asyncio.Queue(maxsize=100))
    dropped: int = 0
    listening: bool = False  # the LISTEN is in place

    def offer(self, notification: Notification) -> None:
        try:
            accepted = self.predicate(notification)
        except Exception:  # noqa: BLE001 - a faulty predicate must not stop the fan-out
            log.exception("notification_predicate_failed", channel=self.channel)
            return
        if not accepted:
            return
        try:
            self.queue.put_nowait(notification)
        except asyncio.QueueFull:
            # A subscriber that stopped reading must not grow memory without bound.
            self.dropped += 1
            log.warning("notification_dropped", channel=self.channel, dropped=self.dropped)

    def __aiter__(self) -> AsyncIterator[Notification]:
        return self

    async def __anext__(self) -> Notification:
        return await self.queue.get()


class NotificationBus:
    """One LISTEN connection per process, shared by every subscriber of every channel."""

    def __init__(
        self, dsn: str, *, min_backoff: float = 0.1, max_backoff: float = 5.0, connect_timeout: float = 3.0,
    ) -> None:
        self._dsn = dsn
        self._min_backoff, self._max_backoff = min_backoff, max_backoff
        self._connect_timeout = connect_timeout
        self._subscribers: dict[str, set[Subscription]] = {}
        self._listening: set[str] = set()  # channels LISTENed on the current connection
        self._connection: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._reconnecting: asyncio.Task | None = None
        self._closed = False
        self.reconnects = 0  # how often the connection was re-established (logs, tests)

    # --- subscribing ---------------------------------------------------------------------

    @asynccontextmanager
    async def subscription(self, channel: str, predicate: Predicate = lambda _: True) -> AsyncIterator[Subscription]:
        """Register a subscriber; the LISTEN is in place when this returns (or it raises)."""
        subscriber = Subscription(_check_channel(channel), predicate)
        self._subscribers.setdefault(channel, set()).add(subscriber)
        try:
            await self._listen(channel)
            subscriber.listening = True
            yield subscriber
        finally:
            self._subscribers[channel].discard(subscriber)

    def subscriber_count(self, channel: str | None = None) -> int:
        """Subscribers whose LISTEN is in place (so a rising count means "now listening")."""
        channels = [channel] if channel is not None else list(self._subscribers)
        return sum(1 for c in channels for subscriber in self._subscribers.get(c, ()) if subscriber.listening)

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend of the LISTEN connection (diagnostics, tests)."""
        return self._connection.get_server_pid() if self.connected else None

    # --- the connection ------------------------------------------------------------------

    async def _listen(self, channel: str) -> None:
        async with self._lock:
            if self._closed:
                raise RuntimeError("the notification bus is closed")
            if not self.connected:
                await self._connect()
            if channel not in self._listening:
                await self._connection.add_listener(channel, self._dispatch)
                self._listening.add(channel)

    async def _connect(self) -> None:
        """With the lock held: a fresh connection LISTENing on every channel in use."""
        connection = await asyncpg.connect(self._dsn, timeout=self._connect_timeout)
        channels = [c for c, subscribers in self._subscribers.items() if subscribers]
        try:
            for channel in channels:
                await connection.add_listener(channel, self._dispatch)
        except BaseException:
            connection.terminate()
            raise
        connection.add_termination_listener(self._lost)
        self._connection = connection
        self._listening = set(channels)

    def _dispatch(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        try:
            body = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return  # not ours: anyone may NOTIFY on a channel
        if not isinstance(body, dict):
            return
        notification = Notification(channel, {str(k): v if isinstance(v, str) else None for k, v in body.items()})
        for subscriber in list(self._subscribers.get(channel, ())):
            subscriber.offer(notification)

    def _lost(self, connection: Any) -> None:
        if connection is not self._connection or self._closed:
            return
        log.warning("notification_connection_lost")
        self._connection, self._listening = None, set()
        if not any(self._subscribers.values()):
            return  # nobody listens; the next subscription connects again
        if self._reconnecting is None or self._reconnecting.done():
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = self._min_backoff
        while not self._closed:
            await asyncio.sleep(delay)
            try:
                async with self._lock:
                    if self._closed or self.connected:
                        return
                    await self._connect()
                self.reconnects += 1
                log.info("notification_connection_restored", channels=sorted(self._listening))
                return
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
                log.info("notification_reconnect_failed", error=type(error).__name__, retry_in=delay)
                delay = min(delay * 2, self._max_backoff)

    async def aclose(self) -> None:
        self._closed = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with suppress(asyncio.CancelledError):
                await self._reconnecting
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with suppress(Exception):
                await asyncio.wait_for(connection.close(), timeout=2)
