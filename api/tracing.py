"""OpenTelemetry tracing, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

One span per GraphQL request (operation name, outcome, tenant) with a child span per
SQL statement; the exporter batches in the background, so a slow collector never slows
a request. Span attributes never carry tokens, variables or personal text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from tenants.database import add_statement_spans

_tracer: trace.Tracer | None = None
_provider: TracerProvider | None = None


def configure_tracing(service_name: str = "hr-platform") -> bool:
    """Install the OTLP exporter if an endpoint is configured; return whether tracing is on."""
    global _tracer, _provider
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    _provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=200))
    _tracer = _provider.get_tracer("hr-platform")
    return True


def shutdown_tracing() -> None:
    if _provider is not None:
        _provider.shutdown()


@contextmanager
def request_span(name: str = "graphql") -> Iterator[trace.Span | None]:
    if _tracer is None:
        yield None
        return
    with _tracer.start_as_current_span(name, kind=trace.SpanKind.SERVER) as span:
        yield span


def trace_statements(engine) -> None:  # noqa: ANN001 - an AsyncEngine; the hook lives with the engines
    if _tracer is not None:
        add_statement_spans(engine, _tracer)
