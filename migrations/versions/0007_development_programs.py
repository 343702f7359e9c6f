"""Mentorship programs, stretch projects, training programs.

Revision ID: 0007_development_programs
Revises: 0006_one_on_ones_plans
"""

from alembic import op  # noqa: F401 - used once the tables are added

revision = "0007_development_programs"
down_revision = "0006_one_on_ones_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
