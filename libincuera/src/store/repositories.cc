// Users, projects, API keys, analyses and dashboard tokens over SOCI.
#include <boost/json.hpp>

#include "core/text.h"
#include "store/store_internal.h"

namespace incuera::internal {
namespace {

namespace json = boost::json;

// Binding helpers for nullable times: SOCI represents NULL with an indicator.
struct OptionalTime {
  explicit OptionalTime(const std::optional<TimeMs>& v)
      : value(v.value_or(0)), ind(v ? soci::i_ok : soci::i_null) {}
  OptionalTime() = default;
  std::optional<TimeMs> Get() const {
    return ind == soci::i_ok ? std::optional<TimeMs>(value) : std::nullopt;
  }
  long long value = 0;
  soci::indicator ind = soci::i_null;
};

// JSON text of the columns `domains` and `settings`.
std::string DomainsToJson(const std::vector<std::string>& domains) {
  json::array a;
  for (const auto& d : domains) a.emplace_back(d);
  return json::serialize(a);
}

std::string SettingsToJson(const ProjectSettings& st) {
  json::array steps;
  for (const auto& f : st.funnel_steps) {
    steps.emplace_back(json::object{{"name", f.name}, {"url_pattern", f.url_pattern}});
  }
  json::object o{{"min_duration_ms", st.min_duration_ms},
                 {"sample_rate", st.sample_rate},
                 {"retention_days", st.retention_days},
                 {"funnel_steps", std::move(steps)},
                 {"render_fetch", RenderFetchName(st.render_fetch)}};
  // Only the quotas the project sets: an absent one follows the server's.
  json::object quotas;
  if (st.quotas.sessions_per_hour) quotas["sessions_per_hour"] = *st.quotas.sessions_per_hour;
  if (st.quotas.events_per_day) quotas["events_per_day"] = *st.quotas.events_per_day;
  if (st.quotas.render_minutes_per_day) {
    quotas["render_minutes_per_day"] = *st.quotas.render_minutes_per_day;
  }
  if (!quotas.empty()) o["quotas"] = std::move(quotas);
  return json::serialize(o);
}

// Parses the stored JSON columns; unknown or missing members keep defaults.
void ParseProjectJson(const std::string& domains, const std::string& settings, Project& p) {
  boost::system::error_code ec;
  json::value d = json::parse(domains, ec);
  if (!ec && d.is_array()) {
    for (const auto& v : d.as_array()) {
      if (v.is_string()) p.domains.emplace_back(v.as_string());
    }
  }
  json::value sv = json::parse(settings, ec);
  if (ec || !sv.is_object()) return;
  const json::object& o = sv.as_object();
  if (auto* v = o.if_contains("min_duration_ms"); v && v->is_number()) {
    p.settings.min_duration_ms = v->to_number<std::int64_t>();
  }
  if (auto* v = o.if_contains("sample_rate"); v && v->is_number()) {
    p.settings.sample_rate = v->to_number<double>();
  }
  if (auto* v = o.if_contains("retention_days"); v && v->is_number()) {
    p.settings.retention_days = v->to_number<int>();
  }
  if (auto* v = o.if_contains("render_fetch"); v && v->is_string()) {
    if (auto fetch = ParseRenderFetch(v->as_string()); fetch.ok()) p.settings.render_fetch = *fetch;
  }
  if (auto* q = o.if_contains("quotas"); q && q->is_object()) {
    auto read = [&](const char* name, std::optional<std::int64_t>& out) {
      if (auto* v = q->as_object().if_contains(name); v && v->is_int64()) out = v->as_int64();
    };
    read("sessions_per_hour", p.settings.quotas.sessions_per_hour);
    read("events_per_day", p.settings.quotas.events_per_day);
    read("render_minutes_per_day", p.settings.quotas.render_minutes_per_day);
  }
  if (auto* v = o.if_contains("funnel_steps"); v && v->is_array()) {
    for (const auto& step : v->as_array()) {
      if (!step.is_object()) continue;
      FunnelStep f;
      if (auto* n = step.as_object().if_contains("name"); n && n->is_string()) {
        f.name = std::string(n->as_string());
      }
      if (auto* u = step.as_object().if_contains("url_pattern"); u && u->is_string()) {
        f.url_pattern = std::string(u->as_string());
      }
      p.settings.funnel_steps.push_back(std::move(f));
    }
  }
}

// ---------------------------------------------------------------- users

// Columns of a User, in the order the readers bind them.
constexpr const char* kUserColumns =
    "SELECT id, email, password_hash, CAST(is_admin AS integer), created_at FROM users ";

// Users; emails are stored lower-case so lookups are case-insensitive.
class SociUserRepository final : public UserRepository {
 public:
  explicit SociUserRepository(Database& db) : db_(db) {}

  Result<User> Create(const User& user) override {
    User u = user;
    if (u.id.empty()) u.id = NewUuid();
    if (u.created_at == 0) u.created_at = db_.Now();
    u.email = ToLower(u.email);
    int admin = u.is_admin ? 1 : 0;
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO users (id, email, password_hash, is_admin, created_at) "
          "VALUES (:id, :email, :hash, :admin, :created)",
          soci::use(u.id), soci::use(u.email), soci::use(u.password_hash), soci::use(admin),
          soci::use(u.created_at));
      return OkStatus();
    }));
    return u;
  }

  Result<User> Get(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("user not found");
    return One(std::string(kUserColumns) + "WHERE id = :id", id);
  }

  Result<User> GetByEmail(const std::string& email) override {
    return One(std::string(kUserColumns) + "WHERE email = :email", ToLower(email));
  }

  Result<std::vector<User>> List() override {
    std::vector<User> out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      User u;
      int admin = 0;
      return c.ForEachRow(
          std::string(kUserColumns) + "ORDER BY email",
          [&] {
            u.is_admin = admin != 0;
            out.push_back(u);
          },
          soci::into(u.id), soci::into(u.email), soci::into(u.password_hash), soci::into(admin),
          soci::into(u.created_at));
    }));
    return out;
  }

  Status UpdatePassword(const std::string& id, const std::string& password_hash) override {
    if (!IsUuid(id)) return NotFound("user not found");
    return db_.Write([&](Connection& c) {
      return c.Run("UPDATE users SET password_hash = :h WHERE id = :id", soci::use(password_hash),
                   soci::use(id))
                         .affected_rows > 0
                 ? OkStatus()
                 : NotFound("user not found");
    });
  }

  Result<std::int64_t> Count() override {
    std::int64_t n = 0;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      c.Run("SELECT COUNT(*) FROM users", soci::into(n));
      return OkStatus();
    }));
    return n;
  }

 private:
  // The single user selected by `sql` with one text argument.
  Result<User> One(const std::string& sql, const std::string& arg) {
    User u;
    bool found = false;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      int admin = 0;
      found = c.Run(sql, soci::use(arg), soci::into(u.id), soci::into(u.email),
                    soci::into(u.password_hash), soci::into(admin), soci::into(u.created_at))
                  .got_data;
      u.is_admin = admin != 0;
      return OkStatus();
    }));
    if (!found) return NotFound("user not found");
    return u;
  }

  Database& db_;
};

// ---------------------------------------------------------------- projects

// Projects; domains and settings live in JSON columns.
class SociProjectRepository final : public ProjectRepository {
 public:
  explicit SociProjectRepository(Database& db) : db_(db) {}

  Result<Project> Create(const Project& project) override {
    Project p = project;
    if (p.id.empty()) p.id = NewUuid();
    if (p.created_at == 0) p.created_at = db_.Now();
    if (p.updated_at == 0) p.updated_at = p.created_at;
    if (!IsUuid(p.owner_id)) return NotFound("owner not found");
    std::string domains = DomainsToJson(p.domains), settings = SettingsToJson(p.settings);
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO projects (id, owner_id, name, slug, domains, settings, created_at, "
          "updated_at) VALUES (:id, :owner, :name, :slug, " +
              JsonIn(db_, "domains") + ", " + JsonIn(db_, "settings") + ", :c, :u)",
          soci::use(p.id), soci::use(p.owner_id), soci::use(p.name), soci::use(p.slug),
          soci::use(domains), soci::use(settings), soci::use(p.created_at),
          soci::use(p.updated_at));
      return OkStatus();
    }));
    return p;
  }

  Result<Project> Get(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("project not found");
    INCUERA_ASSIGN_OR_RETURN(auto list, Query("WHERE id = :a", {id}));
    if (list.empty()) return NotFound("project not found");
    return list.front();
  }

  Result<Project> GetBySlug(const std::string& owner_id, const std::string& slug) override {
    if (!IsUuid(owner_id)) return NotFound("project not found");
    INCUERA_ASSIGN_OR_RETURN(auto list,
                             Query("WHERE owner_id = :a AND slug = :b", {owner_id, slug}));
    if (list.empty()) return NotFound("project not found");
    return list.front();
  }

  Result<std::vector<Project>> List(const std::string& owner_id) override {
    if (owner_id.empty()) return Query("ORDER BY name, id", {});
    if (!IsUuid(owner_id)) return std::vector<Project>{};
    return Query("WHERE owner_id = :a ORDER BY name, id", {owner_id});
  }

  Result<Project> Update(const Project& project) override {
    if (!IsUuid(project.id)) return NotFound("project not found");
    std::string domains = DomainsToJson(project.domains);
    std::string settings = SettingsToJson(project.settings);
    TimeMs now = db_.Now();
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      return c.Run("UPDATE projects SET name = :name, slug = :slug, domains = " +
                       JsonIn(db_, "domains") + ", settings = " + JsonIn(db_, "settings") +
                       ", updated_at = :u WHERE id = :id",
                   soci::use(project.name), soci::use(project.slug), soci::use(domains),
                   soci::use(settings), soci::use(now), soci::use(project.id))
                         .affected_rows > 0
                 ? OkStatus()
                 : NotFound("project not found");
    }));
    return Get(project.id);
  }

  Status Delete(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("project not found");
    return db_.Write([&](Connection& c) {
      return c.Run("DELETE FROM projects WHERE id = :id", soci::use(id)).affected_rows > 0
                 ? OkStatus()
                 : NotFound("project not found");
    });
  }

 private:
  // Runs "SELECT <columns> FROM projects <where>" with up to two text
  // arguments bound in order.
  Result<std::vector<Project>> Query(const std::string& where,
                                     const std::vector<std::string>& args) {
    std::vector<Project> out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      Project p;
      std::string domains, settings;
      return c.ForEachRow(
          "SELECT id, owner_id, name, slug, " + JsonOut(db_, "domains") + ", " +
              JsonOut(db_, "settings") + ", created_at, updated_at FROM projects " + where,
          [&] {
            Project row = p;
            row.domains.clear();
            row.settings = ProjectSettings{};
            ParseProjectJson(domains, settings, row);
            out.push_back(std::move(row));
          },
          soci::into(p.id), soci::into(p.owner_id), soci::into(p.name), soci::into(p.slug),
          soci::into(domains), soci::into(settings), soci::into(p.created_at),
          soci::into(p.updated_at),
          [&](soci::statement& st) {
            for (const auto& a : args) st.exchange(soci::use(a));
          });
    }));
    return out;
  }

  Database& db_;
};

// ---------------------------------------------------------------- api keys

// Columns of an ApiKey, in the order Query binds them.
constexpr const char* kKeyColumns =
    "SELECT id, project_id, name, prefix, hash, scope, created_at, last_used_at, expires_at, "
    "revoked_at FROM api_keys ";

// API keys; revoking keeps the first revocation time.
class SociApiKeyRepository final : public ApiKeyRepository {
 public:
  explicit SociApiKeyRepository(Database& db) : db_(db) {}

  Result<ApiKey> Create(const ApiKey& key) override {
    ApiKey k = key;
    if (k.id.empty()) k.id = NewUuid();
    if (k.created_at == 0) k.created_at = db_.Now();
    if (!IsUuid(k.project_id)) return NotFound("project not found");
    std::string scope(KeyScopeName(k.scope));
    OptionalTime last(k.last_used_at), expires(k.expires_at), revoked(k.revoked_at);
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO api_keys (id, project_id, name, prefix, hash, scope, created_at, "
          "last_used_at, expires_at, revoked_at) VALUES (:id, :p, :n, :pre, :h, :sc, :c, :l, "
          ":e, :r)",
          soci::use(k.id), soci::use(k.project_id), soci::use(k.name), soci::use(k.prefix),
          soci::use(k.hash), soci::use(scope), soci::use(k.created_at),
          soci::use(last.value, last.ind), soci::use(expires.value, expires.ind),
          soci::use(revoked.value, revoked.ind));
      return OkStatus();
    }));
    return k;
  }

  Result<ApiKey> Get(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("api key not found");
    INCUERA_ASSIGN_OR_RETURN(auto list, Query("WHERE id = :a", id));
    if (list.empty()) return NotFound("api key not found");
    return list.front();
  }

  Result<ApiKey> GetByHash(const std::string& hash) override {
    INCUERA_ASSIGN_OR_RETURN(auto list, Query("WHERE hash = :a", hash));
    if (list.empty()) return NotFound("api key not found");
    return list.front();
  }

  Result<std::vector<ApiKey>> ListByProject(const std::string& project_id) override {
    if (!IsUuid(project_id)) return std::vector<ApiKey>{};
    return Query("WHERE project_id = :a ORDER BY created_at, id", project_id);
  }

  Status Revoke(const std::string& id, TimeMs at) override {
    return SetTime("UPDATE api_keys SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL", id,
                   at, true);
  }

  Status TouchLastUsed(const std::string& id, TimeMs at) override {
    return SetTime("UPDATE api_keys SET last_used_at = :t WHERE id = :id", id, at, false);
  }

 private:
  // Sets one time column; NotFound when the key does not exist (an already
  // revoked key is left as is when `keep_first` is set).
  Status SetTime(const char* sql, const std::string& id, TimeMs at, bool keep_first) {
    if (!IsUuid(id)) return NotFound("api key not found");
    return db_.Write([&](Connection& c) {
      if (c.Run(sql, soci::use(at), soci::use(id)).affected_rows > 0) return OkStatus();
      int n = 0;
      c.Run("SELECT COUNT(*) FROM api_keys WHERE id = :id", soci::use(id), soci::into(n));
      return n > 0 && keep_first ? OkStatus() : NotFound("api key not found");
    });
  }

  // Keys selected by kKeyColumns + `where` with one text argument.
  Result<std::vector<ApiKey>> Query(const std::string& where, const std::string& arg) {
    std::vector<ApiKey> out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) -> Status {
      ApiKey k;
      std::string scope;
      OptionalTime last, expires, revoked;
      return c.ForEachRow(
          std::string(kKeyColumns) + where,
          [&]() -> Status {
            INCUERA_ASSIGN_OR_RETURN(k.scope, ParseKeyScope(scope));
            k.last_used_at = last.Get();
            k.expires_at = expires.Get();
            k.revoked_at = revoked.Get();
            out.push_back(k);
            return OkStatus();
          },
          soci::into(k.id), soci::into(k.project_id), soci::into(k.name), soci::into(k.prefix),
          soci::into(k.hash), soci::into(scope), soci::into(k.created_at),
          soci::into(last.value, last.ind), soci::into(expires.value, expires.ind),
          soci::into(revoked.value, revoked.ind), soci::use(arg));
    }));
    return out;
  }

  Database& db_;
};

// ---------------------------------------------------------------- analyses

// Analyses, one row per session, replaced by Put.
class SociAnalysisRepository final : public AnalysisRepository {
 public:
  explicit SociAnalysisRepository(Database& db) : db_(db) {}

  Status Put(const Analysis& analysis) override {
    if (!IsUuid(analysis.session_id)) return NotFound("session not found");
    Analysis a = analysis;
    TimeMs now = db_.Now();
    if (a.created_at == 0) a.created_at = now;
    if (a.updated_at == 0) a.updated_at = now;
    std::string status(AnalysisStatusName(a.status));
    return db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO analyses (session_id, status, error, summary_json, action_counts_json, "
          "heatmap_json, funnel_json, errors_json, metrics_json, heatmap_key, model, "
          "created_at, updated_at) VALUES (:sid, :st, :err, " +
              JsonIn(db_, "j1") + ", " + JsonIn(db_, "j2") + ", " + JsonIn(db_, "j3") + ", " +
              JsonIn(db_, "j4") + ", " + JsonIn(db_, "j5") + ", " + JsonIn(db_, "j6") +
              ", :hk, :model, :c, :u) ON CONFLICT (session_id) DO UPDATE SET "
              "status = excluded.status, error = excluded.error, "
              "summary_json = excluded.summary_json, "
              "action_counts_json = excluded.action_counts_json, "
              "heatmap_json = excluded.heatmap_json, funnel_json = excluded.funnel_json, "
              "errors_json = excluded.errors_json, metrics_json = excluded.metrics_json, "
              "heatmap_key = excluded.heatmap_key, model = excluded.model, "
              "updated_at = excluded.updated_at",
          soci::use(a.session_id), soci::use(status), soci::use(a.error), soci::use(a.summary_json),
          soci::use(a.action_counts_json), soci::use(a.heatmap_json), soci::use(a.funnel_json),
          soci::use(a.errors_json), soci::use(a.metrics_json), soci::use(a.heatmap_key),
          soci::use(a.model), soci::use(a.created_at), soci::use(a.updated_at));
      return OkStatus();
    });
  }

  Result<Analysis> Get(const std::string& session_id) override {
    if (!IsUuid(session_id)) return NotFound("analysis not found");
    Analysis a;
    bool found = false;
    std::string status;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      found =
          c.Run("SELECT session_id, status, error, " + JsonOut(db_, "summary_json") + ", " +
                    JsonOut(db_, "action_counts_json") + ", " + JsonOut(db_, "heatmap_json") +
                    ", " + JsonOut(db_, "funnel_json") + ", " + JsonOut(db_, "errors_json") + ", " +
                    JsonOut(db_, "metrics_json") +
                    ", heatmap_key, model, created_at, updated_at FROM analyses "
                    "WHERE session_id = :sid",
                soci::use(session_id), soci::into(a.session_id), soci::into(status),
                soci::into(a.error), soci::into(a.summary_json), soci::into(a.action_counts_json),
                soci::into(a.heatmap_json), soci::into(a.funnel_json), soci::into(a.errors_json),
                soci::into(a.metrics_json), soci::into(a.heatmap_key), soci::into(a.model),
                soci::into(a.created_at), soci::into(a.updated_at))
              .got_data;
      return OkStatus();
    }));
    if (!found) return NotFound("analysis not found");
    INCUERA_ASSIGN_OR_RETURN(a.status, ParseAnalysisStatus(status));
    return a;
  }

 private:
  Database& db_;
};

// ---------------------------------------------------------------- auth tokens

// Dashboard login tokens, keyed by their hash.
class SociAuthTokenRepository final : public AuthTokenRepository {
 public:
  explicit SociAuthTokenRepository(Database& db) : db_(db) {}

  Status Create(const AuthToken& token) override {
    if (!IsUuid(token.user_id)) return NotFound("user not found");
    TimeMs created = token.created_at ? token.created_at : db_.Now();
    OptionalTime revoked(token.revoked_at);
    return db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at, revoked_at) "
          "VALUES (:h, :u, :c, :e, :r)",
          soci::use(token.token_hash), soci::use(token.user_id), soci::use(created),
          soci::use(token.expires_at), soci::use(revoked.value, revoked.ind));
      return OkStatus();
    });
  }

  Result<AuthToken> Get(const std::string& token_hash) override {
    AuthToken t;
    OptionalTime revoked;
    bool found = false;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      found =
          c.Run(
               "SELECT token_hash, user_id, created_at, expires_at, revoked_at FROM auth_tokens "
               "WHERE token_hash = :h",
               soci::use(token_hash), soci::into(t.token_hash), soci::into(t.user_id),
               soci::into(t.created_at), soci::into(t.expires_at),
               soci::into(revoked.value, revoked.ind))
              .got_data;
      return OkStatus();
    }));
    if (!found) return NotFound("token not found");
    t.revoked_at = revoked.Get();
    return t;
  }

  Status Revoke(const std::string& token_hash, TimeMs at) override {
    return db_.Write([&](Connection& c) {
      if (c.Run("UPDATE auth_tokens SET revoked_at = :t WHERE token_hash = :h AND "
                "revoked_at IS NULL",
                soci::use(at), soci::use(token_hash))
              .affected_rows > 0)
        return OkStatus();
      int n = 0;
      c.Run("SELECT COUNT(*) FROM auth_tokens WHERE token_hash = :h", soci::use(token_hash),
            soci::into(n));
      return n > 0 ? OkStatus() : NotFound("token not found");
    });
  }

  Status RevokeForUser(const std::string& user_id, TimeMs at) override {
    if (!IsUuid(user_id)) return OkStatus();
    return db_.Write([&](Connection& c) {
      c.Run("UPDATE auth_tokens SET revoked_at = :t WHERE user_id = :u AND revoked_at IS NULL",
            soci::use(at), soci::use(user_id));
      return OkStatus();
    });
  }

  Status DeleteExpired(TimeMs now) override {
    return db_.Write([&](Connection& c) {
      c.Run("DELETE FROM auth_tokens WHERE expires_at <= :now", soci::use(now));
      return OkStatus();
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<UserRepository> NewUserRepository(Database& db) {
  return std::make_unique<SociUserRepository>(db);
}
std::unique_ptr<ProjectRepository> NewProjectRepository(Database& db) {
  return std::make_unique<SociProjectRepository>(db);
}
std::unique_ptr<ApiKeyRepository> NewApiKeyRepository(Database& db) {
  return std::make_unique<SociApiKeyRepository>(db);
}
std::unique_ptr<AnalysisRepository> NewAnalysisRepository(Database& db) {
  return std::make_unique<SociAnalysisRepository>(db);
}
std::unique_ptr<AuthTokenRepository> NewAuthTokenRepository(Database& db) {
  return std::make_unique<SociAuthTokenRepository>(db);
}

}  // namespace incuera::internal
