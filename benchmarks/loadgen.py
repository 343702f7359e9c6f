"""The load generator: separate processes of closed-loop httpx clients (HTTP/1.1 keep-alive).

Each client has its own connection and cycles through its own list of requests as fast
as answers come back. Every process warms up until `measure_from`, records requests that
start before `end_at`, and reports latencies, failures and its own CPU time. Processes
are told when to start only once all of them are ready, so they share one window.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from dataclasses import dataclass, field

import httpx

FAILED = b'"errors":[{'  # a top-level error or a mutation's UserError (an empty list is `"errors":[]`)


@dataclass
class ClientPlan:
    cycle: list[tuple[dict[str, str], bytes, bool]]  # (headers, body, is_write)
    offset: int = 0


@dataclass
class WorkerResult:
    reads_ms: list[float] = field(default_factory=list)
    writes_ms: list[float] = field(default_factory=list)
    failures: int = 0
    samples: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0


async def _client(base_url: str, plan: ClientPlan, measure_from: float, end_at: float, result: WorkerResult) -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:
        i = plan.offset
        while (started_at := time.time()) < end_at:
            headers, body, write = plan.cycle[i % len(plan.cycle)]
            i += 1
            began = time.perf_counter()
            try:
                response = await client.post("/graphql", content=body, headers=headers)
                ok = response.status_code == 200 and FAILED not in response.content
                problem = "" if ok else f"{response.status_code} {response.content[:300]!r}"
            except httpx.HTTPError as error:
                ok, problem = False, repr(error)
            elapsed_ms = (time.perf_counter() - began) * 1000
            if started_at < measure_from:
                continue
            if not ok:
                result.failures += 1
                if len(result.samples) < 3:
                    result.samples.append(problem)
            (result.writes_ms if write else result.reads_ms).append(elapsed_ms)


async def _cpu_window(measure_from: float, end_at: float, result: WorkerResult) -> None:
    await asyncio.sleep(max(0.0, measure_from - time.time()))
    began = time.process_time()
    await asyncio.sleep(max(0.0, end_at - time.time()))
    result.cpu_seconds = time.process_time() - began


async def _run(base_url: str, plans: list[ClientPlan], measure_from: float, end_at: float) -> WorkerResult:
    result = WorkerResult()
    await asyncio.gather(
        _cpu_window(measure_from, end_at, result),
        *(_client(base_url, plan, measure_from, end_at, result) for plan in plans),
    )
    return result


def _worker(base_url: str, plans: list[ClientPlan], ready, start, results) -> None:  # noqa: ANN001 - mp queues
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        uvloop = None
    ready.put(True)
    measure_from, end_at = start.get()
    runner = uvloop.run if uvloop else asyncio.run
    results.put(runner(_run(base_url, plans, measure_from, end_at)))


def run_load(base_url: str, clients: list[ClientPlan], processes: int, warmup: float, duration: float,
             on_window=None) -> tuple[WorkerResult, float, float]:  # noqa: ANN001 - callback(start|end)
    """Run `clients` spread over `processes`; returns the merged result and the window.

    `on_window("start")` and `on_window("end")` are called at the window's edges (for
    server-side snapshots: metrics, database statistics, CPU).
    """
    context = multiprocessing.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    groups = [clients[p::processes] for p in range(processes)]
    starts = [context.Queue() for _ in groups]
    workers = [context.Process(target=_worker, args=(base_url, group, ready, start, results), daemon=True)
               for group, start in zip(groups, starts, strict=True)]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=60)
    measure_from = time.time() + 0.2 + warmup
    end_at = measure_from + duration
    for start in starts:
        start.put((measure_from, end_at))
    if on_window:
        time.sleep(max(0.0, measure_from - time.time()))
        on_window("start")
        time.sleep(max(0.0, end_at - time.time()))
        on_window("end")
    merged = WorkerResult()
    for _ in workers:
        part: WorkerResult = results.get(timeout=duration + warmup + 120)
        merged.reads_ms += part.reads_ms
        merged.writes_ms += part.writes_ms
        merged.failures += part.failures
        merged.samples += part.samples
        merged.cpu_seconds += part.cpu_seconds
    for worker in workers:
        worker.join(timeout=10)
    return merged, measure_from, end_at


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[rank]
