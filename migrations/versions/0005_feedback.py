"""Continuous feedback and feedback requests.

Revision ID: 0005_feedback
Revises: 0004_review_results
"""

from alembic import op  # noqa: F401 - used once the tables are added

revision = "0005_feedback"
down_revision = "0004_review_results"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
