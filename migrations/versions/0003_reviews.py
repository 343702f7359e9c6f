"""Review templates, cycles, assignments, nominations, answers, and the tenant's review settings.

Revision ID: 0003_reviews
Revises: 0002_competencies_goals
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0003_reviews"
down_revision = "0002_competencies_goals"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "tenant_settings",
    "review_templates",
    "template_sections",
    "template_questions",
    "review_cycles",
    "cycle_participants",
    "participant_competencies",
    "peer_nominations",
    "reviews",
    "review_answers",
    "review_reopenings",
)

REVIEWER_KINDS = "ARRAY['SELF', 'MANAGER', 'PEER', 'DIRECT_REPORT']::text[]"
NO_ID = "'00000000-0000-0000-0000-000000000000'::uuid"

SCHEMA = f"""
CREATE TABLE tenant_settings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    anonymity_threshold integer NOT NULL DEFAULT 3 CHECK (anonymity_threshold BETWEEN 2 AND 100),
    hr_can_see_anonymous_authors boolean NOT NULL DEFAULT false,
    rating_scale jsonb NOT NULL DEFAULT '[{{"value": 1, "label": "Far below expectations"}}, {{"value": 2, "label": "Below expectations"}}, {{"value": 3, "label": "Meets expectations"}}, {{"value": 4, "label": "Exceeds expectations"}}, {{"value": 5, "label": "Far exceeds expectations"}}]'::jsonb
        CHECK (jsonb_typeof(rating_scale) = 'array' AND jsonb_array_length(rating_scale) BETWEEN 2 AND 10),
    updated_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES employees (tenant_id, id)
);

CREATE TABLE review_templates (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    description text,
    include_leadership_for_managers boolean NOT NULL DEFAULT true,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id)
);
CREATE UNIQUE INDEX review_templates_name_key ON review_templates (tenant_id, lower(name));

CREATE TABLE template_sections (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    template_id uuid NOT NULL,
    title text NOT NULL,
    description text,
    position integer NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, template_id) REFERENCES review_templates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT template_sections_position_key UNIQUE (tenant_id, template_id, position)
);

CREATE TABLE template_questions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    template_id uuid NOT NULL,
    section_id uuid NOT NULL,
    position integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('RATING_COMPETENCY', 'RATING_GOALS', 'TEXT', 'OVERALL_RATING')),
    prompt text NOT NULL,
    competency_id uuid,
    reviewer_kinds text[] NOT NULL CHECK (cardinality(reviewer_kinds) > 0 AND reviewer_kinds <@ {REVIEWER_KINDS}),
    required boolean NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, template_id) REFERENCES review_templates (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, section_id) REFERENCES template_sections (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id),
    CONSTRAINT template_questions_position_key UNIQUE (tenant_id, section_id, position),
    CHECK ((kind = 'RATING_COMPETENCY') = (competency_id IS NOT NULL))
);
CREATE INDEX template_questions_template_idx ON template_questions (tenant_id, template_id);

CREATE TABLE review_cycles (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'ACTIVE', 'CALIBRATION', 'RELEASED', 'CLOSED')),
    reviewer_kinds text[] NOT NULL CHECK (cardinality(reviewer_kinds) > 0 AND reviewer_kinds <@ {REVIEWER_KINDS}),
    template_id uuid NOT NULL,
    peer_min integer NOT NULL DEFAULT 0,
    peer_max integer NOT NULL DEFAULT 0,
    self_due date,
    manager_due date,
    peer_due date,
    direct_report_due date,
    created_by uuid,
    launched_at timestamptz,
    calibration_started_at timestamptz,
    released_at timestamptz,
    closed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, template_id) REFERENCES review_templates (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id),
    CHECK (period_end >= period_start),
    CHECK (peer_min >= 0 AND peer_max >= peer_min AND peer_max <= 20)
);
CREATE UNIQUE INDEX review_cycles_name_key ON review_cycles (tenant_id, lower(name));
CREATE INDEX review_cycles_period_idx ON review_cycles (tenant_id, period_end DESC, id);

-- Department, job level and (at launch) whether the subject leads people are snapshotted,
-- so progress, slicing and the effective questions do not move when the org changes.
CREATE TABLE cycle_participants (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    cycle_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    department_id uuid,
    job_level_id uuid,
    manager_id uuid,
    leads_people boolean NOT NULL DEFAULT false,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, cycle_id, subject_id),
    FOREIGN KEY (tenant_id, cycle_id) REFERENCES review_cycles (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, subject_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
    FOREIGN KEY (tenant_id, job_level_id) REFERENCES job_levels (tenant_id, id),
    FOREIGN KEY (tenant_id, manager_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX cycle_participants_department_idx ON cycle_participants (tenant_id, cycle_id, department_id);
CREATE INDEX cycle_participants_subject_idx ON cycle_participants (tenant_id, subject_id);

-- The LEADERSHIP competencies added to a people-manager's reviews (expected at their job
-- level, not already rated by the template), fixed when their reviews are created.
CREATE TABLE participant_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    cycle_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    expected_level smallint,
    position integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, cycle_id, subject_id, competency_id),
    FOREIGN KEY (tenant_id, cycle_id, subject_id) REFERENCES cycle_participants (tenant_id, cycle_id, subject_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);

CREATE TABLE peer_nominations (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    cycle_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    peer_id uuid NOT NULL,
    status text NOT NULL DEFAULT 'NOMINATED' CHECK (status IN ('NOMINATED', 'APPROVED', 'REJECTED', 'REPLACED')),
    nominated_by uuid,
    decided_by uuid,
    decided_at timestamptz,
    replaced_by_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, cycle_id, subject_id) REFERENCES cycle_participants (tenant_id, cycle_id, subject_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, peer_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, nominated_by) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, decided_by) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, replaced_by_id) REFERENCES peer_nominations (tenant_id, id),
    CONSTRAINT peer_nominations_pair_key UNIQUE (tenant_id, cycle_id, subject_id, peer_id),
    CHECK (peer_id <> subject_id)
);

CREATE TABLE reviews (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    cycle_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    reviewer_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('SELF', 'MANAGER', 'PEER', 'DIRECT_REPORT')),
    status text NOT NULL DEFAULT 'NOT_STARTED' CHECK (status IN ('NOT_STARTED', 'IN_PROGRESS', 'SUBMITTED')),
    submitted_at timestamptz,
    reopened_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, cycle_id, subject_id) REFERENCES cycle_participants (tenant_id, cycle_id, subject_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, reviewer_id) REFERENCES employees (tenant_id, id),
    CONSTRAINT reviews_assignment_key UNIQUE (tenant_id, cycle_id, subject_id, reviewer_id, kind),
    CHECK ((kind = 'SELF') = (reviewer_id = subject_id)),
    CHECK ((status = 'SUBMITTED') = (submitted_at IS NOT NULL))
);
CREATE INDEX reviews_reviewer_idx ON reviews (tenant_id, reviewer_id, status);
CREATE INDEX reviews_cycle_idx ON reviews (tenant_id, cycle_id, kind, status);
CREATE INDEX reviews_subject_idx ON reviews (tenant_id, subject_id, cycle_id);

-- One row per answered item: a template question (question_id; competency_id copied for
-- RATING_COMPETENCY), one goal of a RATING_GOALS question (question_id + goal_id), or an
-- automatic leadership question (competency_id only, see participant_competencies).
CREATE TABLE review_answers (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    review_id uuid NOT NULL,
    question_id uuid,
    competency_id uuid,
    goal_id uuid,
    rating smallint,
    text text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, review_id) REFERENCES reviews (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, question_id) REFERENCES template_questions (tenant_id, id),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id),
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id),
    CHECK (question_id IS NOT NULL OR competency_id IS NOT NULL),
    CHECK (rating IS NOT NULL OR text IS NOT NULL)
);
CREATE UNIQUE INDEX review_answers_item_key ON review_answers (
    tenant_id, review_id, coalesce(question_id, {NO_ID}), coalesce(competency_id, {NO_ID}), coalesce(goal_id, {NO_ID})
);

CREATE TABLE review_reopenings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    review_id uuid NOT NULL,
    reopened_by uuid,
    reason text NOT NULL,
    reopened_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, review_id) REFERENCES reviews (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, reopened_by) REFERENCES employees (tenant_id, id)
);
CREATE INDEX review_reopenings_review_idx ON review_reopenings (tenant_id, review_id, reopened_at);
"""


def upgrade() -> None:
    execute_script(SCHEMA)
    secure_tenant_tables(TENANT_TABLES)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
