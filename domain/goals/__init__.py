"""Measurable goals: metrics and key results, check-ins, derived progress and health, alignment."""
