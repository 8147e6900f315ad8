// The first schema. Migrations are append-only: never edit a shipped one, add the next number.
export const initial = `
CREATE TABLE installations (
  id            INTEGER PRIMARY KEY,          -- GitHub installation id
  account_login TEXT NOT NULL,
  account_type  TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  suspended_at  INTEGER
);

-- Keyed by the delivery's GUID alone (WITHOUT ROWID): one B-tree to write per delivery, not two.
CREATE TABLE webhook_deliveries (
  delivery_id     TEXT PRIMARY KEY,           -- X-GitHub-Delivery
  event           TEXT NOT NULL,
  action          TEXT,
  installation_id INTEGER,
  received_at     INTEGER NOT NULL,
  outcome         TEXT NOT NULL               -- what intake decided: enqueued, ignored:<reason>, …
) WITHOUT ROWID;

CREATE TABLE tasks (
  id                  INTEGER PRIMARY KEY,
  installation_id     INTEGER NOT NULL,
  owner               TEXT NOT NULL,
  repo                TEXT NOT NULL,
  issue_number        INTEGER NOT NULL,
  state               TEXT NOT NULL,
  issue_title         TEXT NOT NULL,          -- frozen at labelling time: later edits do not steer the task
  issue_body          TEXT NOT NULL,
  requested_by        TEXT NOT NULL,
  default_branch      TEXT NOT NULL,
  base_sha            TEXT,
  branch              TEXT,
  head_sha            TEXT,
  pr_number           INTEGER,
  pr_url              TEXT,
  progress_comment_id INTEGER,
  check_run_id        INTEGER,
  failure             TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
-- At most one active task per issue.
CREATE UNIQUE INDEX tasks_one_active_per_issue ON tasks (owner, repo, issue_number)
  WHERE state NOT IN ('done', 'cancelled', 'failed');
CREATE INDEX tasks_by_pr ON tasks (owner, repo, pr_number);
CREATE INDEX tasks_by_head ON tasks (owner, repo, head_sha);

CREATE TABLE task_events (
  id         INTEGER PRIMARY KEY,
  task_id    INTEGER NOT NULL REFERENCES tasks (id),
  at         INTEGER NOT NULL,
  kind       TEXT NOT NULL,                   -- transition name, or a note such as model_call
  from_state TEXT,
  to_state   TEXT,
  detail     TEXT NOT NULL DEFAULT '{}'       -- JSON
);
CREATE INDEX task_events_by_task ON task_events (task_id, id);

CREATE TABLE task_artifacts (
  task_id    INTEGER NOT NULL REFERENCES tasks (id),
  kind       TEXT NOT NULL,                   -- plan, changes, …
  content    TEXT NOT NULL,                   -- JSON
  created_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, kind)
);

CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  payload      TEXT NOT NULL,                 -- JSON
  task_id      INTEGER REFERENCES tasks (id),
  unique_key   TEXT,                          -- enqueueing the same key twice is a no-op
  run_at       INTEGER NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  locked_by    TEXT,
  locked_until INTEGER,
  last_error   TEXT,
  state        TEXT NOT NULL DEFAULT 'pending', -- pending, done, dead
  created_at   INTEGER NOT NULL,
  finished_at  INTEGER
);
CREATE INDEX jobs_ready ON jobs (state, run_at, id);
-- Partial: jobs without a key (most of them) never touch this index.
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key) WHERE unique_key IS NOT NULL;

CREATE TABLE model_calls (
  id                 INTEGER PRIMARY KEY,
  task_id            INTEGER REFERENCES tasks (id),
  role               TEXT NOT NULL,
  provider           TEXT NOT NULL,
  model              TEXT NOT NULL,
  request_hash       TEXT NOT NULL,
  status             TEXT NOT NULL,           -- started, succeeded, failed
  input_tokens       INTEGER NOT NULL DEFAULT 0,
  output_tokens      INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens  INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd           REAL NOT NULL DEFAULT 0,
  started_at         INTEGER NOT NULL,
  duration_ms        INTEGER,
  response           TEXT,                    -- JSON of the normalised response, replayed on resume
  error              TEXT
);
CREATE INDEX model_calls_by_task ON model_calls (task_id, id);
CREATE INDEX model_calls_by_hash ON model_calls (task_id, request_hash, status);
`;
