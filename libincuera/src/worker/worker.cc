#include "incuera/worker.h"

#include <boost/json.hpp>
#include <chrono>

#include "incuera/env.h"
#include "incuera/ingest.h"
#include "incuera/lifecycle.h"
#include "incuera/queue.h"
#include "incuera/quota.h"
#include "incuera/store.h"
#include "worker/render_job.h"

namespace incuera {
namespace {

using Clock = std::chrono::steady_clock;

// One JSON line in the engine's log, with the whole error when there is one
// (users see only its first sentence, on the session): escaped, as it may
// hold JSON.
void LogLine(Engine& engine, boost::json::object line, const Status& s) {
  if (!s.ok()) line["error"] = s.ToString();
  engine.env().Log(boost::json::serialize(line));
}

void Log(Engine& engine, const char* what, const Job& job, const Status& s) {
  LogLine(engine,
          {{"worker", what},
           {"kind", job.kind},
           {"session", job.session_id},
           {"attempt", job.attempts}},
          s);
}

// Runs the job's handler; a long render keeps its lease alive through the
// progress callback.
Status RunJob(Engine& engine, const Job& job) {
  const std::optional<JobKind> kind = ParseJobKind(job.kind);
  if (kind == JobKind::kRender) {
    const auto lease = engine.options().worker.lease;
    Clock::time_point extended = Clock::now();
    return RenderStoredSession(engine, job.session_id, [&](double) {
      if (Clock::now() - extended < lease / 3) return;
      extended = Clock::now();
      (void)engine.queue().Extend(job, lease);  // a lost lease shows at Ack
    });
  }
  if (kind == JobKind::kAnalyze) return AnalyzeStoredSession(engine, job.session_id);
  return InvalidArgument("unknown job kind '" + job.kind + "'");
}

// The last failed attempt of a render leaves the session failed, not
// waiting, and analysed all the same. After a final (non-retryable) failure
// the render job did both already and this does nothing.
void GiveUp(Engine& engine, const Job& job, const Status& s) {
  if (ParseJobKind(job.kind) != JobKind::kRender) return;
  (void)internal::GiveUpRender(engine, job.session_id, s);
}

}  // namespace

Worker::Worker(Engine& engine) : engine_(engine) {}
Worker::~Worker() { Stop(); }

void Worker::Start() {
  if (!threads_.empty()) return;
  stopping_ = false;
  for (int i = 0; i < engine_.options().worker.concurrency; ++i) {
    threads_.emplace_back([this] { JobLoop(); });
  }
  threads_.emplace_back([this] { SweepLoop(); });
}

void Worker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

Result<bool> Worker::RunOnce() {
  const WorkerOptions& o = engine_.options().worker;
  INCUERA_ASSIGN_OR_RETURN(std::optional<Job> leased,
                           engine_.queue().Lease({std::string(JobKindName(JobKind::kRender)),
                                                  std::string(JobKindName(JobKind::kAnalyze))},
                                                 o.lease));
  if (!leased) return false;
  const Job& job = *leased;
  Status s = RunJob(engine_, job);
  Log(engine_, s.ok() ? "done" : "failed", job, s);
  if (s.ok()) {
    INCUERA_RETURN_IF_ERROR(engine_.queue().Ack(job));
    return true;
  }
  bool retry = s.retryable() && job.attempts < job.max_attempts;
  if (!retry) GiveUp(engine_, job, s);
  INCUERA_RETURN_IF_ERROR(engine_.queue().Fail(job, s.message(), retry, o.retry_backoff));
  return true;
}

Status Worker::SweepOnce() {
  std::lock_guard lock(sweep_mu_);
  TimeMs now = engine_.env().NowMs();
  INCUERA_RETURN_IF_ERROR(engine_.queue().SweepExpired().status());
  INCUERA_RETURN_IF_ERROR(engine_.ingest().SweepInactive(now).status());
  INCUERA_RETURN_IF_ERROR(engine_.ingest().FinalizeEnded(now).status());
  INCUERA_RETURN_IF_ERROR(engine_.quotas().DeleteExpired().status());
  // One bounded batch per round; a backlog drains over the next rounds.
  INCUERA_ASSIGN_OR_RETURN(RetentionResult retention, ApplyRetention(engine_, now));
  if (retention.sessions_removed > 0) {
    LogLine(engine_,
            {{"worker", "retention"},
             {"sessions_removed", retention.sessions_removed},
             {"objects_removed", retention.objects_removed},
             {"more", retention.more}},
            OkStatus());
  }
  INCUERA_ASSIGN_OR_RETURN(OrphanSweepResult orphans,
                           SweepOrphanObjects(engine_, now, orphan_cursor_));
  orphan_cursor_ = orphans.cursor;
  if (orphans.objects_removed > 0) {
    LogLine(engine_,
            {{"worker", "orphans"},
             {"objects_removed", orphans.objects_removed},
             {"sessions_cleared", orphans.sessions_cleared}},
            OkStatus());
  }
  return OkStatus();
}

bool Worker::Sleep(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void Worker::JobLoop() {
  while (!stopping_) {
    Result<bool> ran = RunOnce();
    if (!ran.ok()) LogLine(engine_, {{"worker", "error"}}, ran.status());
    if (!ran.ok() || !*ran) {
      if (!Sleep(engine_.options().worker.poll_interval)) return;
    }
  }
}

void Worker::SweepLoop() {
  do {
    if (Status s = SweepOnce(); !s.ok()) LogLine(engine_, {{"worker", "sweep"}}, s);
  } while (Sleep(std::chrono::duration_cast<std::chrono::milliseconds>(
      engine_.options().worker.sweep_interval)));
}

}  // namespace incuera
