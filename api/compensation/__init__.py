"""GraphQL for compensation cycles, bonus formulas, recommendations and proposals."""
