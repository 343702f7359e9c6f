"""Recognition, reactions, comments.

Revision ID: 0008_recognition
Revises: 0007_development_programs
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0008_recognition"
down_revision = "0007_development_programs"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "recognitions",
    "recognition_recipients",
    "recognition_competencies",
    "recognition_reactions",
    "recognition_comments",
)

# created_at defaults to clock_timestamp(), not now(): several recognitions written in one
# transaction still get distinct times, and the feed pages on (created_at, id).
SCHEMA = """
CREATE TABLE recognitions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    giver_id uuid NOT NULL,
    message text NOT NULL CHECK (length(message) BETWEEN 1 AND 2000),
    kind text NOT NULL CHECK (kind IN ('KUDOS', 'LEADERSHIP_ACHIEVEMENT')),
    visibility text NOT NULL CHECK (visibility IN ('PUBLIC', 'PRIVATE')),
    value_tags text[] NOT NULL DEFAULT '{}'::text[] CHECK (cardinality(value_tags) <= 5),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, giver_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX recognitions_feed_idx ON recognitions (tenant_id, visibility, created_at DESC, id DESC);
CREATE INDEX recognitions_giver_idx ON recognitions (tenant_id, giver_id, created_at DESC, id DESC);

CREATE TABLE recognition_recipients (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    recognition_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    position smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, recognition_id, employee_id),
    FOREIGN KEY (tenant_id, recognition_id) REFERENCES recognitions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX recognition_recipients_employee_idx ON recognition_recipients (tenant_id, employee_id, recognition_id);

CREATE TABLE recognition_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    recognition_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, recognition_id, competency_id),
    FOREIGN KEY (tenant_id, recognition_id) REFERENCES recognitions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);
CREATE INDEX recognition_competencies_competency_idx ON recognition_competencies (tenant_id, competency_id);

CREATE TABLE recognition_reactions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    recognition_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    emoji text NOT NULL,
    reacted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, recognition_id, employee_id, emoji),
    FOREIGN KEY (tenant_id, recognition_id) REFERENCES recognitions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);

CREATE TABLE recognition_comments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    recognition_id uuid NOT NULL,
    author_id uuid NOT NULL,
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, recognition_id) REFERENCES recognitions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX recognition_comments_recognition_idx ON recognition_comments (tenant_id, recognition_id, created_at DESC, id DESC);
"""


def upgrade() -> None:
    execute_script(SCHEMA)
    secure_tenant_tables(TENANT_TABLES)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
