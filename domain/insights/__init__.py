"""Insights: named metrics computed from the tenant's own data."""
