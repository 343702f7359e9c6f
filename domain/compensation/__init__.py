"""Compensation: cycles, versioned bonus formulas, recommendations and proposals."""
