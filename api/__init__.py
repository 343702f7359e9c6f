"""HTTP and GraphQL surface: app, auth, context, permissions, error mapping, per-context GraphQL types."""
