// Admin: what a signed-in dashboard user or a read API key may see and do —
// the library half of the admin HTTP API (http.h maps it to routes).
//
// Every call takes the caller's Principal and is scoped to what it may see:
// a user sees the projects they own, a read key sees the sessions of its
// own project and may not change anything. Anything outside that scope is
// NotFound, never PermissionDenied, so ids of other owners cannot be probed.
//
//   incuera::Admin admin(*engine);
//   auto login = admin.Login({"ana@example.com", "…", "203.0.113.7"});
//   auto caller = admin.Authenticate(login->token);
//   auto page = admin.ListSessions(*caller, "my-shop", filter, {});
//
// An Admin is thread-safe; the Engine must outlive it. It keeps only the
// login rate-limit counters in memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incuera/auth.h"
#include "incuera/engine.h"
#include "incuera/lifecycle.h"
#include "incuera/model.h"
#include "incuera/quota.h"
#include "incuera/status.h"
#include "incuera/store.h"

namespace incuera {

// Who is calling: a dashboard user (logged in with a token), a read-scope
// API key acting for its project, or the system — a trusted local caller
// (the `incuera` CLI, the Python bindings, a C++ embedder) that reaches
// every project and user. The HTTP server never makes a system Principal.
struct Principal {
  std::optional<User> user;   // set for a login
  std::optional<ApiKey> key;  // set for a read key
  bool system = false;
  static Principal System() {
    Principal p;
    p.system = true;
    return p;
  }
  bool read_only() const { return !user.has_value() && !system; }
};

// The query parameters of GET /api/sessions that filter the list, which
// are also the only keys a saved filter may hold.
inline constexpr std::string_view kSessionFilterKeys[] = {
    "status", "user",        "url",          "min_duration", "has_errors",     "from",
    "to",     "visited_url", "clicked_text", "console",      "failed_request", "rage_click"};

// Reads filter parameters (kSessionFilterKeys; an empty value is no filter)
// into a SessionFilter, project_id left empty. InvalidArgument naming the
// parameter for a value that is not what it must be (status name, integer,
// true/false, text without control characters up to 300 bytes), or for a
// name that is not a filter key.
Result<SessionFilter> ParseSessionFilter(
    const std::vector<std::pair<std::string, std::string>>& params);

// Longest note text, in characters (UTF-8 code points).
inline constexpr std::size_t kMaxNoteChars = 2000;

// Returns a project slug made from `name`: lower-case ASCII letters and
// digits, every other run of characters turned into one '-', trimmed of
// dashes and cut to 64 characters. InvalidArgument when nothing is left or
// the result is not a valid slug (a name shaped like an id).
Result<std::string> SlugFromName(std::string_view name);

// True when `slug` is 1..64 characters of [a-z0-9-] and not shaped like an
// id (IsUuid), so that a project reference is either a slug or an id.
bool IsValidSlug(std::string_view slug);

// A dashboard sign-in attempt.
struct LoginRequest {
  std::string email;
  std::string password;
  std::string client_ip;  // for the per-IP limit; may be empty
};

// A successful login: the opaque token (shown once; only its hash is stored).
struct LoginToken {
  std::string token;
  TimeMs expires_at = 0;
  User user;
};

// What a project create or update may set; unset members stay as they are
// (on create: slug from the name, no domains, default settings).
struct ProjectChanges {
  std::optional<std::string> name;
  std::optional<std::string> slug;
  std::optional<std::vector<std::string>> domains;
  std::optional<ProjectSettings> settings;
};

// A project with the number of its sessions, every status counted (as
// ListSessions lists them).
struct ProjectSummary : Project {
  std::int64_t session_count = 0;
};

// One of a rendered session's keyframes (from keyframes.json).
struct Keyframe {
  int index = 0;
  std::int64_t session_time_ms = 0;
  std::int64_t video_time_ms = 0;
  std::string reason;  // "click", "navigation", "error", "input", ...
};

// Where things are in a rendered session's video: its keyframes, and the
// breakpoints (video_ms, session_ms) of the piecewise-linear map from video
// time to session time (idle gaps are shortened in the video).
struct VideoIndex {
  std::vector<Keyframe> keyframes;
  std::vector<std::pair<std::int64_t, std::int64_t>> time_map;
};

// What Admin::Migrate did.
struct MigrateResult {
  int applied = 0;  // migrations applied now
  int version = 0;  // schema version after them
  std::string backend;
};

// Totals of Admin::CompactSessions.
struct CompactTotals : CompactResult {
  std::int64_t sessions = 0;  // ended sessions compacted
};

// The admin service every shell calls (see the top of this file). Each
// call takes the caller (Principal) and applies its scope. Thread-safe.
class Admin {
 public:
  // Logins follow engine.options().admin. The engine must outlive the Admin.
  explicit Admin(Engine& engine);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // Checks email and password and returns a new login token. Unknown email
  // and wrong password give the same Unauthenticated answer (and take the
  // same time); an email with control characters is InvalidArgument.
  // ResourceExhausted once the account or the IP has failed too often within
  // the window; then `*retry_after` (when given) is set to the seconds until
  // the next attempt is allowed.
  Result<LoginToken> Login(const LoginRequest& request, int* retry_after = nullptr);

  // Users (the system caller only; PermissionDenied for anyone else).
  // CreateUser trims and lower-cases the email; InvalidArgument for an email
  // that is not one or a password shorter than 8 characters, AlreadyExists
  // for a taken email. `email_or_id` finds a user by either; NotFound.
  Result<User> CreateUser(const Principal& who, std::string_view email, std::string_view password,
                          bool is_admin = false);
  Result<std::vector<User>> ListUsers(const Principal& who);
  Result<User> FindUser(const Principal& who, std::string_view email_or_id);
  // Sets a user's password and signs out every login of the user
  // (Auth::ChangePassword); returns the user.
  Result<User> SetPassword(const Principal& who, std::string_view email_or_id,
                           std::string_view password);
  // The Principal of a user, for the system to act as that user (create a
  // project as its owner, resolve a slug among the user's projects).
  Result<Principal> AsUser(const Principal& who, std::string_view email_or_id);
  // Applies pending database migrations (the system only).
  Result<MigrateResult> Migrate(const Principal& who);
  // Removes every session older than its project's retention_days, with its
  // events, analysis and stored files, in batches (the system only; the
  // worker does it in the background: lifecycle.h).
  Result<RetentionResult> ApplyRetention(const Principal& who, TimeMs now);
  // Removes the stored files of sessions that are gone, over the whole
  // object store, in bounded runs (SweepOrphanObjects in lifecycle.h; files
  // newer than `grace` are kept). The system only.
  Result<OrphanSweepResult> SweepOrphanObjects(const Principal& who, TimeMs now,
                                               std::chrono::milliseconds grace);

  // Revokes a login token; unknown tokens are ignored.
  Status Logout(std::string_view token);

  // A signed-in user changes their own password. `current_password` must be
  // right: a wrong one is PermissionDenied and counts as a failed login of
  // the account and of `client_ip` (the same limits as Login: while blocked,
  // ResourceExhausted with `*retry_after` set). `new_password` follows
  // CreateUser's rule (InvalidArgument, not counted). Every login of the
  // user is signed out (Auth::ChangePassword) and a new one is returned for
  // the caller. PermissionDenied for a read key or the system caller.
  Result<LoginToken> ChangeOwnPassword(const Principal& who, std::string_view current_password,
                                       std::string_view new_password, const std::string& client_ip,
                                       int* retry_after = nullptr);

  // Resolves a bearer credential: a login token, or an API key ("inc_…")
  // with read scope. Unauthenticated for anything unknown, expired or
  // revoked; PermissionDenied for an ingest key.
  Result<Principal> Authenticate(std::string_view credential);

  // Projects, each with its session count. `ref` is a project's id (ids
  // keep working after a rename) or its slug, looked up only among the
  // caller's own projects (the system: a slug no two owners share). A read
  // key sees only its own project; the system sees every project.
  Result<std::vector<ProjectSummary>> ListProjects(const Principal& who);
  Result<ProjectSummary> GetProject(const Principal& who, std::string_view ref);
  // The project's quotas (quota.h): the limits in force and what the
  // current hour and day have used.
  Result<ProjectQuotaUsage> GetQuotaUsage(const Principal& who, std::string_view ref);
  // What the project's sessions take in storage (events as stored and
  // files), summed from the session rows. Who may see the project may see it.
  Result<StorageUsage> ProjectUsage(const Principal& who, std::string_view ref);
  // InvalidArgument for a bad name, slug, domain or setting; AlreadyExists
  // when the owner already has the slug. PermissionDenied for a read key;
  // the system creates a project as its owner (AsUser).
  Result<ProjectSummary> CreateProject(const Principal& who, const ProjectChanges& changes);
  Result<ProjectSummary> UpdateProject(const Principal& who, std::string_view ref,
                                       const ProjectChanges& changes);
  // Deletes the project with its keys, sessions, events, analyses and
  // stored objects.
  Status DeleteProject(const Principal& who, std::string_view ref);

  // API keys of a project (users and the system). The system may revoke a
  // key with an empty `project_ref`.
  Result<std::vector<ApiKey>> ListApiKeys(const Principal& who, std::string_view project_ref);
  Result<NewApiKey> CreateApiKey(const Principal& who, std::string_view project_ref,
                                 const std::string& name, KeyScope scope,
                                 std::optional<TimeMs> expires_at = std::nullopt);
  Status RevokeApiKey(const Principal& who, std::string_view project_ref,
                      const std::string& key_id);

  // Sessions. `project_ref` may be empty for a read key (its project).
  // filter.project_id is filled in here.
  Result<Page<Session>> ListSessions(const Principal& who, std::string_view project_ref,
                                     SessionFilter filter, const PageRequest& page);
  Result<Session> GetSession(const Principal& who, const std::string& session_id);
  // The session's analysis; NotFound when it was never analysed.
  Result<Analysis> GetAnalysis(const Principal& who, const std::string& session_id);
  // The video index of a rendered session (empty when not rendered).
  Result<VideoIndex> GetVideoIndex(const Principal& who, const std::string& session_id);
  // Queues a new render (idempotent while one is queued or running).
  // FailedPrecondition while the session is still recording or was discarded.
  Status Rerender(const Principal& who, const std::string& session_id);
  // Queues a new analysis. FailedPrecondition before the session has ended.
  Status Reanalyze(const Principal& who, const std::string& session_id);
  // Deletes the session's rows (events, analysis) and its stored objects.
  Status DeleteSession(const Principal& who, const std::string& session_id);
  // Erasure by visitor: removes every session of the project whose end-user
  // id or email (from the SDK's identify) equals `visitor` (emails compared
  // case-insensitively), with its events, analysis and stored files, and
  // logs one audit line (who, which project, how many; not the visitor).
  // Returns how many sessions were removed. InvalidArgument for an empty
  // visitor; PermissionDenied for a read key.
  Result<std::int64_t> EraseVisitor(const Principal& who, std::string_view project_ref,
                                    std::string_view visitor);
  // Every stored event of the session as one JSON array.
  Result<std::string> SessionEvents(const Principal& who, const std::string& session_id);
  // How the session's events are split into pages, each an event range
  // (store.h EventPage), for players that start before the whole session is
  // downloaded.
  Result<std::vector<EventPage>> SessionEventPages(const Principal& who,
                                                   const std::string& session_id);
  // Notes on a session, by at_ms. Whoever may see the session may read them.
  Result<std::vector<Note>> ListNotes(const Principal& who, const std::string& session_id);
  // Adds a note by the calling user at `at_ms` (>= 0) with `text` (1 to
  // kMaxNoteChars characters after trimming; line breaks and tabs are the
  // only control characters allowed): InvalidArgument naming the field
  // otherwise. PermissionDenied for a read key; the system writes as a user
  // (AsUser).
  Result<Note> AddNote(const Principal& who, const std::string& session_id, std::int64_t at_ms,
                       std::string_view text);
  // Deletes a note of the session: only its author or the project's owner
  // (and the system) may; NotFound for anyone else.
  Status DeleteNote(const Principal& who, const std::string& session_id,
                    const std::string& note_id);

  // A project's saved session filters, by name (read keys may list them).
  Result<std::vector<SavedFilter>> ListSavedFilters(const Principal& who,
                                                    std::string_view project_ref);
  // Saves `filters` (checked by ParseSessionFilter) under `name` (trimmed,
  // 1..200 characters). InvalidArgument for a bad name or filter,
  // AlreadyExists for a name the project already has, PermissionDenied for
  // a read key.
  Result<SavedFilter> CreateSavedFilter(
      const Principal& who, std::string_view project_ref, std::string_view name,
      const std::vector<std::pair<std::string, std::string>>& filters);
  Status DeleteSavedFilter(const Principal& who, std::string_view project_ref,
                           const std::string& filter_id);

  // Compacts the stored events of every ended session of the project (the
  // render compacts new ones). PermissionDenied for a read key.
  Result<CompactTotals> CompactSessions(const Principal& who, std::string_view project_ref);

  // The object store key of one of a session's files, after the scope
  // check: what is "video", "thumbnail", "heatmap" or "keyframe-<n>".
  // NotFound when the session has no such file yet.
  Result<std::string> SessionObjectKey(const Principal& who, const std::string& session_id,
                                       std::string_view what);

 private:
  // The one ownership rule for every project, key and session route: the
  // project `ref` names, when `who` may reach it; NotFound otherwise.
  Result<Project> OwnedProject(const Principal& who, std::string_view ref);
  Result<Session> VisibleSession(const Principal& who, const std::string& session_id);
  static Status RequireUser(const Principal& who);
  // The login limits around one password check of `email` (lower-case):
  // Reserve counts the attempt as a failure before the hash runs
  // (ResourceExhausted while blocked), Release takes it back (not
  // evaluated), Succeeded clears the account.
  Status ReserveAttempt(const std::string& email, const std::string& client_ip, int* retry_after);
  void ReleaseAttempt(const std::string& email, const std::string& client_ip);
  void AttemptSucceeded(const std::string& email, const std::string& client_ip);
  // A new login token for `user`.
  Result<LoginToken> NewLogin(const User& user);

  struct Limits;
  Engine& engine_;
  Store& store_;  // the engine's
  std::unique_ptr<Limits> limits_;
};

}  // namespace incuera
