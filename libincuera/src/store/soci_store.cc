// The SOCI Store: owns the Database and one instance of each repository.
#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "store/store_internal.h"

namespace incuera::internal {

std::string_view EmbeddedMigrations(std::string_view name);
std::vector<std::string_view> EmbeddedMigrationsNames();

namespace {

class SociStore final : public Store {
 public:
  explicit SociStore(std::unique_ptr<Database> db)
      : db_(std::move(db)),
        users_(NewUserRepository(*db_)),
        projects_(NewProjectRepository(*db_)),
        api_keys_(NewApiKeyRepository(*db_)),
        sessions_(NewSessionRepository(*db_)),
        events_(NewEventRepository(*db_)),
        analyses_(NewAnalysisRepository(*db_)),
        auth_tokens_(NewAuthTokenRepository(*db_)) {}

  UserRepository& users() override { return *users_; }
  ProjectRepository& projects() override { return *projects_; }
  ApiKeyRepository& api_keys() override { return *api_keys_; }
  SessionRepository& sessions() override { return *sessions_; }
  EventRepository& events() override { return *events_; }
  AnalysisRepository& analyses() override { return *analyses_; }
  AuthTokenRepository& auth_tokens() override { return *auth_tokens_; }

  Result<int> Migrate() override {
    return ApplyMigrations(*db_, EmbeddedMigrationList(db_->dialect()));
  }
  Result<int> SchemaVersion() override { return CurrentSchemaVersion(*db_); }
  Status Ping() override {
    return db_->With([](soci::session& s) {
      int one = 0;
      s << "SELECT 1", soci::into(one);
      return OkStatus();
    });
  }
  std::string_view backend() const override { return db_->backend(); }

  Database& database() { return *db_; }

 private:
  std::unique_ptr<Database> db_;
  std::unique_ptr<UserRepository> users_;
  std::unique_ptr<ProjectRepository> projects_;
  std::unique_ptr<ApiKeyRepository> api_keys_;
  std::unique_ptr<SessionRepository> sessions_;
  std::unique_ptr<EventRepository> events_;
  std::unique_ptr<AnalysisRepository> analyses_;
  std::unique_ptr<AuthTokenRepository> auth_tokens_;
};

// Creates the bookkeeping table; every other table comes from migrations.
Status EnsureMigrationsTable(Database& db) {
  return db.With([](soci::session& s) {
    s << "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
         "name text NOT NULL, applied_at bigint NOT NULL)";
    return OkStatus();
  });
}

}  // namespace

Database* DatabaseOf(Store& store) {
  auto* soci_store = dynamic_cast<SociStore*>(&store);
  return soci_store ? &soci_store->database() : nullptr;
}

std::vector<Migration> EmbeddedMigrationList(Dialect dialect) {
  std::string dir = dialect == Dialect::kSqlite ? "sqlite/" : "postgres/";
  std::vector<Migration> list;
  for (std::string_view name : EmbeddedMigrationsNames()) {
    if (!StartsWith(name, dir)) continue;
    std::string file(name.substr(dir.size()));
    Migration m;
    m.version = std::atoi(file.c_str());
    m.name = file;
    m.sql = std::string(EmbeddedMigrations(name));
    list.push_back(std::move(m));
  }
  std::sort(list.begin(), list.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return list;
}

Result<int> CurrentSchemaVersion(Database& db) {
  INCUERA_RETURN_IF_ERROR(EnsureMigrationsTable(db));
  int version = 0;
  INCUERA_RETURN_IF_ERROR(db.With([&](soci::session& s) {
    soci::indicator ind;
    s << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
    if (ind != soci::i_ok) version = 0;
    return OkStatus();
  }));
  return version;
}

Result<int> ApplyMigrations(Database& db, const std::vector<Migration>& migrations) {
  INCUERA_ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(db));
  int applied = 0;
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    bool ran = false;
    Status status = db.InTransaction([&](soci::session& s) {
      // Re-check under the transaction: another process may have applied it.
      int done = 0;
      s << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v", soci::use(m.version),
          soci::into(done);
      if (done > 0) return OkStatus();
      db.ExecScript(s, m.sql);
      long long now = NowMs();
      s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
          soci::use(m.version), soci::use(m.name), soci::use(now);
      ran = true;
      return OkStatus();
    });
    if (!status.ok()) return status.WithContext("migration " + m.name);
    if (ran) ++applied;
    current = m.version;
  }
  return applied;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string JsonIn(const Database& db, std::string_view name) {
  if (db.dialect() == Dialect::kSqlite) return ":" + std::string(name);
  return "CAST(NULLIF(CAST(:" + std::string(name) + " AS text), '') AS jsonb)";
}

std::string JsonOut(const Database& db, std::string_view column) {
  if (db.dialect() == Dialect::kSqlite) return std::string(column);
  return "COALESCE(CAST(" + std::string(column) + " AS text), '')";
}

}  // namespace incuera::internal

namespace incuera {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, int pool_size) {
  INCUERA_ASSIGN_OR_RETURN(auto db, internal::Database::Open(url, pool_size));
  return std::unique_ptr<Store>(std::make_unique<internal::SociStore>(std::move(db)));
}

}  // namespace incuera
