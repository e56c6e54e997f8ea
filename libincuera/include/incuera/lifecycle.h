// The end of a recording's life: removing a session with everything stored
// for it; retention — sessions older than their project's retention_days
// removed in bounded batches; and the orphan sweep — files of sessions that
// are gone. Admin (admin.h) deletes through RemoveSession; the worker's sweep
// and `incuera retention apply` / `incuera objects sweep` run the other two.
// What they remove is added to the store's counters (below), which the
// server's /metrics reports, wherever the sweeps ran.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "incuera/engine.h"
#include "incuera/model.h"
#include "incuera/status.h"

namespace incuera {

// The counters (CounterRepository) the lifecycle adds to.
inline constexpr std::string_view kRetentionSessionsCounter = "retention_sessions_removed";
inline constexpr std::string_view kRetentionObjectsCounter = "retention_objects_removed";
inline constexpr std::string_view kOrphanObjectsCounter = "orphan_objects_removed";

// The object store prefix under which every file of a session lives
// (video, thumbnail, keyframes, render and heatmap files): "sessions/<id>/".
std::string SessionObjectPrefix(std::string_view session_id);

// Removes a session: its stored objects first, so that a failure leaves
// the row that leads to what is left, then its row with its event chunks
// and analysis. True when this call removed the row, false when it was
// already gone (another worker removed it), so that runs may overlap.
// Errors are the stores'.
Result<bool> RemoveSession(Engine& engine, const std::string& session_id);

// Records in the session's row how many bytes its files take
// (Session::object_bytes), from one listing of SessionObjectPrefix: the
// render and analysis jobs call it once they have written, so that usage is
// read from the rows, never by listing the store per request. NotFound when
// the session is gone.
Status RecordObjectBytes(Engine& engine, const std::string& session_id);

// What one ApplyRetention run did.
struct RetentionResult {
  std::int64_t sessions_removed = 0;
  std::int64_t objects_removed = 0;  // their stored files
  // True when the run stopped at `max_sessions` with more expired sessions
  // left (run again).
  bool more = false;
};

// Removes sessions that started more than their project's retention_days
// before `now`, at most `max_sessions` in one run, in pages of at most 200.
// Idempotent and safe to run in several processes at once (a session
// removed by another is not counted twice). Errors stop the run; what was
// removed stays removed.
Result<RetentionResult> ApplyRetention(Engine& engine, TimeMs now, int max_sessions = 1000);

// Bounds of one orphan sweep run.
struct OrphanSweepOptions {
  // Most object keys listed in one run. Default: 5000.
  int max_listed = 5000;
  // Files written this recently are left alone even when their session is
  // gone, so a render or analysis still writing is never cut. Default: 1 h.
  std::chrono::milliseconds grace = std::chrono::hours(1);
};

// What one SweepOrphanObjects run did.
struct OrphanSweepResult {
  std::int64_t objects_removed = 0;
  std::int64_t sessions_cleared = 0;  // gone sessions whose files were removed
  // Where the next run continues; "" when this one reached the end of the
  // listing (the next starts over).
  std::string cursor;
};

// Removes the files under SessionObjectPrefix(id) of every session id that
// has no session row any more (a removal stopped half-way, a render that
// finished after its session was deleted) and whose newest file is older than
// now - options.grace. Lists the object store from `cursor` (a previous
// run's, "" to start), at most options.max_listed keys. Names under
// "sessions/" that are not session ids are left alone. Safe to run in
// several processes at once. Errors stop the run; what was removed stays
// removed and counted.
Result<OrphanSweepResult> SweepOrphanObjects(Engine& engine, TimeMs now, const std::string& cursor,
                                             const OrphanSweepOptions& options = {});

}  // namespace incuera
