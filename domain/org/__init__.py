"""Org hierarchy: departments, employees, reporting lines over time, sign-in identities."""
