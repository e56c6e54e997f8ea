// Options: everything an Engine can be configured with, as a plain aggregate.
//
// `Options{}` runs on the embedded defaults: SQLite in ./var/incuera.db,
// objects in ./var/objects, the database-backed job queue. Apps fill Options
// from flags, environment variables and an optional .env file through
// LoadOptionsFromEnvironment(); embedders usually set fields directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/status.h"

namespace incuera {

class Env;

// HTTP server settings (used by incuera::http and apps/server).
struct ServerOptions {
  std::string host = "127.0.0.1";  // Default: loopback only. Env HOST.
  int port = 8000;                 // Default: 8000. Env PORT.
  // Threads that run request handlers (the code that blocks on the
  // database or object storage); connections themselves are served by one
  // I/O thread per core. 0: the database pool size plus the cores.
  // Default: 0. Env SERVER_THREADS.
  int threads = 0;
  // Requests waiting for a handler thread; beyond this the server answers
  // 503 with Retry-After instead of queueing. Default: 1024. Env
  // SERVER_QUEUE_LIMIT.
  int queue_limit = 1024;
  // Open connections per server and per client address; a connection over
  // either cap is answered 503 and closed. Default: 20000 and 1000. Env
  // SERVER_MAX_CONNECTIONS, SERVER_MAX_CONNECTIONS_PER_CLIENT.
  int max_connections = 20'000;
  int max_connections_per_client = 1'000;
  // Largest request line plus headers; larger is answered 431. Default:
  // 16 KiB. Env SERVER_MAX_HEADER_BYTES.
  std::size_t max_header_bytes = 16u << 10;
  // Largest body (after inflation) of a request to any route but ingest's:
  // logins and admin bodies are small. Default: 64 KiB. Env
  // MAX_ADMIN_BODY_BYTES.
  std::size_t max_admin_body_bytes = 64u << 10;
  // From a request's first byte, the whole header must arrive within this
  // (slowloris), else 408. Default: 10 s. Env SERVER_HEADER_TIMEOUT_SECONDS.
  std::chrono::seconds header_timeout{10};
  // A keep-alive connection with no request for this long is closed.
  // Default: 60 s (the SDK sends every 10 s). Env SERVER_IDLE_TIMEOUT_SECONDS.
  std::chrono::seconds idle_timeout{60};
  // The body must arrive, and the response be written, within this; a body
  // still arriving is answered 408. Default: 30 s. Env
  // SERVER_REQUEST_TIMEOUT_SECONDS.
  std::chrono::seconds request_timeout{30};
  // On Stop (SIGTERM): how long requests in flight may take to finish.
  // Default: 20 s. Env SERVER_SHUTDOWN_TIMEOUT_SECONDS.
  std::chrono::seconds shutdown_timeout{20};
  // Origins allowed to call the admin API from a browser (CSRF/CORS check),
  // besides the server's own origin. Default: none. Env ALLOWED_ORIGINS
  // (comma separated).
  std::vector<std::string> allowed_origins;
  // Token bucket per API key for ingest routes: sustained requests/second and
  // burst. Default: 200/s, burst 400. Env RATE_LIMIT_RPS, RATE_LIMIT_BURST.
  double rate_limit_rps = 200;
  double rate_limit_burst = 400;
  // Whether a reverse proxy in front of the server (nginx, Caddy, a load
  // balancer) sets X-Forwarded-For: the client address for login limits is
  // then the last address in it. Turn on only behind such a proxy, or any
  // client picks its own address. Default: off. Env TRUST_PROXY.
  bool trust_proxy = false;
  // Bearer token Prometheus must send for GET /metrics (its counts span
  // every tenant). Empty: /metrics answers 404. Default: empty. Env
  // METRICS_TOKEN. Never logged.
  std::string metrics_token;
  // Run the job worker inside the server process. Default: true.
  bool in_process_worker = true;
};

// API keys, passwords and login tokens (auth.h). The defaults are the
// production values; tests lower pbkdf2_iterations to keep password tests
// fast.
struct AuthOptions {
  // PBKDF2-HMAC-SHA256 iterations for new password hashes; stored hashes
  // with fewer iterations are reported as needing a rehash. Default: 600000
  // (OWASP 2023 guidance for PBKDF2-SHA256). Env PASSWORD_HASH_ITERATIONS.
  int pbkdf2_iterations = 600'000;
  // How long a verified API key is served from memory before the database is
  // asked again; a revocation made elsewhere takes effect within this time.
  // Ingest caches projects as long, so a project edit is seen as soon.
  // Default: 5 s. Zero disables both caches. Env API_KEY_CACHE_MS.
  std::chrono::milliseconds key_cache_ttl{5'000};
  // Most API keys kept in the verification cache. Default: 10000.
  std::size_t key_cache_size = 10'000;
  // last_used_at is written at most once per this interval per key.
  // Default: 60 s.
  std::chrono::milliseconds touch_interval{60'000};
};

// Dashboard logins (admin.h).
struct AdminOptions {
  // Lifetime of a dashboard login. Default: 7 days. Env
  // LOGIN_TOKEN_TTL_SECONDS.
  std::chrono::seconds token_ttl{7 * 24 * 3600};
  // Failed logins allowed per account and per client IP within `login_window`
  // before further attempts are refused. Defaults: 5 per account, 20 per IP,
  // 15 minutes (OWASP's usual lockout shape; a success clears the account).
  // Env LOGIN_MAX_FAILURES_PER_ACCOUNT, LOGIN_MAX_FAILURES_PER_IP,
  // LOGIN_WINDOW_SECONDS.
  int max_failures_per_account = 5;
  int max_failures_per_ip = 20;
  std::chrono::seconds login_window{15 * 60};
};

// Limits and timings of the ingest path.
struct IngestOptions {
  // Largest request body after gzip decompression. Default: 25 MiB.
  std::size_t max_body_bytes = 25u << 20;
  // Largest request body as sent on the wire. Default: 10 MiB.
  std::size_t max_wire_bytes = 10u << 20;
  // Largest body (on the wire and inflated) of an ingest request without an
  // X-API-Key header: a beacon (navigator.sendBeacon, at most 64 KiB in
  // browsers) carries its key in the body, so it is read before the key can
  // be checked. Default: 64 KiB. Env MAX_BEACON_BYTES.
  std::size_t max_beacon_bytes = 64u << 10;
  // A session with no event for this long is ended by the sweep.
  // Default: 30 min. Env INACTIVITY_TIMEOUT_SECONDS.
  std::chrono::seconds inactivity_timeout{30 * 60};
  // Batches arriving this long after /end are still accepted, and the render
  // waits it out. Default: 30 s. Env END_GRACE_SECONDS.
  std::chrono::seconds end_grace_period{30};
};

// The server's default per-project quotas (quota.h): what a public ingest
// key may cost before it is answered 429 with Retry-After. A project's
// settings.quotas replace them; 0 turns a quota off. The defaults sit far
// above a real site's traffic on one server and far below what a script
// flooding one key produces in an hour.
struct QuotaOptions {
  // New sessions (visits) per project per clock hour (UTC). Default: 5000.
  // Env QUOTA_SESSIONS_PER_HOUR.
  std::int64_t sessions_per_hour = 5'000;
  // Events stored per project per UTC day. Default: 20 000 000. Env
  // QUOTA_EVENTS_PER_DAY.
  std::int64_t events_per_day = 20'000'000;
  // Minutes of recording rendered to video per project per UTC day; beyond
  // it a session ends `failed` ("render quota exceeded") and is still
  // analysed. Default: 3000. Env QUOTA_RENDER_MINUTES_PER_DAY.
  std::int64_t render_minutes_per_day = 3'000;
};

// The job worker (in-process in the server, or apps/worker).
struct WorkerOptions {
  int concurrency = 1;                          // Default: 1 job at a time. Env WORKER_CONCURRENCY.
  // Longest a job may run. A render also stops by itself at max(120 s, 4x
  // the video's length); this caps it. Default: 15 min per job.
  std::chrono::seconds job_timeout{15 * 60};
  // How long a leased job stays invisible to other workers; a running job
  // renews it every third of it, so a crashed worker's job is taken by
  // another one this long after the crash. Default: 5 min. Env
  // JOB_LEASE_SECONDS.
  std::chrono::seconds lease{5 * 60};
  int max_attempts = 3;                         // Default: 3, then dead-lettered.
  std::chrono::milliseconds retry_backoff{5'000};  // Default: 5 s, doubled each attempt.
  // Between sweeps (expired leases, inactive and ended sessions). Default:
  // 30 s. Env SWEEP_INTERVAL_SECONDS.
  std::chrono::seconds sweep_interval{30};
  std::chrono::milliseconds poll_interval{500};  // Default: 0.5 s idle poll.
};

// The render pipeline (render.h).
struct RenderOptions {
  // Off: render jobs render nothing; the session is marked failed with the
  // reason that rendering is turned off, and is analysed all the same.
  // Default: on. Env RENDER_ENABLED.
  bool enabled = true;
  // Chromium headless shell binary. Default: Debian's. Env CHROMIUM_PATH.
  std::string chromium_path = "/usr/lib/chromium/chromium-headless-shell";
  int width = 1280;   // Default: 1280.
  int height = 720;   // Default: 720.
  int fps = 25;       // Default: 25. Env RENDER_FPS.
  int crf = 23;       // Default: 23 (x264 constant rate factor). Env RENDER_CRF.
  // Plays each idle gap (longer than AnalysisOptions::idle_threshold) in
  // one second of video. Default: on. Env RENDER_SKIP_IDLE.
  bool skip_idle = true;
  int max_keyframes = 8;  // Default: 8 keyframes per session.
  // Lets the replayed page load from loopback addresses (127.0.0.0/8, ::1,
  // localhost) as well as public ones, for a site developed on the same
  // machine. Private, link-local and other ranges stay refused. Default:
  // off. Env RENDER_ALLOW_LOOPBACK (make demo turns it on).
  bool allow_loopback = false;
};

// Deterministic analytics thresholds (analysis.h).
struct AnalysisOptions {
  int rage_click_count = 3;                              // Default: 3 clicks
  std::chrono::milliseconds rage_click_window{1'000};    // within 1 s
  double rage_click_radius_px = 30;                      // within 30 px.
  std::chrono::milliseconds dead_click_window{2'500};    // Default: 2.5 s.
  // What counts as idle in a recording, everywhere: a gap without user
  // input longer than this is left out of a session's active time and, with
  // RenderOptions::skip_idle, compressed in its video. Default: 5 s.
  std::chrono::milliseconds idle_threshold{5'000};
  std::size_t max_stack_chars = 2'000;                   // Default: 2000.
};

// The OpenAI-compatible LLM used for session summaries. Disabled while
// api_key is empty.
struct LlmOptions {
  std::string api_key;  // Env LLM_API_KEY (alias MOLMO_API_KEY). Never logged.
  std::string base_url = "https://openrouter.ai/api/v1";  // Env LLM_BASE_URL.
  std::string model = "allenai/molmo-2-8b:free";          // Env LLM_MODEL (alias MOLMO_API_MODEL).
  std::chrono::seconds timeout{120};                      // Env LLM_TIMEOUT_SECONDS.
  int max_tokens = 1'500;                                 // Env LLM_MAX_TOKENS.
  int max_retries = 4;                                    // Default: 4.
};

// Every setting of an Engine, with its default; Options{} runs on the
// embedded defaults. A plain aggregate: copy it, change fields, open an Engine.
struct Options {
  // Metadata and events. "sqlite://<path>" or "postgresql://…".
  // Default: sqlite://var/incuera.db. Env DATABASE_URL.
  std::string database_url = "sqlite://var/incuera.db";
  // Connections in the pool. Default: 8. Env DATABASE_POOL_SIZE.
  int database_pool_size = 8;
  // Apply pending migrations when the Engine opens. Default: true.
  bool auto_migrate = true;
  // Job queue: "db" (jobs table) or "redis://host:port[/db]".
  // Default: db. Env REDIS_URL (when set, the queue is Redis) or QUEUE_URL.
  std::string queue_url = "db";
  // Objects (videos, images). "file://<dir>" or "s3://bucket?endpoint=…".
  // Default: file://var/objects. Env STORAGE_URL.
  std::string storage_url = "file://var/objects";
  // Keys API-key hashes (HMAC-SHA256). Empty: generated once and kept in
  // secret_key_file. Env SECRET_KEY.
  std::string secret_key;
  std::string secret_key_file = "var/secret_key";  // Default: var/secret_key.
  // The clock, log and environment variables the Engine uses (env.h). Not
  // owned; must outlive the Engine. Default: nullptr, the process's
  // (Env::Default()).
  Env* env = nullptr;

  ServerOptions server;
  AuthOptions auth;
  AdminOptions admin;
  IngestOptions ingest;
  QuotaOptions quotas;
  WorkerOptions worker;
  RenderOptions render;
  AnalysisOptions analysis;
  LlmOptions llm;
};

// Reads `env_file` (KEY=VALUE lines, '#' comments, optional quotes; missing
// file is fine) and then the process environment (which wins), and applies
// every variable named in the comments above onto `options`. Returns
// InvalidArgument naming the variable when a value does not parse.
Status LoadOptionsFromEnvironment(Options& options, const std::string& env_file = ".env");

// Same, from an explicit map (used by tests and by the function above).
Status ApplyEnvironment(Options& options, const std::map<std::string, std::string>& env);

// A command-line flag of a program: "--name VALUE" or "--name=VALUE", or a
// switch ("--name") when it takes no value. `variable` names the
// environment variable (see the fields above) whose value the flag
// overrides; empty for a flag the program acts on itself.
struct FlagSpec {
  std::string name;
  std::string variable;
  bool takes_value = true;
};

// The flags every program accepts: --database-url, --queue-url,
// --storage-url, and --env-file (the file LoadOptions reads; default .env).
std::vector<FlagSpec> BackendFlags();

// The flags found on a command line, in order, and the other arguments.
struct CommandLine {
  struct Given {
    FlagSpec spec;
    std::string value;  // empty for a switch
  };
  std::vector<Given> flags;
  std::vector<std::string> rest;  // with keep_others: what is not a flag of the table

  bool Has(std::string_view name) const;
  // The last value given for `name`, else `fallback`.
  std::string Value(std::string_view name, std::string fallback = "") const;
};

// Parses `args` (without the program name) against `table`. Arguments not
// in the table are kept in `rest` with `keep_others` (a command and its own
// flags), else refused. Errors: InvalidArgument "unknown flag '--x'", "--port
// needs a value" (missing or empty), "--no-worker takes no value".
Result<CommandLine> ParseCommandLine(const std::vector<FlagSpec>& table,
                                     const std::vector<std::string>& args,
                                     bool keep_others = false);

// Fills `options` as the programs do: the env file (--env-file, default
// .env), the process environment over it, then every flag of `line` that
// names a variable over both, checked as that variable is (so `--port abc`
// is refused like PORT=abc). InvalidArgument naming the variable or flag.
Status LoadOptions(Options& options, const CommandLine& line);

// Returns `url` with any password (user:password@ or secret_key=… /
// access_key=… parameters) replaced by "***", for printing and logs.
std::string RedactUrl(const std::string& url);

}  // namespace incuera
