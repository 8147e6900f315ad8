/**
 * Observability: finished trace spans, kept so the dashboards can draw a task's timeline with no
 * collector, and the alerts raised (one row per alert key, so an alert is raised once).
 */
export const observability = `
CREATE TABLE spans (
  span_id        TEXT PRIMARY KEY,            -- 16 hex digits, as OpenTelemetry makes them
  trace_id       TEXT NOT NULL,
  parent_span_id TEXT,
  task_id        INTEGER,                     -- the task the span worked for, when there was one
  name           TEXT NOT NULL,
  kind           TEXT NOT NULL,               -- webhook, phase, job, model, github, other
  started_at     REAL NOT NULL,               -- epoch milliseconds
  duration_ms    REAL NOT NULL,
  status         TEXT NOT NULL,               -- ok, error
  status_message TEXT,
  attributes     TEXT NOT NULL DEFAULT '{}'   -- JSON
) WITHOUT ROWID;
CREATE INDEX spans_by_task ON spans (task_id, started_at) WHERE task_id IS NOT NULL;
CREATE INDEX spans_by_time ON spans (started_at);

CREATE TABLE alerts (
  id         INTEGER PRIMARY KEY,
  key        TEXT NOT NULL UNIQUE,            -- what makes it one alert: kind and subject (task, provider, window)
  kind       TEXT NOT NULL,                   -- budget, failure_rate, circuit_open, task_stuck
  severity   TEXT NOT NULL,                   -- warning, critical
  task_id    INTEGER REFERENCES tasks (id),
  message    TEXT NOT NULL,
  raised_at  INTEGER NOT NULL,
  notified_at INTEGER                         -- when its comment was posted (task alerts), else NULL
);
CREATE INDEX alerts_by_task ON alerts (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX alerts_by_time ON alerts (raised_at);
-- The alert sweep and the dashboards read recent events across tasks.
CREATE INDEX task_events_by_time ON task_events (at);
-- Read paths that aggregate all history at each scrape, made index-only scans (bench/observability.ts):
-- tokens, cost and calls by provider, model and role without reading the stored responses;
-- tasks that entered each state; the dashboards' window of tasks.
CREATE INDEX model_calls_usage ON model_calls (provider, model, role, status, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd);
CREATE INDEX task_events_by_state ON task_events (to_state, task_id) WHERE to_state IS NOT NULL;
CREATE INDEX tasks_by_created ON tasks (created_at);
`;
