#include "incuera/options.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>

#include "core/text.h"

extern char** environ;

namespace incuera {
namespace {

using internal::Trim;

Status ParseInt(std::string_view v, long long& out) {
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size()) return InvalidArgument("not an integer");
  return OkStatus();
}

Status ParseDouble(std::string_view v, double& out) {
  try {
    size_t used = 0;
    out = std::stod(std::string(v), &used);
    if (used != v.size()) return InvalidArgument("not a number");
  } catch (...) {
    return InvalidArgument("not a number");
  }
  return OkStatus();
}

Status ParseBool(std::string_view v, bool& out) {
  std::string s = internal::ToLower(v);
  if (s == "1" || s == "true" || s == "yes" || s == "on") out = true;
  else if (s == "0" || s == "false" || s == "no" || s == "off") out = false;
  else return InvalidArgument("not a boolean");
  return OkStatus();
}

using Setter = std::function<Status(Options&, std::string_view)>;

Setter Str(std::string Options::*field) {
  return [field](Options& o, std::string_view v) {
    o.*field = std::string(v);
    return OkStatus();
  };
}

template <typename Fn>
Setter Int(Fn assign, long long min, long long max) {
  return [assign, min, max](Options& o, std::string_view v) {
    long long n = 0;
    INCUERA_RETURN_IF_ERROR(ParseInt(v, n));
    if (n < min || n > max) {
      return InvalidArgument("out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    assign(o, n);
    return OkStatus();
  };
}

template <typename Fn>
Setter Num(Fn assign) {
  return [assign](Options& o, std::string_view v) {
    double d = 0;
    INCUERA_RETURN_IF_ERROR(ParseDouble(v, d));
    if (d < 0) return InvalidArgument("must not be negative");
    assign(o, d);
    return OkStatus();
  };
}

template <typename Fn>
Setter Bool(Fn assign) {
  return [assign](Options& o, std::string_view v) {
    bool b = false;
    INCUERA_RETURN_IF_ERROR(ParseBool(v, b));
    assign(o, b);
    return OkStatus();
  };
}

// Every environment variable Options understands, in the order applied (an
// alias comes before its main name so the main name wins).
const std::vector<std::pair<std::string, Setter>>& Variables() {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  static const std::vector<std::pair<std::string, Setter>> kVars = {
      {"DATABASE_URL", Str(&Options::database_url)},
      {"DATABASE_POOL_SIZE", Int([](Options& o, long long n) { o.database_pool_size = int(n); }, 1, 256)},
      {"QUEUE_URL", Str(&Options::queue_url)},
      {"REDIS_URL", Str(&Options::queue_url)},
      {"STORAGE_URL", Str(&Options::storage_url)},
      {"SECRET_KEY", Str(&Options::secret_key)},
      {"HOST", [](Options& o, std::string_view v) { o.server.host = std::string(v); return OkStatus(); }},
      {"PORT", Int([](Options& o, long long n) { o.server.port = int(n); }, 0, 65535)},
      {"SERVER_THREADS", Int([](Options& o, long long n) { o.server.threads = int(n); }, 0, 1024)},
      {"SERVER_QUEUE_LIMIT", Int([](Options& o, long long n) { o.server.queue_limit = int(n); }, 0, 1 << 20)},
      {"SERVER_MAX_CONNECTIONS", Int([](Options& o, long long n) { o.server.max_connections = int(n); }, 1, 1 << 24)},
      {"SERVER_MAX_CONNECTIONS_PER_CLIENT", Int([](Options& o, long long n) { o.server.max_connections_per_client = int(n); }, 1, 1 << 24)},
      {"SERVER_MAX_HEADER_BYTES", Int([](Options& o, long long n) { o.server.max_header_bytes = size_t(n); }, 1024, 1 << 20)},
      {"MAX_ADMIN_BODY_BYTES", Int([](Options& o, long long n) { o.server.max_admin_body_bytes = size_t(n); }, 1024, 1ll << 30)},
      {"SERVER_HEADER_TIMEOUT_SECONDS", Int([](Options& o, long long n) { o.server.header_timeout = seconds(n); }, 1, 3600)},
      {"SERVER_IDLE_TIMEOUT_SECONDS", Int([](Options& o, long long n) { o.server.idle_timeout = seconds(n); }, 1, 86400)},
      {"SERVER_REQUEST_TIMEOUT_SECONDS", Int([](Options& o, long long n) { o.server.request_timeout = seconds(n); }, 1, 86400)},
      {"SERVER_SHUTDOWN_TIMEOUT_SECONDS", Int([](Options& o, long long n) { o.server.shutdown_timeout = seconds(n); }, 0, 3600)},
      {"ALLOWED_ORIGINS", [](Options& o, std::string_view v) {
         o.server.allowed_origins = internal::Split(v, ',');
         return OkStatus();
       }},
      {"RATE_LIMIT_RPS", Num([](Options& o, double d) { o.server.rate_limit_rps = d; })},
      {"RATE_LIMIT_BURST", Num([](Options& o, double d) { o.server.rate_limit_burst = d; })},
      {"PASSWORD_HASH_ITERATIONS", Int([](Options& o, long long n) { o.auth.pbkdf2_iterations = int(n); }, 1'000, 100'000'000)},
      {"API_KEY_CACHE_MS", Int([](Options& o, long long n) { o.auth.key_cache_ttl = milliseconds(n); }, 0, 3'600'000)},
      {"LOGIN_TOKEN_TTL_SECONDS", Int([](Options& o, long long n) { o.admin.token_ttl = seconds(n); }, 60, 366ll * 86400)},
      {"LOGIN_MAX_FAILURES_PER_ACCOUNT", Int([](Options& o, long long n) { o.admin.max_failures_per_account = int(n); }, 1, 1'000'000)},
      {"LOGIN_MAX_FAILURES_PER_IP", Int([](Options& o, long long n) { o.admin.max_failures_per_ip = int(n); }, 1, 1'000'000)},
      {"LOGIN_WINDOW_SECONDS", Int([](Options& o, long long n) { o.admin.login_window = seconds(n); }, 1, 86400)},
      {"MAX_BODY_BYTES", Int([](Options& o, long long n) { o.ingest.max_body_bytes = size_t(n); }, 1024, 1ll << 32)},
      {"MAX_WIRE_BYTES", Int([](Options& o, long long n) { o.ingest.max_wire_bytes = size_t(n); }, 1024, 1ll << 32)},
      {"MAX_BEACON_BYTES", Int([](Options& o, long long n) { o.ingest.max_beacon_bytes = size_t(n); }, 1024, 1ll << 32)},
      {"INACTIVITY_TIMEOUT_SECONDS", Int([](Options& o, long long n) { o.ingest.inactivity_timeout = seconds(n); }, 1, 1ll << 31)},
      {"END_GRACE_SECONDS", Int([](Options& o, long long n) { o.ingest.end_grace_period = seconds(n); }, 0, 86400)},
      {"QUOTA_SESSIONS_PER_HOUR", Int([](Options& o, long long n) { o.quotas.sessions_per_hour = n; }, 0, 1ll << 40)},
      {"QUOTA_EVENTS_PER_DAY", Int([](Options& o, long long n) { o.quotas.events_per_day = n; }, 0, 1ll << 50)},
      {"QUOTA_RENDER_MINUTES_PER_DAY", Int([](Options& o, long long n) { o.quotas.render_minutes_per_day = n; }, 0, 1ll << 30)},
      {"WORKER_CONCURRENCY", Int([](Options& o, long long n) { o.worker.concurrency = int(n); }, 1, 64)},
      {"SWEEP_INTERVAL_SECONDS", Int([](Options& o, long long n) { o.worker.sweep_interval = seconds(n); }, 1, 86400)},
      {"JOB_TIMEOUT_SECONDS", Int([](Options& o, long long n) { o.worker.job_timeout = seconds(n); }, 1, 86400)},
      {"JOB_LEASE_SECONDS", Int([](Options& o, long long n) { o.worker.lease = seconds(n); }, 3, 86400)},
      {"CHROMIUM_PATH", [](Options& o, std::string_view v) { o.render.chromium_path = std::string(v); return OkStatus(); }},
      {"RENDER_ENABLED", Bool([](Options& o, bool b) { o.render.enabled = b; })},
      {"RENDER_FPS", Int([](Options& o, long long n) { o.render.fps = int(n); }, 1, 60)},
      {"RENDER_CRF", Int([](Options& o, long long n) { o.render.crf = int(n); }, 0, 51)},
      {"RENDER_SKIP_IDLE", Bool([](Options& o, bool b) { o.render.skip_idle = b; })},
      {"RENDER_ALLOW_LOOPBACK", Bool([](Options& o, bool b) { o.render.allow_loopback = b; })},
      {"TRUST_PROXY", Bool([](Options& o, bool b) { o.server.trust_proxy = b; })},
      {"METRICS_TOKEN", [](Options& o, std::string_view v) { o.server.metrics_token = std::string(v); return OkStatus(); }},
      {"MOLMO_API_KEY", [](Options& o, std::string_view v) { o.llm.api_key = std::string(v); return OkStatus(); }},
      {"LLM_API_KEY", [](Options& o, std::string_view v) { o.llm.api_key = std::string(v); return OkStatus(); }},
      {"LLM_BASE_URL", [](Options& o, std::string_view v) { o.llm.base_url = std::string(v); return OkStatus(); }},
      {"MOLMO_API_MODEL", [](Options& o, std::string_view v) { o.llm.model = std::string(v); return OkStatus(); }},
      {"LLM_MODEL", [](Options& o, std::string_view v) { o.llm.model = std::string(v); return OkStatus(); }},
      {"LLM_TIMEOUT_SECONDS", Int([](Options& o, long long n) { o.llm.timeout = seconds(n); }, 1, 3600)},
      {"LLM_MAX_TOKENS", Int([](Options& o, long long n) { o.llm.max_tokens = int(n); }, 1, 1 << 20)},
  };
  return kVars;
}

std::string Unquote(std::string_view v) {
  v = Trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    v = v.substr(1, v.size() - 2);
  }
  return std::string(v);
}

}  // namespace

Status ApplyEnvironment(Options& options, const std::map<std::string, std::string>& env) {
  for (const auto& [name, set] : Variables()) {
    auto it = env.find(name);
    if (it == env.end() || it->second.empty()) continue;
    Status s = set(options, Trim(it->second));
    if (!s.ok()) return InvalidArgument(name + ": " + s.message());
  }
  return OkStatus();
}

Status LoadOptionsFromEnvironment(Options& options, const std::string& env_file) {
  std::map<std::string, std::string> env;
  if (!env_file.empty()) {
    std::ifstream in(env_file);
    std::string line;
    while (std::getline(in, line)) {
      std::string_view l = Trim(line);
      if (l.empty() || l.front() == '#') continue;
      if (internal::StartsWith(l, "export ")) l.remove_prefix(7);
      size_t eq = l.find('=');
      if (eq == std::string_view::npos) continue;
      env[std::string(Trim(l.substr(0, eq)))] = Unquote(l.substr(eq + 1));
    }
  }
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string_view::npos) env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  return ApplyEnvironment(options, env);
}

std::string RedactUrl(const std::string& url) {
  std::string out = url;
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    // The userinfo ends at the last '@' before the query: a password may
    // hold an unescaped '@' or '/', and hiding too much is safe.
    const size_t authority = scheme + 3;
    const size_t end = out.find_first_of("?#", authority);
    const size_t at = out.rfind('@', end == std::string::npos ? std::string::npos : end - 1);
    if (at != std::string::npos && at >= authority) {
      size_t colon = out.find(':', authority);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (const char* param : {"secret_key=", "access_key=", "password="}) {
    size_t p = out.find(param);
    if (p == std::string::npos) continue;
    p += std::string_view(param).size();
    size_t end = out.find('&', p);
    out.replace(p, (end == std::string::npos ? out.size() : end) - p, "***");
  }
  return out;
}

}  // namespace incuera
