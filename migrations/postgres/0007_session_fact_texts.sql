-- Version 7 (PostgreSQL): the texts a session search matches, one row per
-- session (issue 18's search benchmark: 100 000 sessions, p95 < 200 ms).
--
-- The list filtered by "visited a URL containing …" is answered either by
-- walking the project's sessions newest first and checking each one, or
-- from a trigram index, whichever the planner expects to be cheaper. Over
-- session_facts (one row per value, about 14 per session) both were slow:
-- a check read all of a session's facts, and the planner, multiplying the
-- selectivities of kind = 'console' and value LIKE '%…%' as if independent,
-- expected 20 times fewer matches than there were and read 9 000 facts
-- through the trigram index where walking 600 sessions was enough. Here a
-- check reads one row, each kind is its own column with its own statistics,
-- and the trigram index returns sessions, not facts.
--
-- urls, clicks and console are the session's distinct values of that kind
-- in session_facts (lower-cased, without control characters), joined by a
-- line feed, which no filter text may contain, so a match never spans two
-- values. Written with the facts when the session is analysed.
CREATE TABLE session_fact_texts (
  session_id uuid PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
  project_id uuid NOT NULL,
  urls text NOT NULL DEFAULT '',
  clicks text NOT NULL DEFAULT '',
  console text NOT NULL DEFAULT ''
);
CREATE INDEX session_fact_texts_trgm ON session_fact_texts
  USING gin (urls gin_trgm_ops, clicks gin_trgm_ops, console gin_trgm_ops);

INSERT INTO session_fact_texts (session_id, project_id, urls, clicks, console)
SELECT session_id, project_id,
       coalesce(string_agg(value, E'\n' ORDER BY value) FILTER (WHERE kind = 'url'), ''),
       coalesce(string_agg(value, E'\n' ORDER BY value) FILTER (WHERE kind = 'click'), ''),
       coalesce(string_agg(value, E'\n' ORDER BY value) FILTER (WHERE kind = 'console'), '')
FROM session_facts
WHERE kind IN ('url', 'click', 'console')
GROUP BY session_id, project_id;
ANALYZE session_fact_texts;

-- The per-value trigram index answered the old query only.
DROP INDEX session_facts_value_trgm;

ALTER TABLE session_fact_texts ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS service_role_all ON session_fact_texts;
CREATE POLICY service_role_all ON session_fact_texts FOR ALL TO service_role
  USING (true) WITH CHECK (true);
