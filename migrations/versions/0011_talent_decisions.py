"""Promotion criteria, compensation cycles, bonus formulas, proposals.

Revision ID: 0011_talent_decisions
Revises: 0010_insights
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0011_talent_decisions"
down_revision = "0010_insights"
branch_labels = None
depends_on = None

# --- leadership and readiness ---
# Index weights (one row per tenant, absent = the defaults) and promotion criteria per job level.
LEADERSHIP_TABLES = ["leadership_index_weights", "promotion_criteria", "promotion_criteria_competencies"]
LEADERSHIP_SCHEMA = """
CREATE TABLE leadership_index_weights (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    weights jsonb NOT NULL,
    updated_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES employees (tenant_id, id)
);
CREATE TABLE promotion_criteria (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    job_level_id uuid NOT NULL,
    min_final_rating numeric(4, 2),
    min_tenure_months integer CHECK (min_tenure_months BETWEEN 0 AND 600),
    min_leadership_effectiveness numeric(5, 2) CHECK (min_leadership_effectiveness BETWEEN 0 AND 100),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, job_level_id),
    FOREIGN KEY (tenant_id, job_level_id) REFERENCES job_levels (tenant_id, id) ON DELETE CASCADE
);
CREATE TABLE promotion_criteria_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    job_level_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    level integer NOT NULL CHECK (level >= 0),
    PRIMARY KEY (tenant_id, job_level_id, competency_id),
    FOREIGN KEY (tenant_id, job_level_id) REFERENCES promotion_criteria (tenant_id, job_level_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);
"""
# --- end leadership and readiness ---

# --- compensation ---
# Money is numeric without a fixed scale (never float): each amount keeps the scale of its
# currency's minor unit, as rounded by domain/compensation/rules.py. Formulas are immutable versions; a cycle pins one at OPEN.
COMPENSATION_TABLES = ["bonus_targets", "bonus_formulas", "compensation_cycles", "bonus_proposals"]
COMPENSATION_SCHEMA = """
CREATE TABLE bonus_targets (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    job_level_id uuid NOT NULL,
    amount numeric NOT NULL CHECK (amount >= 0 AND amount < 1e13),
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    updated_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, job_level_id),
    FOREIGN KEY (tenant_id, job_level_id) REFERENCES job_levels (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, updated_by) REFERENCES employees (tenant_id, id)
);
CREATE TABLE bonus_formulas (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    version integer NOT NULL CHECK (version >= 1),
    definition jsonb NOT NULL,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, version),
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id)
);
CREATE TABLE compensation_cycles (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    budget numeric NOT NULL CHECK (budget >= 0 AND budget < 1e13),
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'OPEN', 'APPROVAL', 'CLOSED')),
    hired_before date,
    job_level_ids uuid[] NOT NULL DEFAULT '{}',
    formula_version integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, formula_version) REFERENCES bonus_formulas (tenant_id, version),
    CHECK (status = 'DRAFT' OR formula_version IS NOT NULL)
);
CREATE TABLE bonus_proposals (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    cycle_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    department_id uuid,
    amount numeric NOT NULL CHECK (amount >= 0 AND amount < 1e13),
    note text,
    status text NOT NULL CHECK (status IN ('PROPOSED', 'APPROVED', 'SENT_BACK')),
    proposed_by uuid,
    proposed_at timestamptz NOT NULL DEFAULT now(),
    decided_by uuid,
    decided_at timestamptz,
    decision_reason text,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, cycle_id, employee_id),
    FOREIGN KEY (tenant_id, cycle_id) REFERENCES compensation_cycles (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
    FOREIGN KEY (tenant_id, proposed_by) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, decided_by) REFERENCES employees (tenant_id, id)
);
CREATE INDEX bonus_proposals_department_idx ON bonus_proposals (tenant_id, cycle_id, department_id);
"""
# --- end compensation ---


def upgrade() -> None:
    execute_script(LEADERSHIP_SCHEMA)
    secure_tenant_tables(LEADERSHIP_TABLES)
    # --- compensation ---
    execute_script(COMPENSATION_SCHEMA)
    secure_tenant_tables(COMPENSATION_TABLES)


def downgrade() -> None:
    # --- compensation ---
    for table in reversed(COMPENSATION_TABLES):
        op.execute(f"DROP TABLE {table}")
    for table in reversed(LEADERSHIP_TABLES):
        op.execute(f"DROP TABLE {table}")
