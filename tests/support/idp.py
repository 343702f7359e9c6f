"""A stand-in OpenID provider: serves discovery and JWKS for several issuers over real HTTP,
signs tokens with their private keys, and can rotate keys. Counts JWKS fetches."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class FakeIdentityProvider:
    base_url: str = ""
    keys: dict[str, list] = field(default_factory=dict)
    jwks_fetches: Counter = field(default_factory=Counter)

    def issuer(self, name: str) -> str:
        self.keys.setdefault(name, [_rsa()])
        return f"{self.base_url}/{name}"

    def add_key(self, name: str, kind: str = "RSA"):
        key = _rsa() if kind == "RSA" else ECKey.generate_key("P-256", parameters={"kid": f"ec-{uuid.uuid4().hex[:8]}"})
        self.keys.setdefault(name, []).append(key)
        return key

    def key(self, name: str):
        return self.keys[name][-1]

    def mint(self, name: str, claims: dict | None = None, *, key=None, alg: str | None = None, header: dict | None = None) -> str:
        key = key or self.key(name)
        now = int(time.time())
        body = {"iss": self.issuer(name), "sub": f"user-{uuid.uuid4().hex[:8]}", "aud": "hr-api", "iat": now, "exp": now + 600}
        body.update(claims or {})
        body = {k: v for k, v in body.items() if v is not None}
        algorithm = alg or ("ES256" if isinstance(key, ECKey) else "RS256")
        return jwt.encode({"alg": algorithm, "kid": key.kid, **(header or {})}, body, key)

    def app(self) -> Starlette:
        async def discovery(request: Request) -> Response:
            name = request.path_params["name"]
            if name not in self.keys:
                return JSONResponse({}, status_code=404)
            issuer = f"{self.base_url}/{name}"
            return JSONResponse({"issuer": issuer, "jwks_uri": f"{issuer}/jwks"})

        async def jwks(request: Request) -> Response:
            name = request.path_params["name"]
            self.jwks_fetches[name] += 1
            public = KeySet([k.__class__.import_key(k.as_dict(private=False)) for k in self.keys.get(name, [])])
            return JSONResponse(public.as_dict())

        return Starlette(
            routes=[
                Route("/{name}/.well-known/openid-configuration", discovery),
                Route("/{name}/jwks", jwks),
            ]
        )


def _rsa() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": f"rsa-{uuid.uuid4().hex[:8]}"})
