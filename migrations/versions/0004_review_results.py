"""Review results: calibration history, 9-box placements, acknowledgements, competency
evidence runs, and the audit trails of review settings and of anonymous-author readings.

Revision ID: 0004_review_results
Revises: 0003_reviews
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0004_review_results"
down_revision = "0003_reviews"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "review_settings_changes",
    "anonymous_author_readings",
    "calibration_adjustments",
    "nine_box_placements",
    "review_acknowledgements",
    "review_evidence_runs",
)

SCHEMA = """
CREATE TABLE review_settings_changes (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    setting text NOT NULL CHECK (setting IN ('anonymityThreshold', 'hrCanSeeAnonymousAuthors', 'ratingScale')),
    old_value jsonb NOT NULL,
    new_value jsonb NOT NULL,
    changed_by uuid,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, changed_by) REFERENCES employees (tenant_id, id)
);
CREATE INDEX review_settings_changes_time_idx ON review_settings_changes (tenant_id, changed_at DESC, id DESC);
COMMENT ON TABLE review_settings_changes IS 'append-only';

-- Who read whose anonymous authorship, when and why. No foreign keys: an audit record
-- never blocks anything, and it outlives whatever it names.
CREATE TABLE anonymous_author_readings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    reader_id uuid NOT NULL,
    cycle_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    reason text NOT NULL,
    read_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX anonymous_author_readings_subject_idx ON anonymous_author_readings (tenant_id, subject_id, read_at DESC);
COMMENT ON TABLE anonymous_author_readings IS 'append-only';

-- The history of a subject's final overall rating in a cycle: the latest row counts.
CREATE TABLE calibration_adjustments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    cycle_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    previous_rating smallint,
    rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 10),
    reason text NOT NULL CHECK (btrim(reason) <> ''),
    adjusted_by uuid NOT NULL,
    adjusted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, cycle_id, subject_id) REFERENCES cycle_participants (tenant_id, cycle_id, subject_id),
    FOREIGN KEY (tenant_id, adjusted_by) REFERENCES employees (tenant_id, id)
);
CREATE INDEX calibration_adjustments_subject_idx
    ON calibration_adjustments (tenant_id, cycle_id, subject_id, adjusted_at DESC, id DESC);

CREATE TABLE nine_box_placements (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    cycle_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    performance text NOT NULL CHECK (performance IN ('LOW', 'MEDIUM', 'HIGH')),
    potential text NOT NULL CHECK (potential IN ('LOW', 'MEDIUM', 'HIGH')),
    note text,
    placed_by uuid NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, cycle_id, subject_id) REFERENCES cycle_participants (tenant_id, cycle_id, subject_id),
    FOREIGN KEY (tenant_id, placed_by) REFERENCES employees (tenant_id, id)
);
CREATE INDEX nine_box_placements_subject_idx
    ON nine_box_placements (tenant_id, cycle_id, subject_id, placed_at DESC, id DESC);

CREATE TABLE review_acknowledgements (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    cycle_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    comment text,
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, cycle_id, subject_id),
    FOREIGN KEY (tenant_id, cycle_id, subject_id) REFERENCES cycle_participants (tenant_id, cycle_id, subject_id)
);

-- Released cycles whose manager ratings were turned into REVIEW assessments (once each).
CREATE TABLE review_evidence_runs (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    cycle_id uuid NOT NULL,
    assessments integer NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, cycle_id),
    FOREIGN KEY (tenant_id, cycle_id) REFERENCES review_cycles (tenant_id, id)
);
"""

# Audit trails refuse any rewrite, even by a role that may write them (the request role
# only gets SELECT and INSERT on tables commented 'append-only'); calibration history
# refuses updates row by row (rows are only ever added; the latest counts).
REFUSE_REWRITE = """
CREATE FUNCTION hr_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
TRIGGERS = (
    "CREATE TRIGGER review_settings_changes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
    "ON review_settings_changes FOR EACH STATEMENT EXECUTE FUNCTION hr_refuse_rewrite()",
    "CREATE TRIGGER anonymous_author_readings_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
    "ON anonymous_author_readings FOR EACH STATEMENT EXECUTE FUNCTION hr_refuse_rewrite()",
    "CREATE TRIGGER calibration_adjustments_history BEFORE UPDATE "
    "ON calibration_adjustments FOR EACH ROW EXECUTE FUNCTION hr_refuse_rewrite()",
    "CREATE TRIGGER nine_box_placements_history BEFORE UPDATE "
    "ON nine_box_placements FOR EACH ROW EXECUTE FUNCTION hr_refuse_rewrite()",
)


# Released results are evidence: when a cycle becomes RELEASED, whatever code path does it,
# the LEADERSHIP competency ratings of its submitted MANAGER reviews become REVIEW
# assessments dated the period end, once per cycle (the evidence run's key). A tenant
# still on the implicit default proficiency scale gets its rows first (the assessment's
# level has a foreign key to them), exactly as domain/competencies/scale.ensure_scale does.
# Runs as the caller, so row-level security applies to every statement in it.
DEFAULT_LEVELS = ", ".join(
    f"({level}, '{name}', '{description}')"
    for level, name, description in (
        (1, "Beginner", "Learning the basics; needs guidance and close support to apply it."),
        (2, "Developing", "Applies it in familiar situations, with some guidance in new ones."),
        (3, "Proficient", "Applies it independently and reliably in most situations."),
        (4, "Advanced", "Handles complex, ambiguous situations and helps others improve."),
        (5, "Expert", "A recognised authority who shapes how the organisation does it."),
    )
)
RELEASE_EVIDENCE = f"""
CREATE FUNCTION hr_record_review_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    recorded integer;
BEGIN
    INSERT INTO review_evidence_runs (tenant_id, cycle_id, assessments) VALUES (NEW.tenant_id, NEW.id, 0)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM proficiency_levels WHERE tenant_id = NEW.tenant_id) THEN
        INSERT INTO proficiency_levels (tenant_id, level, name, description)
        SELECT NEW.tenant_id, d.level, d.name, d.description FROM (VALUES {DEFAULT_LEVELS}) AS d (level, name, description)
        ON CONFLICT DO NOTHING;
    END IF;
    INSERT INTO competency_assessments
        (tenant_id, id, employee_id, competency_id, level, source, note, assessed_by, assessed_on)
    SELECT r.tenant_id, gen_random_uuid(), r.subject_id, a.competency_id, a.rating, 'REVIEW',
           'Manager review in ' || NEW.name, r.reviewer_id, NEW.period_end
    FROM reviews r
    JOIN review_answers a ON a.tenant_id = r.tenant_id AND a.review_id = r.id
    JOIN competencies c ON c.tenant_id = a.tenant_id AND c.id = a.competency_id AND c.category = 'LEADERSHIP'
    JOIN proficiency_levels l ON l.tenant_id = a.tenant_id AND l.level = a.rating
    WHERE r.tenant_id = NEW.tenant_id AND r.cycle_id = NEW.id AND r.kind = 'MANAGER' AND r.status = 'SUBMITTED'
      AND a.rating IS NOT NULL AND a.goal_id IS NULL;
    GET DIAGNOSTICS recorded = ROW_COUNT;
    UPDATE review_evidence_runs SET assessments = recorded WHERE tenant_id = NEW.tenant_id AND cycle_id = NEW.id;
    RETURN NULL;
END;
$$
"""
RELEASE_TRIGGER = """
CREATE TRIGGER review_cycles_release_evidence AFTER UPDATE OF status ON review_cycles
    FOR EACH ROW WHEN (NEW.status = 'RELEASED' AND OLD.status IS DISTINCT FROM 'RELEASED')
    EXECUTE FUNCTION hr_record_review_evidence()
"""


def upgrade() -> None:
    execute_script(SCHEMA)
    op.execute(REFUSE_REWRITE)
    for trigger in TRIGGERS:
        op.execute(trigger)
    op.execute(RELEASE_EVIDENCE)
    op.execute(RELEASE_TRIGGER)
    secure_tenant_tables(TENANT_TABLES)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS review_cycles_release_evidence ON review_cycles")
    op.execute("DROP FUNCTION IF EXISTS hr_record_review_evidence()")
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("DROP FUNCTION IF EXISTS hr_refuse_rewrite()")
