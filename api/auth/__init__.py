"""OAuth 2.0 bearer tokens: JWT validation with OIDC discovery, and the development issuer."""
