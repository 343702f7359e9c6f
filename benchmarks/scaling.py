"""More tenants on the same database, to show that no screen's latency grows with their number.

Every key, index and row-level security policy leads with tenant_id, so the large tenant's
screens should not notice other tenants' rows. The benchmark measures a few read screens,
loads `count` more small tenants with the seed's own generator (slugs `bench-extra-NNN`,
20 to 100 people each, with all their goals, reviews, feedback, recognition and 1:1s),
measures again, removes them and measures a third time: the verdict compares the middle
run with the mean of the two without, so a drift of the machine during the phase does not
read as growth. The seeded database's marker (bench_meta) is never touched, so the next
run reuses it as before; tenants left over by an interrupted run are removed when the
database is prepared.

Adding and removing skip foreign-key triggers (session_replication_role), which takes a
superuser; with any other owner the phase is skipped, with the reason.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import asyncpg

from benchmarks import db, seed

PREFIX = "bench-extra-"
DEFAULT_TENANTS = 200
PEOPLE = (20, 100)
# Read screens of the large tenant: Python-bound ones and the most database-bound (cycle).
SCREENS = ("viewer", "directory", "recognition", "cycle")
TOLERANCE = 1.25  # p50 with the extra tenants over p50 without: above this, latency "grows"
WINDOW_SECONDS = 5.0  # per measured run (after the warm-up): 12 runs, so the phase stays a few minutes


def plans(count: int) -> list[seed.TenantPlan]:
    rng = random.Random(f"{seed.SEED}/extra")
    return [seed.TenantPlan(f"{PREFIX}{i:03d}", f"Extra Co {i:03d}", rng.randint(*PEOPLE)) for i in range(1, count + 1)]


async def unsupported(url: str) -> str | None:
    connection = await db.connect(url)
    try:
        if not await connection.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            return "adding and removing tenants skips foreign-key triggers, which needs a superuser owner"
    finally:
        await connection.close()
    return None


async def add(url: str, count: int, log: Callable[[str], None] = print) -> dict:
    """Load `count` extra tenants and vacuum-analyse, as the seed leaves its own data."""
    began = time.perf_counter()
    generated = seed.generate(plans(count))
    connection = await db.connect(url)
    try:
        before = await connection.fetchval("SELECT count(*) FROM tenants")
        counts = await seed.load(connection, generated, bulk=True, defer_indexes=False)
        loaded = time.perf_counter() - began
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()
    seconds = round(time.perf_counter() - began, 1)
    log(f"tenants: added {count} tenants ({counts['employees']:,} people, {sum(counts.values()):,} rows) "
        f"in {loaded:.1f}s, vacuum analyze included {seconds}s")
    return {"tenants_before": before, "extra_tenants": count, "extra_people": counts["employees"],
            "extra_rows": sum(counts.values()), "add_seconds": seconds}


async def remove(url: str) -> tuple[int, float]:
    """Delete every extra tenant's rows (tables with a tenant_id), then vacuum-analyse them."""
    began = time.perf_counter()
    connection = await db.connect(url)
    try:
        removed = await _delete(connection)
        if removed:
            await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()
    return removed, round(time.perf_counter() - began, 1)


async def _delete(connection: asyncpg.Connection) -> int:
    ids = [row["id"] for row in await connection.fetch("SELECT id FROM tenants WHERE slug LIKE $1", f"{PREFIX}%")]
    if not ids:
        return 0
    tables = await connection.fetch(
        """SELECT c.table_name FROM information_schema.columns c
           JOIN pg_tables t ON t.schemaname = c.table_schema AND t.tablename = c.table_name
           WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'"""
    )
    async with connection.transaction():
        # No foreign-key or append-only triggers: every row of these tenants goes, in any order.
        await connection.execute("SET LOCAL session_replication_role = replica")
        for row in tables:
            await connection.execute(f'DELETE FROM "{row["table_name"]}" WHERE tenant_id = ANY($1::uuid[])', ids)
        await connection.execute("DELETE FROM tenants WHERE id = ANY($1::uuid[])", ids)
    return len(ids)


def _ratio(after: float | None, before: float | None) -> float | None:
    return round(after / before, 2) if after is not None and before else None


KEYS = ("rps", "p50_ms", "p95_ms", "p99_ms", "sql_statements_per_request", "rows_read_per_request",
        "server_cpu_ms_per_request", "db_cpu_ms_per_request", "other_cpu_share")


def _mean(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


RATIOS = {"p50_ratio": "p50_ms", "p99_ratio": "p99_ms", "rps_ratio": "rps", "rows_read_ratio": "rows_read_per_request",
          "db_cpu_ratio": "db_cpu_ms_per_request"}


def summary(before: dict[str, dict], extra: dict[str, dict], removed: dict[str, dict], added: dict,
            removal_seconds: float, clients: int, max_other: float) -> dict:
    """Per screen: without, with and again without the extra tenants; each ratio is `with`
    over the mean of the two without. Rows read per request do not depend on CPU contention:
    they show whether PostgreSQL does more work. Screens measured while other work used more
    than `max_other` of the CPUs are left out of the verdict (inconclusive when all are)."""
    rows = []
    for name, first in before.items():
        runs = {"before": first, "with_extra": extra[name], "after_removal": removed[name]}
        rows.append({
            "screen": name, **{label: {k: run[k] for k in KEYS} for label, run in runs.items()},
            **{ratio: _ratio(extra[name][key], _mean(first[key], removed[name][key])) for ratio, key in RATIOS.items()},
            "disturbed": any(run["other_cpu_share"] > max_other for run in runs.values()),
        })
    judged = [r for r in rows if not r["disturbed"]]
    grows = [r["screen"] for r in judged if r["p50_ratio"] is None or r["p50_ratio"] > TOLERANCE]
    return {**added, "clients": clients, "removal_seconds": removal_seconds, "tolerance_p50_ratio": TOLERANCE,
            "screens": rows, "judged": [r["screen"] for r in judged], "grows": grows,
            "met": (not grows) if judged else None}
