// JobQueue: durable background jobs (render, analyze) with leases.
//
// At-least-once delivery: a leased job that is neither acked nor failed before
// its lease expires is handed out again by SweepExpired(). One live job per
// dedup key: enqueueing a key that is queued or leased returns the existing
// job. Failing a job retries it with exponential backoff until max_attempts,
// then it is dead-lettered with the last error. Implementations: "db" (the
// jobs table of the Store's database) and "redis://…" (hiredis).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/env.h"
#include "incuera/model.h"
#include "incuera/options.h"
#include "incuera/status.h"

namespace incuera {

class Store;

enum class JobState { kQueued, kLeased, kDone, kDead };
std::string_view JobStateName(JobState state);

// What a job does with its session; a Job carries it by name
// (JobKindName), so queues stay plain transport.
enum class JobKind { kRender, kAnalyze };
// "render", "analyze".
std::string_view JobKindName(JobKind kind);
// The kind named `name`; nullopt for a name this version does not run.
std::optional<JobKind> ParseJobKind(std::string_view name);

// One background job about one session, as a queue stores it.
struct Job {
  std::string id;
  std::string kind;        // JobKindName(): "render", "analyze"
  std::string session_id;  // the session the job is about
  std::string dedup_key;   // default: kind + ":" + session_id
  std::string payload;     // optional JSON
  JobState state = JobState::kQueued;
  int attempts = 0;        // leases handed out so far
  int max_attempts = 3;
  TimeMs run_at = 0;       // not leased before this time
  TimeMs lease_until = 0;
  std::string lease_token; // identifies the current lease; required by Ack/Fail
  std::string last_error;
  TimeMs created_at = 0;
};

// How many jobs are waiting, running and dead-lettered.
struct QueueStats {
  std::int64_t queued = 0, leased = 0, dead = 0;
};

// Durable jobs with leases (see the top of this file). Implementations are
// thread-safe and shared by every worker thread and server.
class JobQueue {
 public:
  virtual ~JobQueue() = default;
  // Enqueues `job` (kind and session_id required) to run at job.run_at (0 =
  // now). When a live job with the same dedup key exists, returns it instead.
  virtual Result<Job> Enqueue(const Job& job) = 0;
  // Leases the oldest due job of one of `kinds` (all kinds when empty) for
  // `lease`; nullopt when none is due. Increments attempts.
  virtual Result<std::optional<Job>> Lease(const std::vector<std::string>& kinds,
                                           std::chrono::milliseconds lease) = 0;
  // Extends a held lease (long renders). FailedPrecondition when the lease
  // was lost.
  virtual Status Extend(const Job& job, std::chrono::milliseconds lease) = 0;
  // Marks the job done. FailedPrecondition when the lease was lost.
  virtual Status Ack(const Job& job) = 0;
  // Records `error`; requeues with backoff (base * 2^(attempts-1)) or, when
  // attempts reached max_attempts or !retryable, dead-letters the job.
  virtual Status Fail(const Job& job, const std::string& error, bool retryable,
                      std::chrono::milliseconds backoff_base) = 0;
  // Gives a leased job back without counting a failure or an attempt
  // (graceful shutdown). FailedPrecondition when the lease was lost.
  virtual Status Release(const Job& job) = 0;
  // Requeues jobs whose lease expired (dead-lettering those whose last attempt
  // it was, with last_error "lease expired after the last attempt"); returns
  // how many were handled.
  virtual Result<int> SweepExpired() = 0;
  virtual Result<QueueStats> Stats() = 0;
  // Dead-lettered jobs, newest first.
  virtual Result<std::vector<Job>> ListDead(int limit) = 0;
  // "db" or "redis".
  virtual std::string_view backend() const = 0;
};

// Queues the job of `kind` for the session `session_id`, tried at most
// `max_attempts` times (options.worker.max_attempts; at least 1). While one
// is queued or leased, returns that one. Does not check that the session
// exists. Errors are the queue's.
Result<Job> QueueSessionJob(JobQueue& queue, JobKind kind, const std::string& session_id,
                            int max_attempts);

// Opens the queue named by `url`: "db" is `store`'s (Store::OpenQueue(): its
// database and the clock it was opened with; the store must outlive the
// queue); "redis://host:port[/db]" connects with hiredis and takes its times
// from `env`'s clock (which must outlive the queue).
Result<std::unique_ptr<JobQueue>> OpenJobQueue(const std::string& url, Store& store,
                                               Env& env = Env::Default());

}  // namespace incuera
