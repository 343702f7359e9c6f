"""Sensitive changes leave an append-only audit entry, written with the change itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tenants.session import tenant_session

LOG = """query($f: AuditFilterInput) { auditLog(first: 20, filter: $f) { edges { node {
  action subjectType subjectId actor { id } actorLabel before after requestId } } } }"""
ASSIGN = """mutation($i: AssignRolesInput!) { assignRoles(input: $i) { errors { code } } }"""


async def test_a_role_grant_is_audited_with_before_and_after(tenant):
    person = await tenant.create_employee()
    granted = await tenant.gql(ASSIGN, {"i": {"employeeId": person["id"], "roles": ["HR_ADMIN"]}})
    assert granted.data["assignRoles"]["errors"] == []
    entries = [e["node"] for e in (await tenant.gql(LOG)).data["auditLog"]["edges"]]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["action"] == "roles.assigned" and entry["subjectId"] == person["id"]
    assert entry["before"] == {"roles": ["EMPLOYEE"]} and entry["after"] == {"roles": ["EMPLOYEE", "HR_ADMIN"]}
    assert entry["actor"] == {"id": tenant.admin_id} and entry["requestId"]


async def test_a_refused_change_leaves_no_entry(tenant):
    person = await tenant.create_employee()
    refused = await tenant.gql(ASSIGN, {"i": {"employeeId": person["id"], "roles": ["NOPE"]}})
    assert refused.errors  # an unknown enum value never reaches the domain
    unchanged = await tenant.gql(ASSIGN, {"i": {"employeeId": person["id"], "roles": ["EMPLOYEE"]}})
    assert unchanged.data["assignRoles"]["errors"] == []
    assert (await tenant.gql(LOG)).data["auditLog"]["edges"] == []  # nothing changed, nothing to audit


async def test_suspension_by_an_operator_is_in_the_tenants_log(api, tenant):
    for name in ("suspendTenant", "reactivateTenant"):
        done = await api.gql(f"mutation($i: TenantIdInput!) {{ {name}(input: $i) {{ errors {{ code }} }} }}",
                             {"i": {"id": tenant.id}}, token=api.platform_token())
        assert done.data[name]["errors"] == []
    entries = [e["node"] for e in (await tenant.gql(LOG)).data["auditLog"]["edges"]]
    assert [e["action"] for e in entries] == ["tenant.active", "tenant.suspended"]
    assert entries[1]["actorLabel"].startswith("platform:") and entries[1]["actor"] is None


async def test_only_tenant_admins_read_the_log(tenant):
    hr = await tenant.create_employee(email=f"hr@{tenant.slug}.test", roles=["HR_ADMIN"])
    result = await tenant.gql(LOG, token=tenant.token_for(hr["email"]))
    assert result.errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_request_role_cannot_rewrite_history(engines, tenant):
    person = await tenant.create_employee()
    await tenant.gql(ASSIGN, {"i": {"employeeId": person["id"], "roles": ["HR_ADMIN"]}})
    _, app = engines
    from tests.api.test_cross_tenant import raw_uuid

    tenant_id = raw_uuid(tenant.id)
    for statement in ("UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError) as refused:
            async with tenant_session(app, tenant_id) as session:
                await session.execute(text(statement))
        assert "permission denied" in str(refused.value) or "append-only" in str(refused.value)
    assert len((await tenant.gql(LOG)).data["auditLog"]["edges"]) == 1
