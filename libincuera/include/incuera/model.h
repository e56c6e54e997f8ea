// Value types shared by every part of libincuera: the rows of the data model
// (one struct per table) and small helpers around them. Plain structs, no logic
// beyond name conversions; safe to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incuera/status.h"

namespace incuera {

// Milliseconds since the Unix epoch (the unit rrweb timestamps use).
using TimeMs = std::int64_t;

// Returns the current wall-clock time in milliseconds.
TimeMs NowMs();

// Returns a random version-4 UUID in canonical text form.
std::string NewUuid();

// True when `s` is a UUID in canonical text form (8-4-4-4-12 hex digits),
// the form of every id. Repositories answer NotFound for ids that are not,
// so both dialects agree; a project slug may not have this form, so that a
// reference is a slug or an id, never both.
bool IsUuid(std::string_view s);

// A dashboard account (the users table).
struct User {
  std::string id;
  std::string email;          // unique, stored lower-case
  std::string password_hash;  // auth.h encoded format; never leaves the library
  bool is_admin = false;
  TimeMs created_at = 0;
};

// One step of a project's page funnel: a visit reaches the step when it loads
// a page whose URL matches `url_pattern` ('*' matches any run of characters;
// a pattern without '*' matches as a substring).
struct FunnelStep {
  std::string name;
  std::string url_pattern;
};

// What the renderer may load over the network for a project's recordings
// (images, stylesheets, fonts, media the recorded page referenced). Never
// loopback, private, link-local or other non-public addresses, whatever the
// setting (render.h).
enum class RenderFetch {
  kPublic,   // http(s) from any public address
  kDomains,  // only from the project's domains and their subdomains
  kNone,     // nothing: the replay shows what the recording itself holds
};
std::string_view RenderFetchName(RenderFetch fetch);  // "public" | "domains" | "none"
Result<RenderFetch> ParseRenderFetch(std::string_view name);

// A project's own quota limits (quota.h); an unset one is the server's
// default (QuotaOptions), 0 is no limit.
struct ProjectQuotas {
  std::optional<std::int64_t> sessions_per_hour;
  std::optional<std::int64_t> events_per_day;
  std::optional<std::int64_t> render_minutes_per_day;
};

// What a project decides for its sessions: what is kept, for how long, and
// how it is rendered and analysed.
struct ProjectSettings {
  std::int64_t min_duration_ms = 30'000;  // shorter sessions are discarded
  double sample_rate = 1.0;               // fraction of visits the SDK records
  int retention_days = 30;
  std::vector<FunnelStep> funnel_steps;
  RenderFetch render_fetch = RenderFetch::kPublic;
  ProjectQuotas quotas;
};

// A site being recorded, owned by one user (the projects table).
struct Project {
  std::string id;
  std::string owner_id;  // users.id
  std::string name;
  std::string slug;  // unique per owner; [a-z0-9-], 1..64 chars
  // Origins/hosts allowed to send ingest requests ("https://shop.example",
  // "shop.example"). Empty: any origin.
  std::vector<std::string> domains;
  ProjectSettings settings;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

enum class KeyScope { kIngest, kRead };
std::string_view KeyScopeName(KeyScope scope);  // "ingest" | "read"
Result<KeyScope> ParseKeyScope(std::string_view name);

// A project's API key (the api_keys table); only its keyed hash is stored.
struct ApiKey {
  std::string id;
  std::string project_id;
  std::string name;
  std::string prefix;  // first characters of the secret, for display
  std::string hash;    // auth.h keyed hash of the secret; unique
  KeyScope scope = KeyScope::kIngest;
  TimeMs created_at = 0;
  std::optional<TimeMs> last_used_at;
  std::optional<TimeMs> expires_at;
  std::optional<TimeMs> revoked_at;
};

// Where a session is in its life, in the order it usually goes.
enum class SessionStatus {
  kRecording,  // receiving events
  kCompleted,  // ended, long enough, waiting for its render
  kDiscarded,  // ended shorter than the project minimum; chunks deleted
  kRendering,  // a worker is rendering it
  kReady,      // video, thumbnail and keyframes stored
  kFailed,     // render failed; failure_reason says why
};
std::string_view SessionStatusName(SessionStatus status);  // "recording", ...
Result<SessionStatus> ParseSessionStatus(std::string_view name);

// One recorded visit, or one part of it (the sessions table).
struct Session {
  std::string id;  // server id (uuid)
  std::string project_id;
  std::string client_session_id;  // the SDK's sessionId ("<id>#<part>" after part 1); unique per project
  std::string user_id;    // end user, from identify()
  std::string user_email;
  std::string url;  // first page
  std::string referrer;
  std::string user_agent;
  int screen_width = 0, screen_height = 0;
  int viewport_width = 0, viewport_height = 0;
  TimeMs started_at = 0;     // first event (or start request) time
  TimeMs last_event_at = 0;  // newest event timestamp seen
  std::optional<TimeMs> ended_at;
  std::string end_reason;  // "beacon", "inactivity", "stop", ...
  std::int64_t duration_ms = 0;
  std::int64_t event_count = 0;
  std::int64_t byte_count = 0;  // raw event JSON bytes received
  std::int64_t chunk_count = 0;
  std::int64_t error_count = 0;  // console errors + uncaught errors seen at ingest
  std::int64_t page_count = 0;   // page loads (Meta events) seen at ingest
  SessionStatus status = SessionStatus::kRecording;
  std::string failure_reason;
  std::string video_key, thumbnail_key, keyframes_key;  // ObjectStore keys
  std::int64_t video_duration_ms = 0;
  std::int64_t video_size = 0;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  // A visitor who comes back after the session was finalized continues in a
  // new session, the next part of the visit: parts count from 1 and link to
  // each other by row id ("" when there is no such part).
  int part = 1;
  std::string previous_id, next_id;
  // Storage the session takes: its event chunks as stored (compressed), and
  // its files in the object store as the last job that wrote them left them.
  std::int64_t event_bytes = 0;
  std::int64_t object_bytes = 0;
};

// What a project's sessions take in storage (SessionRepository::Usage).
struct StorageUsage {
  std::int64_t sessions = 0;
  std::int64_t event_bytes = 0;      // event chunks as stored (compressed)
  std::int64_t raw_event_bytes = 0;  // the events as received (uncompressed JSON)
  std::int64_t object_bytes = 0;     // videos, images and other files
};

// One ingest batch as stored: the `events` JSON array exactly as received,
// compressed. Reading chunks in `seq` order and joining their arrays gives the
// session's events byte-identical to what was sent.
struct EventChunk {
  std::string session_id;
  std::int64_t seq = 0;
  TimeMs first_ts = 0;
  TimeMs last_ts = 0;
  std::int64_t event_count = 0;
  std::int64_t raw_bytes = 0;  // size of the uncompressed array
  std::string codec = "zstd";  // "zstd" or "none" (see EventRepository)
  std::string payload;         // the array, compressed when codec is "zstd"
  TimeMs created_at = 0;
  // Hex SHA-256 of the events of a batch sent without seq (see
  // IngestService); empty for batches with a seq and for compacted chunks.
  std::string content_hash;
};

enum class AnalysisStatus { kPending, kRunning, kCompleted, kFailed };
std::string_view AnalysisStatusName(AnalysisStatus status);
Result<AnalysisStatus> ParseAnalysisStatus(std::string_view name);

// A session's analysis. The *_json fields hold JSON documents whose shapes
// are fixed by analysis.h and the OpenAPI document.
struct Analysis {
  std::string session_id;
  AnalysisStatus status = AnalysisStatus::kPending;
  std::string error;         // short reason when failed
  std::string summary_json;  // LLM part (or why it is absent)
  std::string action_counts_json;
  std::string heatmap_json;
  std::string funnel_json;
  std::string errors_json;
  std::string metrics_json;  // everything else: rage/dead clicks, timeline, …
  std::string heatmap_key;   // ObjectStore key of the PNG overlay
  std::string model;         // LLM model used, if any
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// A dashboard login token (the auth_tokens table); only its keyed hash is
// stored.
struct AuthToken {
  std::string token_hash;  // keyed hash of the opaque token
  std::string user_id;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
  std::optional<TimeMs> revoked_at;
};

// Cursor pagination. `cursor` is opaque; an empty one starts at the top.
struct PageRequest {
  std::string cursor;
  int limit = 50;  // clamped to [1, 500]
};

// One page of a listing, with the cursor of the next.
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;  // empty on the last page
};

// Filters for listing sessions; unset members do not filter.
struct SessionFilter {
  std::string project_id;  // required
  std::optional<SessionStatus> status;
  std::string user;  // substring of user id or email
  std::string url;   // substring of the first URL
  std::optional<std::int64_t> min_duration_ms;
  std::optional<bool> has_errors;
  std::optional<TimeMs> started_after;   // inclusive
  std::optional<TimeMs> started_before;  // exclusive
  std::optional<TimeMs> created_before;  // exclusive: stored on this server before
  // What happened (SessionFacts, filled when the session is analysed;
  // substrings match case-insensitively for ASCII letters).
  std::string visited_url;      // substring of any page URL of the session
  std::string clicked_text;     // substring of a clicked element's text
  std::string console;          // substring of a console message (any level)
  bool failed_request = false;  // true: at least one failed request
  bool rage_click = false;      // true: at least one rage click
};

// A note on a session at a moment, by one of the project's users.
struct Note {
  std::string id;
  std::string session_id;
  std::string author_id;     // users.id
  std::string author_email;  // read from the author's row; not stored
  std::int64_t at_ms = 0;    // milliseconds since the session's first event
  std::string text;
  TimeMs created_at = 0;
};

// A named session list filter of a project: the query parameters of
// GET /api/sessions (name -> value), as the dashboard sends them.
struct SavedFilter {
  std::string id;
  std::string project_id;
  std::string name;
  std::vector<std::pair<std::string, std::string>> filters;  // sorted by name
  TimeMs created_at = 0;
};

// What happened in a session, as the session search needs it (written when
// the session is analysed). Values are stored lower-cased and capped.
struct SessionFacts {
  std::string session_id;
  std::string project_id;
  std::vector<std::string> urls;              // page URLs, loads and in-app navigations
  std::vector<std::string> clicked_texts;     // text of clicked elements
  std::vector<std::string> console_messages;  // console lines, any level
  bool failed_request = false;
  bool rage_click = false;
};

}  // namespace incuera
