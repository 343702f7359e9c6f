"""Prometheus metrics, served at /metrics.

Operation names come from clients, so they are labels only when they look like names
and only for the first few hundred seen; the rest count as "other" (bounded cardinality).
"""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.ext.asyncio import AsyncEngine

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_LABELS = 200


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "hr_graphql_requests_total", "GraphQL requests by operation and outcome", ["operation", "outcome"], registry=self.registry
        )
        self.latency = Histogram(
            "hr_graphql_request_seconds", "GraphQL request latency", ["operation", "outcome"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.rejections = Counter("hr_rejections_total", "Requests refused before execution", ["reason"], registry=self.registry)
        self.statements = Histogram(
            "hr_sql_statements_per_request", "SQL statements sent for one request", registry=self.registry,
            buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
        )
        self.ready = Gauge("hr_ready", "1 while the process accepts traffic", registry=self.registry)
        self._operations: set[str] = set()

    def watch_pool(self, engine: AsyncEngine) -> None:
        self.registry.register(_PoolCollector(engine))

    def operation_label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not _NAME.match(name):
            return "other"
        if name not in self._operations and len(self._operations) >= MAX_OPERATION_LABELS:
            return "other"
        self._operations.add(name)
        return name

    def observe(self, operation: str | None, outcome: str, seconds: float, statements: int) -> None:
        label = self.operation_label(operation)
        kind = outcome.split(":", 1)[0]
        self.requests.labels(label, kind).inc()
        self.latency.labels(label, kind).observe(seconds)
        self.statements.observe(statements)
        if ":" in outcome or kind in {"rate_limited", "unauthenticated", "suspended", "timeout", "unavailable"}:
            self.rejections.labels(outcome.split(":", 1)[-1]).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _PoolCollector:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def collect(self):
        pool = self.engine.pool
        checked_out = GaugeMetricFamily("hr_db_pool_checked_out", "Request-role connections in use")
        checked_out.add_metric([], float(pool.checkedout()))
        size = GaugeMetricFamily("hr_db_pool_size", "Request-role pool size")
        size.add_metric([], float(pool.size()))
        yield checked_out
        yield size
