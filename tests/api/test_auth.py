"""Authentication over real HTTP: every token goes through the production validator
(api/auth/*) and the GraphQL endpoint's error mapping (api/graphql/http.py)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest

VIEWER = "{ viewer { employee { id email } tenant { slug } isPlatformAdmin } }"
TENANTS = "{ tenants { slug } }"
CREATE_TENANT = """mutation($input: CreateTenantInput!) { createTenant(input: $input) {
    tenant { slug } errors { code field message } } }"""
SUSPEND = "mutation($id: ID!) { suspendTenant(input: {id: $id}) { tenant { status } errors { code } } }"
REACTIVATE = "mutation($id: ID!) { reactivateTenant(input: {id: $id}) { tenant { status } errors { code } } }"
TERMINATE = "mutation($id: ID!) { terminateEmployee(input: {employeeId: $id}) { employee { status } errors { code } } }"

UNAUTHENTICATED_BODY = {"errors": [{"message": "Authentication required", "extensions": {"code": "UNAUTHENTICATED"}}]}
# Words that would tell an attacker which check their forgery failed.
LEAKY_WORDS = ("expired", "signature", "kid", "key", "issuer", "audience", "alg", "claim", "nbf", "iat", "employee")
JWKS_WINDOW = 0.5  # HR_JWKS_MIN_REFRESH_SECONDS in the test settings


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _segment(obj: dict) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode())


def _claims(idp, name: str, **extra) -> dict:
    """A complete, valid claim set for issuer `name` (what idp.mint would sign)."""
    now = int(time.time())
    claims = {"iss": idp.issuer(name), "sub": f"user-{uuid.uuid4().hex[:8]}", "aud": "hr-api", "iat": now, "exp": now + 600}
    claims.update(extra)
    return claims


def _platform(idp, tenant, **claims) -> str:
    """A platform-issuer token for the tenant's admin; `claims` override (None drops one)."""
    return idp.mint("platform", {"email": tenant.admin_email, "tenant": tenant.slug, **claims})


async def _viewer(api, token: str):
    return await api.gql(VIEWER, token=token)


def assert_rejected(response) -> None:
    """401, the RFC 6750 challenge, and a body that is identical whatever the reason."""
    assert response.status == 401, response.body
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.body == UNAUTHENTICATED_BODY
    text = json.dumps(response.body).lower().replace("authentication required", "")
    assert not [word for word in LEAKY_WORDS if word in text], text


def assert_signed_in_as(response, tenant, email: str | None = None) -> None:
    assert response.status == 200, response.body
    viewer = response.data["viewer"]
    assert viewer["employee"]["email"] == (email or tenant.admin_email)
    assert viewer["tenant"]["slug"] == tenant.slug


async def _own_issuer_tenant(api, idp):
    """A tenant with its own identity provider (a fresh issuer, so its JWKS cache and counters are its own)."""
    name = f"tenant-x-{uuid.uuid4().hex[:8]}"
    return name, await api.new_tenant(oidc_issuer=idp.issuer(name))


async def _tenant_slugs(api) -> set[str]:
    return {row["slug"] for row in (await api.gql(TENANTS, token=api.platform_token())).data["tenants"]}


@pytest.fixture
def platform_keys(idp):
    """Keys added to the shared platform issuer during a test are removed afterwards,
    so later tests keep signing with the original key."""
    saved = list(idp.keys["platform"])
    yield
    idp.keys["platform"] = saved


# --- malformed and forged tokens ---------------------------------------------------------


async def test_a_request_without_authorization_is_rejected(api, tenant):
    assert_rejected(await api.gql(VIEWER, token=None))


async def test_a_non_bearer_scheme_is_rejected(api, tenant):
    response = await api.client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Basic {_b64(tenant.admin_email.encode())}"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == UNAUTHENTICATED_BODY


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9..", "x" * 20_000])
async def test_a_garbage_token_is_rejected(api, garbage):
    assert_rejected(await _viewer(api, garbage))


async def test_an_unsigned_alg_none_token_is_rejected(api, idp, tenant):
    claims = _claims(idp, "platform", email=tenant.admin_email, tenant=tenant.slug)
    token = f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}."
    assert_rejected(await _viewer(api, token))


@pytest.mark.parametrize("secret_form", ["pem", "jwk"])
async def test_hs256_signed_with_the_issuers_public_key_is_rejected(api, idp, tenant, secret_form):
    # Key confusion: a verifier that let the header pick the algorithm would use the
    # public key (which anyone can fetch) as an HMAC secret.
    public = idp.key("platform")
    secret = public.as_pem(private=False) if secret_form == "pem" else json.dumps(public.as_dict(private=False)).encode()
    claims = _claims(idp, "platform", email=tenant.admin_email, tenant=tenant.slug)
    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': public.kid})}.{_segment(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    assert_rejected(await _viewer(api, f"{signing_input}.{_b64(signature)}"))


async def test_a_token_with_an_unknown_kid_is_rejected(api, idp, tenant):
    token = idp.mint("platform", {"email": tenant.admin_email, "tenant": tenant.slug}, header={"kid": "no-such-key"})
    assert_rejected(await _viewer(api, token))


async def test_a_tampered_payload_is_rejected(api, idp, tenant):
    token = _platform(idp, tenant)
    assert_signed_in_as(await _viewer(api, token), tenant)  # the untouched token is fine
    header, payload, signature = token.split(".")
    claims = json.loads(_unb64(payload))
    claims["scope"] = "platform:admin"  # one claim added, signature kept
    assert_rejected(await _viewer(api, f"{header}.{_segment(claims)}.{signature}"))


# --- claims ------------------------------------------------------------------------------


async def test_a_token_expired_beyond_the_leeway_is_rejected(api, idp, tenant):
    now = int(time.time())
    assert_rejected(await _viewer(api, _platform(idp, tenant, iat=now - 700, exp=now - 60)))


async def test_a_token_expired_within_the_leeway_is_accepted(api, idp, tenant):
    # 30 s of clock skew is tolerated; 10 s past expiry is still fine.
    now = int(time.time())
    assert_signed_in_as(await _viewer(api, _platform(idp, tenant, iat=now - 600, exp=now - 10)), tenant)


async def test_a_token_not_yet_valid_beyond_the_leeway_is_rejected(api, idp, tenant):
    assert_rejected(await _viewer(api, _platform(idp, tenant, nbf=int(time.time()) + 120)))


async def test_a_token_issued_in_the_future_beyond_the_leeway_is_rejected(api, idp, tenant):
    assert_rejected(await _viewer(api, _platform(idp, tenant, iat=int(time.time()) + 120)))


async def test_a_token_for_another_audience_is_rejected(api, idp, tenant):
    assert_rejected(await _viewer(api, _platform(idp, tenant, aud="some-other-api")))


async def test_a_token_without_exp_is_rejected(api, idp, tenant):
    assert_rejected(await _viewer(api, _platform(idp, tenant, exp=None)))


async def test_an_untrusted_issuer_is_rejected_without_fetching_its_keys(api, idp, tenant):
    rogue = f"rogue-{uuid.uuid4().hex[:8]}"
    assert idp.issuer(rogue).startswith("http")  # the idp serves it; the service was never told about it
    token = idp.mint(rogue, {"email": tenant.admin_email, "tenant": tenant.slug})
    assert_rejected(await _viewer(api, token))
    # Trust is decided before any key fetch: no outbound call to an attacker-chosen URL.
    assert idp.jwks_fetches[rogue] == 0


# --- issuers, tenants and keys -----------------------------------------------------------


async def test_a_tenant_issuer_binds_its_tokens_to_its_own_tenant_whatever_the_tenant_claim(api, idp, other_tenant):
    name, tenant_a = await _own_issuer_tenant(api, idp)
    claiming_b = idp.mint(name, {"email": tenant_a.admin_email, "tenant": other_tenant.slug})
    assert_signed_in_as(await _viewer(api, claiming_b), tenant_a)
    # B's admin does not exist in A, so the claim cannot carry them into B either.
    b_admin = idp.mint(name, {"email": other_tenant.admin_email, "tenant": other_tenant.slug})
    assert_rejected(await _viewer(api, b_admin))


async def test_es256_tokens_from_the_platform_issuer_are_accepted(api, idp, tenant, platform_keys):
    ec_key = idp.add_key("platform", "EC")
    await asyncio.sleep(JWKS_WINDOW + 0.1)  # a new kid is only looked up once per refresh window
    token = idp.mint("platform", {"email": tenant.admin_email, "tenant": tenant.slug}, key=ec_key)
    assert json.loads(_unb64(token.split(".")[0]))["alg"] == "ES256"
    assert_signed_in_as(await _viewer(api, token), tenant)


async def test_a_rotated_key_is_accepted_after_one_refetch(api, idp):
    name, tenant = await _own_issuer_tenant(api, idp)
    # One subject throughout: a second subject with the same email would be refused.
    claims = {"email": tenant.admin_email, "sub": "admin-subject"}
    assert_signed_in_as(await _viewer(api, idp.mint(name, claims)), tenant)
    assert idp.jwks_fetches[name] == 1

    new_key = idp.add_key(name)
    await asyncio.sleep(JWKS_WINDOW + 0.1)
    token = idp.mint(name, claims, key=new_key)
    assert_signed_in_as(await _viewer(api, token), tenant)
    assert idp.jwks_fetches[name] == 2
    # Now cached: no further fetch.
    assert_signed_in_as(await _viewer(api, token), tenant)
    assert idp.jwks_fetches[name] == 2


async def test_a_flood_of_unknown_kids_refetches_keys_at_most_once_per_window(api, idp):
    name, tenant = await _own_issuer_tenant(api, idp)
    assert_signed_in_as(await _viewer(api, idp.mint(name, {"email": tenant.admin_email})), tenant)
    await asyncio.sleep(JWKS_WINDOW + 0.1)
    before = idp.jwks_fetches[name]

    # An attacker needs no key to send kids: swap the header of one signed token.
    _, payload, signature = idp.mint(name, {"email": tenant.admin_email}).split(".")
    headers = [_segment({"alg": "RS256", "typ": "JWT", "kid": f"forged-{i}"}) for i in range(30)]
    forged = [f"{header}.{payload}.{signature}" for header in headers]
    started = time.monotonic()
    responses = await asyncio.gather(*(_viewer(api, token) for token in forged))
    elapsed = time.monotonic() - started
    for response in responses:
        assert_rejected(response)
    refetches = idp.jwks_fetches[name] - before
    # The first unknown kid may refetch (it could be a rotation); the rest wait for the window.
    assert 1 <= refetches <= 1 + int(elapsed / JWKS_WINDOW), (refetches, elapsed)


# --- who the token maps to ---------------------------------------------------------------


async def test_a_valid_token_for_an_email_with_no_employee_is_rejected(api, idp, tenant):
    assert_rejected(await _viewer(api, _platform(idp, tenant, email=f"stranger@{tenant.slug}.test")))


async def test_a_terminated_employee_can_no_longer_sign_in(api, tenant):
    person = await tenant.create_employee()
    token = tenant.token_for(person["email"])
    assert_signed_in_as(await _viewer(api, token), tenant, person["email"])

    terminated = (await tenant.gql(TERMINATE, {"id": person["id"]})).data["terminateEmployee"]
    assert terminated == {"employee": {"status": "TERMINATED"}, "errors": []}
    assert_rejected(await _viewer(api, token))


async def test_a_suspended_tenant_gets_403_until_reactivated(api, tenant):
    suspended = (await api.gql(SUSPEND, {"id": tenant.id}, token=api.platform_token())).data["suspendTenant"]
    assert suspended == {"tenant": {"status": "SUSPENDED"}, "errors": []}
    response = await _viewer(api, tenant.admin_token)
    assert response.status == 403
    assert response.body == {"errors": [{"message": "This tenant is suspended", "extensions": {"code": "TENANT_SUSPENDED"}}]}

    reactivated = (await api.gql(REACTIVATE, {"id": tenant.id}, token=api.platform_token())).data["reactivateTenant"]
    assert reactivated == {"tenant": {"status": "ACTIVE"}, "errors": []}
    assert_signed_in_as(await _viewer(api, tenant.admin_token), tenant)


async def test_a_second_subject_cannot_take_over_a_bound_employee_by_email(api, tenant):
    first = api.token(tenant.admin_email, tenant.slug, subject="original-subject")
    assert_signed_in_as(await _viewer(api, first), tenant)
    assert_rejected(await _viewer(api, api.token(tenant.admin_email, tenant.slug, subject="impostor-subject")))
    assert_signed_in_as(await _viewer(api, first), tenant)  # the owner is unaffected


# --- platform administration -------------------------------------------------------------


async def test_a_platform_admin_lists_tenants(api, tenant):
    response = await api.gql(TENANTS, token=api.platform_token())
    assert tenant.slug in {row["slug"] for row in response.data["tenants"]}
    viewer = (await _viewer(api, api.platform_token())).data["viewer"]
    assert viewer == {"employee": None, "tenant": None, "isPlatformAdmin": True}


def _new_tenant_input() -> dict:
    slug = f"nope-{uuid.uuid4().hex[:10]}"
    return {"slug": slug, "name": "Not allowed", "adminEmail": f"admin@{slug}.test", "adminName": "Nobody"}


async def test_a_tenant_admin_cannot_create_tenants(api, tenant):
    new = _new_tenant_input()
    payload = (await tenant.gql(CREATE_TENANT, {"input": new})).data["createTenant"]
    assert payload["tenant"] is None
    assert [error["code"] for error in payload["errors"]] == ["FORBIDDEN"]
    assert new["slug"] not in await _tenant_slugs(api)


async def test_platform_scope_from_a_tenant_issuer_is_not_platform_admin(api, idp):
    name, tenant = await _own_issuer_tenant(api, idp)
    token = idp.mint(name, {"email": tenant.admin_email, "scope": "platform:admin"})
    viewer = (await _viewer(api, token)).data["viewer"]
    assert viewer["isPlatformAdmin"] is False
    assert viewer["employee"]["email"] == tenant.admin_email

    new = _new_tenant_input()
    payload = (await api.gql(CREATE_TENANT, {"input": new}, token=token)).data["createTenant"]
    assert [error["code"] for error in payload["errors"]] == ["FORBIDDEN"]
    listing = await api.gql(TENANTS, token=token)
    assert [error["extensions"]["code"] for error in listing.errors] == ["FORBIDDEN"]
    assert new["slug"] not in await _tenant_slugs(api)


async def test_an_unverified_email_cannot_bind_an_employee(api, tenant):
    # A provider that lets users type any address marks it unverified; binding on it would be a takeover.
    person = await tenant.create_employee(email="victim@example.test")
    unverified = api.token("victim@example.test", tenant.slug, subject="attacker", email_verified=False)
    assert (await api.gql("{ viewer { employee { id } } }", token=unverified)).status == 401
    verified = api.token("victim@example.test", tenant.slug, subject="victim", email_verified=True)
    assert (await api.gql("{ viewer { employee { id } } }", token=verified)).data["viewer"]["employee"]["id"] == person["id"]
