"""Recognition, reactions, comments.

Revision ID: 0008_recognition
Revises: 0007_development_programs
"""

from alembic import op  # noqa: F401 - used once the tables are added

revision = "0008_recognition"
down_revision = "0007_development_programs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
