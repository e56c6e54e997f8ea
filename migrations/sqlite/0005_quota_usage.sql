-- Version 5 (SQLite): per-project quotas.
--
-- One counter per project, quota and window (an hour of new sessions, a day
-- of events or of rendered milliseconds), keyed by the window's start in
-- milliseconds, so every server sharing the database counts together. The
-- worker's sweep deletes windows that ended.
CREATE TABLE quota_usage (
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  counter TEXT NOT NULL CHECK (counter IN ('sessions', 'events', 'render_ms')),
  window_start INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, counter, window_start)
);
CREATE INDEX quota_usage_window ON quota_usage (window_start);
