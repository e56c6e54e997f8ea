#include "store/database.h"

#include <soci/sqlite3/soci-sqlite3.h>
#ifdef INCUERA_WITH_POSTGRES
#include <soci/postgresql/soci-postgresql.h>
#endif

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "core/no_space.h"
#include "core/private_files.h"
#include "core/text.h"
#include "store/postgres_url.h"

namespace incuera::internal {
namespace {

constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteConstraint = 19;
constexpr int kSqliteFull = 13;  // the disk (or a quota) is full

// Classifies a constraint failure from the words every engine uses.
Status ConstraintStatus(std::string_view message) {
  std::string lower = ToLower(message);
  if (lower.find("unique") != std::string::npos ||
      lower.find("duplicate key") != std::string::npos) {
    return AlreadyExists("already exists");
  }
  if (lower.find("foreign key") != std::string::npos) {
    return NotFound("referenced row does not exist");
  }
  return InvalidArgument("value violates a constraint");
}

// Creates the parent directories of a SQLite database file and the file
// itself, private to its owner: SQLite gives the WAL and shared-memory
// files the database file's mode.
Status PrepareSqlitePath(const std::string& path) {
  if (path == ":memory:") return OkStatus();
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    if (Status s = internal::CreatePrivateDirectories(parent); !s.ok()) {
      return Unavailable(s.message());
    }
  }
  if (int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    INCUERA_RETURN_IF_ERROR(internal::RestrictToOwner(path + suffix));
  }
  return OkStatus();
}

// Opens one SQLite connection with the pragmas the store relies on.
void OpenSqlite(const std::string& path, soci::session& session) {
  session.open(soci::sqlite3, "db=\"" + path + "\"");
  session << "PRAGMA busy_timeout = 5000";
  session << "PRAGMA foreign_keys = ON";
  if (path != ":memory:") session << "PRAGMA journal_mode = WAL";
  session << "PRAGMA synchronous = NORMAL";
}

#ifdef INCUERA_WITH_POSTGRES
// The session settings every PostgreSQL connection runs with, on open and
// after a reconnect. Statements are kept prepared per connection, and with
// the default plan cache mode PostgreSQL switches a statement to a generic
// plan after five runs and keeps it: a plan made while `sessions` was still
// empty looked up sessions by client id through the (project_id, started_at)
// index, reading every session of the project per request (2x slower ingest
// and p99 120 ms after a 30 s load on a fresh database). Custom plans cost a
// planning step per statement but always see the values.
void ConfigurePostgres(soci::session& session) {
  session << "SET client_min_messages = WARNING";
  session << "SET plan_cache_mode = force_custom_plan";
}
#endif  // INCUERA_WITH_POSTGRES

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, int pool_size) {
  if (pool_size < 1) pool_size = 1;
  Dialect dialect;
  std::string target;
  if (StartsWith(url, "sqlite://")) {
    dialect = Dialect::kSqlite;
    target = url.substr(9);
    if (target.empty()) return InvalidArgument("sqlite URL without a path");
    if (target == ":memory:") pool_size = 1;
  } else if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
#ifdef INCUERA_WITH_POSTGRES
    dialect = Dialect::kPostgres;
    INCUERA_ASSIGN_OR_RETURN(target, PostgresConninfo(url));
#else
    return Unimplemented("built without PostgreSQL");
#endif
  } else {
    return InvalidArgument("unknown database URL scheme (want sqlite:// or postgresql://)");
  }

  std::unique_ptr<Database> db(new Database(dialect));
  if (dialect == Dialect::kSqlite) INCUERA_RETURN_IF_ERROR(PrepareSqlitePath(target));
  try {
    for (int i = 0; i < pool_size; ++i) {
      auto connection = std::make_unique<Connection>(dialect);
      if (dialect == Dialect::kSqlite) {
        OpenSqlite(target, connection->session());
      } else {
#ifdef INCUERA_WITH_POSTGRES
        connection->session().open(soci::postgresql, target);
        ConfigurePostgres(connection->session());
#endif
      }
      db->idle_.push_back(connection.get());
      db->connections_.push_back(std::move(connection));
    }
  } catch (const std::exception& e) {
    return Unavailable(std::string("cannot open database: ") +
                       (dialect == Dialect::kSqlite ? e.what() : "connection failed"));
  }
  return db;
}

Database::Database(Dialect dialect) : dialect_(dialect) {}

Database::Lease::Lease(Database& database) : db(database) {
  std::unique_lock lock(db.pool_mu_);
  db.pool_cv_.wait(lock, [&] { return !db.idle_.empty(); });
  connection = db.idle_.back();
  db.idle_.pop_back();
}

Database::Lease::~Lease() {
  {
    std::lock_guard lock(db.pool_mu_);
    db.idle_.push_back(connection);
  }
  db.pool_cv_.notify_one();
}

std::unique_lock<std::mutex> Database::WriterTurn() {
  if (dialect_ != Dialect::kSqlite) return {};
  return std::unique_lock(writer_mu_);
}

soci::statement& Connection::Prepared(std::string_view sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    auto statement = std::make_unique<soci::statement>(session_);
    statement->alloc();
    statement->prepare(std::string(sql));
    it = prepared_.emplace(std::string(sql), std::move(statement)).first;
  }
  return *it->second;
}

void Connection::Release(soci::statement& statement) noexcept {
  try {
    statement.bind_clean_up();
  } catch (...) {
  }
  if (dialect_ == Dialect::kSqlite) {
    auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement.get_backend());
    sqlite_api::sqlite3_reset(backend->stmt_);
    sqlite_api::sqlite3_clear_bindings(backend->stmt_);
  }
#ifdef INCUERA_WITH_POSTGRES
  if (dialect_ == Dialect::kPostgres) {
    // The row was copied into the into() elements; a kept statement would
    // otherwise hold its last result (a chunk's payload) until its next run.
    static_cast<soci::postgresql_statement_backend*>(statement.get_backend())->result_.reset();
  }
#endif
}

void Connection::Reconnect() {
  prepared_.clear();
  try {
    session_.reconnect();
#ifdef INCUERA_WITH_POSTGRES
    if (dialect_ == Dialect::kPostgres) ConfigurePostgres(session_);
#endif
  } catch (...) {
  }
}

bool Connection::Lost() noexcept {
#ifdef INCUERA_WITH_POSTGRES
  if (dialect_ != Dialect::kPostgres) return false;
  auto* backend = static_cast<soci::postgresql_session_backend*>(session_.get_backend());
  return backend == nullptr || backend->conn_ == nullptr ||
         PQstatus(backend->conn_) != CONNECTION_OK;
#else
  return false;
#endif
}

Status Database::StatusFromCurrentException() {
  try {
    throw;
  } catch (const soci::sqlite3_soci_error& e) {
    int code = e.result() & 0xff;
    if (code == kSqliteConstraint) return ConstraintStatus(e.what());
    if (code == kSqliteBusy || code == kSqliteLocked) return Unavailable("database is busy");
    if (code == kSqliteFull) return NoSpace("database");
    return Internal("database error");
#ifdef INCUERA_WITH_POSTGRES
  } catch (const soci::postgresql_soci_error& e) {
    std::string state = e.sqlstate();
    if (state == "53100") return NoSpace("database");  // disk_full
    if (state == "23505") return AlreadyExists("already exists");
    if (state == "23503") return NotFound("referenced row does not exist");
    if (StartsWith(state, "23")) return InvalidArgument("value violates a constraint");
    if (state == "22P02") return InvalidArgument("malformed value");
    if (StartsWith(state, "08") || StartsWith(state, "57P") ||
        e.get_error_category() == soci::soci_error::connection_error) {
      return Unavailable("database connection lost");
    }
    if (state == "40001" || state == "40P01") return Unavailable("transaction conflict");
    return Internal("database error");
#endif
  } catch (const soci::soci_error& e) {
    if (e.get_error_category() == soci::soci_error::connection_error) {
      return Unavailable("database connection lost");
    }
    if (e.get_error_category() == soci::soci_error::constraint_violation) {
      return ConstraintStatus(e.what());
    }
    return Internal("database error");
  } catch (const std::bad_alloc&) {
    return ResourceExhausted("out of memory");
  } catch (const std::exception&) {
    return Internal("unexpected error");
  } catch (...) {
    return Internal("unknown error");
  }
}

void Database::Begin(soci::session& session) {
  session << (dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

void Database::ExecScript(soci::session& session, const std::string& sql) {
  if (dialect_ == Dialect::kSqlite) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    char* error = nullptr;
    int rc = sqlite_api::sqlite3_exec(backend->conn_, sql.c_str(), nullptr, nullptr, &error);
    if (rc != 0) {
      std::string message = error ? error : "script failed";
      sqlite_api::sqlite3_free(error);
      throw soci::sqlite3_soci_error(message, rc);
    }
    return;
  }
#ifdef INCUERA_WITH_POSTGRES
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  PGresult* result = PQexec(backend->conn_, sql.c_str());
  ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    std::string message = PQresultErrorMessage(result);
    PQclear(result);
    throw soci::postgresql_soci_error(message, state ? state : "XX000");
  }
  PQclear(result);
#endif
}

void Database::Rollback(soci::session& session) {
  try {
    session << "ROLLBACK";
  } catch (...) {
  }
}

bool Database::IsConnectionLost() {
  try {
    throw;
#ifdef INCUERA_WITH_POSTGRES
  } catch (const soci::postgresql_soci_error& e) {
    std::string state = e.sqlstate();
    return StartsWith(state, "08") || StartsWith(state, "57P") ||
           e.get_error_category() == soci::soci_error::connection_error;
#endif
  } catch (...) {
    return false;
  }
}

bool Database::IsBusy() {
  try {
    throw;
  } catch (const soci::sqlite3_soci_error& e) {
    int code = e.result() & 0xff;
    return code == kSqliteBusy || code == kSqliteLocked;
  } catch (...) {
    return false;
  }
}

}  // namespace incuera::internal
