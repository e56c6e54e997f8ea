-- Version 4 (SQLite): notes on sessions, search by what happened, saved
-- filters (issue 18). See the PostgreSQL file for what each table holds.
CREATE TABLE session_notes (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at_ms INTEGER NOT NULL CHECK (at_ms >= 0),
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX session_notes_session ON session_notes (session_id, at_ms);

CREATE TABLE session_facts (
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  project_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('url', 'click', 'console', 'failed_request', 'rage_click')),
  value TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (session_id, kind, value)
);
CREATE INDEX session_facts_project_kind ON session_facts (project_id, kind, session_id);

CREATE TABLE saved_filters (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  filters TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  UNIQUE (project_id, name)
);
