"""Continuous feedback and feedback requests.

Revision ID: 0005_feedback
Revises: 0004_review_results
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0005_feedback"
down_revision = "0004_review_results"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "feedback_requests",
    "feedback",
    "feedback_competencies",
    "feedback_request_recipients",
)

# created_at defaults to clock_timestamp(), not now(): several rows written in one
# transaction still get distinct times, and lists page on (created_at, id).
# A request's visibility is the one its answers get (the requester chooses it).
SCHEMA = """
CREATE TABLE feedback_requests (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    requester_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    question text NOT NULL CHECK (length(question) BETWEEN 1 AND 1000),
    due_date date NOT NULL,
    visibility text NOT NULL CHECK (visibility IN ('PRIVATE', 'MANAGER_VISIBLE', 'PUBLIC')),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, requester_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX feedback_requests_requester_idx ON feedback_requests (tenant_id, requester_id, created_at DESC);

CREATE TABLE feedback (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    giver_id uuid NOT NULL,
    receiver_id uuid NOT NULL,
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    kind text NOT NULL CHECK (kind IN ('PRAISE', 'COACHING')),
    visibility text NOT NULL CHECK (visibility IN ('PRIVATE', 'MANAGER_VISIBLE', 'PUBLIC')),
    request_id uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, giver_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, receiver_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES feedback_requests (tenant_id, id),
    CHECK (giver_id <> receiver_id)
);
CREATE INDEX feedback_receiver_idx ON feedback (tenant_id, receiver_id, created_at DESC, id DESC);
CREATE INDEX feedback_giver_idx ON feedback (tenant_id, giver_id, created_at DESC, id DESC);

CREATE TABLE feedback_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    feedback_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, feedback_id, competency_id),
    FOREIGN KEY (tenant_id, feedback_id) REFERENCES feedback (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);
CREATE INDEX feedback_competencies_competency_idx ON feedback_competencies (tenant_id, competency_id);

CREATE TABLE feedback_request_recipients (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    request_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ANSWERED', 'DECLINED')),
    feedback_id uuid,
    decline_reason text CHECK (length(decline_reason) <= 1000),
    responded_at timestamptz,
    PRIMARY KEY (tenant_id, request_id, employee_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES feedback_requests (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, feedback_id) REFERENCES feedback (tenant_id, id),
    CHECK ((status = 'ANSWERED') = (feedback_id IS NOT NULL)),
    CHECK ((status = 'OPEN') = (responded_at IS NULL))
);
CREATE INDEX feedback_request_recipients_inbox_idx ON feedback_request_recipients (tenant_id, employee_id, status);
"""


def upgrade() -> None:
    execute_script(SCHEMA)
    secure_tenant_tables(TENANT_TABLES)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
