"""GraphQL over HTTP: one endpoint, one transaction per request.

POST application/json for everything; GET for queries only (a mutation over GET is
405). With `Accept: application/graphql-response+json` request errors are 400, as the
GraphQL-over-HTTP spec asks; with plain `application/json` they stay 200.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, replace
from typing import Any
from uuid import uuid4

import orjson
import structlog
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType as AllowedOperation

from api.auth.principal import AuthenticationFailed, TenantSuspended, bind_principal
from api.graphql.context import RequestContext
from api.graphql.limits import QueryRejected, Shape, check
from api.graphql.persisted import PersistedQueries, PersistedQueryError
from api.ratelimit import RateLimited
from api.schema import schema
from api.services import Services
from api.tracing import request_span
from domain.errors import DomainError
from tenants import idempotency
from tenants.database import StatementTimedOut, infrastructure_failure, statement_count
from tenants.session import mark_rollback_only, tenant_session

log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 1_000_000
JSON_TYPES = ("application/json", "application/graphql-response+json")
GRAPHQL_RESPONSE = "application/graphql-response+json"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class BadRequest(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, code: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.code = code


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


def _json_response(payload: dict, status: int, media_type: str, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type=media_type, headers=headers)


def _error_body(message: str, code: str) -> dict:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def _response_type(request: Request) -> str:
    accept = request.headers.get("accept", "")
    return GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in accept else "application/json"


def _params(raw: Any, persisted: PersistedQueries) -> GraphQLParams:
    if isinstance(raw, list):
        raise BadRequest(400, "Batched operations are not supported")
    if not isinstance(raw, dict):
        raise BadRequest(400, "The body must be a JSON object")
    variables, operation_name = raw.get("variables"), raw.get("operationName")
    query = raw.get("query")
    if query is not None and not isinstance(query, str):
        raise BadRequest(400, "query must be a string")
    try:
        query = persisted.resolve(query, raw.get("extensions"))
    except PersistedQueryError as error:
        raise BadRequest(400, error.message, code=error.code) from None
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest(400, "variables must be a JSON object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest(400, "operationName must be a string")
    return GraphQLParams(query, variables, operation_name)


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadRequest(413, "Request body too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BadRequest(413, "Request body too large")
        chunks.append(chunk)
    return b"".join(chunks)


async def _post_params(request: Request, persisted: PersistedQueries) -> GraphQLParams:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES:
        # Simple content types (text/plain, forms) are what a cross-site form can send.
        raise BadRequest(415, "Content-Type must be application/json")
    try:
        return _params(orjson.loads(await _read_body(request)), persisted)
    except orjson.JSONDecodeError:
        raise BadRequest(400, "The body is not valid JSON") from None


def _get_params(request: Request, persisted: PersistedQueries) -> GraphQLParams:
    raw: dict[str, Any] = dict(request.query_params)
    for name in ("variables", "extensions"):
        if name in raw:
            try:
                raw[name] = orjson.loads(raw[name])
            except orjson.JSONDecodeError:
                raise BadRequest(400, f"{name} is not valid JSON") from None
    return _params(raw, persisted)


def _guard(services: Services, params: GraphQLParams, method: str) -> Shape:
    """Static limits first: a hostile document never reaches authentication or the database."""
    try:
        shape = check(schema._schema, params.query, params.operation_name, params.variables, services.limits)
    except QueryRejected as rejected:
        raise BadRequest(400, rejected.message, code=rejected.code) from None
    if shape.operation == "subscription":
        raise BadRequest(400, "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql")
    if method == "GET" and shape.operation not in (None, "query"):
        raise BadRequest(405, "Only queries may be sent with GET; use POST", {"Allow": "POST"})
    return shape


def _is_coercion_error(error: GraphQLError) -> bool:
    """A variable that does not fit its type (an unknown enum value, a bad Date): graphql-core
    keeps the scalar's own error as the cause, but nothing ran, so it is the client's error."""
    return error.path is None and isinstance(error.original_error, GraphQLError)


def _is_request_error(result: ExecutionResult) -> bool:
    """Nothing executed: the document did not parse or validate, or a variable did not coerce."""
    if isinstance(result, PreExecutionError):
        return True
    return result.data is None and bool(result.errors) and all(error.path is None for error in result.errors)


_SUGGESTION = re.compile(r" Did you mean .*\?$")


def _format_error(error: GraphQLError, request_id: str, suggestions: bool = True) -> tuple[dict, bool]:
    """Known errors keep their message and gain a code; anything else is masked."""
    original = error.original_error
    formatted = error.formatted
    if original is None or _is_coercion_error(error):
        formatted.setdefault("extensions", {})["code"] = "GRAPHQL_VALIDATION_FAILED"
        if not suggestions:  # "did you mean" would map the schema for someone without introspection
            formatted["message"] = _SUGGESTION.sub("", formatted["message"])
        return formatted, False
    if isinstance(original, DomainError):
        extensions = {"code": original.code.value}
        if original.field:
            extensions["field"] = original.field
        formatted["extensions"] = extensions
        return formatted, False
    if infrastructure_failure(original) is not None:
        return {"message": "Service unavailable", "_failure": infrastructure_failure(original)}, True
    log.error("unexpected_error", request_id=request_id, path=error.path, exc_info=original)
    masked = {"message": "Internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}}
    if error.path:
        masked["path"] = error.path
    return masked, True


def _body(result: ExecutionResult, request_id: str, suggestions: bool) -> tuple[dict, bool]:
    body: dict[str, Any] = {"data": result.data}
    unexpected = False
    if result.errors:
        body["errors"] = []
        for error in result.errors:
            formatted, is_unexpected = _format_error(error, request_id, suggestions)
            if "_failure" in formatted:
                body["_failure"] = formatted.pop("_failure")
            body["errors"].append(formatted)
            unexpected = unexpected or is_unexpected
    if result.extensions:
        body["extensions"] = result.extensions
    if _is_request_error(result):
        body.pop("data", None)
    return body, unexpected


@dataclass(frozen=True, slots=True)
class _Request:
    """What one HTTP request asks for, once parsed and guarded."""

    params: GraphQLParams
    request_id: str
    allowed: tuple
    shape: Shape
    idempotency_key: str | None


@dataclass(slots=True)
class _Outcome:
    body: dict
    unexpected: bool = False
    request_error: bool = False
    replayed: bool = False


async def _execute(services: Services, request: Request, job: _Request) -> _Outcome:
    auth = await services.authenticator.authenticate(request.headers.get("authorization"))
    principal_key = f"{auth.token.issuer}|{auth.token.subject}"
    if auth.tenant is not None:
        structlog.contextvars.bind_contextvars(tenant_id=str(auth.tenant.id))
    await services.rate_limiter.admit(principal_key, str(auth.tenant.id) if auth.tenant else None, job.shape.cost)
    if job.shape.introspection and not _introspection_allowed(services, auth):
        raise BadRequest(400, "Introspection is disabled", code="INTROSPECTION_DISABLED")
    if auth.tenant is None:
        return await _run(services, None, auth, job)
    async with tenant_session(services.app_engine, auth.tenant.id) as session:
        if job.idempotency_key and job.shape.operation == "mutation":
            return await _run_once(services, session, auth, job, principal_key)
        return await _run(services, session, auth, job)


async def _run(services: Services, session, auth, job: _Request) -> _Outcome:
    if session is not None:
        session.info["request_id"] = job.request_id  # audit entries name the request that wrote them
    principal = await bind_principal(session, auth)
    if principal.actor is not None:
        structlog.contextvars.bind_contextvars(employee_id=str(principal.actor.employee_id))
    ctx = RequestContext(
        request_id=job.request_id,
        services=services,
        principal=principal,
        session=session if principal.actor is not None else None,
        today=services.today(),
    )
    result = await schema.execute(
        job.params.query,
        variable_values=job.params.variables,
        context_value=ctx,
        operation_name=job.params.operation_name,
        allowed_operation_types=job.allowed,
    )
    body, unexpected = _body(result, job.request_id, suggestions=services.limits.introspection)
    if unexpected and session is not None:
        mark_rollback_only(session)  # one transaction per request: all of it or nothing
    return _Outcome(body, unexpected, _is_request_error(result))


async def _run_once(services: Services, session, auth, job: _Request, principal_key: str) -> _Outcome:
    """Run a mutation at most once per (principal, Idempotency-Key), in the same transaction."""
    hashed = idempotency.request_hash(job.params.query, job.params.variables, job.params.operation_name)
    earlier = await idempotency.recall(session, principal_key, job.idempotency_key)
    if earlier is None:
        outcome = await _run(services, session, auth, job)
        if outcome.unexpected or outcome.request_error:
            return outcome  # nothing was kept, so a retry may run again
        if await idempotency.remember(session, principal_key, job.idempotency_key, hashed, outcome.body):
            return outcome
        mark_rollback_only(session)  # a concurrent twin won: answer as it did, keep nothing of ours
        earlier = await idempotency.recall(session, principal_key, job.idempotency_key)
    if earlier.request_hash != hashed:
        raise BadRequest(422, "This Idempotency-Key was used for a different request", code="IDEMPOTENCY_KEY_REUSED")
    return _Outcome(earlier.response, replayed=True)


async def graphql_endpoint(request: Request) -> Response:
    services: Services = request.app.state.services
    incoming_id = request.headers.get("x-request-id", "")
    request_id = incoming_id if _REQUEST_ID.match(incoming_id) else uuid4().hex
    statements = [0]
    statement_count.set(statements)
    structlog.contextvars.clear_contextvars()
    started = time.perf_counter()
    with request_span() as span:
        response, operation, outcome = await _respond(services, request, request_id)
        if span is not None:
            span.set_attributes({"graphql.operation.name": operation or "", "hr.outcome": outcome,
                                 "http.response.status_code": response.status_code, "hr.request_id": request_id})
    elapsed = time.perf_counter() - started
    services.metrics.observe(operation, outcome, elapsed, statements[0])
    response.headers["x-request-id"] = request_id
    if not services.settings.is_production:
        response.headers["x-sql-statements"] = str(statements[0])
    log.info(
        "graphql_request",
        request_id=request_id,
        operation=operation,
        status=response.status_code,
        duration_ms=round(elapsed * 1000, 2),
        outcome=outcome,
        sql_statements=statements[0],
    )
    return response


async def _respond(services: Services, request: Request, request_id: str) -> tuple[Response, str | None, str]:
    media_type = _response_type(request)
    params = None
    try:
        if request.method == "GET":
            if "query" not in request.query_params and "text/html" in request.headers.get("accept", ""):
                if services.settings.is_production:
                    raise BadRequest(404, "Not found")
                return HTMLResponse(get_graphql_ide_html()), None, "ide"
            params = _get_params(request, services.persisted)
            allowed = (AllowedOperation.QUERY,)
        else:
            params = await _post_params(request, services.persisted)
            allowed = (AllowedOperation.QUERY, AllowedOperation.MUTATION)
        shape = _guard(services, params, request.method)
        params = replace(params, operation_name=params.operation_name or shape.name)
        job = _Request(params, request_id, allowed, shape, _idempotency_key(request))
        async with asyncio.timeout(services.settings.request_timeout_seconds):
            outcome = await _execute(services, request, job)
        failure = _infrastructure_failure_in(outcome.body)
        if failure is not None:
            return _unavailable(failure, media_type), _name(params), "unavailable"
    except BadRequest as error:
        body = _error_body(error.message, error.code)
        return _json_response(body, error.status, media_type, error.headers), _name(params), f"rejected:{error.code}"
    except AuthenticationFailed:
        body = _error_body("Authentication required", "UNAUTHENTICATED")
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        return _json_response(body, 401, media_type, headers), _name(params), "unauthenticated"
    except TenantSuspended:
        body = _error_body("This tenant is suspended", "TENANT_SUSPENDED")
        return _json_response(body, 403, media_type), _name(params), "suspended"
    except RateLimited as limited:
        body = _error_body(f"Too many requests ({limited.scope}); retry later", "RATE_LIMITED")
        return _json_response(body, 429, media_type, {"Retry-After": str(limited.retry_after)}), _name(params), "rate_limited"
    except InvalidOperationTypeError:
        body = _error_body("Only queries may be sent with GET; use POST", "BAD_REQUEST")
        return _json_response(body, 405, media_type, {"Allow": "POST"}), _name(params), "rejected:method"
    except TimeoutError:
        # The deadline cancelled the work; the transaction was rolled back on the way out.
        return _unavailable(StatementTimedOut, media_type), _name(params), "timeout"
    except Exception as error:  # noqa: BLE001 - the last line of defence: never a stack trace
        failure = infrastructure_failure(error)
        if failure is not None:
            return _unavailable(failure, media_type), _name(params), "unavailable"
        log.error("unexpected_error", request_id=request_id, exc_info=error)
        body = {"errors": [{"message": "Internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}}]}
        return _json_response(body, 500, media_type), _name(params), "error"
    status = 400 if outcome.request_error and media_type == GRAPHQL_RESPONSE else 200
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    label = "error" if outcome.unexpected else ("request_error" if outcome.request_error else "ok")
    return _json_response(outcome.body, status, media_type, headers), _name(params), label


def _unavailable(failure: type[Exception], media_type: str) -> Response:
    """503 with Retry-After: the client may try again; nothing of the request was kept."""
    if failure is StatementTimedOut:
        body = _error_body("The request took too long and was cancelled", "TIMEOUT")
    else:
        body = _error_body("The service is temporarily unavailable", "SERVICE_UNAVAILABLE")
    return _json_response(body, 503, media_type, {"Retry-After": "1"})


def _infrastructure_failure_in(body: dict) -> type[Exception] | None:
    return body.pop("_failure", None)


_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not _IDEMPOTENCY_KEY.match(key):
        raise BadRequest(400, "Idempotency-Key must be 1 to 200 visible ASCII characters", code="BAD_REQUEST")
    return key


def _introspection_allowed(services: Services, auth) -> bool:
    """Off in production unless set globally, or turned on for one tenant's developers by an operator."""
    if services.limits.introspection:
        return True
    return auth.tenant is not None and auth.tenant.settings.get("introspection") is True


def _name(params: GraphQLParams | None) -> str | None:
    return params.operation_name if params else None
