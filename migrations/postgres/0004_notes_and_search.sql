-- Version 4 (PostgreSQL): notes on sessions, search by what happened, saved
-- filters (issue 18).
--
-- A note marks a moment of a session (at_ms: milliseconds since its first
-- event) for the project's users. It goes with its session and its author.
CREATE TABLE session_notes (
  id uuid PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  author_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at_ms bigint NOT NULL CHECK (at_ms >= 0),
  text text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX session_notes_session ON session_notes (session_id, at_ms);

-- What happened in a session, written when it is analysed, so the session
-- list filters by it without reading events: one row per distinct page URL
-- ('url'), clicked element text ('click') and console message ('console'),
-- lower-cased and capped, and one row without a value for a session with a
-- failed request ('failed_request') or a rage click ('rage_click').
-- project_id is the session's, so a search reads one project's rows.
CREATE TABLE session_facts (
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  project_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('url', 'click', 'console', 'failed_request', 'rage_click')),
  value text NOT NULL DEFAULT '',
  PRIMARY KEY (session_id, kind, value)
);
CREATE INDEX session_facts_project_kind ON session_facts (project_id, kind, session_id);
-- Substring search ("contains", case-insensitive) is LIKE '%text%' on the
-- lower-cased value: a trigram index answers it without scanning every row
-- (pg_trgm is a trusted extension since PostgreSQL 13, available on
-- Supabase and in Debian's postgresql package).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX session_facts_value_trgm ON session_facts USING gin (value gin_trgm_ops);

-- A project's saved session list filters: a name and the query parameters
-- of GET /api/sessions as a JSON object of strings.
CREATE TABLE saved_filters (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name text NOT NULL,
  filters jsonb NOT NULL DEFAULT '{}',
  created_at bigint NOT NULL,
  UNIQUE (project_id, name)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['session_notes', 'session_facts', 'saved_filters'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS service_role_all ON %I', t);
    EXECUTE format('CREATE POLICY service_role_all ON %I FOR ALL TO service_role '
                   'USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;
