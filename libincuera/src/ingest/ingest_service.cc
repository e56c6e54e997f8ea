// IngestService: the session lifecycle of ARCHITECTURE §5 over the store's
// repositories and the job queue. Every step is a single repository call that
// is itself atomic; the order of the steps makes a crash or a retry between
// them harmless (see End and Finalize).
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "incuera/ingest.h"
#include "incuera/queue.h"
#include "incuera/store.h"

namespace incuera {
namespace {

// Most sessions one sweep call handles; the periodic sweep picks up the rest.
constexpr int kSweepPage = 200;

// Session ids remembered per generation (two generations are kept).
constexpr std::size_t kSessionIdGeneration = 8192;

// How long a project read stays cached (the delay before an edit is seen,
// matching the API key cache) and how many projects are kept.
constexpr TimeMs kProjectTtlMs = 5'000;
constexpr std::size_t kProjectCacheSize = 1024;

std::int64_t Millis(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s).count();
}

bool IsNotFound(const Status& status) { return status.code() == StatusCode::kNotFound; }

// The recorded length, from the row's current timestamps (batches may have
// arrived after the end was marked).
std::int64_t DurationOf(const Session& s) {
  return s.last_event_at > s.started_at ? s.last_event_at - s.started_at : 0;
}

// Statuses in which a kept session waits for or has its video.
bool HasVideoJob(SessionStatus status) {
  return status == SessionStatus::kCompleted || status == SessionStatus::kRendering ||
         status == SessionStatus::kReady || status == SessionStatus::kFailed;
}

}  // namespace

// Projects by id with the time each was read.
struct IngestService::ProjectCache {
  struct Entry {
    Project project;
    TimeMs fetched_at = 0;
  };
  std::mutex mu;
  std::unordered_map<std::string, Entry> by_id;
};

// Row ids of recent sessions by project and client id, so a batch skips the
// session lookup: Append itself refuses a session that is gone or no longer
// recording. When the current generation is full it becomes the previous one
// and the oldest is dropped, so ids in use stay and the rest age out.
struct IngestService::SessionIds {
  static std::string Key(const std::string& project_id, const std::string& client_id) {
    return project_id + '/' + client_id;  // '/' is in neither
  }

  std::optional<std::string> Find(const std::string& key) {
    std::lock_guard lock(mu);
    if (auto it = current.find(key); it != current.end()) return it->second;
    auto it = previous.find(key);
    if (it == previous.end()) return std::nullopt;
    std::string id = it->second;
    previous.erase(it);
    Insert(key, id);
    return id;
  }

  void Remember(const std::string& key, const std::string& id) {
    std::lock_guard lock(mu);
    Insert(key, id);
  }

  void Forget(const std::string& key) {
    std::lock_guard lock(mu);
    current.erase(key);
    previous.erase(key);
  }

 private:
  void Insert(const std::string& key, const std::string& id) {
    if (current.size() >= kSessionIdGeneration && !current.contains(key)) {
      previous = std::move(current);
      current.clear();
    }
    current[key] = id;
  }

  std::mutex mu;
  std::unordered_map<std::string, std::string> current, previous;  // guarded by mu
};

IngestService::IngestService(Store& store, JobQueue& queue, const IngestOptions& options,
                             std::function<TimeMs()> clock)
    : store_(store),
      queue_(queue),
      options_(options),
      clock_(std::move(clock)),
      projects_(std::make_unique<ProjectCache>()),
      session_ids_(std::make_unique<SessionIds>()) {}

IngestService::~IngestService() = default;

Result<Project> IngestService::GetProject(const std::string& project_id) {
  TimeMs now = clock_();
  {
    std::lock_guard lock(projects_->mu);
    auto it = projects_->by_id.find(project_id);
    if (it != projects_->by_id.end() && now - it->second.fetched_at < kProjectTtlMs) {
      return it->second.project;
    }
  }
  INCUERA_ASSIGN_OR_RETURN(Project project, store_.projects().Get(project_id));
  std::lock_guard lock(projects_->mu);
  if (projects_->by_id.size() >= kProjectCacheSize) {
    std::erase_if(projects_->by_id,
                  [&](const auto& e) { return now - e.second.fetched_at >= kProjectTtlMs; });
    if (projects_->by_id.size() >= kProjectCacheSize) projects_->by_id.clear();
  }
  projects_->by_id[project_id] = {project, now};
  return project;
}

Result<Session> IngestService::FindOrCreate(const Project& project, const std::string& client_id,
                                            TimeMs started_at, const std::string& url) {
  Result<Session> found = store_.sessions().GetByClientId(project.id, client_id);
  if (found.ok() || !IsNotFound(found.status())) return found;
  SessionStart start;
  start.project_id = project.id;
  start.client_id = client_id;
  start.url = url;
  start.started_at = started_at;
  return store_.sessions().Upsert(start);
}

Status IngestService::CheckOpen(const Session& session) const {
  // Ended sessions keep accepting events until they are finalized, which
  // FinalizeEnded does only after the grace period.
  if (session.status == SessionStatus::kRecording) return OkStatus();
  return FailedPrecondition("session already finalized (status " +
                            std::string(SessionStatusName(session.status)) +
                            ") and no longer accepts events");
}

Result<Session> IngestService::ReopenIfEnded(const Session& session) {
  if (!session.ended_at || session.status != SessionStatus::kRecording) return session;
  INCUERA_RETURN_IF_ERROR(store_.sessions().Reopen(session.id));
  return store_.sessions().Get(session.id);
}

Result<Session> IngestService::Start(const Project& project, const StartRequest& request) {
  INCUERA_RETURN_IF_ERROR(ValidateSessionId(request.session_id));
  SessionStart start;
  start.project_id = project.id;
  start.client_id = request.session_id;
  start.user_id = request.user_id;
  start.user_email = request.user_email;
  start.url = request.url;
  start.referrer = request.referrer;
  start.user_agent = request.user_agent;
  start.screen_width = request.screen_width;
  start.screen_height = request.screen_height;
  start.viewport_width = request.viewport_width;
  start.viewport_height = request.viewport_height;
  start.started_at = request.timestamp > 0 ? request.timestamp : clock_();
  INCUERA_ASSIGN_OR_RETURN(Session session, store_.sessions().Upsert(start));
  // A start after an end beacon is the next page of the same visit: the SDK
  // cannot tell leaving the site from following a link, so every page ends.
  INCUERA_RETURN_IF_ERROR(CheckOpen(session));
  INCUERA_ASSIGN_OR_RETURN(session, ReopenIfEnded(session));
  INCUERA_RETURN_IF_ERROR(store_.sessions().Touch(session.id, clock_()));
  session_ids_->Remember(SessionIds::Key(project.id, request.session_id), session.id);
  return session;
}

Result<AppendResult> IngestService::Append(const std::string& session_id, const ParsedBatch& batch,
                                           TimeMs now) {
  EventChunk chunk;
  chunk.session_id = session_id;
  chunk.seq = batch.seq.value_or(-1);
  chunk.first_ts = batch.first_ts;
  chunk.last_ts = batch.last_ts;
  chunk.event_count = batch.event_count;
  chunk.raw_bytes = static_cast<std::int64_t>(batch.events_json.size());
  chunk.codec = "none";
  chunk.payload.assign(batch.events_json);
  chunk.created_at = now;
  BatchStats stats;
  stats.event_count = batch.event_count;
  stats.raw_bytes = chunk.raw_bytes;
  stats.first_ts = batch.first_ts;
  stats.last_ts = batch.last_ts;
  stats.error_count = batch.error_count;
  stats.page_count = batch.page_count;
  stats.first_url = batch.first_url;
  return store_.events().Append(chunk, stats);
}

Result<IngestResult> IngestService::Ingest(const Project& project, const ParsedBatch& batch) {
  INCUERA_RETURN_IF_ERROR(ValidateSessionId(batch.session_id));
  TimeMs now = clock_();
  IngestResult result;
  result.events_received = batch.event_count;
  std::string key = SessionIds::Key(project.id, batch.session_id);
  if (batch.event_count > 0) {
    if (std::optional<std::string> id = session_ids_->Find(key)) {
      Result<AppendResult> appended = Append(*id, batch, now);
      if (appended.ok()) {
        result.session_id = *id;
        result.stored = appended->stored;
        return result;
      }
      if (!IsNotFound(appended.status())) return appended.status();
      session_ids_->Forget(key);  // deleted meanwhile: found or created again below
    }
  }

  TimeMs started_at = batch.event_count > 0 ? batch.first_ts : now;
  INCUERA_ASSIGN_OR_RETURN(Session session,
                           FindOrCreate(project, batch.session_id, started_at, batch.first_url));
  INCUERA_RETURN_IF_ERROR(CheckOpen(session));
  session_ids_->Remember(key, session.id);
  result.session_id = session.id;
  result.session_status = session.status;
  if (batch.event_count == 0) return result;
  INCUERA_ASSIGN_OR_RETURN(AppendResult appended, Append(session.id, batch, now));
  result.stored = appended.stored;
  return result;
}

Result<EndResult> IngestService::Finalize(const Session& session, std::int64_t min_duration_ms) {
  SessionRepository& sessions = store_.sessions();
  if (DurationOf(session) < min_duration_ms) {
    Status moved =
        sessions.Transition(session.id, SessionStatus::kRecording, SessionStatus::kDiscarded);
    if (!moved.ok() && moved.code() != StatusCode::kFailedPrecondition) return moved;
    if (moved.ok()) INCUERA_RETURN_IF_ERROR(store_.events().DeleteForSession(session.id));
    INCUERA_ASSIGN_OR_RETURN(Session now_row, sessions.Get(session.id));
    return EndResult{true, HasVideoJob(now_row.status)};
  }
  // The job goes first: if the transition then fails or the process dies,
  // the next sweep finds the session still recording and enqueues again,
  // which the queue deduplicates.
  Job job;
  job.kind = "render";
  job.session_id = session.id;
  INCUERA_RETURN_IF_ERROR(queue_.Enqueue(job).status());
  Status moved =
      sessions.Transition(session.id, SessionStatus::kRecording, SessionStatus::kCompleted);
  if (!moved.ok() && moved.code() != StatusCode::kFailedPrecondition) return moved;
  return EndResult{true, true};
}

Result<std::int64_t> IngestService::MinDurationOf(const std::string& project_id) {
  INCUERA_ASSIGN_OR_RETURN(Project project, GetProject(project_id));
  return project.settings.min_duration_ms;
}

Result<EndResult> IngestService::End(const Project& project, const EndRequest& request) {
  INCUERA_RETURN_IF_ERROR(ValidateSessionId(request.session_id));
  // Only marked here: the session is finalized by FinalizeEnded once the
  // grace period has passed with no new page, so a last batch racing the
  // beacon and the next page of a multi-page visit are both kept.
  std::string reason = request.reason.empty() ? "end" : request.reason;
  std::string key = SessionIds::Key(project.id, request.session_id);
  Result<Session> ended = NotFound("session not found");
  if (std::optional<std::string> id = session_ids_->Find(key)) {
    // Marking is idempotent (the first end wins), so a finalized session is
    // left as it is and answered from the row below.
    ended = store_.sessions().MarkEnded(*id, clock_(), reason);
    if (!ended.ok() && !IsNotFound(ended.status())) return ended.status();
    if (!ended.ok()) session_ids_->Forget(key);
  }
  if (!ended.ok()) {
    Result<Session> found = store_.sessions().GetByClientId(project.id, request.session_id);
    if (!found.ok()) {
      if (IsNotFound(found.status())) {
        return NotFound("session " + request.session_id + " was never started");
      }
      return found.status();
    }
    if (found->status != SessionStatus::kRecording) {
      return EndResult{true, HasVideoJob(found->status)};
    }
    INCUERA_ASSIGN_OR_RETURN(ended, store_.sessions().MarkEnded(found->id, clock_(), reason));
  }
  if (ended->status != SessionStatus::kRecording)
    return EndResult{true, HasVideoJob(ended->status)};
  return EndResult{true, DurationOf(*ended) >= project.settings.min_duration_ms};
}

Result<Session> IngestService::Heartbeat(const Project& project, const HeartbeatRequest& request) {
  INCUERA_RETURN_IF_ERROR(ValidateSessionId(request.session_id));
  TimeMs now = clock_();
  INCUERA_ASSIGN_OR_RETURN(Session session,
                           FindOrCreate(project, request.session_id,
                                        request.timestamp > 0 ? request.timestamp : now, ""));
  INCUERA_RETURN_IF_ERROR(CheckOpen(session));
  INCUERA_ASSIGN_OR_RETURN(session, ReopenIfEnded(session));  // the tab is still open
  // A quiet tab sends heartbeats but no events: without this the sweep would
  // end it after the inactivity timeout while it is still open.
  INCUERA_RETURN_IF_ERROR(store_.sessions().Touch(session.id, now));
  session_ids_->Remember(SessionIds::Key(project.id, request.session_id), session.id);
  return session;
}

Result<int> IngestService::SweepInactive(TimeMs now) {
  TimeMs before = now - Millis(options_.inactivity_timeout);
  INCUERA_ASSIGN_OR_RETURN(std::vector<Session> idle,
                           store_.sessions().ListInactive(before, kSweepPage));
  for (const Session& session : idle) {
    INCUERA_ASSIGN_OR_RETURN(std::int64_t min_duration, MinDurationOf(session.project_id));
    INCUERA_ASSIGN_OR_RETURN(Session marked,
                             store_.sessions().MarkEnded(session.id, now, "inactivity"));
    INCUERA_RETURN_IF_ERROR(Finalize(marked, min_duration).status());
  }
  return static_cast<int>(idle.size());
}

Result<int> IngestService::FinalizeEnded(TimeMs now) {
  TimeMs before = now - Millis(options_.end_grace_period);
  INCUERA_ASSIGN_OR_RETURN(
      std::vector<Session> pending,
      store_.sessions().ListEndedBefore(SessionStatus::kRecording, before, kSweepPage));
  for (const Session& session : pending) {
    INCUERA_ASSIGN_OR_RETURN(std::int64_t min_duration, MinDurationOf(session.project_id));
    INCUERA_RETURN_IF_ERROR(Finalize(session, min_duration).status());
  }
  return static_cast<int>(pending.size());
}

}  // namespace incuera
