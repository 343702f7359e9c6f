"""Automatic persisted queries (open mode) and trusted documents (allowlist mode)."""

from __future__ import annotations

import hashlib
import json

import httpx

from api.app import create_app
from tests.support.servers import ServerThread, free_port

QUERY = "query Me { viewer { employee { email } } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
APQ = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}


def _auth(tenant) -> dict:
    return {"Authorization": f"Bearer {tenant.admin_token}"}


async def test_apq_asks_for_the_text_once_then_runs_by_hash(api, tenant):
    unknown_hash = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(b"other" + QUERY.encode()).hexdigest()}}
    missing = await api.client.post("/graphql", json={"extensions": unknown_hash}, headers=_auth(tenant))
    assert missing.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = await api.client.post("/graphql", json={"query": QUERY, "extensions": APQ}, headers=_auth(tenant))
    assert registered.json()["data"]["viewer"]["employee"]["email"] == tenant.admin_email
    by_hash = await api.client.get("/graphql", params={"extensions": json.dumps(APQ)}, headers=_auth(tenant))
    assert by_hash.json()["data"]["viewer"]["employee"]["email"] == tenant.admin_email


async def test_apq_refuses_a_text_that_does_not_match_its_hash(api, tenant):
    response = await api.client.post(
        "/graphql", json={"query": "{ viewer { roles } }", "extensions": APQ}, headers=_auth(tenant)
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_allowlist_mode_runs_only_registered_documents(settings, tenant, tmp_path):
    manifest = tmp_path / "trusted.json"
    manifest.write_text(json.dumps({HASH: QUERY}))
    tuned = settings.model_copy(
        update={"port": free_port(), "dev_issuer_url": settings.dev_issuer, "trusted_documents": str(manifest)}
    )
    server = ServerThread(create_app(tuned), tuned.port).start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            by_hash = await client.post("/graphql", json={"extensions": APQ}, headers=_auth(tenant))
            assert by_hash.json()["data"]["viewer"]["employee"]["email"] == tenant.admin_email
            same_text = await client.post("/graphql", json={"query": QUERY}, headers=_auth(tenant))
            assert same_text.status_code == 200
            other = await client.post("/graphql", json={"query": "{ viewer { roles } }"}, headers=_auth(tenant))
            assert other.status_code == 400
            assert other.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
            assert other.headers["x-sql-statements"] == "0"
    finally:
        server.stop()
