// Ingest: parsing the SDK's request bodies and the session lifecycle behind
// /api/sessions/start, /api/ingest, /api/sessions/end and /heartbeat.
//
// The HTTP layer reads the body (inflating Content-Encoding: gzip as it
// arrives, within the body limit), then calls one Parse*Body() function,
// then one IngestService method, and maps the Status. Parsing never touches the store; the service
// never sees raw HTTP.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/model.h"
#include "incuera/options.h"
#include "incuera/status.h"

namespace incuera {

class Store;
class JobQueue;
class Quotas;
struct AppendResult;
struct ChunkContent;

// Bounds the batch parser enforces on one /api/ingest body. The JSON nesting
// limit (1100 levels: any DOM Chromium can parse, two levels per element) is
// not among them: it is fixed, shared with the render and the analysis, so
// every batch ingest accepts can be rendered and analysed.
struct IngestLimits {
  // Most events accepted in one batch. Default: 100000.
  std::size_t max_events = 100'000;
};

// What ParseIngestBody() extracts from one /api/ingest body. `events_json`
// points into the body passed to the parser (which must outlive it): it is
// the `events` array exactly as received, from '[' to ']' inclusive.
struct ParsedBatch {
  std::string session_id;           // the SDK's sessionId
  std::optional<std::int64_t> seq;  // batch sequence number, when sent
  // "apiKey" from the body: a tail sent by sendBeacon cannot carry the
  // X-API-Key header. Empty when absent.
  std::string api_key;
  std::optional<TimeMs> timestamp;  // the body's "timestamp" (send time)
  std::string_view events_json;
  std::int64_t event_count = 0;
  TimeMs first_ts = 0;  // smallest event timestamp (0 when no events)
  TimeMs last_ts = 0;   // largest event timestamp (0 when no events)
  // Events per rrweb type: 0 DomContentLoaded, 1 Load, 2 FullSnapshot,
  // 3 IncrementalSnapshot, 4 Meta, 5 Custom, 6 Plugin. Other types are only
  // counted in event_count.
  std::array<std::int64_t, 7> type_counts{};
  // Errors seen in the batch: console plugin records (type 6, data.plugin
  // "rrweb/console@1", data.payload.level "error" or "assert") and custom
  // events (type 5) whose data.tag is "error" or "unhandledrejection" (the
  // tags the SDK uses for window.onerror and unhandled promise rejections).
  std::int64_t error_count = 0;
  std::int64_t page_count = 0;  // Meta events (type 4): one per page load
  std::string first_url;        // data.href of the first Meta event, if any
};

// Parses an /api/ingest body {"sessionId", "events": [...], "timestamp"?,
// "seq"?, "apiKey"?} with a streaming (SAX) parser: no DOM is built and nothing is
// re-serialised; unknown fields are ignored. InvalidArgument, with a message
// naming the problem, for: not JSON, trailing data, a sessionId that is
// missing, empty, longer than 128 characters or outside [A-Za-z0-9_.:-],
// `seq` that is not an integer, `events` missing or not an array, an element
// that is not an object, an event without a numeric `timestamp` or `type`,
// nesting deeper than 1100 levels ("JSON nested deeper than 1100 levels").
// ResourceExhausted beyond
// limits.max_events. Thread-safe (no shared state).
Result<ParsedBatch> ParseIngestBody(std::string_view body, const IngestLimits& limits = {});

// The fields of an /api/ingest body that decide whether its events are read
// at all: whose visit it is and, for a beacon, the API key.
struct BatchHead {
  std::string session_id;  // valid (ValidateSessionId)
  std::string api_key;     // "" when the body has none
};

// Reads `body` only up to its sessionId, and its apiKey too when
// `need_api_key` (a beacon, which cannot send the header), with a streaming
// parser that stops there: the batch of a visit left out by sampling is
// refused without parsing its events. InvalidArgument when the body is not
// a JSON object, sessionId is missing or invalid, or the JSON is broken
// before the fields are found. Thread-safe.
Result<BatchHead> PeekIngestBody(std::string_view body, bool need_api_key);

// InvalidArgument unless `id` is a valid SDK session id: 1..128 characters
// from [A-Za-z0-9_.:-].
Status ValidateSessionId(std::string_view id);

// An /api/sessions/start body: {sessionId, userId?, userEmail?, metadata?{url,
// referrer, userAgent, screen{width,height}, viewport{width,height},
// timestamp}}. Absent fields stay empty / 0.
struct StartRequest {
  std::string session_id;
  std::string user_id, user_email;  // a numeric userId is kept as its digits
  std::string url, referrer, user_agent;
  int screen_width = 0, screen_height = 0;
  int viewport_width = 0, viewport_height = 0;
  TimeMs timestamp = 0;  // metadata.timestamp (client clock); 0 when absent
};

// An /api/sessions/end body: {sessionId, timestamp?, reason?,
// finalEventCount?, apiKey?}. `api_key` is there because sendBeacon cannot
// set headers; the HTTP layer authenticates with it when X-API-Key is absent.
struct EndRequest {
  std::string session_id;
  TimeMs timestamp = 0;
  std::string reason;  // "" when absent; the service then records "end"
  std::optional<std::int64_t> final_event_count;
  std::string api_key;
};

// An /api/sessions/heartbeat body: {sessionId, timestamp?}.
struct HeartbeatRequest {
  std::string session_id;
  TimeMs timestamp = 0;
};

// Parse the three small bodies. InvalidArgument when the body is not a JSON
// object, the session id is invalid, or a known field has the wrong type
// (null counts as absent). Unknown fields are ignored. Thread-safe.
Result<StartRequest> ParseStartBody(std::string_view body);
Result<EndRequest> ParseEndBody(std::string_view body);
Result<HeartbeatRequest> ParseHeartbeatBody(std::string_view body);

// Inflates a gzip-encoded body (concatenated members allowed). Stops and
// returns ResourceExhausted as soon as the output would exceed `max_bytes`
// (so a gzip bomb costs at most max_bytes of memory and the time to produce
// them); InvalidArgument for a corrupt or truncated stream. The bundled
// routes do not need it (the server inflates while reading, capped); it
// is for embedders who receive SDK bodies through their own HTTP stack or a
// message queue, where Content-Encoding: gzip reaches them undone.
Result<std::string> InflateGzip(std::string_view body, std::size_t max_bytes);

// Outcome of IngestService::Ingest.
struct IngestResult {
  std::int64_t events_received = 0;  // events in the batch
  // False when the batch was not stored: its seq was already stored (a safe
  // SDK retry) or it was empty.
  bool stored = false;
  std::string session_id;  // the row id (Session::id) of the part that took the batch
  SessionStatus session_status = SessionStatus::kRecording;
  // The batch opened the next part of a finalized visit and holds no full
  // snapshot: that part's replay starts at its first one, so the SDK should
  // take one at once.
  bool take_full_snapshot = false;
  // False when the visit is left out by the project's sample_rate: nothing
  // was stored and nothing of it ever will be.
  bool sampled = true;
};

// Outcome of IngestService::End (the /end response fields).
struct EndResult {
  bool session_finalized = false;  // the session is ended (now or before)
  bool video_job_queued = false;   // it was kept and a render job exists
  bool sampled = true;             // false: a visit left out by sampling
};

// The session lifecycle (recording -> ended -> completed or discarded, with
// continuations of a visit) over a Store and a JobQueue, which
// must outlive the service. Thread-safe: its only mutable state is two caches
// behind mutexes (projects, and the row ids of recent sessions by client id,
// which lets a batch go straight to EventRepository::Append, itself the check
// that the session still exists and records) and every store call is
// thread-safe. "now" comes from `clock` (NowMs by default) so tests can move
// time.
//
// Rules: the first request for a session id creates its row (start, batch or
// heartbeat); repeated starts never move started_at forward; a batch with a
// seq is stored once; a batch without one gets the next seq, and events it
// repeats from the session's recent batches (compared by content, in the
// database, so several servers agree) are stored once. End only marks
// the session ended (idempotent): the SDK sends an end beacon on every page
// hide, so a start or heartbeat that follows (the next page of the same
// visit) reopens it, and batches keep being accepted. FinalizeEnded, run by
// the worker's sweep, finalizes sessions whose end is older than
// options.end_grace_period: discarded (chunks deleted) when last_event_at -
// started_at is below project.settings.min_duration_ms (unless it continues a
// visit whose part before was kept), else completed with a "render" job
// queued. A finalized session never refuses a visitor: a start
// or events for it (that it did not store already) open a continuation, the
// visit's next part (SessionRepository::Continue), and go there; requests
// for a visit always go to its latest part.
//
// With `quotas` (which must outlive the service; the Engine passes its own),
// a session the project does not have yet and every batch of events are
// charged to the project's quotas first: over a quota, Start, Ingest and
// Heartbeat answer ResourceExhausted with a retry hint and store nothing.
class IngestService {
 public:
  // Reads options.ingest, and options.worker.max_attempts for the render
  // jobs it queues.
  IngestService(Store& store, JobQueue& queue, const Options& options,
                std::function<TimeMs()> clock = NowMs, Quotas* quotas = nullptr);
  ~IngestService();

  // The project `project_id`, read through a cache because every ingest
  // request needs it: a change to a project (domains, minimum duration) is
  // seen within options.auth.key_cache_ttl, the same delay as a revoked API
  // key (no cache when zero). NotFound for an
  // unknown project; store errors are not cached.
  Result<Project> GetProject(const std::string& project_id);
  // Whether the visit `client_session_id` (the SDK's session id) is recorded. The
  // first request of a visit decides from the project's sample_rate and the
  // id (internal::InSample: the same answer on every server); the decision
  // then holds for the whole visit, its later pages and parts, even if the
  // rate changes: a visit left out is remembered by a marker
  // (SessionRepository::MarkUnsampled), a visit recorded by its session
  // row. Answered from memory for visits this server has seen recently, at
  // most one indexed read otherwise. Errors are the store's.
  Result<bool> Sampled(const Project& project, const std::string& client_session_id);

  // Creates the session or updates its metadata (started_at only moves back;
  // it is the request's metadata.timestamp, or now when absent), reopening a
  // session ended but not finalized and recording now as its last sign of
  // life; opens the visit's next part when it was finalized. Returns the
  // stored row of the part that is recording, or nullopt (and stores no
  // session) when the visit is left out by sampling (Sampled).
  Result<std::optional<Session>> Start(const Project& project, const StartRequest& request);

  // Stores one parsed batch as an EventChunk (payload = the events array
  // verbatim, codec "none"; the store compresses it) and adds its counters
  // to the visit's latest part, opening the next part when it was finalized
  // (unless the batch is one it stored already). A batch of a visit left out
  // by sampling is answered stored=false, sampled=false.
  Result<IngestResult> Ingest(const Project& project, const ParsedBatch& batch);

  // Marks the session ended (reason "end" when the request has none);
  // video_job_queued says whether it is long enough to be rendered once
  // finalized. NotFound for a session id never seen; sampled=false for a
  // visit left out by sampling. Idempotent.
  Result<EndResult> End(const Project& project, const EndRequest& request);

  // Confirms the session is alive: creates it when unknown, reopens it when
  // ended but not yet finalized, and records now as its last sign of life
  // (SessionRepository::Touch), so an open tab that sends heartbeats but no
  // events is not ended by SweepInactive. Returns the visit's latest part,
  // as it is when finalized (a heartbeat has no events to continue with);
  // nullopt (nothing stored) for a visit left out by sampling.
  Result<std::optional<Session>> Heartbeat(const Project& project, const HeartbeatRequest& request);

  // Ends (reason "inactivity") and finalizes recording sessions whose newest
  // event and last sign of life (a start, batch or heartbeat received) are
  // both older than now - options.inactivity_timeout, at most 200 per
  // call (the periodic sweep gets the rest), each against its own project's
  // minimum duration. Returns how many sessions were ended.
  Result<int> SweepInactive(TimeMs now);

  // Finalizes sessions marked ended more than the grace period before `now`
  // and still recording, at most 200 per call. Returns how many.
  Result<int> FinalizeEnded(TimeMs now);

 private:
  // A part of a visit as the ingest path needs it.
  struct Part {
    std::string id;           // its row id
    std::string previous_id;  // the part before it ("" for the first)
    bool sampled = true;      // false: a visit left out by sampling (no ids)
  };

  Result<Session> FindOrCreate(const Project& project, const std::string& client_session_id,
                               TimeMs started_at, const std::string& url);
  // Charges the session quota when `client_session_id` is new to the project (not
  // seen by this server recently, not stored).
  Status ChargeIfNew(const Project& project, const std::string& client_session_id);
  // The visit's latest part from any of its parts (following next_id).
  Result<Session> LatestPart(Session session);
  // The identities of the newest batches without seq of `part`, then of the
  // visit's earlier parts (as many again, newest first).
  Result<std::vector<ChunkContent>> RecentContent(const Part& part);
  // True when the finalized part (or one before it) stored `batch`.
  Result<bool> AlreadyStored(const Session& finalized, const ParsedBatch& batch);
  Status CheckOpen(const Session& session) const;
  // Reopens a session ended but not finalized; returns the row as it now is
  // (read again only when it changed).
  Result<Session> ReopenIfEnded(const Session& session);
  Result<EndResult> Finalize(const Session& session, std::int64_t min_duration_ms);
  // True for a later part of a visit whose part before was kept: the
  // minimum duration is a rule for visits, so a short return is kept too.
  bool ContinuesKeptVisit(const Session& session);
  Result<std::int64_t> MinDurationOf(const std::string& project_id);
  // Appends `batch` to the session with row id `session_id`. A batch
  // without seq is first compared with the session's recent chunks: the
  // events at its start that are already stored (sent again by an SDK that
  // never saw the answer) are left out, and a batch of nothing else is not
  // stored (stored=false).
  Result<AppendResult> Append(const Part& part, const ParsedBatch& batch, TimeMs now);
  // Stores `batch` as one chunk, with `content_hash` (empty for a batch with
  // a seq).
  Result<AppendResult> AppendChunk(const std::string& session_id, const ParsedBatch& batch,
                                   const std::string& content_hash, TimeMs now);

  struct ProjectCache;
  struct SessionIds;

  Store& store_;
  JobQueue& queue_;
  IngestOptions options_;
  int max_attempts_;       // of the render jobs queued by Finalize
  TimeMs project_ttl_ms_;  // how long a project stays cached: the API key cache's TTL
  std::function<TimeMs()> clock_;
  Quotas* quotas_;  // not owned; null: no quotas
  std::unique_ptr<ProjectCache> projects_;
  std::unique_ptr<SessionIds> session_ids_;
};

}  // namespace incuera
