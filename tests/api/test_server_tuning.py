"""Process-level tuning the server applies at startup.

Keep-alive: idle connections stay open for HR_KEEP_ALIVE_SECONDS, not uvicorn's 5 s. A
server that closes an idle connection as a client (or a load balancer) reuses it turns
that request into a connection reset; CI met exactly that with httpx's 5 s pool expiry.
Garbage collection: young passes every HR_GC_YOUNG_THRESHOLD allocations.
"""

from __future__ import annotations

import gc
import socket
import time

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.support.servers import ServerThread, free_port

REQUEST = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


def _app() -> Starlette:
    return Starlette(routes=[Route("/", lambda request: PlainTextResponse("ok"))])


def _answer(conn: socket.socket) -> bytes:
    conn.settimeout(5)
    return conn.recv(4096)


def _still_open_after(idle_seconds: float, keep_alive_seconds: int) -> bool:
    running = ServerThread(_app(), free_port(), grace_seconds=1, keep_alive_seconds=keep_alive_seconds).start()
    try:
        with socket.create_connection(("127.0.0.1", running.port)) as conn:
            conn.sendall(REQUEST)
            assert _answer(conn).startswith(b"HTTP/1.1 200")
            time.sleep(idle_seconds)
            try:
                conn.sendall(REQUEST)
                return _answer(conn).startswith(b"HTTP/1.1 200")
            except (ConnectionResetError, BrokenPipeError):
                return False
    finally:
        running.stop()


def test_an_idle_connection_outlives_the_client_pool_expiry() -> None:
    assert _still_open_after(idle_seconds=5.5, keep_alive_seconds=75)  # uvicorn alone closes at 5


def test_the_setting_reaches_the_server() -> None:
    assert not _still_open_after(idle_seconds=2, keep_alive_seconds=1)


def test_the_collector_runs_young_passes_at_the_configured_threshold(server, settings) -> None:
    assert settings.gc_young_threshold == 50_000
    assert gc.get_threshold()[0] == settings.gc_young_threshold
