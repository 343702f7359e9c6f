"""Talking to the running service: a GraphQL client with real tokens, and tenant factories."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.auth.dev_issuer import mint_token


@dataclass
class GraphQLResponse:
    status: int
    body: dict
    headers: httpx.Headers

    @property
    def data(self) -> Any:
        assert "errors" not in self.body, self.body
        return self.body["data"]

    @property
    def errors(self) -> list[dict]:
        return self.body.get("errors", [])

    @property
    def sql_statements(self) -> int:
        return int(self.headers["x-sql-statements"])


@dataclass
class Api:
    client: httpx.AsyncClient
    dev_key: Any
    dev_issuer: str

    def token(
        self, email: str | None = None, tenant: str | None = None, scope: str | None = None, subject: str | None = None, **extra
    ) -> str:
        """A development-issuer token, signed like `hr token` does; extra claims override defaults."""
        return mint_token(
            self.dev_key, self.dev_issuer, "hr-api", email=email or "nobody@example.test", tenant=tenant,
            scope=scope, subject=subject, extra=extra or None,
        )

    def platform_token(self) -> str:
        return self.token("operator@platform.test", scope="platform:admin")

    async def gql(self, query: str, variables: dict | None = None, *, token: str | None, **kwargs) -> GraphQLResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        response = await self.client.post("/graphql", json=payload, headers=headers, **kwargs)
        return GraphQLResponse(response.status_code, response.json(), response.headers)

    async def new_tenant(self, prefix: str = "t", oidc_issuer: str | None = None) -> TenantHandle:
        slug = f"{prefix}-{uuid.uuid4().hex[:10]}"
        admin_email = f"admin@{slug}.test"
        result = await self.gql(
            """mutation($input: CreateTenantInput!) { createTenant(input: $input) {
                 tenant { id slug } admin { id email } errors { code field message } } }""",
            {"input": {"slug": slug, "name": f"Tenant {slug}", "adminEmail": admin_email, "adminName": "First Admin",
                       "oidcIssuer": oidc_issuer}},
            token=self.platform_token(),
        )
        payload = result.data["createTenant"]
        assert payload["errors"] == [], payload
        return TenantHandle(self, slug, payload["tenant"]["id"], payload["admin"]["id"], admin_email)


@dataclass
class TenantHandle:
    api: Api
    slug: str
    id: str
    admin_id: str
    admin_email: str
    _seq: list[int] = field(default_factory=lambda: [0])

    @property
    def admin_token(self) -> str:
        return self.api.token(self.admin_email, self.slug)

    def token_for(self, email: str) -> str:
        return self.api.token(email, self.slug)

    async def gql(self, query: str, variables: dict | None = None, *, token: str | None = None) -> GraphQLResponse:
        return await self.api.gql(query, variables, token=token or self.admin_token)

    async def create_employee(self, **fields) -> dict:
        self._seq[0] += 1
        fields.setdefault("name", f"Person {self._seq[0]}")
        fields.setdefault("email", f"person{self._seq[0]}-{uuid.uuid4().hex[:6]}@{self.slug}.test")
        result = await self.gql(
            """mutation($input: CreateEmployeeInput!) { createEmployee(input: $input) {
                 employee { id email name } errors { code field message } } }""",
            {"input": fields},
        )
        payload = result.data["createEmployee"]
        assert payload["errors"] == [], payload
        return payload["employee"]

    async def create_department(self, name: str, parent_id: str | None = None) -> dict:
        result = await self.gql(
            """mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) {
                 department { id name } errors { code field message } } }""",
            {"input": {"name": name, "parentId": parent_id}},
        )
        payload = result.data["createDepartment"]
        assert payload["errors"] == [], payload
        return payload["department"]

    async def import_rows(self, rows: list[dict]) -> list[dict]:
        result = await self.gql(
            """mutation($input: ImportEmployeesInput!) { importEmployees(input: $input) {
                 employees { id email name } errors { code field message } } }""",
            {"input": {"rows": rows}},
        )
        payload = result.data["importEmployees"]
        assert payload["errors"] == [], payload
        return payload["employees"]
