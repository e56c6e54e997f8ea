// The database layer under the SOCI store and its job queue: a pool of
// connections to one SQLite file or PostgreSQL database, each with its cache
// of prepared statements through which all their SQL runs, and helpers that
// run code on a leased connection and turn every exception into a Status.
#pragma once

#include <soci/soci.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/no_space.h"
#include "incuera/env.h"
#include "incuera/status.h"

namespace incuera::internal {

// The SQL flavour of a Database; the few statements that differ switch on it.
enum class Dialect { kSqlite, kPostgres };

// One open connection and the statements prepared on it: the one way the
// store's repositories and the db job queue run SQL. Used by one thread at a
// time (the one that leased it from the Database).
//
// Every statement is prepared the first time this connection sees its text
// and kept (the least recently used are dropped past kMaxPrepared): the hot
// statements are parsed once per connection instead of once per call, and on
// PostgreSQL a one-shot prepared statement would also cost a PREPARE and a
// DEALLOCATE round trip. The `parts` of Run and ForEachRow are SOCI elements
// (soci::use / soci::into, bound in order) or callables that take the
// soci::statement& and bind several (a row of many columns). Both throw
// soci::soci_error like any SOCI call; Database::With turns it into a Status.
class Connection {
 public:
  explicit Connection(Dialect dialect) : dialect_(dialect) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Dialect dialect() const { return dialect_; }

  // What one Run() did.
  struct Executed {
    bool got_data = false;  // a row was fetched into the into() elements
    long long affected_rows = 0;
  };

  // Executes `sql` and fetches at most one row into its into() elements.
  template <class... Parts>
  Executed Run(std::string_view sql, Parts&&... parts) {
    InUse in_use(*this, sql);
    (Bind(in_use.statement, std::forward<Parts>(parts)), ...);
    in_use.statement.define_and_bind();
    Executed out;
    out.got_data = in_use.statement.execute(true);
    out.affected_rows = in_use.statement.get_affected_rows();
    return out;
  }

  // Executes `sql` and calls `on_row()` after each row is fetched into its
  // into() elements, in order. `on_row` returns void or a Status; the first
  // error stops the fetch and is returned. It may run other statements on
  // this connection, not this one.
  template <class OnRow, class... Parts>
  Status ForEachRow(std::string_view sql, OnRow&& on_row, Parts&&... parts) {
    InUse in_use(*this, sql);
    (Bind(in_use.statement, std::forward<Parts>(parts)), ...);
    in_use.statement.define_and_bind();
    in_use.statement.execute(false);
    while (in_use.statement.fetch()) {
      if constexpr (std::is_void_v<std::invoke_result_t<OnRow&>>) {
        on_row();
      } else {
        Status status = on_row();
        if (!status.ok()) return status;
      }
    }
    return OkStatus();
  }

  // Runs a script of several SQL statements without parameters
  // (migrations), outside the statement cache.
  void ExecScript(const std::string& script);

  // Transaction control, in the dialect's way (SQLite starts with BEGIN
  // IMMEDIATE: one writer at a time). Rollback ignores errors (the
  // connection may already be gone).
  void Begin();
  void Commit();
  void Rollback() noexcept;

  // Drops the prepared statements and reopens the connection after it was
  // lost, ignoring failures (the next call reports them).
  void Reconnect();

  // True when the connection to the server is gone (PostgreSQL): also after a
  // Reconnect that failed because the server was still down, when the next
  // errors come from the client library without an SQLSTATE.
  bool Lost() noexcept;

  // Statements kept prepared per connection; plenty for the fixed texts, and
  // a bound for the texts built from a filter's fields.
  static constexpr std::size_t kMaxPrepared = 256;

 private:
  friend class Database;

  struct Prepared {
    std::unique_ptr<soci::statement> statement;
    std::uint64_t last_used = 0;
    bool busy = false;  // running now (ForEachRow's on_row may run others)
  };

  // The prepared statement for `sql`, marked busy while in use; then
  // unbound and reset (see ResetStatement).
  struct InUse {
    InUse(Connection& connection, std::string_view sql);
    ~InUse();
    InUse(const InUse&) = delete;
    InUse& operator=(const InUse&) = delete;
    Connection& connection;
    Prepared& prepared;
    soci::statement& statement;
  };

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  template <class Part>
  static void Bind(soci::statement& statement, Part&& part) {
    if constexpr (std::is_invocable_v<Part&, soci::statement&>) {
      part(statement);
    } else {
      statement.exchange(std::forward<Part>(part));
    }
  }

  Prepared& Prepare(std::string_view sql);
  // Drops the least recently used idle statement.
  void EvictOne();
  // The connection itself (opening, transactions, scripts).
  soci::session& sql() { return sql_; }

  Dialect dialect_;
  soci::session sql_;
  std::uint64_t uses_ = 0;
  // Declared after sql_, so destroyed before it: SQLite refuses to close a
  // connection that still has prepared statements.
  std::unordered_map<std::string, Prepared, TextHash, std::equal_to<>> prepared_;
};

// A fixed-size pool of open connections. Thread-safe: every With/Write/
// InTransaction call leases one connection for its duration (blocking while
// all are busy).
class Database {
 public:
  // Opens `pool_size` connections for "sqlite://<path>" (":memory:" forces a
  // pool of one; parent directories are created) or "postgresql://..." /
  // "postgres://...". SQLite connections run in WAL mode with
  // busy_timeout=5000, foreign_keys=ON and synchronous=NORMAL. `env` (which
  // must outlive the Database) is the clock of every time the store writes
  // on its own. InvalidArgument for an unknown scheme, Unimplemented when
  // PostgreSQL was compiled out, Unavailable when the database cannot be
  // opened.
  static Result<std::unique_ptr<Database>> Open(const std::string& url, int pool_size, Env& env);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }
  // "sqlite" or "postgresql".
  std::string_view backend() const {
    return dialect_ == Dialect::kSqlite ? "sqlite" : "postgresql";
  }
  // The time now, by the Env's clock.
  TimeMs Now() const { return env_.NowMs(); }

  // Runs `f(Connection&)` on a leased connection; `f` returns a Status.
  // Exceptions become a Status: unique violation AlreadyExists, foreign key
  // violation NotFound, check violation InvalidArgument, lost connection or
  // a locked SQLite database Unavailable, a full disk (SQLITE_FULL,
  // PostgreSQL's disk_full) NoSpace("database") with a retry hint, anything
  // else Internal. Messages never contain SQL text.
  template <class F>
  Status With(F&& f) {
    try {
      Lease lease(*this);
      try {
        return std::forward<F>(f)(*lease.connection);
      } catch (...) {
        if (IsConnectionLost() || lease.connection->Lost()) {
          lease.connection->Reconnect();
          return Unavailable("database connection lost");
        }
        return StatusFromCurrentException();
      }
    } catch (...) {
      return StatusFromCurrentException();
    }
  }

  // Like With, for statements that write outside a transaction. On SQLite
  // writers take turns in this process (readers go on under WAL), so they
  // queue on a mutex instead of polling the file lock with busy_timeout's
  // sleeps; other processes still meet the busy timeout.
  template <class F>
  Status Write(F&& f) {
    std::unique_lock<std::mutex> turn = WriterTurn();
    Status status = With(std::forward<F>(f));
    space_.Observe(status);
    return status;
  }

  // Like Write, inside one transaction: committed when `f` returns ok, rolled
  // back when it returns an error or throws. SQLite transactions start with
  // BEGIN IMMEDIATE (one writer at a time) and the whole transaction is
  // retried while the database is busy (another process writes), so `f` may
  // run more than once and should only touch the database and its own
  // outputs.
  template <class F>
  Status InTransaction(F&& f) {
    std::unique_lock<std::mutex> turn = WriterTurn();
    for (int attempt = 0;; ++attempt) {
      bool busy = false;
      Status status = With([&](Connection& connection) -> Status {
        try {
          connection.Begin();
          Status inner = f(connection);
          if (!inner.ok()) {
            connection.Rollback();
            return inner;
          }
          connection.Commit();
          return OkStatus();
        } catch (...) {
          busy = IsBusy();
          connection.Rollback();
          throw;
        }
      });
      if (status.ok() || !busy || attempt >= kBusyRetries) {
        space_.Observe(status);
        return status;
      }
    }
  }

  // NoSpace("database") while recent writes failed for lack of space (see
  // SpaceAlarm: a successful write or 30 s clear it); ok otherwise.
  Status SpaceStatus() const { return space_.Check(); }

  // The Status for the exception being handled (call only inside catch).
  static Status StatusFromCurrentException();

 private:
  static constexpr int kBusyRetries = 20;

  // A connection taken from the pool for one call, returned by the destructor.
  struct Lease {
    explicit Lease(Database& db);
    ~Lease();
    Database& db;
    Connection* connection;
  };

  Database(Dialect dialect, Env& env);

  // On SQLite, holds the in-process writer mutex; an empty lock on PostgreSQL
  // (row locks order its writers).
  std::unique_lock<std::mutex> WriterTurn();
  // True when the exception being handled is SQLite's "database is locked".
  static bool IsBusy();
  // True when the exception being handled means the connection is gone.
  static bool IsConnectionLost();

  Dialect dialect_;
  Env& env_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Connection*> idle_;  // guarded by pool_mu_
  std::mutex writer_mu_;
  SpaceAlarm space_{"database"};
};

}  // namespace incuera::internal
