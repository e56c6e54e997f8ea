-- Version 6 (SQLite): the data lifecycle.
--
-- A visit left out by the project's sample_rate stores no session: only this
-- marker, written when /start (or the first request) decided, so the
-- decision holds for the rest of the visit even if the rate changes.
-- Retention removes markers with the sessions of the same age.
CREATE TABLE unsampled_visits (
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  decided_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, client_id)
);
CREATE INDEX unsampled_visits_decided ON unsampled_visits (project_id, decided_at);

-- Totals of what the lifecycle removed (sessions by retention, files of
-- sessions that are gone), added to by every worker and `incuera` run, so the
-- server's /metrics reports them wherever the sweeps ran.
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL DEFAULT 0
);

-- Storage usage per session, kept as it changes so that a project's total is
-- one sum over its sessions: event_bytes is what its event chunks take as
-- stored (compressed), object_bytes what its files take in the object store
-- (recorded by the jobs that write them; a session stored before this version
-- counts its video until its next render or analysis).
ALTER TABLE sessions ADD COLUMN event_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN object_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET
  event_bytes = (SELECT COALESCE(SUM(length(payload)), 0) FROM event_chunks
                 WHERE event_chunks.session_id = sessions.id),
  object_bytes = video_size;
