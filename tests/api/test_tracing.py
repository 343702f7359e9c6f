"""OpenTelemetry: with OTEL_EXPORTER_OTLP_ENDPOINT set, each request and each SQL statement
becomes a span, exported over OTLP/HTTP to a real (stand-in) collector."""

from __future__ import annotations

import httpx
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import api.tracing
from api.app import create_app
from tests.support.servers import ServerThread, free_port


def _collector(received: list[ExportTraceServiceRequest]) -> Starlette:
    async def traces(request: Request) -> Response:
        message = ExportTraceServiceRequest()
        message.ParseFromString(await request.body())
        received.append(message)
        return Response(b"", media_type="application/x-protobuf")

    return Starlette(routes=[Route("/v1/traces", traces, methods=["POST"])])


def _spans(received: list[ExportTraceServiceRequest]) -> list:
    return [span for message in received for rs in message.resource_spans for ss in rs.scope_spans for span in ss.spans]


async def test_requests_and_statements_are_traced_when_an_endpoint_is_set(settings, tenant, monkeypatch):
    received: list[ExportTraceServiceRequest] = []
    collector = ServerThread(_collector(received), free_port()).start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url)
    tuned = settings.model_copy(update={"port": free_port(), "dev_issuer_url": settings.dev_issuer})
    service = ServerThread(create_app(tuned), tuned.port).start()
    try:
        async with httpx.AsyncClient(base_url=service.url) as client:
            response = await client.post(
                "/graphql", json={"query": "query Who { viewer { employee { email } } }"},
                headers={"Authorization": f"Bearer {tenant.admin_token}"},
            )
            assert response.status_code == 200
    finally:
        service.stop()  # shutting down flushes the exporter
        collector.stop()
        api.tracing._tracer = None  # the rest of the suite runs untraced
    spans = _spans(received)
    request = next(span for span in spans if span.name == "graphql")
    attributes = {a.key: (a.value.string_value or a.value.int_value) for a in request.attributes}
    assert attributes["graphql.operation.name"] == "Who" and attributes["hr.outcome"] == "ok"
    assert any(span.name == "db SELECT" for span in spans)
    assert all("Bearer" not in str(span) for span in spans)
