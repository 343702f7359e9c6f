"""Mentorship programs, stretch projects, training programs.

Revision ID: 0007_development_programs
Revises: 0006_one_on_ones_plans
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0007_development_programs"
down_revision = "0006_one_on_ones_plans"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "mentorship_programs",
    "mentorship_program_competencies",
    "mentorship_participants",
    "mentorship_participant_competencies",
    "mentorships",
    "mentorship_sessions",
    "mentorship_session_competencies",
    "stretch_projects",
    "stretch_project_competencies",
    "stretch_applications",
    "stretch_outcomes",
    "training_programs",
    "training_program_competencies",
    "training_enrolments",
)

# Rows that lists page through by time default to clock_timestamp(), not now(): several
# written in one transaction still get distinct, ordered times.
SCHEMA = """
CREATE TABLE mentorship_programs (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    description text,
    start_date date NOT NULL,
    end_date date NOT NULL,
    capacity_per_mentor smallint NOT NULL CHECK (capacity_per_mentor BETWEEN 1 AND 50),
    status text NOT NULL CHECK (status IN ('DRAFT', 'OPEN', 'CLOSED')),
    min_mentor_job_level_rank integer CHECK (min_mentor_job_level_rank BETWEEN 1 AND 100),
    mentor_track text CHECK (mentor_track IN ('INDIVIDUAL_CONTRIBUTOR', 'MANAGER')),
    mentees_must_be_managers boolean NOT NULL DEFAULT false,
    owner_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES employees (tenant_id, id),
    CHECK (end_date >= start_date)
);
CREATE UNIQUE INDEX mentorship_programs_name_key ON mentorship_programs (tenant_id, lower(name));
CREATE INDEX mentorship_programs_list_idx ON mentorship_programs (tenant_id, name, id);

CREATE TABLE mentorship_program_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    program_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, program_id, competency_id),
    FOREIGN KEY (tenant_id, program_id) REFERENCES mentorship_programs (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);

CREATE TABLE mentorship_participants (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    program_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('MENTOR', 'MENTEE')),
    joined_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT mentorship_participants_role_key UNIQUE (tenant_id, program_id, employee_id, role),
    FOREIGN KEY (tenant_id, program_id) REFERENCES mentorship_programs (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX mentorship_participants_employee_idx ON mentorship_participants (tenant_id, employee_id);

CREATE TABLE mentorship_participant_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    participant_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, participant_id, competency_id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES mentorship_participants (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);

CREATE TABLE mentorships (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    program_id uuid NOT NULL,
    mentor_id uuid NOT NULL,
    mentee_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('ACTIVE', 'ENDED')),
    started_on date NOT NULL,
    ended_on date,
    outcome text,
    paired_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT mentorships_pair_key UNIQUE (tenant_id, program_id, mentor_id, mentee_id),
    FOREIGN KEY (tenant_id, program_id) REFERENCES mentorship_programs (tenant_id, id),
    FOREIGN KEY (tenant_id, mentor_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, mentee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, paired_by) REFERENCES employees (tenant_id, id),
    CHECK (mentor_id <> mentee_id),
    CHECK (ended_on IS NULL OR ended_on >= started_on),
    CHECK ((status = 'ENDED') = (ended_on IS NOT NULL))
);
CREATE INDEX mentorships_mentor_idx ON mentorships (tenant_id, mentor_id, status);
CREATE INDEX mentorships_mentee_idx ON mentorships (tenant_id, mentee_id, status);
CREATE INDEX mentorships_list_idx ON mentorships (tenant_id, created_at, id);

CREATE TABLE mentorship_sessions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    mentorship_id uuid NOT NULL,
    held_on date NOT NULL,
    notes text,
    logged_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, mentorship_id) REFERENCES mentorships (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, logged_by) REFERENCES employees (tenant_id, id)
);
CREATE INDEX mentorship_sessions_mentorship_idx ON mentorship_sessions (tenant_id, mentorship_id, held_on DESC);

CREATE TABLE mentorship_session_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    session_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, session_id, competency_id),
    FOREIGN KEY (tenant_id, session_id) REFERENCES mentorship_sessions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);

CREATE TABLE stretch_projects (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    title text NOT NULL,
    description text,
    sponsor_id uuid NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    seats smallint NOT NULL CHECK (seats BETWEEN 1 AND 100),
    status text NOT NULL CHECK (status IN ('OPEN', 'STAFFED', 'IN_PROGRESS', 'COMPLETED')),
    created_by uuid,
    completed_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, sponsor_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id),
    CHECK (end_date >= start_date)
);
CREATE INDEX stretch_projects_list_idx ON stretch_projects (tenant_id, start_date, id);
CREATE INDEX stretch_projects_sponsor_idx ON stretch_projects (tenant_id, sponsor_id);

CREATE TABLE stretch_project_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    project_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, project_id, competency_id),
    FOREIGN KEY (tenant_id, project_id) REFERENCES stretch_projects (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);

CREATE TABLE stretch_applications (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    project_id uuid NOT NULL,
    applicant_id uuid NOT NULL,
    motivation text NOT NULL,
    status text NOT NULL CHECK (status IN ('APPLIED', 'APPROVED', 'REJECTED')),
    sponsor_approved_by uuid,
    manager_approved_by uuid,
    rejected_by uuid,
    rejection_reason text,
    decided_at timestamptz,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT stretch_applications_applicant_key UNIQUE (tenant_id, project_id, applicant_id),
    FOREIGN KEY (tenant_id, project_id) REFERENCES stretch_projects (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, applicant_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, sponsor_approved_by) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, manager_approved_by) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, rejected_by) REFERENCES employees (tenant_id, id)
);
CREATE INDEX stretch_applications_list_idx ON stretch_applications (tenant_id, applied_at, id);
CREATE INDEX stretch_applications_applicant_idx ON stretch_applications (tenant_id, applicant_id);

CREATE TABLE stretch_outcomes (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    project_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    assessment_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, project_id, employee_id, competency_id),
    FOREIGN KEY (tenant_id, project_id) REFERENCES stretch_projects (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, project_id, employee_id) REFERENCES stretch_applications (tenant_id, project_id, applicant_id),
    FOREIGN KEY (tenant_id, project_id, competency_id) REFERENCES stretch_project_competencies (tenant_id, project_id, competency_id),
    FOREIGN KEY (tenant_id, assessment_id) REFERENCES competency_assessments (tenant_id, id)
);

CREATE TABLE training_programs (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    description text,
    format text NOT NULL CHECK (format IN ('COURSE', 'WORKSHOP', 'COHORT', 'SELF_PACED')),
    duration_hours numeric(6, 1) NOT NULL CHECK (duration_hours > 0 AND duration_hours <= 10000),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id)
);
CREATE UNIQUE INDEX training_programs_name_key ON training_programs (tenant_id, lower(name));
CREATE INDEX training_programs_list_idx ON training_programs (tenant_id, name, id);

CREATE TABLE training_program_competencies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    program_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, program_id, competency_id),
    FOREIGN KEY (tenant_id, program_id) REFERENCES training_programs (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);
CREATE INDEX training_program_competencies_competency_idx ON training_program_competencies (tenant_id, competency_id);

CREATE TABLE training_enrolments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    program_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('ENROLLED', 'IN_PROGRESS', 'COMPLETED', 'DROPPED')),
    enrolled_on date NOT NULL,
    started_on date,
    completed_on date,
    dropped_on date,
    enrolled_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT training_enrolments_employee_key UNIQUE (tenant_id, program_id, employee_id),
    FOREIGN KEY (tenant_id, program_id) REFERENCES training_programs (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, enrolled_by) REFERENCES employees (tenant_id, id),
    CHECK ((status = 'COMPLETED') = (completed_on IS NOT NULL)),
    CHECK (completed_on IS NULL OR completed_on >= enrolled_on)
);
CREATE INDEX training_enrolments_list_idx ON training_enrolments (tenant_id, created_at, id);
CREATE INDEX training_enrolments_employee_idx ON training_enrolments (tenant_id, employee_id, status);
"""


def upgrade() -> None:
    execute_script(SCHEMA)
    secure_tenant_tables(TENANT_TABLES)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
