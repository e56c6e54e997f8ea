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
#include "incuera/quota.h"
#include "incuera/store.h"
#include "ingest/event_identity.h"
#include "ingest/sampling.h"

namespace incuera {
namespace {

// Most sessions one sweep call handles; the periodic sweep picks up the rest.
constexpr int kSweepPage = 200;

// Session ids remembered per generation (two generations are kept).
constexpr std::size_t kSessionIdGeneration = 8192;

// How many projects are kept in the cache.
constexpr std::size_t kProjectCacheSize = 1024;

// How many of a part's newest batches without seq a new one is compared
// with, and as many again from the visit's earlier parts: an SDK resends a
// batch right after its request failed, so the batch it repeats is among the
// last few stored — by this part, or by one before it when the visit was
// finalized meanwhile. Compaction keeps as many (kChunkIdentitiesKept).
constexpr int kRecentChunks = static_cast<int>(kChunkIdentitiesKept);

// How many earlier parts of a visit are searched for those batches at most:
// each costs two lookups by primary key.
constexpr int kEarlierPartsCompared = 8;

std::int64_t Millis(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s).count();
}

bool IsNotFound(const Status& status) { return status.code() == StatusCode::kNotFound; }

// The store's answer to a batch for a session that is no longer recording.
bool IsFinalized(const Status& status) { return status.code() == StatusCode::kFailedPrecondition; }

// How many events at the start of a batch are already stored: runs of
// events equal to one of the `recent` chunks, one after the other (an SDK
// that failed twice resends both batches and what followed).
std::size_t StoredPrefix(const internal::EventDigests& digests,
                         const std::vector<ChunkContent>& recent) {
  std::size_t stored = 0;
  for (bool found = true; found && stored < digests.size();) {
    found = false;
    for (const ChunkContent& chunk : recent) {
      auto count = static_cast<std::size_t>(chunk.event_count);
      if (chunk.event_count <= 0 || stored + count > digests.size()) continue;
      if (digests.RunHash(stored, count) == chunk.content_hash) {
        stored += count;
        found = true;
        break;
      }
    }
  }
  return stored;
}

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

// The latest part of recent visits by project and client id, so a batch
// skips the session lookup: Append itself refuses a session that is gone or
// no longer recording. A visit left out by sampling is remembered as such. When the current
// generation is full it becomes the previous one and the oldest is dropped, so ids in use stay and
// the rest age out.
struct IngestService::SessionIds {
  static std::string Key(const std::string& project_id, const std::string& client_session_id) {
    return project_id + '/' + client_session_id;  // '/' is in neither
  }

  std::optional<Part> Find(const std::string& key) {
    std::lock_guard lock(mu);
    if (auto it = current.find(key); it != current.end()) return it->second;
    auto it = previous.find(key);
    if (it == previous.end()) return std::nullopt;
    Part part = it->second;
    previous.erase(it);
    Insert(key, part);
    return part;
  }

  void Remember(const std::string& key, const Session& session) {
    std::lock_guard lock(mu);
    Insert(key, Part{session.id, session.previous_id});
  }

  void RememberUnsampled(const std::string& key) {
    std::lock_guard lock(mu);
    Insert(key, Part{"", "", false});
  }

  void Forget(const std::string& key) {
    std::lock_guard lock(mu);
    current.erase(key);
    previous.erase(key);
  }

 private:
  void Insert(const std::string& key, const Part& part) {
    if (current.size() >= kSessionIdGeneration && !current.contains(key)) {
      previous = std::move(current);
      current.clear();
    }
    current[key] = part;
  }

  std::mutex mu;
  std::unordered_map<std::string, Part> current, previous;  // guarded by mu
};

IngestService::IngestService(Store& store, JobQueue& queue, const Options& options,
                             std::function<TimeMs()> clock, Quotas* quotas)
    : store_(store),
      queue_(queue),
      options_(options.ingest),
      max_attempts_(options.worker.max_attempts),
      project_ttl_ms_(options.auth.key_cache_ttl.count()),
      clock_(std::move(clock)),
      quotas_(quotas),
      projects_(std::make_unique<ProjectCache>()),
      session_ids_(std::make_unique<SessionIds>()) {}

IngestService::~IngestService() = default;

Result<Project> IngestService::GetProject(const std::string& project_id) {
  TimeMs now = clock_();
  {
    std::lock_guard lock(projects_->mu);
    auto it = projects_->by_id.find(project_id);
    if (it != projects_->by_id.end() && now - it->second.fetched_at < project_ttl_ms_) {
      return it->second.project;
    }
  }
  INCUERA_ASSIGN_OR_RETURN(Project project, store_.projects().Get(project_id));
  std::lock_guard lock(projects_->mu);
  if (projects_->by_id.size() >= kProjectCacheSize) {
    std::erase_if(projects_->by_id,
                  [&](const auto& e) { return now - e.second.fetched_at >= project_ttl_ms_; });
    if (projects_->by_id.size() >= kProjectCacheSize) projects_->by_id.clear();
  }
  projects_->by_id[project_id] = {project, now};
  return project;
}

Result<Session> IngestService::FindOrCreate(const Project& project, const std::string& client_session_id,
                                            TimeMs started_at, const std::string& url) {
  Result<Session> found = store_.sessions().GetByClientSessionId(project.id, client_session_id);
  if (found.ok() || !IsNotFound(found.status())) return found;
  if (quotas_) INCUERA_RETURN_IF_ERROR(quotas_->ChargeSession(project));
  SessionStart start;
  start.project_id = project.id;
  start.client_session_id = client_session_id;
  start.url = url;
  start.started_at = started_at;
  return store_.sessions().Upsert(start);
}

Status IngestService::ChargeIfNew(const Project& project, const std::string& client_session_id) {
  if (!quotas_ || session_ids_->Find(SessionIds::Key(project.id, client_session_id))) return OkStatus();
  Result<Session> found = store_.sessions().GetByClientSessionId(project.id, client_session_id);
  if (found.ok()) return OkStatus();
  if (!IsNotFound(found.status())) return found.status();
  return quotas_->ChargeSession(project);
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

Result<bool> IngestService::Sampled(const Project& project, const std::string& client_session_id) {
  std::string key = SessionIds::Key(project.id, client_session_id);
  if (std::optional<Part> part = session_ids_->Find(key)) return part->sampled;
  if (internal::InSample(project.id, client_session_id, project.settings.sample_rate)) {
    // In the sample now, but left out when the visit began at a lower rate?
    INCUERA_ASSIGN_OR_RETURN(bool marked, store_.sessions().IsUnsampled(project.id, client_session_id));
    if (!marked) return true;
  } else {
    // Out of the sample now, but recorded since before the rate was lowered?
    Result<Session> found = store_.sessions().GetByClientSessionId(project.id, client_session_id);
    if (found.ok()) return true;
    if (!IsNotFound(found.status())) return found.status();
    INCUERA_RETURN_IF_ERROR(store_.sessions().MarkUnsampled(project.id, client_session_id, clock_()));
  }
  session_ids_->RememberUnsampled(key);
  return false;
}

Result<std::optional<Session>> IngestService::Start(const Project& project,
                                                    const StartRequest& request) {
  INCUERA_RETURN_IF_ERROR(ValidateSessionId(request.session_id));
  INCUERA_ASSIGN_OR_RETURN(bool sampled, Sampled(project, request.session_id));
  if (!sampled) return std::optional<Session>();
  SessionStart start;
  start.project_id = project.id;
  start.client_session_id = request.session_id;
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
  INCUERA_RETURN_IF_ERROR(ChargeIfNew(project, request.session_id));
  INCUERA_ASSIGN_OR_RETURN(Session session, store_.sessions().Upsert(start));
  INCUERA_ASSIGN_OR_RETURN(session, LatestPart(std::move(session)));
  // A visitor back after the visit was finalized: its next part.
  if (session.status != SessionStatus::kRecording) {
    INCUERA_ASSIGN_OR_RETURN(session, store_.sessions().Continue(session, start));
    INCUERA_ASSIGN_OR_RETURN(session, LatestPart(std::move(session)));
  }
  // A start after an end beacon is the next page of the same visit: the SDK
  // cannot tell leaving the site from following a link, so every page ends.
  INCUERA_RETURN_IF_ERROR(CheckOpen(session));
  INCUERA_ASSIGN_OR_RETURN(session, ReopenIfEnded(session));
  INCUERA_RETURN_IF_ERROR(store_.sessions().Touch(session.id, clock_()));
  session_ids_->Remember(SessionIds::Key(project.id, request.session_id), session);
  return std::optional<Session>(std::move(session));
}

Result<Session> IngestService::LatestPart(Session session) {
  while (session.status != SessionStatus::kRecording && !session.next_id.empty()) {
    INCUERA_ASSIGN_OR_RETURN(session, store_.sessions().Get(session.next_id));
  }
  return session;
}

Result<std::vector<ChunkContent>> IngestService::RecentContent(const Part& part) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<ChunkContent> recent,
                           store_.events().RecentContent(part.id, kRecentChunks));
  // Then the newest of the parts before, walking back until kRecentChunks
  // more are found or the visit's first part is reached.
  const std::size_t wanted = recent.size() + kRecentChunks;
  std::string earlier = part.previous_id;
  for (int walked = 0; !earlier.empty() && walked < kEarlierPartsCompared; ++walked) {
    INCUERA_ASSIGN_OR_RETURN(
        std::vector<ChunkContent> before,
        store_.events().RecentContent(earlier, static_cast<int>(wanted - recent.size())));
    recent.insert(recent.end(), before.begin(), before.end());
    if (recent.size() >= wanted) break;
    INCUERA_ASSIGN_OR_RETURN(Session session, store_.sessions().Get(earlier));
    earlier = session.previous_id;
  }
  return recent;
}

Result<bool> IngestService::AlreadyStored(const Session& finalized, const ParsedBatch& batch) {
  Part part{finalized.id, finalized.previous_id};
  if (batch.seq) {
    for (const std::string& id : {part.id, part.previous_id}) {
      if (id.empty()) continue;
      INCUERA_ASSIGN_OR_RETURN(bool stored, store_.events().HasSeq(id, *batch.seq));
      if (stored) return true;
    }
    return false;
  }
  std::vector<std::string_view> events = internal::SplitEvents(batch.events_json);
  INCUERA_ASSIGN_OR_RETURN(std::vector<ChunkContent> recent, RecentContent(part));
  return StoredPrefix(internal::EventDigests(events), recent) == events.size();
}

Result<AppendResult> IngestService::Append(const Part& part, const ParsedBatch& batch, TimeMs now) {
  if (batch.seq) {
    // The SDK numbers the batches of its session id across every part: one
    // that the part before stored is a repeat (a page re-sending what it
    // could not confirm).
    if (!part.previous_id.empty()) {
      INCUERA_ASSIGN_OR_RETURN(bool stored, store_.events().HasSeq(part.previous_id, *batch.seq));
      if (stored) return AppendResult{false, *batch.seq};
    }
    return AppendChunk(part.id, batch, "", now);
  }
  std::vector<std::string_view> events = internal::SplitEvents(batch.events_json);
  internal::EventDigests digests(events);
  INCUERA_ASSIGN_OR_RETURN(std::vector<ChunkContent> recent, RecentContent(part));
  std::size_t stored = StoredPrefix(digests, recent);
  if (stored == events.size()) return AppendResult{false, -1};
  std::string hash = digests.RunHash(stored, events.size() - stored);
  if (stored == 0) return AppendChunk(part.id, batch, hash, now);
  // The events not stored yet, parsed again for their own counters.
  std::string rest = R"({"sessionId":")" + batch.session_id + R"(","events":[)";
  for (std::size_t i = stored; i < events.size(); ++i) {
    if (i > stored) rest += ',';
    rest += events[i];
  }
  rest += "]}";
  INCUERA_ASSIGN_OR_RETURN(ParsedBatch tail, ParseIngestBody(rest));
  return AppendChunk(part.id, tail, hash, now);
}

Result<AppendResult> IngestService::AppendChunk(const std::string& session_id,
                                                const ParsedBatch& batch,
                                                const std::string& content_hash, TimeMs now) {
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
  chunk.content_hash = content_hash;
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
  INCUERA_ASSIGN_OR_RETURN(result.sampled, Sampled(project, batch.session_id));
  if (!result.sampled) return result;
  // Events are charged once the batch has a session to go to (a new one is
  // charged to the session quota first), just before they are stored; once,
  // whichever path stores them.
  bool charged = !quotas_;
  auto charge_events = [&] {
    if (charged) return OkStatus();
    charged = true;
    return quotas_->ChargeEvents(project, batch.event_count);
  };
  std::string key = SessionIds::Key(project.id, batch.session_id);
  if (batch.event_count > 0) {
    if (std::optional<Part> part = session_ids_->Find(key)) {
      INCUERA_RETURN_IF_ERROR(charge_events());
      Result<AppendResult> appended = Append(*part, batch, now);
      if (appended.ok()) {
        result.session_id = part->id;
        result.stored = appended->stored;
        return result;
      }
      if (!IsNotFound(appended.status()) && !IsFinalized(appended.status())) {
        return appended.status();
      }
      session_ids_->Forget(key);  // deleted or finalized meanwhile: looked up below
    }
  }

  TimeMs started_at = batch.event_count > 0 ? batch.first_ts : now;
  INCUERA_ASSIGN_OR_RETURN(Session session,
                           FindOrCreate(project, batch.session_id, started_at, batch.first_url));
  INCUERA_ASSIGN_OR_RETURN(session, LatestPart(std::move(session)));
  result.session_id = session.id;
  result.session_status = session.status;
  if (batch.event_count == 0) return result;
  if (session.status != SessionStatus::kRecording) {
    // The visit was finalized: what it already holds is acknowledged, the
    // rest opens its next part, which starts at this batch.
    INCUERA_ASSIGN_OR_RETURN(bool repeat, AlreadyStored(session, batch));
    if (repeat) return result;
    SessionStart start;
    start.project_id = project.id;
    start.client_session_id = batch.session_id;
    start.url = batch.first_url;
    start.started_at = started_at;
    INCUERA_ASSIGN_OR_RETURN(session, store_.sessions().Continue(session, start));
    INCUERA_ASSIGN_OR_RETURN(session, LatestPart(std::move(session)));
    INCUERA_RETURN_IF_ERROR(CheckOpen(session));
    // Without a full snapshot the part's replay starts at the next one: ask
    // for one now.
    result.take_full_snapshot = batch.type_counts[2] == 0;
  }
  session_ids_->Remember(key, session);
  result.session_id = session.id;
  result.session_status = session.status;
  INCUERA_RETURN_IF_ERROR(charge_events());
  INCUERA_ASSIGN_OR_RETURN(AppendResult appended,
                           Append(Part{session.id, session.previous_id}, batch, now));
  result.stored = appended.stored;
  return result;
}

bool IngestService::ContinuesKeptVisit(const Session& session) {
  if (session.previous_id.empty()) return false;
  Result<Session> previous = store_.sessions().Get(session.previous_id);
  return previous.ok() && previous->status != SessionStatus::kDiscarded;
}

Result<EndResult> IngestService::Finalize(const Session& session, std::int64_t min_duration_ms) {
  SessionRepository& sessions = store_.sessions();
  if (DurationOf(session) < min_duration_ms && !ContinuesKeptVisit(session)) {
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
  INCUERA_RETURN_IF_ERROR(
      QueueSessionJob(queue_, JobKind::kRender, session.id, max_attempts_).status());
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
  INCUERA_ASSIGN_OR_RETURN(bool sampled, Sampled(project, request.session_id));
  if (!sampled) return EndResult{true, false, false};
  std::string reason = request.reason.empty() ? "end" : request.reason;
  std::string key = SessionIds::Key(project.id, request.session_id);
  Result<Session> ended = NotFound("session not found");
  if (std::optional<Part> part = session_ids_->Find(key)) {
    // Marking is idempotent (the first end wins), so a finalized session is
    // left as it is and answered from the row below.
    ended = store_.sessions().MarkEnded(part->id, clock_(), reason);
    if (!ended.ok() && !IsNotFound(ended.status())) return ended.status();
    // Gone, or finalized with a later part (opened by another server).
    if (!ended.ok() || (ended->status != SessionStatus::kRecording && !ended->next_id.empty())) {
      session_ids_->Forget(key);
      ended = NotFound("session not found");
    }
  }
  if (!ended.ok()) {
    Result<Session> found = store_.sessions().GetByClientSessionId(project.id, request.session_id);
    if (!found.ok()) {
      if (IsNotFound(found.status())) {
        return NotFound("session " + request.session_id + " was never started");
      }
      return found.status();
    }
    INCUERA_ASSIGN_OR_RETURN(Session latest, LatestPart(std::move(*found)));
    if (latest.status != SessionStatus::kRecording) {
      return EndResult{true, HasVideoJob(latest.status)};
    }
    INCUERA_ASSIGN_OR_RETURN(ended, store_.sessions().MarkEnded(latest.id, clock_(), reason));
  }
  if (ended->status != SessionStatus::kRecording)
    return EndResult{true, HasVideoJob(ended->status)};
  return EndResult{true, DurationOf(*ended) >= project.settings.min_duration_ms};
}

Result<std::optional<Session>> IngestService::Heartbeat(const Project& project,
                                                        const HeartbeatRequest& request) {
  INCUERA_RETURN_IF_ERROR(ValidateSessionId(request.session_id));
  INCUERA_ASSIGN_OR_RETURN(bool sampled, Sampled(project, request.session_id));
  if (!sampled) return std::optional<Session>();
  TimeMs now = clock_();
  INCUERA_ASSIGN_OR_RETURN(Session session,
                           FindOrCreate(project, request.session_id,
                                        request.timestamp > 0 ? request.timestamp : now, ""));
  INCUERA_ASSIGN_OR_RETURN(session, LatestPart(std::move(session)));
  // A heartbeat carries no events: a finalized visit is answered as it is,
  // and the next batch or start opens its next part.
  if (session.status != SessionStatus::kRecording) return std::optional<Session>(session);
  INCUERA_ASSIGN_OR_RETURN(session, ReopenIfEnded(session));  // the tab is still open
  // A quiet tab sends heartbeats but no events: without this the sweep would
  // end it after the inactivity timeout while it is still open.
  INCUERA_RETURN_IF_ERROR(store_.sessions().Touch(session.id, now));
  session_ids_->Remember(SessionIds::Key(project.id, request.session_id), session);
  return std::optional<Session>(std::move(session));
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
