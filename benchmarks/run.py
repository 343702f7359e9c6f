"""`make bench`: the SPA screens against the real server on the large seeded tenant.

    python -m benchmarks.run [--duration 10] [--quick] [--clients 1,16] [--screens a,b]
                             [--profile SCREEN] [--reseed] [--tenants N]

1. The database: BENCH_DATABASE_URL, else TEST_DATABASE_URL's server (database hr_bench),
   else an embedded server under .data/bench-pg. Migrated to head; seeded (benchmarks/
   seed.py) unless bench_meta says the schema and generator are unchanged.
2. The server: `hr serve` in a subprocess (uvicorn with uvloop and httptools), HR_ENV=
   production, the development issuer trusted (HR_DEV_AUTH=1) so the benchmark can sign
   real RS256 tokens, rate limits raised out of the way. The floor (benchmarks/floor.py)
   runs beside it.
3. Each screen at 1 and 16 closed-loop clients (separate processes, httpx keep-alive),
   after a warm-up, for a fixed time; then the table, the floor ratio, the budgets, and
   benchmarks/results/latest.json.
4. Tenant scaling (unless --tenants 0; off with --quick unless --tenants is given): a few
   read screens at the top client count; again after N more small tenants are loaded
   (slugs bench-extra-*); again once they are removed (benchmarks/scaling.py). The seeded
   database is reused afterwards as before.

SQL statements per request come from the server's hr_sql_statements_per_request
histogram (/metrics), since production sends no x-sql-statements header. Rows read are
pg_stat_database tup_returned + tup_fetched over the window (pg_stat_statements is not
assumed); PostgreSQL flushes those counters at most once a second per backend, so they
are approximate. CPU per request is the server process's (and PostgreSQL's, when it runs
on this machine) CPU time over the window divided by the requests answered in it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson
import psutil
from sqlalchemy.engine import make_url

from benchmarks import db, scaling, screens, seed
from benchmarks.loadgen import ClientPlan, WorkerResult, percentile, run_load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DATA = ROOT / ".data" / "bench"
ISSUER = "http://bench.invalid/dev"  # fixed, so sign-in bindings survive between runs
AUDIENCE = "hr-api"
UNLIMITED = "1000000000/minute"
SERVER_POOL = 10  # HR_DB_POOL_SIZE's default; the floor gets the same


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start(name: str, command: list[str], env: dict[str, str], port: int, ready_path: str, probe) -> Process:  # noqa: ANN001
    DATA.mkdir(parents=True, exist_ok=True)
    log = DATA / f"{name}.log"
    handle = log.open("wb")  # a file, never a pipe nobody reads: a full pipe would stall the server
    popen = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)
    process = Process(name, popen, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"{name} exited with {popen.returncode}:\n{process.tail()}")
        try:
            if probe(process.url + ready_path):
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.stop()
    raise RuntimeError(f"{name} did not become ready:\n{process.tail()}")


def server_env(url: str, port: int, mode: str, profile_out: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HR_")}
    env.update({
        "HR_ENV": mode,
        "DATABASE_URL": url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "HR_DATA_DIR": str(DATA),
        "HR_DEV_AUTH": "1",
        "HR_DEV_AUTH_IN_PRODUCTION": "1",  # production settings, but the harness signs the tokens
        "HR_DEV_ISSUER": ISSUER,
        "HR_INTROSPECTION": "0",
        # The benchmark is a handful of principals sending thousands of requests a second.
        "HR_RATE_PRINCIPAL_REQUESTS": UNLIMITED,
        "HR_RATE_TENANT_REQUESTS": UNLIMITED,
        "HR_RATE_PRINCIPAL_COST": UNLIMITED,
        "HR_RATE_TENANT_COST": UNLIMITED,
    })
    for name in ("HR_APP_DB_PASSWORD", "HR_APP_ROLE", "HR_DB_POOL_SIZE", "HR_GC_YOUNG_THRESHOLD"):
        if name in os.environ:
            env[name] = os.environ[name]
    if profile_out is not None:
        env["BENCH_PROFILE_OUT"] = str(profile_out)
    return env


def serve_command(profiled: bool) -> list[str]:
    if profiled:
        return [sys.executable, "-m", "benchmarks.profiled_serve"]
    hr = Path(sys.executable).parent / "hr"
    return [str(hr), "serve"] if hr.exists() else [sys.executable, "-m", "api.cli", "serve"]


# --- measurements -------------------------------------------------------------------------


class Sampler(threading.Thread):
    """Resident memory of the watched processes, sampled every 100 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.processes: dict[str, psutil.Process] = {}
        self.peak: dict[str, int] = {}
        self.window: dict[str, int] = {}
        self.stopped = threading.Event()

    def watch(self, name: str, pid: int) -> None:
        self.processes[name] = psutil.Process(pid)

    def rss(self, name: str) -> int:
        return self.processes[name].memory_info().rss

    def reset_window(self) -> None:
        self.window = {}

    def run(self) -> None:
        while not self.stopped.wait(0.1):
            for name, process in list(self.processes.items()):
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                self.peak[name] = max(self.peak.get(name, 0), rss)
                self.window[name] = max(self.window.get(name, 0), rss)


class Probe:
    """Server-side counters: the database's statistics and CPU, and the server's metrics."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.connection = self.loop.run_until_complete(db.connect(url))
        backend = self.loop.run_until_complete(self.connection.fetchval("SELECT pg_backend_pid()"))
        self.postmaster = None
        try:
            parent = psutil.Process(backend).parent()
            if parent is not None and "postgres" in parent.name():
                self.postmaster = parent
        except psutil.Error:
            pass  # PostgreSQL runs elsewhere: no database CPU figures

    def query(self, sql: str, *args):  # noqa: ANN201
        return self.loop.run_until_complete(self.connection.fetchrow(sql, *args))

    def execute(self, sql: str, *args) -> str:
        return self.loop.run_until_complete(self.connection.execute(sql, *args))

    def database(self) -> dict:
        row = self.query(
            "SELECT tup_returned + tup_fetched AS rows, sessions FROM pg_stat_database WHERE datname = current_database()"
        )
        return {"rows": row["rows"], "sessions": row["sessions"]}

    def database_cpu(self) -> float | None:
        if self.postmaster is None:
            return None
        try:
            own = self.postmaster.cpu_times()
            total = own.user + own.system + own.children_user + own.children_system
            for child in self.postmaster.children():
                try:
                    times = child.cpu_times()
                    total += times.user + times.system
                except psutil.Error:
                    continue
            return total
        except psutil.Error:
            return None

    def close(self) -> None:
        self.loop.run_until_complete(self.connection.close())
        self.loop.close()


_SUM = re.compile(rb"^hr_sql_statements_per_request_sum ([0-9.e+]+)$", re.M)
_COUNT = re.compile(rb"^hr_sql_statements_per_request_count ([0-9.e+]+)$", re.M)


def statement_totals(server: Process) -> tuple[float, float]:
    body = httpx.get(server.url + "/metrics", timeout=10).content
    return float(_SUM.search(body).group(1)), float(_COUNT.search(body).group(1))


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def busy_cpu_seconds() -> float:
    """Every CPU's non-idle time, all processes: what else ran during a window shows up here."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)


@dataclass
class Snapshot:
    at: float
    statements: tuple[float, float] | None
    database: dict
    server_cpu: float
    database_cpu: float | None
    busy_cpu: float


@dataclass
class Bench:
    args: argparse.Namespace
    url: str
    fixtures: dict
    probe: Probe
    sampler: Sampler
    key: object
    server: Process | None = None
    floor: Process | None = None
    mode: str = "production"
    tokens: dict[str, str] = field(default_factory=dict)
    runs: list[dict] = field(default_factory=list)
    not_built: list[dict] = field(default_factory=list)
    postgres: str = ""
    scaling: dict | None = None

    def token(self, email: str) -> str:
        if email not in self.tokens:
            from api.auth.dev_issuer import mint_token

            self.tokens[email] = mint_token(self.key, ISSUER, AUDIENCE, email=email, tenant=self.fixtures["tenant"]["slug"])
        return self.tokens[email]

    def headers(self, email: str, floor: bool = False) -> dict[str, str]:
        headers = {"authorization": f"Bearer {self.token(email)}", "content-type": "application/json"}
        if floor:
            headers["x-tenant-id"] = self.fixtures["tenant"]["id"]
        return headers

    def snapshot(self, target: Process) -> Snapshot:
        statements = statement_totals(target) if target is self.server else None
        return Snapshot(time.time(), statements, self.probe.database(), cpu_seconds(target.pid), self.probe.database_cpu(),
                        busy_cpu_seconds())


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def summarize(name: str, target: str, clients: int, result: WorkerResult, duration: float,
              before: Snapshot, after: Snapshot, rss_peak: int) -> dict:
    latencies = result.reads_ms + result.writes_ms
    count = len(latencies)
    per = (lambda total: round(total / count, 2)) if count else (lambda total: None)
    run = {
        "screen": name, "target": target, "clients": clients, "requests": count,
        "rps": round(count / duration, 1),
        "p50_ms": _ms(percentile(latencies, 0.50)), "p95_ms": _ms(percentile(latencies, 0.95)),
        "p99_ms": _ms(percentile(latencies, 0.99)), "failures": result.failures, "failure_samples": result.samples,
        "sql_statements_per_request": None,
        "rows_read_per_request": per(after.database["rows"] - before.database["rows"]),
        "new_db_sessions": after.database["sessions"] - before.database["sessions"],
        "server_cpu_ms_per_request": per((after.server_cpu - before.server_cpu) * 1000),
        "server_cpu_utilisation": round((after.server_cpu - before.server_cpu) / duration, 2),
        "db_cpu_ms_per_request": per((after.database_cpu - before.database_cpu) * 1000)
        if after.database_cpu is not None and before.database_cpu is not None else None,
        "loadgen_cpu_ms_per_request": per(result.cpu_seconds * 1000),
        "peak_rss_mb": round(rss_peak / 2**20, 1),
    }
    ours = (after.server_cpu - before.server_cpu) + result.cpu_seconds
    if after.database_cpu is not None and before.database_cpu is not None:
        ours += after.database_cpu - before.database_cpu
    # CPU used by anything but the server, PostgreSQL and the load generator: another
    # workload on the machine makes the run unrepresentative.
    run["other_cpu_share"] = round(max(0.0, (after.busy_cpu - before.busy_cpu) - ours) / (duration * (os.cpu_count() or 1)), 2)
    if before.statements and after.statements and after.statements[1] > before.statements[1]:
        run["sql_statements_per_request"] = round(
            (after.statements[0] - before.statements[0]) / (after.statements[1] - before.statements[1]), 2
        )
    if result.writes_ms:
        run["writes"] = {"requests": len(result.writes_ms), "p50_ms": _ms(percentile(result.writes_ms, 0.5)),
                         "p99_ms": _ms(percentile(result.writes_ms, 0.99))}
    return run


def client_plans(cycles: list[list[screens.Request]], clients: int, headers) -> list[ClientPlan]:  # noqa: ANN001
    """Client g cycles through the people of slots g, g+clients, ...: everyone is used."""
    plans = []
    for g in range(clients):
        mine = [request for k in range(g % len(cycles), len(cycles), clients) for request in cycles[k]]
        mine = mine or cycles[g % len(cycles)]
        plans.append(ClientPlan([(headers(r.email), r.body, r.write) for r in mine], offset=g))
    return plans


def measure(bench: Bench, name: str, target: Process, cycles: list[list[screens.Request]], clients: int,
            floor: bool = False, on_window=None, keep: bool = True, duration: float | None = None) -> dict:  # noqa: ANN001
    args = bench.args
    duration = duration or args.duration
    plans = client_plans(cycles, clients, lambda email: bench.headers(email, floor))
    edges: dict[str, Snapshot] = {}

    def at_edge(edge: str) -> None:
        if edge == "start":
            bench.sampler.reset_window()
        edges[edge] = bench.snapshot(target)
        if on_window:
            on_window(edge)

    processes = min(clients, args.loadgen_processes)
    best = None
    attempts = 1 + (0 if on_window else args.busy_retries)
    for attempt in range(1, attempts + 1):
        result, measure_from, end_at = run_load(target.url, plans, processes, args.warmup, duration, at_edge)
        peak = bench.sampler.window.get(target.name, 0)
        run = summarize(name, target.name, clients, result, end_at - measure_from, edges["start"], edges["end"], peak)
        run["attempts"] = attempt
        if best is None or run["other_cpu_share"] < best["other_cpu_share"]:
            best = run
        if run["other_cpu_share"] <= args.max_other:
            break
        then = "measuring again" if attempt < attempts else "keeping the quietest run"
        print(f"    (other work used {run['other_cpu_share']:.0%} of the CPUs during this run; {then})", flush=True)
    if keep:
        bench.runs.append(best)
    print_row(best)
    return best


# --- checks before timing -----------------------------------------------------------------------


def post(bench: Bench, target: Process, request: screens.Request, floor: bool = False) -> httpx.Response:
    return httpx.post(target.url + "/graphql", content=request.body, headers=bench.headers(request.email, floor), timeout=60)


def problem_of(response: httpx.Response) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    body = response.json()
    if body.get("errors"):
        return json.dumps(body["errors"])[:400]
    for value in (body.get("data") or {}).values():
        if isinstance(value, dict) and value.get("errors"):
            return json.dumps(value["errors"])[:400]
    return None


def bind_identities(bench: Bench, emails: set[str]) -> None:
    """A token's first request binds (issuer, subject) to the employee: done once, untimed."""
    ping = screens.body("query Ping { viewer { roles } }")
    with httpx.Client(base_url=bench.server.url, timeout=30) as client:
        for email in sorted(emails):
            response = client.post("/graphql", content=ping, headers=bench.headers(email))
            if problem_of(response):
                raise RuntimeError(f"{email} cannot sign in: {problem_of(response)}")


def statements_for(bench: Bench, request: screens.Request, tries: int = 3) -> float:
    """The fewest statements of a few identical requests: the tenant registry read that
    HR_TENANT_CACHE_SECONDS leaves to one request every few seconds is not the page's."""
    post(bench, bench.server, request)  # warm (caches, loaders' first use)
    counts = []
    for _ in range(tries):
        before = statement_totals(bench.server)
        response = post(bench, bench.server, request)
        after = statement_totals(bench.server)
        if problem_of(response):
            raise RuntimeError(problem_of(response))
        counts.append(after[0] - before[0])
    return min(counts)


def with_variable(request: screens.Request, name: str, size: int) -> screens.Request:
    """The request with a page of `size`: the variable itself, or a list variable cut to it."""
    payload = orjson.loads(request.body)
    current = payload["variables"][name]
    payload["variables"][name] = current[:size] if isinstance(current, list) else size
    return screens.Request(request.email, orjson.dumps(payload), request.write)


def reset_writes(bench: Bench) -> None:
    """Undo earlier runs' benchmark check-ins and feedback, so every run starts from the seeded data."""
    tenant = bench.fixtures["tenant"]["id"]
    goals = [g for writer in bench.fixtures["writers"] for g in writer["goals"]]
    bench.probe.execute("SELECT set_config('app.tenant_id', $1, false)", tenant)  # also for an owner under FORCE RLS
    deleted = bench.probe.execute("DELETE FROM goal_check_ins WHERE tenant_id = $1 AND note = 'Benchmark check-in'", tenant)
    feedback = bench.probe.execute("DELETE FROM feedback WHERE tenant_id = $1 AND body = $2", tenant,
                                   screens.BENCHMARK_FEEDBACK)
    bench.probe.execute(
        """UPDATE goals g SET metric_current = (
               SELECT c.value FROM goal_check_ins c WHERE c.tenant_id = g.tenant_id AND c.goal_id = g.id
               ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1)
           WHERE g.tenant_id = $1 AND g.id = ANY($2::uuid[])""",
        tenant, goals,
    )
    if deleted != "DELETE 0" or feedback != "DELETE 0":
        print(f"writes: removed {deleted.split()[-1]} check-ins and {feedback.split()[-1]} feedback of earlier runs")


# --- output ---------------------------------------------------------------------------------


HEADER = (f"{'screen':<12} {'target':<7} {'cl':>3} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'SQL/req':>7} "
          f"{'rows/req':>9} {'srv ms':>7} {'db ms':>6} {'RSS MB':>7} {'fail':>5} {'other':>5}")


def _fmt(value, width: int, digits: int = 1) -> str:  # noqa: ANN001
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def print_row(run: dict) -> None:
    print(
        f"{run['screen']:<12} {run['target']:<7} {run['clients']:>3} {_fmt(run['rps'], 8)} {_fmt(run['p50_ms'], 7)} "
        f"{_fmt(run['p95_ms'], 7)} {_fmt(run['p99_ms'], 7)} {_fmt(run['sql_statements_per_request'], 7)} "
        f"{_fmt(run['rows_read_per_request'], 9, 0)} {_fmt(run['server_cpu_ms_per_request'], 7, 2)} "
        f"{_fmt(run['db_cpu_ms_per_request'], 6, 2)} {_fmt(run['peak_rss_mb'], 7)} {run['failures']:>5} "
        f"{run['other_cpu_share']:>5.0%}",
        flush=True,
    )
    for sample in run["failure_samples"][:2]:
        print(f"    failure: {sample}")


def ratios(runs: list[dict]) -> dict:
    """Our throughput over the floor's, at the same number of clients."""
    floor = {r["clients"]: r["rps"] for r in runs if r["screen"] == "directory" and r["target"] == "floor"}
    out = {}
    for run in runs:
        if run["target"] == "server" and run["screen"] in ("directory", "team") and floor.get(run["clients"]):
            out[f"{run['screen']}@{run['clients']}"] = round(run["rps"] / floor[run["clients"]], 3)
    return out


def budgets(runs: list[dict], floor_ratios: dict, statement_checks: dict, rss_after_mb: float | None,
            tenant_scaling: dict | None = None) -> list[dict]:
    checks = []
    top = max((r["clients"] for r in runs), default=0)
    for run in runs:
        if run["target"] != "server" or run["clients"] != top:
            continue
        limit = next((s.budget_p99_ms for s in screens.SCREENS if s.name == run["screen"]), 150.0)
        for bound in sorted({limit, 150.0}):
            checks.append({"budget": f"{run['screen']}: p99 < {bound:.0f} ms at {top} client{'s' if top != 1 else ''}",
                           "value": run["p99_ms"], "met": run["p99_ms"] is not None and run["p99_ms"] < bound})
    for key, ratio in floor_ratios.items():
        if key.endswith(f"@{top}"):
            checks.append({"budget": f"{key.split('@')[0]}: >= 0.5 of the floor's throughput at {top} client{'s' if top != 1 else ''}",
                           "value": ratio, "met": ratio >= 0.5})
    for name, check in statement_checks.items():
        checks.append({"budget": f"{name}: SQL statements constant in page size", "value": check,
                       "met": check["small"] == check["large"]})
    if rss_after_mb is not None:
        checks.append({"budget": "server RSS < 300 MB after the run", "value": rss_after_mb, "met": rss_after_mb < 300})
    checks.append(scaling_check(tenant_scaling))
    return checks


def scaling_check(tenant_scaling: dict | None) -> dict:
    budget = "no screen's latency grows with the number of tenants"
    if not tenant_scaling or "screens" not in tenant_scaling:
        return {"budget": budget, "value": (tenant_scaling or {}).get("skipped", "not measured"), "met": None}
    before = tenant_scaling["tenants_before"]
    value = {row["screen"]: row["p50_ratio"] if not row["disturbed"] else f"{row['p50_ratio']} (disturbed, not judged)"
             for row in tenant_scaling["screens"]}
    if tenant_scaling["met"] is None:
        value = f"inconclusive: other work disturbed every screen's runs ({value})"
    return {
        "budget": f"{budget} (p50 with {before + tenant_scaling['extra_tenants']} tenants / with {before} "
                  f"<= {tenant_scaling['tolerance_p50_ratio']} at {tenant_scaling['clients']} clients)",
        "value": value, "met": tenant_scaling["met"],
    }


def machine() -> dict:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "platform": platform.platform(), "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


# --- the run -------------------------------------------------------------------------------------


async def prepare_database(url: str, reseed: bool) -> tuple[dict, bool]:
    """Migrated to head, and seeded unless the marker says the data fits this code."""
    name = make_url(url).database
    await db.migrated(url)
    connection = await db.connect(url)
    try:
        current = await seed.current_seed(connection)
        has_data = await connection.fetchval("SELECT EXISTS (SELECT 1 FROM tenants)")
    finally:
        await connection.close()
    if current and current["seed_version"] == seed.fingerprint() and not reseed:
        removed, seconds = await scaling.remove(url)
        if removed:
            print(f"tenants: removed {removed} extra tenants left by an earlier run ({seconds}s)")
        return current, True
    if (current or has_data) and "bench" not in name:
        raise SystemExit(f"refusing to reset database {name!r}: its name must contain 'bench'")
    if current or has_data:
        print(f"seed: {'forced' if reseed else 'schema or generator changed'}; recreating {name}")
        await db.drop_database(url)
        await db.migrated(url)
    connection = await db.connect(url)
    try:
        return await seed.seed_platform(connection), False
    finally:
        await connection.close()


def start_server(bench: Bench, profile_out: Path | None) -> None:
    viewer = bench.fixtures["viewers"][0]
    for mode in ("production", "test"):
        port = free_port()
        env = server_env(bench.url, port, mode, profile_out)

        def ready(url: str) -> bool:
            return httpx.get(url, timeout=2).status_code == 200

        server = start("server", serve_command(profile_out is not None), env, port, "/readyz", ready)
        probe = httpx.post(server.url + "/graphql", content=screens.body("{ viewer { roles } }"),
                           headers=bench.headers(viewer), timeout=30)
        if probe.status_code == 200:
            bench.server, bench.mode = server, mode
            if mode != "production":
                print("server: production mode refused the development issuer; running HR_ENV=test "
                      "with HR_INTROSPECTION=0 and rate limits raised")
            return
        server.stop()
        print(f"server: HR_ENV={mode} answered {probe.status_code} to a development token; trying the next mode")
    raise SystemExit("the server accepts no development token in production or test mode")


def start_floor(bench: Bench) -> None:
    from tenants.database import app_role_url

    port = free_port()
    dsn = db.plain_dsn(app_role_url(bench.url, os.environ.get("HR_APP_ROLE", "hr_app"),
                                    os.environ.get("HR_APP_DB_PASSWORD", "")).render_as_string(hide_password=False))
    command = [sys.executable, "-m", "benchmarks.floor", "--dsn", dsn, "--port", str(port), "--pool-size", str(SERVER_POOL)]
    request = screens.Request("", screens.body(screens.DIRECTORY, screens.directory_variables("")))

    def ready(url: str) -> bool:
        response = httpx.post(url, content=request.body, timeout=5,
                              headers={"content-type": "application/json", "x-tenant-id": bench.fixtures["tenant"]["id"]})
        return response.status_code == 200

    bench.floor = start("floor", command, dict(os.environ), port, "/graphql", ready)


def run_screen(bench: Bench, screen: screens.Screen, schema, skipped: list, statement_checks: dict) -> None:  # noqa: ANN001
    missing = screens.missing_fields(screen, schema)
    if missing:
        reason = f"not in the API yet: {', '.join(missing)}"
        skipped.append({"screen": screen.name, "reason": reason})
        print(f"{screen.name:<12} skipped: {reason}")
        return
    cycles = screen.requests(bench.fixtures)
    for request in {r.body: r for cycle in cycles[:3] for r in cycle}.values():
        if request.write:
            continue
        problem = problem_of(post(bench, bench.server, request))
        if problem:
            skipped.append({"screen": screen.name, "reason": f"the API answered with errors: {problem}"})
            print(f"{screen.name:<12} skipped: the API answered with errors: {problem}")
            return
    if screen.page_sizes:
        variable, small, large = screen.page_sizes
        first = cycles[0][0]
        statement_checks[screen.name] = {
            "variable": variable,
            "small": statements_for(bench, with_variable(first, variable, small)), "small_page": small,
            "large": statements_for(bench, with_variable(first, variable, large)), "large_page": large,
        }
    if screen.name == "writes":
        reset_writes(bench)
    profiling = bench.args.profile == screen.name

    def switch(edge: str) -> None:
        if profiling:
            httpx.post(f"{bench.server.url}/__bench/profile/{'start' if edge == 'start' else 'stop'}", timeout=120)

    for clients in bench.args.clients:
        on_window = switch if profiling and clients == bench.args.clients[-1] else None
        measure(bench, screen.name, bench.server, cycles, clients, on_window=on_window)
    if screen.name == "directory" and bench.floor is not None:
        floor_cycles = [[screens.Request(r.email, r.body) for r in cycle] for cycle in cycles]
        for request in floor_cycles[0][:1]:
            ours, theirs = post(bench, bench.server, request).json(), post(bench, bench.floor, request, floor=True).json()
            if ours != theirs:
                print("floor: WARNING the floor's JSON differs from the API's for the same request")
        for clients in bench.args.clients:
            measure(bench, "directory", bench.floor, floor_cycles, clients, floor=True)


def tenant_scaling(bench: Bench, skipped: list) -> None:
    """The read screens at the top client count, before and after `--tenants` more tenants."""
    args = bench.args
    left_out = {entry["screen"] for entry in skipped}
    chosen = [s for s in screens.SCREENS if s.name in scaling.SCREENS and s.name in args.screens and s.name not in left_out]
    if not args.tenants or not chosen:
        return
    reason = asyncio.run(scaling.unsupported(bench.url))
    if reason:
        bench.scaling = {"skipped": reason}
        print(f"tenants: skipped: {reason}")
        return
    clients, window = max(args.clients), min(args.duration, scaling.WINDOW_SECONDS)

    def measure_all() -> dict[str, dict]:
        return {s.name: measure(bench, s.name, bench.server, s.requests(bench.fixtures), clients, keep=False,
                                duration=window) for s in chosen}

    print(f"tenants: {', '.join(s.name for s in chosen)} at {clients} clients; again with {args.tenants} more tenants; "
          "again without them")
    before = measure_all()
    added = asyncio.run(scaling.add(bench.url, args.tenants))
    try:
        extra = measure_all()
    finally:
        removed, seconds = asyncio.run(scaling.remove(bench.url))
        print(f"tenants: removed the {removed} extra tenants in {seconds}s")
    bench.scaling = scaling.summary(before, extra, measure_all(), added, seconds, clients, args.max_other)


def print_scaling(result: dict | None) -> None:
    if not result or "screens" not in result:
        return
    before = result["tenants_before"]
    print(f"tenants: {before} -> {before + result['extra_tenants']} -> {before} tenants "
          f"(+{result['extra_people']:,} people, {result['extra_rows']:,} rows) at {result['clients']} clients "
          "(ratio: with them / mean of without):")
    for row in result["screens"]:
        runs = (row["before"], row["with_extra"], row["after_removal"])

        def three(key: str, digits: int = 1) -> str:
            return " -> ".join(f"{run[key]:.{digits}f}" if run[key] is not None else "-" for run in runs)

        print(f"  {row['screen']:<12} p50 {three('p50_ms')} ms (x{row['p50_ratio']}), p99 {three('p99_ms')} ms "
              f"(x{row['p99_ratio']}), {three('rps')} req/s (x{row['rps_ratio']}), "
              f"rows read {three('rows_read_per_request', 0)}/req (x{row['rows_read_ratio']})"
              f"{', disturbed by other work: not judged' if row['disturbed'] else ''}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per screen and client count")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load before each window")
    parser.add_argument("--quick", action="store_true", help="3 s per screen, 1 s warm-up")
    parser.add_argument("--clients", default="1,16", help="comma-separated concurrent clients")
    parser.add_argument("--screens", default="", help="comma-separated screen names (default: all)")
    parser.add_argument("--profile", metavar="SCREEN", help="profile the server (pyinstrument) while SCREEN runs")
    parser.add_argument("--loadgen-processes", type=int, default=2, help="load generator processes (at most one per client)")
    parser.add_argument("--reseed", action="store_true", help="recreate and reseed the bench database")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor")
    parser.add_argument("--max-other", type=float, default=0.15,
                        help="a run during which other processes used more than this share of the CPUs is repeated")
    parser.add_argument("--busy-retries", type=int, default=2, help="repeats of a run disturbed by other work")
    parser.add_argument("--tenants", type=int, default=None,
                        help=f"small tenants added for the tenant-scaling phase (default {scaling.DEFAULT_TENANTS}; "
                             "0 skips it, as --quick and --profile do unless this is given)")
    args = parser.parse_args(argv)
    if args.tenants is None:
        args.tenants = 0 if args.quick or args.profile else scaling.DEFAULT_TENANTS
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    names = [s.name for s in screens.SCREENS]
    args.screens = [s for s in args.screens.split(",") if s] or names
    if args.profile:
        if args.profile not in names:
            parser.error(f"--profile takes one of {', '.join(names)}")
        args.screens = [args.profile]
        args.no_floor = True
    unknown = set(args.screens) - set(names)
    if unknown:
        parser.error(f"unknown screens {sorted(unknown)}; known: {', '.join(names)}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    began = time.perf_counter()
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(f"warning: load average {load:.1f} on {os.cpu_count()} CPUs before starting: other work will skew the figures")
    url = db.server_url()
    seeded, reused = asyncio.run(prepare_database(url, args.reseed))
    print(f"database: {make_url(url).render_as_string(hide_password=True)} ({'reused' if reused else 'seeded'}; seed {seeded['seed_version']}, "
          f"{seeded['counts']['employees']:,} employees, {seeded['counts']['goal_check_ins']:,} check-ins)")
    from api.auth.dev_issuer import load_or_create_key
    from api.schema import schema

    key = load_or_create_key(DATA / "dev-signing-key.json")
    sampler = Sampler()
    sampler.start()
    bench = Bench(args, url, seeded["fixtures"], Probe(url), sampler, key)
    bench.not_built = screens.not_built_yet(schema._schema)
    bench.postgres = bench.probe.query("SHOW server_version")["server_version"]
    profile_out = RESULTS / f"profile-{args.profile}" if args.profile else None
    skipped: list[dict] = []
    statement_checks: dict = {}
    rss_after = None
    try:
        start_server(bench, profile_out)
        sampler.watch("server", bench.server.pid)
        if not args.no_floor and "directory" in args.screens:
            start_floor(bench)
            sampler.watch("floor", bench.floor.pid)
        people = set(bench.fixtures["viewers"]) | {m["email"] for m in bench.fixtures["team_managers"]}
        people |= {w["email"] for w in bench.fixtures["writers"]} | {a["email"] for a in bench.fixtures["hr_admins"]}
        bind_identities(bench, people)
        print(f"server: {bench.server.url} (HR_ENV={bench.mode}, pid {bench.server.pid}); "
              f"{args.duration:g} s per run after {args.warmup:g} s warm-up; load generator on this machine")
        print(HEADER)
        for screen in screens.SCREENS:
            if screen.name in args.screens:
                run_screen(bench, screen, schema._schema, skipped, statement_checks)
        tenant_scaling(bench, skipped)
        rss_after = round(sampler.rss("server") / 2**20, 1)
    finally:
        for process in (bench.server, bench.floor):
            if process is not None:
                process.stop()
        sampler.stopped.set()
        bench.probe.close()
    report(bench, seeded, reused, skipped, statement_checks, rss_after, profile_out, time.perf_counter() - began)


def report(bench: Bench, seeded: dict, reused: bool, skipped: list, statement_checks: dict, rss_after: float | None,
           profile_out: Path | None, elapsed: float) -> None:
    floor_ratios = ratios(bench.runs)
    checks = budgets(bench.runs, floor_ratios, statement_checks, rss_after, bench.scaling)
    print()
    for key, ratio in floor_ratios.items():
        screen, clients = key.split("@")
        print(f"floor ratio: {screen} at {clients} client(s) = {ratio:.2f} of the floor's throughput")
    for name, check in statement_checks.items():
        print(f"SQL statements: {name} {check['variable']}:{check['small_page']} -> {check['small']:g}, "
              f"{check['variable']}:{check['large_page']} -> {check['large']:g}")
    print(f"server RSS: peak {bench.sampler.peak.get('server', 0) / 2**20:.0f} MB, after the run {rss_after} MB")
    print_scaling(bench.scaling)
    for entry in bench.not_built:
        print(f"not built yet: {entry['screen']} ({entry['reason']})")
    for check in checks:
        verdict = {True: "met", False: "MISSED", None: "n/a"}[check["met"]]
        print(f"budget {verdict:>6}: {check['budget']} ({check['value']})")
    print(f"total {elapsed:.0f} s")
    result = {
        "machine": {**machine(), "postgres": bench.postgres},
        "load_generator": f"same machine, {bench.args.loadgen_processes} processes max, httpx HTTP/1.1 keep-alive",
        "settings": {"duration_s": bench.args.duration, "warmup_s": bench.args.warmup, "clients": bench.args.clients,
                     "server_env": bench.mode, "server_pool_size": SERVER_POOL,
                     "rows_read": "pg_stat_database tup_returned + tup_fetched (approximate)"},
        "seed": {"version": seeded["seed_version"], "reused": reused, "seconds": seeded["seconds"],
                 "counts": seeded["counts"], "tenant": bench.fixtures["tenant"]},
        "runs": bench.runs, "floor_ratio": floor_ratios, "sql_statements_vs_page_size": statement_checks,
        "rss_mb": {"server_peak": round(bench.sampler.peak.get("server", 0) / 2**20, 1), "server_after_run": rss_after},
        "tenant_scaling": bench.scaling,
        "budgets": checks, "skipped": skipped,
        "not_built_yet": bench.not_built,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    if profile_out is not None:
        (RESULTS / f"profile-{bench.args.profile}.json").write_text(json.dumps(result, indent=2, default=str))
        print(f"profile: {profile_out.with_suffix('.html')} and {profile_out.with_suffix('.txt')}")
    else:
        (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, default=str))
        print(f"results: {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
