-- Version 3 (PostgreSQL): no visit is lost.
--
-- A visitor who comes back after their session was finalized opens a
-- continuation: a new session (the next part of the same visit) whose
-- client_id is the SDK's id followed by '#<part>' ('#' is never in an SDK
-- id), linked both ways to the part before it.
ALTER TABLE sessions ADD COLUMN part integer NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN previous_id uuid REFERENCES sessions (id) ON DELETE SET NULL;
ALTER TABLE sessions ADD COLUMN next_id uuid REFERENCES sessions (id) ON DELETE SET NULL;
-- A batch sent without seq carries the SHA-256 of its events (hex), so the
-- same events sent again (an SDK that retried a request the server had
-- answered) are recognised and stored once, whichever server receives them.
ALTER TABLE event_chunks ADD COLUMN content_hash text;
CREATE UNIQUE INDEX event_chunks_content ON event_chunks (session_id, content_hash);
-- A compacted chunk holds the batches seq..last_seq (NULL: only its own), so
-- whether a batch was stored is still known after compaction: a visitor who
-- comes back re-sends what their previous page could not confirm.
ALTER TABLE event_chunks ADD COLUMN last_seq bigint;
