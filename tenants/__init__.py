"""Tenant registry, provisioning, and the one function that opens a tenant-scoped session."""
