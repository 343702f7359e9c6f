"""Real HTTP servers for tests: the service under test and a stand-in identity provider."""

from __future__ import annotations

import socket
import threading
import time

from api.server import GracefulServer
from tests.support import clock


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerThread:
    """uvicorn in a daemon thread with its own event loop, reached over loopback HTTP."""

    def __init__(self, app, port: int, grace_seconds: float = 5, keep_alive_seconds: int = 75) -> None:
        self.port = port
        self.server = GracefulServer(app, "127.0.0.1", port, grace_seconds, keep_alive_seconds)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        self._pin_clock()
        return self

    def _pin_clock(self) -> None:
        services = getattr(getattr(self.server.app, "state", None), "services", None)
        if services is not None:
            services.today = clock.today

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
