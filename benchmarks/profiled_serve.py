"""`hr serve` with a sampling profiler that the benchmark switches on for one window.

Exactly the app `hr serve` runs (settings from the environment, create_app, the same
uvicorn server), wrapped so that POST /__bench/profile/start and /__bench/profile/stop
start and stop pyinstrument on the event loop's thread. Stopping writes the HTML (and a
text summary) to BENCH_PROFILE_OUT. Only `make bench --profile SCREEN` runs this.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.responses import PlainTextResponse


class ProfileSwitch:
    """An ASGI wrapper: two control routes, everything else goes to the app unchanged."""

    def __init__(self, app, output: Path) -> None:  # noqa: ANN001 - an ASGI app
        self.app = app
        self.state = app.state  # GracefulServer marks the app as draining through it
        self.output = output
        self.profiler = None

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/__bench/profile/start":
            from pyinstrument import Profiler

            # Everything the event loop's thread does: GraphQL execution, SQLAlchemy, asyncpg, idle.
            self.profiler = Profiler(interval=0.0005, async_mode="disabled")
            self.profiler.start()
            return await PlainTextResponse("started")(scope, receive, send)
        if path == "/__bench/profile/stop":
            session = self.profiler.stop()
            self.output.with_suffix(".html").write_text(self.profiler.output_html())
            tree = self.profiler.output_text(unicode=True, time="percent_of_total")
            flat = self.profiler.output_text(unicode=True, time="percent_of_total", flat=True)
            self.output.with_suffix(".txt").write_text(f"{tree}\n\nBy own time:\n{flat}")
            return await PlainTextResponse(f"{session.duration:.1f}s sampled")(scope, receive, send)
        await self.app(scope, receive, send)


def main() -> None:
    from api.app import create_app
    from api.server import GracefulServer
    from api.settings import get_settings

    settings = get_settings()
    app = ProfileSwitch(create_app(settings), Path(os.environ["BENCH_PROFILE_OUT"]))
    GracefulServer(
        app, settings.host, settings.port, settings.shutdown_grace_seconds, settings.keep_alive_seconds
    ).run()


if __name__ == "__main__":
    main()
