"""Calibration, release, acknowledgement, anonymity settings.

Revision ID: 0004_review_results
Revises: 0003_reviews
"""

from alembic import op  # noqa: F401 - used once the tables are added

revision = "0004_review_results"
down_revision = "0003_reviews"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
