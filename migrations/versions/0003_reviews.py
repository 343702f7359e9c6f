"""Review templates, cycles, assignments, nominations, answers.

Revision ID: 0003_reviews
Revises: 0002_competencies_goals
"""

from alembic import op  # noqa: F401 - used once the tables are added

revision = "0003_reviews"
down_revision = "0002_competencies_goals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
