-- Version 7 (SQLite): the texts a session search matches, one row per
-- session (see the PostgreSQL file): a search checks one row per session
-- instead of every fact of the kind.
CREATE TABLE session_fact_texts (
  session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
  project_id TEXT NOT NULL,
  urls TEXT NOT NULL DEFAULT '',
  clicks TEXT NOT NULL DEFAULT '',
  console TEXT NOT NULL DEFAULT ''
);

INSERT INTO session_fact_texts (session_id, project_id, urls, clicks, console)
SELECT session_id, project_id,
       coalesce(group_concat(CASE WHEN kind = 'url' THEN value END, char(10)), ''),
       coalesce(group_concat(CASE WHEN kind = 'click' THEN value END, char(10)), ''),
       coalesce(group_concat(CASE WHEN kind = 'console' THEN value END, char(10)), '')
FROM session_facts
WHERE kind IN ('url', 'click', 'console')
GROUP BY session_id, project_id;
