-- OctoAgent Gateway store (PostgreSQL). The same tables as SQLite's, plus the replicas' task
-- leases. Foreign keys are DEFERRABLE so a projection rebuild can empty and refill tasks in one
-- transaction.
CREATE TABLE tasks (
    task_id         TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    status          TEXT NOT NULL,
    title           TEXT NOT NULL,
    thread_id       TEXT NOT NULL,
    scope_id        TEXT NOT NULL,
    channel         TEXT NOT NULL,
    sender_id       TEXT NOT NULL,
    risk_level      TEXT NOT NULL DEFAULT 'low',
    trace_id        TEXT NOT NULL,
    latest_event_id TEXT
);
CREATE INDEX tasks_by_status ON tasks (status, task_id);
CREATE INDEX tasks_by_sender ON tasks (sender_id, task_id);

CREATE TABLE events (
    event_id        TEXT PRIMARY KEY,
    task_id         TEXT NOT NULL REFERENCES tasks (task_id) DEFERRABLE INITIALLY IMMEDIATE,
    task_seq        BIGINT NOT NULL,
    ts              TEXT NOT NULL,
    type            TEXT NOT NULL,
    schema_version  INTEGER NOT NULL,
    actor           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    trace_id        TEXT NOT NULL,
    span_id         TEXT NOT NULL,
    parent_event_id TEXT,
    idempotency_key TEXT,
    UNIQUE (task_id, task_seq)
);
CREATE INDEX events_by_type ON events (type, ts);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- Which task an owner's idempotency key created; written with the task, in one transaction.
CREATE TABLE idempotency_keys (
    owner           TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    task_id         TEXT NOT NULL REFERENCES tasks (task_id) DEFERRABLE INITIALLY IMMEDIATE,
    PRIMARY KEY (owner, idempotency_key)
);

CREATE TABLE task_inputs (
    task_id     TEXT PRIMARY KEY REFERENCES tasks (task_id) DEFERRABLE INITIALLY IMMEDIATE,
    text        TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    model_alias TEXT NOT NULL,
    sender_name TEXT
);

CREATE TABLE artifacts (
    artifact_id TEXT PRIMARY KEY,
    task_id     TEXT NOT NULL REFERENCES tasks (task_id) DEFERRABLE INITIALLY IMMEDIATE,
    ts          TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    mime        TEXT NOT NULL,
    parts       TEXT NOT NULL,
    storage_ref TEXT,
    size        BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX artifacts_by_task ON artifacts (task_id, artifact_id);

CREATE TABLE budget_usage (
    budget         TEXT NOT NULL,
    scope_value    TEXT NOT NULL,
    period_start   TEXT NOT NULL,
    spent_nanos    BIGINT NOT NULL DEFAULT 0,
    reserved_nanos BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (budget, scope_value, period_start)
);
CREATE TABLE budget_reservations (
    task_id      TEXT NOT NULL REFERENCES tasks (task_id) DEFERRABLE INITIALLY IMMEDIATE,
    budget       TEXT NOT NULL,
    scope_value  TEXT NOT NULL,
    period_start TEXT NOT NULL,
    amount_nanos BIGINT NOT NULL,
    PRIMARY KEY (task_id, budget)
);

-- Which replica works a task, until when (renewed while it runs). A task with no lease, or an
-- expired one, and not terminal, is taken over by the next replica with room.
CREATE TABLE task_leases (
    task_id    TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX task_leases_by_owner ON task_leases (owner);

-- Artifact content too large to stay inline in its row (SQLite keeps it in files).
CREATE TABLE artifact_contents (
    artifact_id TEXT PRIMARY KEY REFERENCES artifacts (artifact_id) DEFERRABLE INITIALLY IMMEDIATE,
    content     BYTEA NOT NULL
);
