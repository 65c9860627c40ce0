-- OctoAgent Gateway store (SQLite). Events are the source of truth; tasks is their projection.
-- Idempotent on purpose: databases created before versioned migrations are baselined at 0 and
-- run it too, which adds what they lack.
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
-- Idempotency keys are per owner (two owners may use the same key): see idempotency_keys.
DROP INDEX IF EXISTS events_by_idempotency_key;

-- Which task an owner's idempotency key created; written with the task, in one transaction.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    owner           TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    task_id         TEXT NOT NULL REFERENCES tasks (task_id),
    PRIMARY KEY (owner, idempotency_key)
);
-- Tasks recorded before keys were per owner: their key belongs to their sender.
INSERT OR IGNORE INTO idempotency_keys (owner, idempotency_key, task_id)
    SELECT t.sender_id, e.idempotency_key, e.task_id
    FROM events e JOIN tasks t ON t.task_id = e.task_id
    WHERE e.idempotency_key IS NOT NULL AND e.type = 'TASK_CREATED'
      AND NOT EXISTS (SELECT 1 FROM idempotency_keys k WHERE k.task_id = e.task_id);
CREATE INDEX IF NOT EXISTS tasks_by_sender ON tasks (sender_id, task_id);

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

-- Budgets (folded from MODEL_CALL_* events, like tasks): what each allowance — a budget, for
-- one owner / channel / thread ('*' for a global budget), in one period — has spent and holds
-- reserved, in nano-dollars; and the reservations of the calls running now.
CREATE TABLE IF NOT EXISTS budget_usage (
    budget         TEXT NOT NULL,
    scope_value    TEXT NOT NULL,
    period_start   TEXT NOT NULL,
    spent_nanos    INTEGER NOT NULL DEFAULT 0,
    reserved_nanos INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (budget, scope_value, period_start)
);
CREATE TABLE IF NOT EXISTS budget_reservations (
    task_id      TEXT NOT NULL REFERENCES tasks (task_id),
    budget       TEXT NOT NULL,
    scope_value  TEXT NOT NULL,
    period_start TEXT NOT NULL,
    amount_nanos INTEGER NOT NULL,
    PRIMARY KEY (task_id, budget)
);
