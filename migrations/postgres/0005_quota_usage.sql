-- Version 5 (PostgreSQL): per-project quotas.
--
-- One counter per project, quota and window (an hour of new sessions, a day
-- of events or of rendered milliseconds), keyed by the window's start in
-- milliseconds, so every server sharing the database counts together. The
-- worker's sweep deletes windows that ended.
CREATE TABLE quota_usage (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  counter text NOT NULL CHECK (counter IN ('sessions', 'events', 'render_ms')),
  window_start bigint NOT NULL,
  used bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, counter, window_start)
);
CREATE INDEX quota_usage_window ON quota_usage (window_start);

-- Row level security like every other table: only service_role.
ALTER TABLE quota_usage ENABLE ROW LEVEL SECURITY;
CREATE POLICY service_role_all ON quota_usage FOR ALL TO service_role USING (true) WITH CHECK (true);
