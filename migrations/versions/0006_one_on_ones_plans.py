"""1:1 series, meetings, agenda, notes, action items; development plans.

Revision ID: 0006_one_on_ones_plans
Revises: 0005_feedback
"""

from alembic import op  # noqa: F401 - used once the tables are added

revision = "0006_one_on_ones_plans"
down_revision = "0005_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
