#include <algorithm>
#include <cstdint>

#include "core/text.h"
#include "incuera/store.h"
#include "queue/queue_internal.h"

namespace incuera {

namespace {

constexpr std::string_view kJobStates[] = {"queued", "leased", "done", "dead"};
constexpr std::string_view kJobKinds[] = {"render", "analyze"};

}  // namespace

std::string_view JobStateName(JobState state) { return kJobStates[static_cast<int>(state)]; }

std::string_view JobKindName(JobKind kind) { return kJobKinds[static_cast<int>(kind)]; }

std::optional<JobKind> ParseJobKind(std::string_view name) {
  for (size_t i = 0; i < std::size(kJobKinds); ++i) {
    if (kJobKinds[i] == name) return static_cast<JobKind>(i);
  }
  return std::nullopt;
}

Result<Job> QueueSessionJob(JobQueue& queue, JobKind kind, const std::string& session_id,
                            int max_attempts) {
  Job job;
  job.kind = JobKindName(kind);
  job.session_id = session_id;
  job.max_attempts = max_attempts;
  return queue.Enqueue(job);
}

Result<std::unique_ptr<JobQueue>> OpenJobQueue(const std::string& url, Store& store, Env& env) {
  if (url == "db") return store.OpenQueue();
  if (internal::StartsWith(url, "redis://")) return internal::OpenRedisJobQueue(url, env);
  return InvalidArgument("unknown job queue url '" + url + "' (expected db or redis://…)");
}

namespace internal {

Result<JobState> ParseJobState(std::string_view name) {
  for (size_t i = 0; i < std::size(kJobStates); ++i) {
    if (kJobStates[i] == name) return static_cast<JobState>(i);
  }
  return InvalidArgument("unknown job state '" + std::string(name) + "'");
}

Result<Job> PrepareNewJob(const Job& job, TimeMs now) {
  if (job.kind.empty()) return InvalidArgument("job kind is required");
  if (job.session_id.empty()) return InvalidArgument("job session_id is required");
  if (job.max_attempts < 1) return InvalidArgument("job max_attempts must be at least 1");
  Job out = job;
  out.id = NewUuid();
  if (out.dedup_key.empty()) out.dedup_key = out.kind + ":" + out.session_id;
  if (out.run_at == 0) out.run_at = now;
  if (out.created_at == 0) out.created_at = now;
  out.state = JobState::kQueued;
  out.attempts = 0;
  out.lease_until = 0;
  out.lease_token.clear();
  out.last_error.clear();
  return out;
}

std::chrono::milliseconds RetryDelay(std::chrono::milliseconds base, int attempts) {
  constexpr std::int64_t kMaxMs = 24LL * 3600 * 1000;
  std::int64_t delay = std::max<std::int64_t>(base.count(), 0);
  for (int i = 1; i < attempts && delay < kMaxMs; ++i) delay *= 2;
  return std::chrono::milliseconds(std::min(delay, kMaxMs));
}

Status LeaseLost(const Job& job) {
  return FailedPrecondition("lease of job " + job.id + " was lost (expired or released)");
}

#ifndef INCUERA_WITH_REDIS
Result<std::unique_ptr<JobQueue>> OpenRedisJobQueue(const std::string&, Env&) {
  return Unimplemented("built without Redis (hiredis)");
}
#endif

}  // namespace internal
}  // namespace incuera
