"""Hostile GraphQL is refused before it costs anything.

Each refusal is a 400 with a GraphQL error code, and the server's own statement counter
shows it never reached the database (not even the token's tenant look-up).
"""

from __future__ import annotations

import pytest

from tests.conftest import PLATFORM_IDP


async def _post(api, tenant, query: str, variables: dict | None = None, **headers):
    return await api.client.post(
        "/graphql",
        json={"query": query, **({"variables": variables} if variables else {})},
        headers={"Authorization": f"Bearer {tenant.admin_token}", **headers},
    )


def _refused(response, code: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == code
    assert response.headers["x-sql-statements"] == "0"


def _nested(levels: int) -> str:
    return "{ viewer { employee { " + "manager { " * levels + "name" + " }" * levels + " } } }"


async def test_a_query_nested_past_the_depth_limit_is_refused(api, tenant):
    _refused(await _post(api, tenant, _nested(9)), "QUERY_TOO_DEEP")
    allowed = await _post(api, tenant, _nested(7))
    assert allowed.status_code == 200 and "errors" not in allowed.json()


async def test_aliases_are_counted_through_fragments(api, tenant):
    # 4 aliases in a fragment spread 4 times is 16 aliases, though the text shows 4.
    query = """fragment F on Employee { a: name b: name c: email d: email }
               { viewer { employee { ...F ...F ...F ...F } } }"""
    _refused(await _post(api, tenant, query), "TOO_MANY_ALIASES")
    fine = "fragment F on Employee { a: name b: name c: email d: email } { viewer { employee { ...F ...F ...F } } }"
    assert (await _post(api, tenant, fine)).status_code == 200


async def test_a_token_bomb_is_refused_by_the_parser(api, tenant):
    query = "{ viewer { " + " ".join(["a"] * 2100) + " } }"  # 4 kB, but 2,100 tokens
    _refused(await _post(api, tenant, query), "TOO_MANY_TOKENS")


async def test_an_oversized_document_is_refused(api, tenant):
    query = "{ viewer { __typename } }" + " " * 20_001
    _refused(await _post(api, tenant, query), "QUERY_TOO_LARGE")


async def test_too_many_directives_are_refused(api, tenant):
    query = "{ viewer { roles " + "@include(if: true) " * 51 + "} }"
    _refused(await _post(api, tenant, query), "TOO_MANY_DIRECTIVES")


async def test_cost_is_weighted_by_first_including_variables(api, tenant):
    # 100 employees x 100-wide nested lists is a million rows of work: refused statically.
    query = """query($n: Int!) { employees(first: $n) { nodes { directReports { directReports { directReports { name } } } } } }"""
    _refused(await _post(api, tenant, query, {"n": 100}), "QUERY_TOO_COMPLEX")
    cheap = await _post(api, tenant, query, {"n": 1})
    assert cheap.status_code == 200, cheap.text


async def test_circular_fragments_are_refused_without_looping(api, tenant):
    query = "fragment A on Employee { manager { ...B } } fragment B on Employee { manager { ...A } } { viewer { employee { ...A } } }"
    _refused(await _post(api, tenant, query), "GRAPHQL_VALIDATION_FAILED")


async def test_a_fragment_fan_out_bomb_is_refused(api, tenant):
    fragments = "fragment F0 on Employee { name }\n" + "\n".join(
        f"fragment F{i} on Employee {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 20)
    )
    _refused(await _post(api, tenant, fragments + "\n{ viewer { employee { ...F19 } } }"), "QUERY_TOO_COMPLEX")


async def test_refusal_comes_before_authentication(api):
    response = await api.client.post("/graphql", json={"query": _nested(12)})
    _refused(response, "QUERY_TOO_DEEP")


async def test_first_above_the_cap_is_a_typed_error(tenant):
    result = await tenant.gql("{ employees(first: 101) { totalCount } }")
    assert result.errors[0]["extensions"]["code"] == "INVALID"


async def test_syntax_errors_are_a_clear_400(api, tenant):
    _refused(await _post(api, tenant, "{ viewer { "), "GRAPHQL_PARSE_FAILED")


# --- production mode ------------------------------------------------------------------------


@pytest.fixture
async def production_token(api, idp, tenant):
    return idp.mint(PLATFORM_IDP, {"email": tenant.admin_email, "tenant": tenant.slug})


async def test_production_refuses_introspection(production_client, production_token):
    response = await production_client.post(
        "/graphql", json={"query": "{ __schema { types { name } } }"}, headers={"Authorization": f"Bearer {production_token}"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"


async def test_production_gives_no_field_suggestions(production_client, production_token):
    response = await production_client.post(
        "/graphql", json={"query": "{ viewer { employe { name } } }"}, headers={"Authorization": f"Bearer {production_token}"}
    )
    message = response.json()["errors"][0]["message"]
    assert "employe" in message and "Did you mean" not in message


async def test_development_does_give_field_suggestions(api, tenant):
    result = await tenant.gql("{ viewer { employe { name } } }")
    assert "Did you mean" in result.errors[0]["message"]


async def test_production_serves_no_graphiql_and_no_dev_issuer(production_client, production_token):
    assert (await production_client.get("/graphql", headers={"accept": "text/html"})).status_code == 404
    assert (await production_client.get("/dev/jwks")).status_code == 404
    ok = await production_client.post(
        "/graphql", json={"query": "{ viewer { employee { email } } }"}, headers={"Authorization": f"Bearer {production_token}"}
    )
    assert ok.status_code == 200 and "x-sql-statements" not in ok.headers


async def test_an_operator_can_open_introspection_for_one_tenant_only(api, production_client, idp, tenant, other_tenant):
    opened = await api.gql(
        "mutation($i: SetTenantIntrospectionInput!) { setTenantIntrospection(input: $i) { errors { code } } }",
        {"i": {"id": tenant.id, "enabled": True}}, token=api.platform_token(),
    )
    assert opened.data["setTenantIntrospection"]["errors"] == []
    query = {"query": "{ __schema { queryType { name } } }"}
    for handle, status in ((tenant, 200), (other_tenant, 400)):
        token = idp.mint(PLATFORM_IDP, {"email": handle.admin_email, "tenant": handle.slug})
        response = await production_client.post("/graphql", json=query, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == status, response.text
    log = await tenant.gql("{ auditLog { edges { node { action after } } } }")
    assert log.data["auditLog"]["edges"][0]["node"] == {"action": "tenant.introspection", "after": {"introspection": True}}
