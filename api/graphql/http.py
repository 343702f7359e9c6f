"""GraphQL over HTTP: one endpoint, one transaction per request.

POST application/json for everything; GET for queries only (a mutation over GET is
405). With `Accept: application/graphql-response+json` request errors are 400, as the
GraphQL-over-HTTP spec asks; with plain `application/json` they stay 200.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import orjson
import structlog
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType as AllowedOperation

from api.auth.principal import AuthenticationFailed, TenantSuspended, bind_principal
from api.graphql.context import RequestContext
from api.schema import schema
from api.services import Services
from domain.errors import DomainError
from tenants.database import statement_count
from tenants.session import mark_rollback_only, tenant_session

log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 1_000_000
JSON_TYPES = ("application/json", "application/graphql-response+json")
GRAPHQL_RESPONSE = "application/graphql-response+json"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class BadRequest(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


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


def _params(raw: Any) -> GraphQLParams:
    if isinstance(raw, list):
        raise BadRequest(400, "Batched operations are not supported")
    if not isinstance(raw, dict):
        raise BadRequest(400, "The body must be a JSON object")
    query, variables, operation_name = raw.get("query"), raw.get("variables"), raw.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise BadRequest(400, "No GraphQL query found in the request")
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


async def _post_params(request: Request) -> GraphQLParams:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES:
        # Simple content types (text/plain, forms) are what a cross-site form can send.
        raise BadRequest(415, "Content-Type must be application/json")
    try:
        return _params(orjson.loads(await _read_body(request)))
    except orjson.JSONDecodeError:
        raise BadRequest(400, "The body is not valid JSON") from None


def _get_params(request: Request) -> GraphQLParams:
    raw: dict[str, Any] = dict(request.query_params)
    if "variables" in raw:
        try:
            raw["variables"] = orjson.loads(raw["variables"])
        except orjson.JSONDecodeError:
            raise BadRequest(400, "variables is not valid JSON") from None
    params = _params(raw)
    _reject_get_mutation(params)
    return params


def _reject_get_mutation(params: GraphQLParams) -> None:
    try:
        operation = get_operation_ast(parse(params.query), params.operation_name)
    except GraphQLError:
        return  # the executor reports the syntax error properly
    if operation is not None and operation.operation != OperationType.QUERY:
        raise BadRequest(405, "Only queries may be sent with GET; use POST", {"Allow": "POST"})


def _is_coercion_error(error: GraphQLError) -> bool:
    """A variable that does not fit its type (an unknown enum value, a bad Date): graphql-core
    keeps the scalar's own error as the cause, but nothing ran, so it is the client's error."""
    return error.path is None and isinstance(error.original_error, GraphQLError)


def _is_request_error(result: ExecutionResult) -> bool:
    """Nothing executed: the document did not parse or validate, or a variable did not coerce."""
    if isinstance(result, PreExecutionError):
        return True
    return result.data is None and bool(result.errors) and all(error.path is None for error in result.errors)


def _format_error(error: GraphQLError, request_id: str) -> tuple[dict, bool]:
    """Known errors keep their message and gain a code; anything else is masked."""
    original = error.original_error
    formatted = error.formatted
    if original is None or _is_coercion_error(error):
        formatted.setdefault("extensions", {})["code"] = "GRAPHQL_VALIDATION_FAILED"
        return formatted, False
    if isinstance(original, DomainError):
        extensions = {"code": original.code.value}
        if original.field:
            extensions["field"] = original.field
        formatted["extensions"] = extensions
        return formatted, False
    log.error("unexpected_error", request_id=request_id, path=error.path, exc_info=original)
    masked = {"message": "Internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}}
    if error.path:
        masked["path"] = error.path
    return masked, True


def _body(result: ExecutionResult, request_id: str) -> tuple[dict, bool]:
    body: dict[str, Any] = {"data": result.data}
    unexpected = False
    if result.errors:
        body["errors"] = []
        for error in result.errors:
            formatted, is_unexpected = _format_error(error, request_id)
            body["errors"].append(formatted)
            unexpected = unexpected or is_unexpected
    if result.extensions:
        body["extensions"] = result.extensions
    if _is_request_error(result):
        body.pop("data", None)
    return body, unexpected


async def _execute(services: Services, request: Request, params: GraphQLParams, request_id: str, allowed) -> tuple[dict, bool, bool]:
    auth = await services.authenticator.authenticate(request.headers.get("authorization"))
    today = services.today()

    async def run(session) -> tuple[dict, bool, bool]:
        principal = await bind_principal(session, auth)
        ctx = RequestContext(
            request_id=request_id,
            services=services,
            principal=principal,
            session=session if principal.actor is not None else None,
            today=today,
        )
        result = await schema.execute(
            params.query,
            variable_values=params.variables,
            context_value=ctx,
            operation_name=params.operation_name,
            allowed_operation_types=allowed,
        )
        body, unexpected = _body(result, request_id)
        if unexpected and session is not None:
            mark_rollback_only(session)  # one transaction per request: all of it or nothing
        return body, unexpected, _is_request_error(result)

    if auth.tenant is None:
        return await run(None)
    async with tenant_session(services.app_engine, auth.tenant.id) as session:
        return await run(session)


async def graphql_endpoint(request: Request) -> Response:
    services: Services = request.app.state.services
    incoming_id = request.headers.get("x-request-id", "")
    request_id = incoming_id if _REQUEST_ID.match(incoming_id) else uuid4().hex
    media_type = _response_type(request)
    started = time.perf_counter()
    headers = {"x-request-id": request_id}
    statements = [0]
    statement_count.set(statements)
    try:
        if request.method == "GET":
            if "query" not in request.query_params and "text/html" in request.headers.get("accept", ""):
                if services.settings.is_production:
                    raise BadRequest(404, "Not found")
                return HTMLResponse(get_graphql_ide_html())
            params = _get_params(request)
            allowed = (AllowedOperation.QUERY,)
        else:
            params = await _post_params(request)
            allowed = (AllowedOperation.QUERY, AllowedOperation.MUTATION)
        body, unexpected, request_error = await _execute(services, request, params, request_id, allowed)
    except BadRequest as error:
        return _json_response(_error_body(error.message, "BAD_REQUEST"), error.status, media_type, headers | error.headers)
    except AuthenticationFailed:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return _json_response(_error_body("Authentication required", "UNAUTHENTICATED"), 401, media_type, headers)
    except TenantSuspended:
        return _json_response(_error_body("This tenant is suspended", "TENANT_SUSPENDED"), 403, media_type, headers)
    except InvalidOperationTypeError:
        return _json_response(
            _error_body("Only queries may be sent with GET; use POST", "BAD_REQUEST"), 405, media_type, headers | {"Allow": "POST"}
        )
    status = 400 if request_error and media_type == GRAPHQL_RESPONSE else 200
    if not services.settings.is_production:
        headers["x-sql-statements"] = str(statements[0])
    log.info(
        "graphql_request",
        request_id=request_id,
        operation=params.operation_name,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        outcome="error" if unexpected else "ok",
        sql_statements=statements[0],
    )
    return _json_response(body, status, media_type, headers)
