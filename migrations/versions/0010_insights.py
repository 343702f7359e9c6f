"""Metrics engine indexes; goals tracked from platform metrics.

Revision ID: 0010_insights
Revises: 0009_audit
"""

from alembic import op

from migrations.tenancy import execute_script

revision = "0010_insights"
down_revision = "0009_audit"
branch_labels = None
depends_on = None

# Metric statements read each source table by tenant and a time range once per series.
SCHEMA = """
CREATE INDEX feedback_created_idx ON feedback (tenant_id, created_at);
CREATE INDEX feedback_requests_created_idx ON feedback_requests (tenant_id, created_at);
CREATE INDEX recognitions_created_idx ON recognitions (tenant_id, created_at);
CREATE INDEX competency_assessments_assessed_idx ON competency_assessments (tenant_id, assessed_on);
CREATE INDEX reviews_cycle_subject_idx ON reviews (tenant_id, cycle_id, subject_id);
ALTER TABLE goals
    ADD COLUMN metric_source text CHECK (metric_source IN (
        'FEEDBACK_PARTICIPATION_RATE', 'REVIEW_COMPLETION_RATE', 'GOAL_ATTAINMENT_RATE',
        'ONE_ON_ONE_CADENCE_RATE', 'RECOGNITION_RATE', 'RETENTION_RATE', 'COMPETENCY_GROWTH')),
    ADD COLUMN metric_scope_kind text CHECK (metric_scope_kind IN ('TENANT', 'DEPARTMENT', 'MANAGER')),
    ADD COLUMN metric_scope_id uuid,
    ADD CHECK ((metric_source IS NULL) = (metric_scope_kind IS NULL)),
    ADD CHECK ((metric_scope_kind = 'TENANT') IS NOT TRUE OR metric_scope_id IS NULL);
ALTER TABLE goal_check_ins ADD COLUMN automatic boolean NOT NULL DEFAULT false;
-- At most one automatic check-in per tracked goal and day: refreshing is idempotent.
CREATE UNIQUE INDEX goal_check_ins_automatic_key ON goal_check_ins (tenant_id, goal_id, checked_in_on) WHERE automatic;
"""


def upgrade() -> None:
    execute_script(SCHEMA)


def downgrade() -> None:
    op.execute("DROP INDEX goal_check_ins_automatic_key")
    op.execute("ALTER TABLE goal_check_ins DROP COLUMN automatic")
    op.execute("ALTER TABLE goals DROP COLUMN metric_scope_id, DROP COLUMN metric_scope_kind, DROP COLUMN metric_source")
    for index in (
        "feedback_created_idx", "feedback_requests_created_idx", "recognitions_created_idx",
        "competency_assessments_assessed_idx", "reviews_cycle_subject_idx",
    ):
        op.execute(f"DROP INDEX {index}")
