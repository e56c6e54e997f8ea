// A storage backend that cannot write for lack of space (ENOSPC, EDQUOT,
// SQLITE_FULL, PostgreSQL's disk_full): one Status shape for all of them, so
// that ingest answers 503 with Retry-After and readiness can say why, and a
// SpaceAlarm per backend that remembers the condition for /ready.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "incuera/status.h"

namespace incuera::internal {

// How long a caller is told to wait after a write failed for lack of space,
// and how long readiness keeps reporting it without a successful write.
inline constexpr int kNoSpaceRetrySeconds = 30;

// Unavailable("<where>: no space left on device"), retryable, with a retry
// hint of kNoSpaceRetrySeconds. `where` names the backend ("database",
// "object store").
Status NoSpace(std::string_view where);

// True for a Status made by NoSpace, also after WithContext.
bool IsNoSpace(const Status& status);

// Remembers that a backend's writes fail for lack of space. Observe() every
// write's outcome: a NoSpace failure raises the alarm, a success clears it,
// anything else leaves it. Check() is the NoSpace status while raised; the
// alarm drops by itself kNoSpaceRetrySeconds after the last failure, so a
// server taken out of a load balancer for it is tried again once space may
// have been freed. Thread-safe.
class SpaceAlarm {
 public:
  explicit SpaceAlarm(std::string where) : where_(std::move(where)) {}

  void Observe(const Status& write_result);
  Status Check() const;

 private:
  using Clock = std::chrono::steady_clock;
  const std::string where_;
  // Clock ticks of the last NoSpace failure; 0 while clear.
  std::atomic<Clock::rep> raised_at_{0};
};

}  // namespace incuera::internal
