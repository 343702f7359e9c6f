"""The signed-in principal, end to end over HTTP."""

from __future__ import annotations

VIEWER = "{ viewer { employee { id email } tenant { slug } roles isPlatformAdmin } }"


async def test_viewer_is_the_signed_in_employee(tenant):
    result = await tenant.gql(VIEWER)
    viewer = result.data["viewer"]
    assert viewer["employee"]["email"] == tenant.admin_email
    assert viewer["tenant"]["slug"] == tenant.slug
    assert set(viewer["roles"]) == {"EMPLOYEE", "HR_ADMIN", "TENANT_ADMIN"}
    assert viewer["isPlatformAdmin"] is False


async def test_sign_in_matches_email_case_insensitively_then_binds_the_subject(api, tenant):
    person = await tenant.create_employee(email="Mixed.Case@Example.test")
    token = api.token("mixed.case@example.TEST", tenant.slug, subject="subject-1")
    first = await api.gql(VIEWER, token=token)
    assert first.data["viewer"]["employee"]["id"] == person["id"]

    # Later the binding decides, not the email claim.
    again = await api.gql(VIEWER, token=api.token("someone.else@example.test", tenant.slug, subject="subject-1"))
    assert again.data["viewer"]["employee"]["id"] == person["id"]


async def test_concurrent_first_sign_ins_of_one_identity_all_succeed(api, tenant):
    import asyncio

    person = await tenant.create_employee(email="racer@example.test")
    token = api.token("racer@example.test", tenant.slug, subject="racer-subject")
    results = await asyncio.gather(*(api.gql(VIEWER, token=token) for _ in range(8)))
    assert {r.status for r in results} == {200}
    assert {r.data["viewer"]["employee"]["id"] for r in results} == {person["id"]}
