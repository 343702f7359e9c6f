"""Bearer-token validation: one code path for every issuer, the development one included."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

import orjson
import structlog
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry

from api.auth.keys import IssuerKeys

log = structlog.get_logger(__name__)

# Pinned: asymmetric only. `none` and HS* are never accepted, whatever the header says.
ALGORITHMS = ("RS256", "ES256")
MAX_TOKEN_LENGTH = 16_384


class InvalidToken(Exception):
    """Why is logged, never returned to the caller."""


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    issuer: str
    subject: str
    email: str | None
    scopes: frozenset[str]
    claims: dict


def _unverified_issuer_and_kid(token: str) -> tuple[str, str | None, str]:
    try:
        compact = jws.extract_compact(token.encode("ascii"))
        header = compact.headers()
        claims = orjson.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError, TypeError) as error:
        raise InvalidToken(f"malformed token: {type(error).__name__}") from error
    if not isinstance(claims, dict) or not isinstance(claims.get("iss"), str):
        raise InvalidToken("no issuer")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise InvalidToken(f"algorithm {alg!r} is not allowed")
    kid = header.get("kid")
    return claims["iss"].rstrip("/"), kid if isinstance(kid, str) else None, alg


def peek_issuer(token: str) -> str:
    """The issuer a token claims, before anything is verified: used only to pick whom to trust."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("empty or oversized token")
    return _unverified_issuer_and_kid(token)[0]


@dataclass
class TokenValidator:
    keys: IssuerKeys
    audience: str
    leeway: int = 30
    clock: Callable[[], float] = time.time

    async def validate(self, token: str, trusted_issuers: Collection[str]) -> VerifiedToken:
        """Verify signature and claims. `trusted_issuers` are the issuers this request may come from."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken("empty or oversized token")
        issuer, kid, _ = _unverified_issuer_and_kid(token)
        if issuer not in trusted_issuers:
            raise InvalidToken(f"untrusted issuer {issuer!r}")
        key_set = await self.keys.key_set(issuer, kid)
        if key_set is None or (kid is not None and not any(k.kid == kid for k in key_set.keys)):
            raise InvalidToken(f"unknown key id {kid!r} for {issuer!r}")
        try:
            decoded = jwt.decode(token, key_set, algorithms=list(ALGORITHMS))
            registry = JWTClaimsRegistry(
                now=lambda: int(self.clock()),
                leeway=self.leeway,
                iss={"essential": True, "value": decoded.claims.get("iss")},
                sub={"essential": True},
                exp={"essential": True},
                aud={"essential": True, "value": self.audience},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError, TypeError) as error:
            raise InvalidToken(f"{type(error).__name__}: {error}") from error
        claims = decoded.claims
        if claims["iss"].rstrip("/") != issuer:
            raise InvalidToken("issuer changed between parse and verify")
        scope = claims.get("scope", "")
        scopes = frozenset(scope.split()) if isinstance(scope, str) else frozenset()
        # An address the provider says it has not verified must not bind an employee.
        verified_email = claims.get("email_verified") is not False
        email = claims.get("email") if isinstance(claims.get("email"), str) and verified_email else None
        subject = str(claims["sub"])
        if "\x00" in subject or (email and "\x00" in email):
            raise InvalidToken("NUL in sub or email")  # both are looked up in PostgreSQL text, which cannot hold it
        return VerifiedToken(issuer=issuer, subject=subject, email=email, scopes=scopes, claims=claims)
