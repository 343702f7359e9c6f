"""Mutations with an Idempotency-Key run once: retries, even concurrent ones, get the first answer."""

from __future__ import annotations

import asyncio
import json
import uuid

CREATE = 'mutation($name: String!) { createDepartment(input: {name: $name}) { department { id name } errors { code } } }'
COUNT = "{ departments { totalCount } }"


async def _send(api, token: str, key: str, name: str):
    return await api.client.post(
        "/graphql",
        json={"query": CREATE, "variables": {"name": name}},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )


async def test_a_retried_mutation_runs_once_and_replays_the_first_answer(api, tenant):
    key = uuid.uuid4().hex
    first = await _send(api, tenant.admin_token, key, "Finance")
    again = await _send(api, tenant.admin_token, key, "Finance")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert (await tenant.gql(COUNT)).data["departments"]["totalCount"] == 1


async def test_concurrent_twins_write_once_and_all_get_the_same_answer(api, tenant):
    key = uuid.uuid4().hex
    responses = await asyncio.gather(*(_send(api, tenant.admin_token, key, "Legal") for _ in range(5)))
    bodies = {json.dumps(response.json(), sort_keys=True) for response in responses}
    assert len(bodies) == 1 and all(r.status_code == 200 for r in responses)
    assert (await tenant.gql(COUNT)).data["departments"]["totalCount"] == 1


async def test_reusing_a_key_for_a_different_request_is_refused(api, tenant):
    key = uuid.uuid4().hex
    await _send(api, tenant.admin_token, key, "Sales")
    reused = await _send(api, tenant.admin_token, key, "Marketing")
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert (await tenant.gql(COUNT)).data["departments"]["totalCount"] == 1


async def test_keys_belong_to_their_principal(api, tenant):
    colleague = await tenant.create_employee(email=f"hr2@{tenant.slug}.test", roles=["HR_ADMIN"])
    key = uuid.uuid4().hex
    await _send(api, tenant.admin_token, key, "Ops")
    theirs = await _send(api, tenant.token_for(colleague["email"]), key, "Ops West")
    assert theirs.status_code == 200 and theirs.json()["data"]["createDepartment"]["errors"] == []
    assert (await tenant.gql(COUNT)).data["departments"]["totalCount"] == 2


async def test_a_malformed_key_is_a_400(api, tenant):
    response = await _send(api, tenant.admin_token, "has space", "X")
    assert response.status_code == 400
    assert (await tenant.gql(COUNT)).data["departments"]["totalCount"] == 0
