"""Foundation: tenant registry, org hierarchy, sign-in identities, row-level security.

Revision ID: 0001_foundation
Revises:
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None

# Every tenant-owned table: tenant_id leads its primary key, unique constraints and
# foreign keys, so no row can point into another tenant and Citus can distribute by it.
TENANT_TABLES = ("departments", "employees", "manager_assignments", "employee_identities", "idempotency_keys")

SCHEMA = """
CREATE TABLE tenants (
    id uuid PRIMARY KEY,
    slug text NOT NULL,
    name text NOT NULL,
    status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
    oidc_issuer text,
    settings jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_slug_key UNIQUE (slug),
    CONSTRAINT tenants_oidc_issuer_key UNIQUE (oidc_issuer)
);

CREATE TABLE departments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    parent_id uuid,
    head_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES departments (tenant_id, id)
);
CREATE UNIQUE INDEX departments_sibling_name_key
    ON departments (tenant_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
CREATE INDEX departments_parent_idx ON departments (tenant_id, parent_id);

CREATE TABLE employees (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    email text NOT NULL,
    name text NOT NULL,
    title text,
    job_level text,
    department_id uuid,
    manager_id uuid,
    hire_date date,
    termination_date date,
    status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'TERMINATED')),
    roles text[] NOT NULL DEFAULT ARRAY['EMPLOYEE']::text[],
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
    FOREIGN KEY (tenant_id, manager_id) REFERENCES employees (tenant_id, id),
    CHECK (manager_id IS DISTINCT FROM id)
);
CREATE UNIQUE INDEX employees_email_key ON employees (tenant_id, lower(email));
CREATE INDEX employees_manager_idx ON employees (tenant_id, manager_id);
CREATE INDEX employees_department_idx ON employees (tenant_id, department_id);
CREATE INDEX employees_name_idx ON employees (tenant_id, name, id);

ALTER TABLE departments ADD FOREIGN KEY (tenant_id, head_id) REFERENCES employees (tenant_id, id);

CREATE TABLE manager_assignments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    employee_id uuid NOT NULL,
    manager_id uuid,
    effective_from date NOT NULL,
    effective_to date,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, manager_id) REFERENCES employees (tenant_id, id),
    CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
CREATE INDEX manager_assignments_employee_idx ON manager_assignments (tenant_id, employee_id, effective_from);
CREATE INDEX manager_assignments_manager_idx ON manager_assignments (tenant_id, manager_id);

CREATE TABLE employee_identities (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    issuer text NOT NULL,
    subject text NOT NULL,
    employee_id uuid NOT NULL,
    bound_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, issuer, subject),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
-- One subject per issuer per employee: an email alone never binds a second account.
CREATE UNIQUE INDEX employee_identities_employee_issuer_key ON employee_identities (tenant_id, employee_id, issuer);

-- A mutation sent with an Idempotency-Key runs once; retries get the stored answer.
CREATE TABLE idempotency_keys (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    principal text NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    response jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, principal, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (tenant_id, created_at);
"""

# The request role gets data access to tenant tables (row-level security filters it)
# and read access to the shared registry; it owns nothing.
GRANT_FUNCTION = """
CREATE OR REPLACE FUNCTION hr_grant_app_access(role_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE n.nspname = 'public' AND c.relkind = 'r'
    LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', t, role_name);
    END LOOP;
    EXECUTE format('GRANT SELECT ON tenants, alembic_version TO %I', role_name);
END;
$$;
"""



def upgrade() -> None:
    execute_script(SCHEMA)
    secure_tenant_tables(TENANT_TABLES)
    op.execute(GRANT_FUNCTION)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS hr_grant_app_access(text)")
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("DROP TABLE IF EXISTS tenants CASCADE")
