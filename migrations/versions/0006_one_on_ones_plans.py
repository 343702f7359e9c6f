"""1:1 series, meetings, agenda, notes, action items; development plans.

Revision ID: 0006_one_on_ones_plans
Revises: 0005_feedback
"""

from alembic import op

from migrations.tenancy import execute_script, secure_tenant_tables

revision = "0006_one_on_ones_plans"
down_revision = "0005_feedback"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "one_on_ones",
    "one_on_one_meetings",
    "one_on_one_agenda_items",
    "one_on_one_notes",
    "one_on_one_action_items",
    "development_plans",
    "development_plan_focus",
    "development_plan_actions",
)

# Lists inside a 1:1 and a plan are ordered by creation: clock_timestamp(), not now(), so
# several rows written in one transaction (one request) keep the order they were written in.
# Plan actions linking to the development programs (migration 0007, after this one) keep the
# linked id without a foreign key; domain/development/links.py checks it at write time.
PROGRAM_KINDS = "('TRAINING_ENROLMENT', 'MENTORSHIP', 'STRETCH_PROJECT')"

SCHEMA = f"""
-- A pair is stored in one order (first_id < second_id), so "one active series per pair"
-- is a plain partial unique index whoever started it.
CREATE TABLE one_on_ones (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    first_id uuid NOT NULL,
    second_id uuid NOT NULL,
    cadence text NOT NULL CHECK (cadence IN ('WEEKLY', 'BIWEEKLY', 'MONTHLY')),
    status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'ENDED')),
    started_on date NOT NULL,
    ended_on date,
    started_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, first_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, second_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, started_by) REFERENCES employees (tenant_id, id),
    CHECK (first_id < second_id),
    CHECK ((status = 'ENDED') = (ended_on IS NOT NULL))
);
CREATE UNIQUE INDEX one_on_ones_active_pair_key ON one_on_ones (tenant_id, first_id, second_id) WHERE status = 'ACTIVE';
CREATE INDEX one_on_ones_second_idx ON one_on_ones (tenant_id, second_id);

CREATE TABLE one_on_one_meetings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    one_on_one_id uuid NOT NULL,
    scheduled_on date NOT NULL,
    held_on date,
    status text NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN ('SCHEDULED', 'HELD')),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT one_on_one_meetings_series_key UNIQUE (tenant_id, one_on_one_id, id),
    CONSTRAINT one_on_one_meetings_date_key UNIQUE (tenant_id, one_on_one_id, scheduled_on),
    FOREIGN KEY (tenant_id, one_on_one_id) REFERENCES one_on_ones (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id),
    CHECK ((status = 'HELD') = (held_on IS NOT NULL))
);
CREATE INDEX one_on_one_meetings_held_idx ON one_on_one_meetings (tenant_id, one_on_one_id, held_on DESC) WHERE status = 'HELD';

-- meeting_id NULL: carried over (or added) while no meeting is scheduled; the next
-- scheduled meeting takes it. The composite key keeps an item inside its own series.
CREATE TABLE one_on_one_agenda_items (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    one_on_one_id uuid NOT NULL,
    meeting_id uuid,
    body text NOT NULL,
    added_by uuid NOT NULL,
    discussed boolean NOT NULL DEFAULT false,
    carried_over integer NOT NULL DEFAULT 0 CHECK (carried_over >= 0),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, one_on_one_id) REFERENCES one_on_ones (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, one_on_one_id, meeting_id) REFERENCES one_on_one_meetings (tenant_id, one_on_one_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, added_by) REFERENCES employees (tenant_id, id)
);
CREATE INDEX one_on_one_agenda_items_meeting_idx ON one_on_one_agenda_items (tenant_id, one_on_one_id, meeting_id, created_at);

-- Private notes are their author's only: every read filters on (private = false OR author = viewer).
CREATE TABLE one_on_one_notes (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    one_on_one_id uuid NOT NULL,
    meeting_id uuid NOT NULL,
    author_id uuid NOT NULL,
    body text NOT NULL,
    private boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, one_on_one_id, meeting_id) REFERENCES one_on_one_meetings (tenant_id, one_on_one_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX one_on_one_notes_meeting_idx ON one_on_one_notes (tenant_id, meeting_id, created_at);

CREATE TABLE one_on_one_action_items (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    one_on_one_id uuid NOT NULL,
    meeting_id uuid,
    title text NOT NULL,
    owner_id uuid NOT NULL,
    due_on date,
    done boolean NOT NULL DEFAULT false,
    done_on date,
    goal_id uuid,
    competency_id uuid,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, one_on_one_id) REFERENCES one_on_ones (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, one_on_one_id, meeting_id) REFERENCES one_on_one_meetings (tenant_id, one_on_one_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, owner_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id),
    CHECK (done = (done_on IS NOT NULL))
);
CREATE INDEX one_on_one_action_items_series_idx ON one_on_one_action_items (tenant_id, one_on_one_id, done, due_on);
CREATE INDEX one_on_one_action_items_owner_idx ON one_on_one_action_items (tenant_id, owner_id);

CREATE TABLE development_plans (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    employee_id uuid NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    focus_basis text NOT NULL CHECK (focus_basis IN ('CHOSEN', 'CURRENT_LEVEL_GAPS', 'NEXT_LEVEL_GAPS', 'NONE')),
    focus_explanation text NOT NULL,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id),
    CHECK (period_end >= period_start)
);
CREATE INDEX development_plans_employee_idx ON development_plans (tenant_id, employee_id, period_start DESC);

CREATE TABLE development_plan_focus (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    plan_id uuid NOT NULL,
    competency_id uuid NOT NULL,
    position integer NOT NULL,
    reason text NOT NULL,
    PRIMARY KEY (tenant_id, plan_id, competency_id),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES development_plans (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competencies (tenant_id, id)
);

CREATE TABLE development_plan_actions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    plan_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('GOAL', 'TRAINING_ENROLMENT', 'MENTORSHIP', 'STRETCH_PROJECT', 'ONE_ON_ONE_ACTION', 'OTHER')),
    title text NOT NULL,
    due_on date,
    status text NOT NULL DEFAULT 'NOT_STARTED' CHECK (status IN ('NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DROPPED')),
    goal_id uuid,
    action_item_id uuid,
    linked_id uuid,
    position integer NOT NULL DEFAULT 0,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES development_plans (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id),
    FOREIGN KEY (tenant_id, action_item_id) REFERENCES one_on_one_action_items (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES employees (tenant_id, id),
    CHECK ((kind = 'GOAL') = (goal_id IS NOT NULL)),
    CHECK ((kind = 'ONE_ON_ONE_ACTION') = (action_item_id IS NOT NULL)),
    CHECK ((kind IN {PROGRAM_KINDS}) = (linked_id IS NOT NULL))
);
CREATE INDEX development_plan_actions_plan_idx ON development_plan_actions (tenant_id, plan_id, position);
CREATE UNIQUE INDEX development_plan_actions_link_key
    ON development_plan_actions (tenant_id, plan_id, kind, coalesce(goal_id, action_item_id, linked_id)) WHERE kind <> 'OTHER';
CREATE INDEX development_plan_actions_goal_idx ON development_plan_actions (tenant_id, goal_id);
CREATE INDEX development_plan_actions_item_idx ON development_plan_actions (tenant_id, action_item_id);
"""


def upgrade() -> None:
    execute_script(SCHEMA)
    secure_tenant_tables(TENANT_TABLES)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
