"""Competency frameworks, career levels, assessments, and measurable goals.

Revision ID: 0002_competencies_goals
Revises: 0001_foundation
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0002_competencies_goals"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "proficiency_levels",
    "competencies",
    "competency_indicators",
    "job_levels",
    "job_level_expectations",
    "competency_assessments",
    "goals",
    "key_results",
    "goal_competencies",
    "goal_check_ins",
)

SCHEMA = """
CREATE TABLE proficiency_levels (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    level smallint NOT NULL CHECK (level BETWEEN 1 AND 10),
    name text NOT NULL,
    description text,
    PRIMARY KEY (tenant_id, level)
);
CREATE UNIQUE INDEX proficiency_levels_name_key ON proficiency_levels (tenant_id, lower(name));

CREATE TABLE competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    description text,
    category text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    position integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX competencies_name_key ON competencies (tenant_id, lower(name));
CREATE INDEX competencies_position_idx ON competencies (tenant_id, position, name);

CREATE TABLE competency_indicators (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    competency_id uuid NOT NULL,
    level smallint NOT NULL,
    description text NOT NULL,
    indicators text[] NOT NULL DEFAULT '{}'::text[],
    PRIMARY KEY (tenant_id, competency_id, level),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id),
    FOREIGN KEY (tenant_id, level) REFERENCES proficiency_levels (tenant_id, level) ON DELETE CASCADE
);

CREATE TABLE job_levels (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    rank integer NOT NULL CHECK (rank BETWEEN 1 AND 100),
    track text NOT NULL CHECK (track IN ('INDIVIDUAL_CONTRIBUTOR', 'MANAGER')),
    description text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT job_levels_track_rank_key UNIQUE (tenant_id, track, rank)
);
CREATE UNIQUE INDEX job_levels_name_key ON job_levels (tenant_id, lower(name));

CREATE TABLE job_level_expectations (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    job_level_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    expected_level smallint NOT NULL,
    PRIMARY KEY (tenant_id, job_level_id, competency_id),
    FOREIGN KEY (tenant_id, job_level_id) REFERENCES job_levels (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id),
    FOREIGN KEY (tenant_id, expected_level) REFERENCES proficiency_levels (tenant_id, level)
);
CREATE INDEX job_level_expectations_competency_idx ON job_level_expectations (tenant_id, competency_id);

ALTER TABLE employees DROP COLUMN job_level;
ALTER TABLE employees ADD COLUMN job_level_id uuid;
ALTER TABLE employees ADD FOREIGN KEY (tenant_id, job_level_id) REFERENCES job_levels (tenant_id, id);
CREATE INDEX employees_job_level_idx ON employees (tenant_id, job_level_id);

CREATE TABLE competency_assessments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    employee_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    level smallint NOT NULL,
    source text NOT NULL CHECK (source IN ('SELF', 'MANAGER', 'REVIEW', 'EVIDENCE')),
    note text,
    assessed_by uuid,
    assessed_on date NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id),
    FOREIGN KEY (tenant_id, assessed_by) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, level) REFERENCES proficiency_levels (tenant_id, level)
);
CREATE INDEX competency_assessments_latest_idx
    ON competency_assessments (tenant_id, employee_id, competency_id, assessed_on DESC, recorded_at DESC);

CREATE TABLE goals (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    title text NOT NULL,
    description text,
    owner_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('PERFORMANCE', 'DEVELOPMENT', 'LEADERSHIP')),
    scope text NOT NULL CHECK (scope IN ('INDIVIDUAL', 'TEAM', 'DEPARTMENT', 'COMPANY')),
    department_id uuid,
    status text NOT NULL CHECK (status IN ('DRAFT', 'ACTIVE', 'COMPLETED', 'CANCELLED')),
    visibility text NOT NULL CHECK (visibility IN ('PUBLIC', 'MANAGER_CHAIN', 'PRIVATE')),
    start_date date NOT NULL,
    due_date date NOT NULL,
    parent_id uuid,
    weight numeric(5, 2) CHECK (weight BETWEEN 0 AND 100),
    metric_name text,
    metric_unit text,
    metric_baseline numeric,
    metric_target numeric,
    metric_direction text CHECK (metric_direction IN ('INCREASE', 'DECREASE')),
    metric_current numeric,
    metric_relative_change_percent numeric,
    created_by uuid,
    completed_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES goals (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id),
    CHECK (due_date >= start_date),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX goals_owner_idx ON goals (tenant_id, owner_id, due_date);
CREATE INDEX goals_parent_idx ON goals (tenant_id, parent_id);
CREATE INDEX goals_department_idx ON goals (tenant_id, department_id);
CREATE INDEX goals_due_idx ON goals (tenant_id, due_date, id);

CREATE TABLE key_results (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    goal_id uuid NOT NULL,
    name text NOT NULL,
    unit text NOT NULL,
    baseline numeric NOT NULL,
    target numeric NOT NULL,
    direction text NOT NULL CHECK (direction IN ('INCREASE', 'DECREASE')),
    current numeric,
    relative_change_percent numeric,
    weight numeric(5, 2) NOT NULL CHECK (weight BETWEEN 0 AND 100),
    position integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX key_results_goal_idx ON key_results (tenant_id, goal_id, position);

CREATE TABLE goal_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    goal_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, goal_id, competency_id),
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);
CREATE INDEX goal_competencies_competency_idx ON goal_competencies (tenant_id, competency_id);

CREATE TABLE goal_check_ins (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    goal_id uuid NOT NULL,
    key_result_id uuid,
    value numeric NOT NULL,
    confidence text NOT NULL CHECK (confidence IN ('ON_TRACK', 'AT_RISK', 'OFF_TRACK')),
    note text,
    author_id uuid,
    checked_in_on date NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, key_result_id) REFERENCES key_results (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX goal_check_ins_goal_idx ON goal_check_ins (tenant_id, goal_id, recorded_at DESC);
"""



def upgrade() -> None:
    execute_script(SCHEMA)
    secure_tenant_tables(TENANT_TABLES)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        if table != "proficiency_levels":
            op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("ALTER TABLE employees DROP COLUMN IF EXISTS job_level_id")
    op.execute("ALTER TABLE employees ADD COLUMN job_level text")
    op.execute("DROP TABLE IF EXISTS proficiency_levels CASCADE")
