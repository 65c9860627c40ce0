-- OctoAgent Gateway store. Events are the source of truth; tasks is their projection.
CREATE TABLE IF NOT EXISTS tasks (
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
CREATE INDEX IF NOT EXISTS tasks_by_status ON tasks (status, task_id);

CREATE TABLE IF NOT EXISTS events (
    event_id        TEXT PRIMARY KEY,
    task_id         TEXT NOT NULL REFERENCES tasks (task_id),
    task_seq        INTEGER NOT NULL,
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
CREATE UNIQUE INDEX IF NOT EXISTS events_by_idempotency_key
    ON events (idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- The submitted input of a task: what the pipeline needs to (re)run it after a restart.
CREATE TABLE IF NOT EXISTS task_inputs (
    task_id     TEXT PRIMARY KEY REFERENCES tasks (task_id),
    text        TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    model_alias TEXT NOT NULL,
    sender_name TEXT
);

CREATE TABLE IF NOT EXISTS artifacts (
    artifact_id TEXT PRIMARY KEY,
    task_id     TEXT NOT NULL REFERENCES tasks (task_id),
    ts          TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    mime        TEXT NOT NULL,
    parts       TEXT NOT NULL,
    storage_ref TEXT,
    size        INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS artifacts_by_task ON artifacts (task_id, artifact_id);
