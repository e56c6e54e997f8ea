-- Incuera schema, version 1 (PostgreSQL). Times are bigint milliseconds since
-- the Unix epoch (the unit rrweb uses), ids are uuid, JSON columns jsonb.
-- Plain SQL: it can be pasted into the Supabase SQL editor as is. Row level
-- security is enabled on every table and only service_role (and the table
-- owner, which bypasses RLS) may touch rows, so a leaked anon key reads nothing.

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL DEFAULT '',
  is_admin boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL
);

CREATE TABLE projects (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  slug text NOT NULL,
  domains jsonb NOT NULL DEFAULT '[]',
  settings jsonb NOT NULL DEFAULT '{}',
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  UNIQUE (owner_id, slug)
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  prefix text NOT NULL DEFAULT '',
  hash text NOT NULL UNIQUE,
  scope text NOT NULL CHECK (scope IN ('ingest', 'read')),
  created_at bigint NOT NULL,
  last_used_at bigint,
  expires_at bigint,
  revoked_at bigint
);
CREATE INDEX api_keys_project ON api_keys (project_id);

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  client_id text NOT NULL,
  user_id text NOT NULL DEFAULT '',
  user_email text NOT NULL DEFAULT '',
  url text NOT NULL DEFAULT '',
  referrer text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '',
  screen_width integer NOT NULL DEFAULT 0,
  screen_height integer NOT NULL DEFAULT 0,
  viewport_width integer NOT NULL DEFAULT 0,
  viewport_height integer NOT NULL DEFAULT 0,
  started_at bigint NOT NULL DEFAULT 0,
  last_event_at bigint NOT NULL DEFAULT 0,
  ended_at bigint,
  end_reason text NOT NULL DEFAULT '',
  duration_ms bigint NOT NULL DEFAULT 0,
  event_count bigint NOT NULL DEFAULT 0,
  byte_count bigint NOT NULL DEFAULT 0,
  chunk_count bigint NOT NULL DEFAULT 0,
  error_count bigint NOT NULL DEFAULT 0,
  page_count bigint NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'recording' CHECK (status IN
    ('recording', 'completed', 'discarded', 'rendering', 'ready', 'failed')),
  failure_reason text NOT NULL DEFAULT '',
  video_key text NOT NULL DEFAULT '',
  thumbnail_key text NOT NULL DEFAULT '',
  keyframes_key text NOT NULL DEFAULT '',
  video_duration_ms bigint NOT NULL DEFAULT 0,
  video_size bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  UNIQUE (project_id, client_id)
);
CREATE INDEX sessions_project_started ON sessions (project_id, started_at DESC, id DESC);
CREATE INDEX sessions_status ON sessions (status);
CREATE INDEX sessions_status_last_event ON sessions (status, last_event_at);

CREATE TABLE event_chunks (
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  first_ts bigint NOT NULL DEFAULT 0,
  last_ts bigint NOT NULL DEFAULT 0,
  event_count bigint NOT NULL DEFAULT 0,
  raw_bytes bigint NOT NULL DEFAULT 0,
  codec text NOT NULL,
  payload bytea NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (session_id, seq)
);

CREATE TABLE analyses (
  session_id uuid PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  error text NOT NULL DEFAULT '',
  summary_json jsonb,
  action_counts_json jsonb,
  heatmap_json jsonb,
  funnel_json jsonb,
  errors_json jsonb,
  metrics_json jsonb,
  heatmap_key text NOT NULL DEFAULT '',
  model text NOT NULL DEFAULT '',
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE jobs (
  id text PRIMARY KEY,
  kind text NOT NULL,
  session_id text NOT NULL DEFAULT '',
  dedup_key text NOT NULL DEFAULT '',
  payload text NOT NULL DEFAULT '',
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3,
  run_at bigint NOT NULL,
  lease_until bigint,
  lease_token text NOT NULL DEFAULT '',
  last_error text NOT NULL DEFAULT '',
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE UNIQUE INDEX jobs_dedup_active ON jobs (dedup_key)
  WHERE dedup_key <> '' AND state IN ('queued', 'leased');
CREATE INDEX jobs_state_run_at ON jobs (state, run_at);

CREATE TABLE auth_tokens (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked_at bigint
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

-- Records itself, so a database set up by pasting this file is seen as
-- migrated by `incuera migrate`.
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at bigint NOT NULL
);
INSERT INTO schema_migrations (version, name, applied_at)
VALUES (1, '0001_init.sql', CAST(extract(epoch FROM now()) * 1000 AS bigint))
ON CONFLICT (version) DO NOTHING;

-- Row level security: deny everyone but service_role (Supabase's server
-- role; created here when missing so the script runs on plain PostgreSQL).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN;
  END IF;
END
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'projects', 'api_keys', 'sessions', 'event_chunks',
                           'analyses', 'jobs', 'auth_tokens', 'schema_migrations'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS service_role_all ON %I', t);
    EXECUTE format('CREATE POLICY service_role_all ON %I FOR ALL TO service_role '
                   'USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;
