"""GraphQL over HTTP: methods, media types, status codes, masking."""

from __future__ import annotations

import orjson

QUERY = "{ viewer { employee { email } } }"


def _auth(tenant) -> dict:
    return {"Authorization": f"Bearer {tenant.admin_token}"}


async def test_post_json_answers_with_data(api, tenant):
    response = await api.client.post("/graphql", json={"query": QUERY}, headers=_auth(tenant))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"]["viewer"]["employee"]["email"] == tenant.admin_email


async def test_get_runs_queries(api, tenant):
    response = await api.client.get("/graphql", params={"query": QUERY}, headers=_auth(tenant))
    assert response.status_code == 200
    assert response.json()["data"]["viewer"]["employee"]["email"] == tenant.admin_email


async def test_mutation_over_get_is_405_and_writes_nothing(api, tenant):
    mutation = 'mutation { createDepartment(input: {name: "Via GET"}) { department { id } errors { code } } }'
    response = await api.client.get("/graphql", params={"query": mutation}, headers=_auth(tenant))
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    listing = await tenant.gql("{ departments { totalCount } }")
    assert listing.data["departments"]["totalCount"] == 0


async def test_simple_content_types_cannot_reach_graphql(api, tenant):
    # A cross-site form or text/plain fetch needs no preflight; refusing them closes CSRF.
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = await api.client.post(
            "/graphql",
            content=orjson.dumps({"query": 'mutation { createDepartment(input: {name: "csrf"}) { errors { code } } }'}),
            headers={**_auth(tenant), "content-type": content_type},
        )
        assert response.status_code == 415, content_type
    assert (await tenant.gql("{ departments { totalCount } }")).data["departments"]["totalCount"] == 0


async def test_graphql_response_media_type_gives_400_for_request_errors(api, tenant):
    headers = {**_auth(tenant), "accept": "application/graphql-response+json"}
    bad = await api.client.post("/graphql", json={"query": "{ viewer { nope } }"}, headers=headers)
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/graphql-response+json")
    assert bad.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    good = await api.client.post("/graphql", json={"query": QUERY}, headers=headers)
    assert good.status_code == 200


async def test_legacy_json_media_type_keeps_200_for_request_errors(api, tenant):
    response = await api.client.post("/graphql", json={"query": "{ viewer { nope } }"}, headers=_auth(tenant))
    assert response.status_code == 200
    assert "nope" in response.json()["errors"][0]["message"]


async def test_malformed_bodies_are_400(api, tenant):
    cases = [b"{not json", b"[]", b'"just a string"', b'{"query": 42}', b'{"query": "{ viewer { roles } }", "variables": []}']
    for body in cases:
        response = await api.client.post("/graphql", content=body, headers={**_auth(tenant), "content-type": "application/json"})
        assert response.status_code == 400, body
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_batched_operations_are_refused(api, tenant):
    response = await api.client.post("/graphql", json=[{"query": QUERY}, {"query": QUERY}], headers=_auth(tenant))
    assert response.status_code == 400
    assert "Batched" in response.json()["errors"][0]["message"]


async def test_oversized_bodies_are_413(api, tenant):
    response = await api.client.post(
        "/graphql", content=b'{"query": "' + b" " * 1_100_000 + b'{ viewer { roles } }"}',
        headers={**_auth(tenant), "content-type": "application/json"},
    )
    assert response.status_code == 413


async def test_request_id_is_echoed_or_minted(api, tenant):
    echoed = await api.client.post("/graphql", json={"query": QUERY}, headers={**_auth(tenant), "x-request-id": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    minted = await api.client.post("/graphql", json={"query": QUERY}, headers={**_auth(tenant), "x-request-id": "bad id; drop"})
    assert minted.headers["x-request-id"] != "bad id; drop" and len(minted.headers["x-request-id"]) == 32


async def test_graphiql_is_served_to_browsers_outside_production(api):
    response = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_health_probes_need_no_token(api):
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


async def test_dev_issuer_publishes_discovery_and_keys(api, settings):
    discovery = (await api.client.get("/dev/.well-known/openid-configuration")).json()
    assert discovery["issuer"] == settings.dev_issuer
    keys = (await api.client.get("/dev/jwks")).json()["keys"]
    assert keys and all("d" not in key for key in keys)  # public halves only


async def test_a_nul_byte_in_a_search_is_a_typed_error_not_a_database_error(tenant):
    # PostgreSQL text cannot hold NUL; sent through, it would surface as a 500.
    result = await tenant.gql('query($s: String!) { employees(filter: {search: $s}) { totalCount } }', {"s": "a\u0000b"})
    assert result.errors[0]["extensions"] == {"code": "INVALID", "field": ["filter", "search"]}


def test_unexpected_errors_are_masked_with_the_request_id():
    from graphql import GraphQLError

    from api.graphql.http import _format_error

    error = GraphQLError("boom: SELECT secret FROM x", original_error=RuntimeError("SELECT secret FROM x"), path=["viewer"])
    formatted, unexpected = _format_error(error, "req-1")
    assert unexpected
    assert formatted == {
        "message": "Internal server error",
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-1"},
        "path": ["viewer"],
    }


async def test_metrics_count_requests_by_operation_and_outcome(api, tenant):
    await api.client.post("/graphql", json={"query": "query DirectoryPage { employees { totalCount } }"}, headers=_auth(tenant))
    await api.client.post("/graphql", json={"query": "{ " + "a " * 2100 + "}"}, headers=_auth(tenant))
    text = (await api.client.get("/metrics")).text
    assert 'hr_graphql_requests_total{operation="DirectoryPage",outcome="ok"}' in text
    assert 'hr_rejections_total{reason="TOO_MANY_TOKENS"}' in text
    assert "hr_sql_statements_per_request_bucket" in text
    assert "hr_db_pool_checked_out" in text


async def test_cors_allows_only_listed_spa_origins(settings):
    import httpx

    from api.app import create_app
    from tests.support.servers import ServerThread, free_port

    tuned = settings.model_copy(update={"port": free_port(), "cors_origins": ["https://app.example.com"]})
    server = ServerThread(create_app(tuned), tuned.port).start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            preflight = {"access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type"}
            allowed = await client.options("/graphql", headers={"origin": "https://app.example.com", **preflight})
            assert allowed.status_code == 200
            assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
            refused = await client.options("/graphql", headers={"origin": "https://evil.example", **preflight})
            assert "access-control-allow-origin" not in refused.headers
    finally:
        server.stop()
