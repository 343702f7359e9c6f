"""uvicorn, with readiness that turns false the moment shutdown starts.

On SIGTERM the pod is removed from the Service's endpoints while in-flight requests
finish (up to HR_SHUTDOWN_GRACE_SECONDS); new requests are refused by uvicorn.
"""

from __future__ import annotations

import uvicorn
from starlette.applications import Starlette


class GracefulServer(uvicorn.Server):
    def __init__(
        self, app: Starlette, host: str, port: int, grace_seconds: float, keep_alive_seconds: int = 75
    ) -> None:
        super().__init__(
            uvicorn.Config(
                app,
                host=host,
                port=port,
                log_level="warning",
                access_log=False,
                lifespan="on",
                timeout_graceful_shutdown=int(grace_seconds),
                timeout_keep_alive=keep_alive_seconds,
            )
        )
        self.app = app

    def handle_exit(self, sig: int, frame) -> None:  # noqa: ANN001 - signal handler signature
        self.app.state.draining = True
        super().handle_exit(sig, frame)
