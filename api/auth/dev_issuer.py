"""The development issuer: this server signs its own RS256 tokens for `make run` and tests.

Only trusted when HR_DEV_AUTH=1. Its tokens go through the same validator as any
identity provider's; the only difference is that its keys are read from disk, not HTTP.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey


def load_or_create_key(path: Path) -> RSAKey:
    if path.exists():
        return RSAKey.import_key(json.loads(path.read_text()))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = RSAKey.generate_key(2048, parameters={"kid": f"dev-{uuid.uuid4().hex[:12]}", "use": "sig", "alg": "RS256"})
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(key.as_dict(private=True)))
    os.chmod(tmp, 0o600)
    tmp.replace(path)  # atomic, so concurrent starters agree on one key
    return key


def public_key_set(key: RSAKey) -> KeySet:
    return KeySet([RSAKey.import_key(key.as_dict(private=False))])


def discovery_document(issuer: str) -> dict:
    return {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/jwks",
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
        "response_types_supported": ["id_token"],
    }


def mint_token(
    key: RSAKey,
    issuer: str,
    audience: str,
    *,
    email: str,
    tenant: str | None,
    subject: str | None = None,
    scope: str | None = None,
    tenant_claim: str = "tenant",
    lifetime: int = 8 * 3600,
    extra: dict | None = None,
) -> str:
    now = int(time.time())
    claims: dict = {
        "iss": issuer,
        "sub": subject or f"dev|{email.lower()}",
        "aud": audience,
        "email": email,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
    }
    if tenant:
        claims[tenant_claim] = tenant
    if scope:
        claims["scope"] = scope
    claims.update(extra or {})
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)
