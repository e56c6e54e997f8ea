// Storage repositories: the rows of the data model (users, projects, API
// keys, sessions, event chunks, analyses, login tokens) behind one interface per
// table, with two implementations (SQLite and PostgreSQL over SOCI) chosen by
// URL in OpenStore().
//
// Conventions for every repository:
// - A missing row is NotFound; breaking a uniqueness rule is AlreadyExists;
//   a lost database connection is Unavailable (retryable), and so is a full
//   disk: "database: no space left on device", with a retry hint of 30 s
//   (the transaction is rolled back; nothing stored before is touched).
// - Create* fills id (uuid) and created_at/updated_at when they are empty/0
//   and returns the stored row.
// - All methods are thread-safe; each call takes a pooled connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "incuera/env.h"
#include "incuera/model.h"
#include "incuera/queue.h"
#include "incuera/status.h"

namespace incuera {

// The users table. Thread-safe, as every repository.
class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual Result<User> Create(const User& user) = 0;
  virtual Result<User> Get(const std::string& id) = 0;
  virtual Result<User> GetByEmail(const std::string& email) = 0;  // case-insensitive
  virtual Result<std::vector<User>> List() = 0;                   // by email
  virtual Status UpdatePassword(const std::string& id, const std::string& password_hash) = 0;
  virtual Result<std::int64_t> Count() = 0;
};

// The projects table (with their domains and settings).
class ProjectRepository {
 public:
  virtual ~ProjectRepository() = default;
  virtual Result<Project> Create(const Project& project) = 0;
  virtual Result<Project> Get(const std::string& id) = 0;
  virtual Result<Project> GetBySlug(const std::string& owner_id, const std::string& slug) = 0;
  // Projects of one owner (all projects when owner_id is empty), by name.
  virtual Result<std::vector<Project>> List(const std::string& owner_id) = 0;
  // Writes name, slug, domains and settings of an existing project.
  virtual Result<Project> Update(const Project& project) = 0;
  // Deletes the project and, by cascade, its keys, sessions, chunks, analyses.
  virtual Status Delete(const std::string& id) = 0;
};

// The api_keys table.
class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;
  virtual Result<ApiKey> Create(const ApiKey& key) = 0;
  virtual Result<ApiKey> Get(const std::string& id) = 0;
  // Looks a key up by its keyed hash (revoked and expired keys included;
  // the caller decides).
  virtual Result<ApiKey> GetByHash(const std::string& hash) = 0;
  virtual Result<std::vector<ApiKey>> ListByProject(const std::string& project_id) = 0;
  virtual Status Revoke(const std::string& id, TimeMs at) = 0;
  virtual Status TouchLastUsed(const std::string& id, TimeMs at) = 0;
};

// What a /start request (or the first batch of an unknown session) knows.
struct SessionStart {
  std::string project_id;
  std::string client_session_id;
  std::string user_id, user_email;
  std::string url, referrer, user_agent;
  int screen_width = 0, screen_height = 0;
  int viewport_width = 0, viewport_height = 0;
  TimeMs started_at = 0;
  // The server's time when the session reached it (the row's created_at);
  // 0 means now. Client clocks and imported recordings make started_at
  // anything, so what judges age on the server (retention) is this.
  TimeMs received_at = 0;
};

// What one stored batch adds to its session's counters.
struct BatchStats {
  std::int64_t event_count = 0;
  std::int64_t raw_bytes = 0;
  TimeMs first_ts = 0;
  TimeMs last_ts = 0;
  std::int64_t error_count = 0;
  std::int64_t page_count = 0;
  std::string first_url;  // URL of the first Meta event, if any
};

// The sessions table and the moves of a session between statuses.
class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  // Creates the session (status recording) or, when (project, client id)
  // exists, fills empty metadata and identity fields and moves started_at
  // only backwards. Returns the stored row.
  virtual Result<Session> Upsert(const SessionStart& start) = 0;
  // Opens the next part of the visit whose latest part, `previous`, was
  // finalized: a session with client id "<SDK id>#<part>", the metadata of
  // `start` (its project and client id are not used; identity fields it
  // leaves empty are `previous`'s) and previous_id/next_id linking the two.
  // Idempotent: servers opening the same part at once get the same row.
  virtual Result<Session> Continue(const Session& previous, const SessionStart& start) = 0;
  virtual Result<Session> Get(const std::string& id) = 0;
  virtual Result<Session> GetByClientSessionId(const std::string& project_id,
                                        const std::string& client_session_id) = 0;
  // Newest first (started_at desc, id desc); the cursor stays stable when
  // sessions are inserted between pages.
  virtual Result<Page<Session>> List(const SessionFilter& filter, const PageRequest& page) = 0;
  // Sessions still recording whose last_event_at (or started_at) and last
  // sign of life (Touch, or a stored batch's created_at) are both older than
  // `before`, oldest first, at most `limit`.
  virtual Result<std::vector<Session>> ListInactive(TimeMs before, int limit) = 0;
  // Records that the session was heard from at `seen_at` (server time; only
  // moves forward), which postpones ListInactive without touching the
  // session's timestamps or duration. NotFound for an unknown id.
  virtual Status Touch(const std::string& id, TimeMs seen_at) = 0;
  // Ended sessions in `status` whose ended_at is older than `before`.
  virtual Result<std::vector<Session>> ListEndedBefore(SessionStatus status, TimeMs before,
                                                       int limit) = 0;
  // Marks the session ended (idempotent: the first ended_at wins) and sets
  // duration_ms = last_event_at - started_at.
  virtual Result<Session> MarkEnded(const std::string& id, TimeMs ended_at,
                                    const std::string& reason) = 0;
  // Clears ended_at and end_reason of a session that is still recording: a
  // new page of the same visit arrived after an end beacon. FailedPrecondition
  // when the session was already finalized.
  virtual Status Reopen(const std::string& id) = 0;
  // Compare-and-set on status: FailedPrecondition when the current status is
  // not `from`.
  virtual Status Transition(const std::string& id, SessionStatus from, SessionStatus to,
                            const std::string& failure_reason = "") = 0;
  // Writes the video fields after a successful render.
  virtual Status SetVideo(const std::string& id, const std::string& video_key,
                          const std::string& thumbnail_key, const std::string& keyframes_key,
                          std::int64_t video_duration_ms, std::int64_t video_size) = 0;
  virtual Status Delete(const std::string& id) = 0;
  // Records that the visit `client_session_id` (the SDK's id) of the project was
  // left out by sampling at `decided_at`. Idempotent: the first decision's
  // time is kept.
  virtual Status MarkUnsampled(const std::string& project_id, const std::string& client_session_id,
                               TimeMs decided_at) = 0;
  // True when MarkUnsampled recorded the visit.
  virtual Result<bool> IsUnsampled(const std::string& project_id, const std::string& client_session_id) = 0;
  // Forgets the project's sampling decisions taken before `before`; returns
  // how many.
  virtual Result<std::int64_t> DeleteUnsampledBefore(const std::string& project_id,
                                                     TimeMs before) = 0;
  // Records the bytes the session's files take in the object store (the jobs
  // that write them call it when done). NotFound for an unknown session.
  virtual Status SetObjectBytes(const std::string& id, std::int64_t bytes) = 0;
  // What the project's sessions (every status) take in storage.
  virtual Result<StorageUsage> Usage(const std::string& project_id) = 0;
  // Session counts by status name, for metrics.
  virtual Result<std::map<std::string, std::int64_t>> CountByStatus() = 0;
  // Session counts (every status, as List shows them) by project id, for the
  // projects of `owner_id` that have any.
  virtual Result<std::map<std::string, std::int64_t>> CountByProject(
      const std::string& owner_id) = 0;
};

// Result of appending a batch.
struct AppendResult {
  bool stored = true;    // false: this (session, seq) was already stored
  std::int64_t seq = 0;  // the sequence number the chunk is stored under
};

// What EventRepository::Compact did.
struct CompactResult {
  std::int64_t chunks_before = 0, chunks_after = 0;
  std::int64_t stored_bytes_before = 0, stored_bytes_after = 0;  // compressed payloads
};

// The identity of a stored chunk of a batch sent without seq.
struct ChunkContent {
  std::int64_t event_count = 0;
  std::string content_hash;  // EventChunk::content_hash
};

// A stored chunk as listed, without its payload.
struct ChunkInfo {
  std::int64_t seq = 0;
  TimeMs first_ts = 0, last_ts = 0;  // 0 when its events carry no timestamps
  std::int64_t event_count = 0;
  std::int64_t raw_bytes = 0;  // size of its uncompressed events array
};

// How many identities of the newest batches without seq a compacted chunk
// keeps of those it merged: RecentContent with a limit up to this answers
// the same before and after Compact.
inline constexpr std::size_t kChunkIdentitiesKept = 16;

// The event chunks of sessions: the rrweb batches as stored, compressed.
class EventRepository {
 public:
  virtual ~EventRepository() = default;
  // Stores `chunk` and adds `stats` to the session's counters in one
  // transaction. chunk.seq < 0 means "next free sequence number" (SDKs that
  // send none). A (session, seq) already stored, or a (session,
  // content_hash) when the hash is not empty, is not stored again:
  // stored=false, counters untouched. NotFound when the session does not
  // exist, FailedPrecondition when it is no longer recording (checked under
  // the session's row lock, so no chunk is added once it is finalized).
  //
  // Payload rule: callers pass the raw events JSON array with codec "none";
  // the repository compresses it (zstd level 3) and stores codec "zstd". A
  // payload that is already a zstd frame may be passed with codec "zstd"
  // (InvalidArgument when it is not one, or for any other codec).
  virtual Result<AppendResult> Append(const EventChunk& chunk, const BatchStats& stats) = 0;
  // Calls `visit` for each chunk of the session in seq order with the
  // payload decompressed (codec "none": the array exactly as received), so
  // callers never see zstd; stops early and returns the Status when visit
  // fails. Unavailable (retryable) when chunks vanish while they are being
  // read (the session was compacted or deleted meanwhile), so no reader ever
  // takes part of a session for all of it.
  // True when the session stored the batch with sequence number `seq` (also
  // after Compact merged it with others).
  virtual Result<bool> HasSeq(const std::string& session_id, std::int64_t seq) = 0;
  // The identities of the newest `limit` chunks of the session that carry a
  // content hash, newest first; a compacted chunk counts as the chunks it
  // merged (see kChunkIdentitiesKept). Empty for an unknown session.
  virtual Result<std::vector<ChunkContent>> RecentContent(const std::string& session_id,
                                                          int limit) = 0;
  virtual Status ForEach(const std::string& session_id,
                         const std::function<Status(const EventChunk&)>& visit) = 0;
  // The session's chunks in seq order, from their rows alone (no payload
  // is read). Empty for an unknown session.
  virtual Result<std::vector<ChunkInfo>> ListChunks(const std::string& session_id) = 0;
  // ForEach over the events with index [first_event, first_event + count)
  // of the session's array (fewer past its end): the chunks holding them,
  // cut to them (event_count and raw_bytes are the cut chunk's; first_ts and
  // last_ts stay the whole chunk's). The same events before and after a
  // compaction, also one running while they are read. InvalidArgument for a
  // negative first_event or count.
  virtual Status ForEachInRange(const std::string& session_id, std::int64_t first_event,
                                std::int64_t count,
                                const std::function<Status(const EventChunk&)>& visit) = 0;
  // Rewrites the chunks of a session that no longer accepts events (not
  // recording: FailedPrecondition otherwise) into as few chunks as possible,
  // each up to 4 MiB of event JSON compressed as one zstd frame at level 9.
  // One frame per batch cannot share anything between batches — every page
  // load's snapshot of the same site, the same keys in every small batch —
  // so a finished visit shrinks 2-3x more (a 7-page shop visit: 18.7 % of
  // raw -> 5.8 %). The events read back are the same, in the same order;
  // each merged chunk is swapped in by one transaction. Idempotent: a
  // compacted session is left as it is.
  virtual Result<CompactResult> Compact(const std::string& session_id) = 0;
  virtual Status DeleteForSession(const std::string& session_id) = 0;
};

// The analyses table: one analysis per session.
class AnalysisRepository {
 public:
  virtual ~AnalysisRepository() = default;
  // Inserts or replaces the session's analysis.
  virtual Status Put(const Analysis& analysis) = 0;
  virtual Result<Analysis> Get(const std::string& session_id) = 0;
};

// The auth_tokens table (dashboard logins).
class AuthTokenRepository {
 public:
  virtual ~AuthTokenRepository() = default;
  virtual Status Create(const AuthToken& token) = 0;
  virtual Result<AuthToken> Get(const std::string& token_hash) = 0;
  virtual Status Revoke(const std::string& token_hash, TimeMs at) = 0;
  // Revokes every token of `user_id` not revoked yet (a password change).
  virtual Status RevokeForUser(const std::string& user_id, TimeMs at) = 0;
  virtual Status DeleteExpired(TimeMs now) = 0;
};

// What QuotaRepository::Charge did.
struct QuotaCharge {
  bool charged = false;   // false: the counter had reached the limit; nothing added
  std::int64_t used = 0;  // the counter after the call
};

// The counters behind per-project quotas (quota.h): one row per project,
// counter name and window (its start time), so servers sharing the
// database share the counts.
class QuotaRepository {
 public:
  virtual ~QuotaRepository() = default;
  // Atomically adds `amount` to the counter unless it has already reached
  // `limit` (the call that crosses the limit is still charged whole, so a
  // batch is never split). NotFound when the project does not exist.
  virtual Result<QuotaCharge> Charge(const std::string& project_id, const std::string& counter,
                                     TimeMs window_start, std::int64_t amount,
                                     std::int64_t limit) = 0;
  // The counter's value (0 when nothing was charged in that window).
  virtual Result<std::int64_t> Used(const std::string& project_id, const std::string& counter,
                                    TimeMs window_start) = 0;
  // Deletes every counter of a window that started before `before`;
  // returns how many.
  virtual Result<std::int64_t> DeleteBefore(TimeMs before) = 0;
};

// Named totals kept in the database, so every process adds to the same ones:
// what the workers' sweeps removed reaches the server's /metrics wherever
// they run. Names are the caller's (lifecycle.h lists those it keeps).
class CounterRepository {
 public:
  virtual ~CounterRepository() = default;
  // Adds `delta` to the counter `name` (created at 0), atomically.
  virtual Status Add(const std::string& name, std::int64_t delta) = 0;
  // Every counter by name.
  virtual Result<std::map<std::string, std::int64_t>> All() = 0;
};

// Notes on sessions. Deleted with their session (and their author).
class NoteRepository {
 public:
  virtual ~NoteRepository() = default;
  // Stores the note (id and created_at filled when empty) and returns it
  // with its author's email. NotFound when the session or author is unknown.
  virtual Result<Note> Create(const Note& note) = 0;
  virtual Result<Note> Get(const std::string& id) = 0;
  // The session's notes by at_ms, then created_at (empty for an unknown
  // session).
  virtual Result<std::vector<Note>> ListBySession(const std::string& session_id) = 0;
  virtual Status Delete(const std::string& id) = 0;
};

// A project's saved session list filters, deleted with the project.
class SavedFilterRepository {
 public:
  virtual ~SavedFilterRepository() = default;
  // AlreadyExists when the project already has a filter of that name.
  virtual Result<SavedFilter> Create(const SavedFilter& filter) = 0;
  virtual Result<SavedFilter> Get(const std::string& id) = 0;
  // By name.
  virtual Result<std::vector<SavedFilter>> ListByProject(const std::string& project_id) = 0;
  virtual Status Delete(const std::string& id) = 0;
};

// What happened in each session, for SessionFilter's visited_url,
// clicked_text, console, failed_request and rage_click. Deleted with the
// session.
class SessionFactsRepository {
 public:
  virtual ~SessionFactsRepository() = default;
  // Replaces the session's facts in one transaction. Values are trimmed,
  // lower-cased (ASCII), cut to kMaxFactChars bytes and deduplicated; at
  // most kMaxFactsPerKind of each kind are kept (the first ones).
  // NotFound for an unknown session.
  virtual Status Put(const SessionFacts& facts) = 0;
  // The stored facts (normalized as above, each kind sorted); empty lists
  // when the session was never analysed.
  virtual Result<SessionFacts> Get(const std::string& session_id) = 0;

  static constexpr std::size_t kMaxFactChars = 300;
  static constexpr std::size_t kMaxFactsPerKind = 200;
};

// One database: all repositories plus schema management. Owned by the Engine.
class Store {
 public:
  virtual ~Store() = default;
  virtual UserRepository& users() = 0;
  virtual ProjectRepository& projects() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual EventRepository& events() = 0;
  virtual AnalysisRepository& analyses() = 0;
  virtual AuthTokenRepository& auth_tokens() = 0;
  virtual QuotaRepository& quotas() = 0;
  virtual CounterRepository& counters() = 0;
  virtual NoteRepository& notes() = 0;
  virtual SavedFilterRepository& saved_filters() = 0;
  virtual SessionFactsRepository& session_facts() = 0;

  // Applies pending embedded migrations in order, each in a transaction.
  // Returns the number applied (0 when up to date).
  virtual Result<int> Migrate() = 0;
  // Highest applied migration version (0 for an empty database).
  virtual Result<int> SchemaVersion() = 0;
  // A cheap round trip; Unavailable when the database cannot be reached, or
  // "database: no space left on device" while its recent writes failed for
  // lack of space (until a write succeeds, at most 30 s after the last
  // failure).
  virtual Status Ping() = 0;
  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;
  // A job queue on this database's jobs table (the "db" queue of
  // OpenJobQueue), sharing the store's connections and clock. The store must
  // outlive it. Unimplemented for a store without a jobs table.
  virtual Result<std::unique_ptr<JobQueue>> OpenQueue() = 0;
};

// Returns the session's events as one JSON array: the stored batches in seq
// order, joined, each event byte-identical to what the SDK sent. NotFound
// for an unknown session.
Result<std::string> ReadSessionEventsJson(Store& store, const std::string& session_id);

// The same array, passed to `sink` piece by piece (a bracket, a separator or
// one stored batch's events at a time), so a large session is never whole in
// memory. Stops at the first failing sink call and returns its Status.
Status StreamSessionEventsJson(Store& store, const std::string& session_id,
                               const std::function<Status(std::string_view)>& sink);

// One page of a session's events: a range of event indexes, so a page holds
// the same events whenever it is read, also once the worker compacted the
// session's chunks (the index of an event changes only while the session
// records, when a batch arrives after a later-numbered one). Pages hold
// whole stored chunks up to kEventPageBytes of event JSON, the first one up
// to kFirstEventPageBytes (a player draws its first frame from it); a chunk
// larger than that is cut by event count, its bytes estimated evenly over
// its events.
struct EventPage {
  int index = 0;
  std::int64_t first_event = 0;  // index of its first event in the session's array
  std::int64_t event_count = 0;
  // Bounds of its events' timestamps: its chunks' own, so a page holding part
  // of a chunk has the whole chunk's.
  TimeMs first_ts = 0, last_ts = 0;
  std::int64_t raw_bytes = 0;  // event JSON bytes as received (estimated for part of a chunk)
};
inline constexpr std::int64_t kEventPageBytes = std::int64_t{1} << 20;
inline constexpr std::int64_t kFirstEventPageBytes = std::int64_t{256} << 10;

// The session's event pages, from the chunk rows alone. NotFound for an
// unknown session; no pages for a session without events.
Result<std::vector<EventPage>> ListSessionEventPages(Store& store, const std::string& session_id);

// The session's events [first_event, first_event + count) as one JSON array
// (fewer past the end, `[]` from past it), passed to `sink` piece by piece
// like StreamSessionEventsJson: the ranges of the pages in order, joined, are
// the whole array. NotFound for an unknown session; InvalidArgument for a
// negative first_event or count.
Status StreamSessionEventsRange(Store& store, const std::string& session_id,
                                std::int64_t first_event, std::int64_t count,
                                const std::function<Status(std::string_view)>& sink);

// Opens "sqlite://<path>" (":memory:" allowed; parent dirs are created) or
// "postgresql://user:pass@host:port/db" with `pool_size` connections. The
// times the store fills in itself (created_at, updated_at, a job's run_at)
// come from `env`'s clock; `env` must outlive the store.
// InvalidArgument for an unknown scheme; Unimplemented when the backend was
// compiled out; Unavailable when the database cannot be reached.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, int pool_size,
                                         Env& env = Env::Default());

}  // namespace incuera
