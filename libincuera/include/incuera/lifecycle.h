// The end of a recording's life: removing a session with everything stored
// for it, and retention — sessions older than their project's
// retention_days removed in bounded batches. Admin (admin.h) deletes
// through RemoveSession; the worker's sweep and `incuera retention apply`
// run ApplyRetention.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "incuera/engine.h"
#include "incuera/model.h"
#include "incuera/status.h"

namespace incuera {

// The object store prefix under which every file of a session lives
// (video, thumbnail, keyframes, render and heatmap files): "sessions/<id>/".
std::string SessionObjectPrefix(std::string_view session_id);

// Removes a session: its stored objects first, so that a failure leaves
// the row that leads to what is left, then its row with its event chunks
// and analysis. True when this call removed the row, false when it was
// already gone (another worker removed it), so that runs may overlap.
// Errors are the stores'.
Result<bool> RemoveSession(Engine& engine, const std::string& session_id);

// What one ApplyRetention run did.
struct RetentionResult {
  std::int64_t sessions_removed = 0;
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

}  // namespace incuera
