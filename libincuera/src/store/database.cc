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
#include "store/soci_native.h"

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
void OpenSqlite(const std::string& path, soci::session& sql) {
  sql.open(soci::sqlite3, "db=\"" + path + "\"");
  sql << "PRAGMA busy_timeout = 5000";
  sql << "PRAGMA foreign_keys = ON";
  if (path != ":memory:") sql << "PRAGMA journal_mode = WAL";
  sql << "PRAGMA synchronous = NORMAL";
}

// The settings every PostgreSQL connection runs with, on open and
// after a reconnect. Statements are kept prepared per connection, and with
// the default plan cache mode PostgreSQL switches a statement to a generic
// plan after five runs and keeps it: a plan made while `sessions` was still
// empty looked up sessions by client id through the (project_id, started_at)
// index, reading every session of the project per request (2x slower ingest
// and p99 120 ms after a 30 s load on a fresh database). Custom plans cost a
// planning step per statement but always see the values.
//
// Parallel plans are off: every statement here answers a request or a job
// step from an index and a LIMIT, and parallel workers take longer to start
// than such a statement runs when the cores are busy serving other requests
// (and then compete with them). Their cost discount also misled the planner:
// it walked the session list newest first in 3 processes, checking each
// session for a rare console text, instead of asking the trigram index
// (issue 18's search benchmark over 100 000 sessions on a busy 2-core
// machine: p95 350 ms for a rare console text and 230 ms for combined
// filters; 46 and 39 ms serial).
void ConfigurePostgres(soci::session& sql) {
  sql << "SET client_min_messages = WARNING";
  sql << "SET plan_cache_mode = force_custom_plan";
  sql << "SET max_parallel_workers_per_gather = 0";
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, int pool_size, Env& env) {
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

  std::unique_ptr<Database> db(new Database(dialect, env));
  if (dialect == Dialect::kSqlite) INCUERA_RETURN_IF_ERROR(PrepareSqlitePath(target));
  try {
    for (int i = 0; i < pool_size; ++i) {
      auto connection = std::make_unique<Connection>(dialect);
      if (dialect == Dialect::kSqlite) {
        OpenSqlite(target, connection->sql());
      } else {
#ifdef INCUERA_WITH_POSTGRES
        connection->sql().open(soci::postgresql, target);
        ConfigurePostgres(connection->sql());
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

Database::Database(Dialect dialect, Env& env) : dialect_(dialect), env_(env) {}

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

Connection::Prepared& Connection::Prepare(std::string_view sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    if (prepared_.size() >= kMaxPrepared) EvictOne();
    auto statement = std::make_unique<soci::statement>(sql_);
    statement->alloc();
    statement->prepare(std::string(sql));
    it = prepared_.emplace(std::string(sql), Prepared{std::move(statement)}).first;
  }
  it->second.last_used = ++uses_;
  return it->second;
}

void Connection::EvictOne() {
  auto oldest = prepared_.end();
  for (auto it = prepared_.begin(); it != prepared_.end(); ++it) {
    if (!it->second.busy &&
        (oldest == prepared_.end() || it->second.last_used < oldest->second.last_used)) {
      oldest = it;
    }
  }
  if (oldest != prepared_.end()) prepared_.erase(oldest);
}

Connection::InUse::InUse(Connection& c, std::string_view sql)
    : connection(c), prepared(c.Prepare(sql)), statement(*prepared.statement) {
  prepared.busy = true;
}

Connection::InUse::~InUse() {
  try {
    statement.bind_clean_up();
  } catch (...) {
  }
  ResetStatement(connection.dialect_, statement);
  prepared.busy = false;
}

void Connection::ExecScript(const std::string& script) {
  internal::ExecScript(dialect_, sql_, script);
}

void Connection::Begin() { sql_ << (dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN"); }

void Connection::Commit() { sql_ << "COMMIT"; }

void Connection::Rollback() noexcept {
  try {
    sql_ << "ROLLBACK";
  } catch (...) {
  }
}

void Connection::Reconnect() {
  prepared_.clear();
  try {
    sql_.reconnect();
    if (dialect_ == Dialect::kPostgres) ConfigurePostgres(sql_);
  } catch (...) {
  }
}

bool Connection::Lost() noexcept {
  // is_connected() also sends an empty query to the server: a connection
  // whose status still reads OK may be broken.
  return dialect_ == Dialect::kPostgres && !sql_.is_connected();
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
