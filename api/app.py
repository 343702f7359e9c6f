"""The ASGI app: GraphQL, health probes, and (in development) the dev issuer's discovery."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from api.auth.dev_issuer import discovery_document, load_or_create_key, public_key_set
from api.graphql.http import graphql_endpoint
from api.logging import configure_logging
from api.realtime.ws import RealtimeView, close_notification_bus
from api.services import Services, build_services
from api.settings import Settings, get_settings
from api.tracing import configure_tracing, shutdown_tracing
from tenants.database import ping
from tenants.migrate import current_revision, schema_is_behind


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    services: Services = request.app.state.services
    if getattr(request.app.state, "draining", False):
        return JSONResponse({"status": "draining"}, status_code=503)
    try:
        await ping(services.app_engine)
        revision = await current_revision(services.app_engine)
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    if schema_is_behind(revision):
        return JSONResponse({"status": "unavailable", "migrations": "behind"}, status_code=503)
    return JSONResponse({"status": "ready"})


async def metrics(request: Request) -> Response:
    """Prometheus scrape target. Expose it on the cluster network only (see the helm chart)."""
    services: Services = request.app.state.services
    return Response(services.metrics.render(), media_type="text/plain; version=0.0.4")


def _dev_routes(settings: Settings) -> list[Route]:
    if not settings.dev_auth:
        return []
    issuer = settings.dev_issuer
    jwks = public_key_set(load_or_create_key(settings.dev_key_path)).as_dict()

    async def discovery(request: Request) -> Response:
        return JSONResponse(discovery_document(issuer))

    async def keys(request: Request) -> Response:
        return JSONResponse(jwks)

    return [Route("/dev/.well-known/openid-configuration", discovery), Route("/dev/jwks", keys)]


def _cors(settings: Settings) -> list[Middleware]:
    """Only listed SPA origins; credentials (cookies) never with a wildcard, and bearer
    tokens need none. Preflights for mutations with JSON bodies are answered here."""
    if not settings.cors_origins:
        return []
    wildcard = "*" in settings.cors_origins
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "idempotency-key", "x-request-id"],
            expose_headers=["x-request-id", "retry-after", "idempotent-replayed"],
            allow_credentials=not wildcard,
            max_age=600,
        )
    ]


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    settings = settings or get_settings()
    configure_logging(json=settings.env != "development")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = services is None
        configure_tracing()
        app.state.services = services or build_services(settings)
        # Everything built so far lives for the process: keep the collector from rescanning
        # it on every young-generation pass, which would cost CPU on every request for no garbage.
        gc.collect()
        gc.freeze()
        if settings.gc_young_threshold:
            gc.set_threshold(settings.gc_young_threshold, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            await close_notification_bus(app)
            if owned:
                await app.state.services.aclose()
            shutdown_tracing()

    routes = [
        Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", RealtimeView(settings)),  # subscriptions (graphql-transport-ws)
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        *_dev_routes(settings),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=_cors(settings))
    if services is not None:
        app.state.services = services
    return app
