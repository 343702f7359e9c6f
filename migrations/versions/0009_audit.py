"""Append-only audit trail of sensitive changes.

Revision ID: 0009_audit
Revises: 0008_recognition
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0009_audit"
down_revision = "0008_recognition"
branch_labels = None
depends_on = None

SCHEMA = """
CREATE TABLE audit_log (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_employee_id uuid,
    actor_label text NOT NULL,
    action text NOT NULL,
    subject_type text NOT NULL,
    subject_id uuid,
    before jsonb,
    after jsonb,
    request_id text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_employee_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX audit_log_time_idx ON audit_log (tenant_id, occurred_at DESC, id DESC);
CREATE INDEX audit_log_subject_idx ON audit_log (tenant_id, subject_type, subject_id);
COMMENT ON TABLE audit_log IS 'append-only';
"""

# Beyond the grants: even a role that may write the table cannot rewrite history.
APPEND_ONLY = """
CREATE FUNCTION hr_audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION hr_audit_log_is_append_only()
"""

# Tables commented 'append-only' get SELECT and INSERT only; every other tenant table
# gets full data access, as before.
GRANT_FUNCTION = """
CREATE OR REPLACE FUNCTION hr_grant_app_access(role_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t text;
    privileges text;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE n.nspname = 'public' AND c.relkind = 'r'
    LOOP
        privileges := CASE WHEN obj_description(format('public.%I', t)::regclass, 'pg_class') = 'append-only'
                           THEN 'SELECT, INSERT' ELSE 'SELECT, INSERT, UPDATE, DELETE' END;
        EXECUTE format('REVOKE ALL ON %I FROM %I', t, role_name);
        EXECUTE format('GRANT %s ON %I TO %I', privileges, t, role_name);
    END LOOP;
    EXECUTE format('GRANT SELECT ON tenants, alembic_version TO %I', role_name);
END;
$$
"""


def upgrade() -> None:
    execute_script(SCHEMA)
    op.execute(APPEND_ONLY)
    op.execute(TRIGGER)
    secure_tenant_tables(["audit_log"])
    op.execute(GRANT_FUNCTION)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS audit_log CASCADE")
    op.execute("DROP FUNCTION IF EXISTS hr_audit_log_is_append_only()")
