-- Version 2 (SQLite): when the server last heard from a session (batch,
-- start or heartbeat), in server time. The inactivity sweep ends a session
-- only when both this and its newest event are older than the timeout, so a
-- quiet open tab that sends heartbeats is kept, and so is a visitor whose
-- clock runs behind the server's.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
