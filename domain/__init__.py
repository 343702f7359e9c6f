"""Business rules per bounded context. Imports no web framework (checked by import-linter)."""
