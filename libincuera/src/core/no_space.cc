#include "core/no_space.h"

#include <algorithm>

namespace incuera::internal {
namespace {

constexpr std::string_view kNoSpaceText = ": no space left on device";

}  // namespace

Status NoSpace(std::string_view where) {
  return Unavailable(std::string(where) + std::string(kNoSpaceText))
      .WithRetryAfter(kNoSpaceRetrySeconds);
}

bool IsNoSpace(const Status& status) {
  return status.code() == StatusCode::kUnavailable &&
         status.message().find(kNoSpaceText) != std::string::npos;
}

void SpaceAlarm::Observe(const Status& write_result) {
  if (write_result.ok()) {
    raised_at_.store(0, std::memory_order_relaxed);
  } else if (IsNoSpace(write_result)) {
    // Never 0, which means clear.
    raised_at_.store(std::max<Clock::rep>(Clock::now().time_since_epoch().count(), 1),
                     std::memory_order_relaxed);
  }
}

Status SpaceAlarm::Check() const {
  Clock::rep raised = raised_at_.load(std::memory_order_relaxed);
  if (raised == 0) return OkStatus();
  auto since = Clock::now() - Clock::time_point(Clock::duration(raised));
  if (since >= std::chrono::seconds(kNoSpaceRetrySeconds)) return OkStatus();
  return NoSpace(where_);
}

}  // namespace incuera::internal
