// The database layer under the SOCI store and the db job queue: a pool of
// connections to one SQLite file or PostgreSQL database, each with its cache
// of prepared statements, and helpers that run code on a leased connection
// and turn every exception into a Status.
#pragma once

#include <soci/soci.h>

#include <condition_variable>
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
#include "incuera/status.h"

namespace incuera::internal {

// The SQL flavour of a Database; the few statements that differ switch on it.
enum class Dialect { kSqlite, kPostgres };

// One open connection and the statements prepared on it. Used by one thread
// at a time (the one that leased it from the Database).
class Connection {
 public:
  explicit Connection(Dialect dialect) : dialect_(dialect) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  soci::session& session() { return session_; }

  // What one Run() did.
  struct Executed {
    bool got_data = false;  // a row was fetched into the into() elements
    long long affected_rows = 0;
  };

  // Executes `sql` with `elements` (soci::use / soci::into, bound in that
  // order) through a statement prepared the first time this connection sees
  // the text and kept until it is reopened: the hot statements are parsed
  // once per connection instead of once per call (on PostgreSQL a one-shot
  // prepared statement also costs a PREPARE and a DEALLOCATE round trip).
  // Only for statements whose text is fixed, so the cache stays small; fetches
  // at most one row. Throws soci::soci_error like any SOCI call.
  template <class... Elements>
  Executed Run(std::string_view sql, Elements&&... elements) {
    return Execute(
        sql, [&](soci::statement& st) { (st.exchange(std::forward<Elements>(elements)), ...); });
  }

  // Like Run, with the elements added by `bind(soci::statement&)` (for rows
  // of many columns).
  template <class Bind>
  Executed Execute(std::string_view sql, Bind&& bind) {
    soci::statement& st = Prepared(sql);
    ReleaseGuard release{*this, st};
    std::forward<Bind>(bind)(st);
    st.define_and_bind();
    Executed out;
    out.got_data = st.execute(true);
    out.affected_rows = st.get_affected_rows();
    return out;
  }

  // Drops the prepared statements and reopens the connection after it was
  // lost, ignoring failures (the next call reports them).
  void Reconnect();

  // True when the connection to the server is gone (PostgreSQL): also after a
  // Reconnect that failed because the server was still down, when the next
  // errors come from the client library without an SQLSTATE.
  bool Lost() noexcept;

 private:
  // Unbinds a statement after Run and, on SQLite, resets it: a stepped but
  // unreset statement would keep its read transaction (and an old snapshot)
  // open on the connection.
  struct ReleaseGuard {
    Connection& connection;
    soci::statement& statement;
    ~ReleaseGuard() { connection.Release(statement); }
  };

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  soci::statement& Prepared(std::string_view sql);
  void Release(soci::statement& statement) noexcept;

  Dialect dialect_;
  soci::session session_;
  // Declared after session_, so destroyed before it: SQLite refuses to close
  // a connection that still has prepared statements.
  std::unordered_map<std::string, std::unique_ptr<soci::statement>, TextHash, std::equal_to<>>
      prepared_;
};

// A fixed-size pool of open connections. Thread-safe: every With/Write/
// InTransaction call leases one connection for its duration (blocking while
// all are busy).
class Database {
 public:
  // Opens `pool_size` connections for "sqlite://<path>" (":memory:" forces a
  // pool of one; parent directories are created) or "postgresql://..." /
  // "postgres://...". SQLite connections run in WAL mode with
  // busy_timeout=5000, foreign_keys=ON and synchronous=NORMAL.
  // InvalidArgument for an unknown scheme, Unimplemented when PostgreSQL was
  // compiled out, Unavailable when the database cannot be opened.
  static Result<std::unique_ptr<Database>> Open(const std::string& url, int pool_size);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }
  // "sqlite" or "postgresql".
  std::string_view backend() const {
    return dialect_ == Dialect::kSqlite ? "sqlite" : "postgresql";
  }

  // Runs `f` on a leased connection; `f` takes a soci::session& or a
  // Connection& (for Connection::Run) and returns a Status. Exceptions become
  // a Status: unique violation AlreadyExists, foreign key violation NotFound,
  // check violation InvalidArgument, lost connection or a locked SQLite
  // database Unavailable, a full disk (SQLITE_FULL, PostgreSQL's disk_full)
  // NoSpace("database") with a retry hint, anything else Internal.
  // Messages never contain SQL text.
  template <class F>
  Status With(F&& f) {
    try {
      Lease lease(*this);
      try {
        if constexpr (std::is_invocable_v<F, Connection&>) {
          return std::forward<F>(f)(*lease.connection);
        } else {
          return std::forward<F>(f)(lease.connection->session());
        }
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
  // outputs. `f` takes a soci::session& or a Connection&.
  template <class F>
  Status InTransaction(F&& f) {
    std::unique_lock<std::mutex> turn = WriterTurn();
    for (int attempt = 0;; ++attempt) {
      bool busy = false;
      Status status = With([&](Connection& connection) -> Status {
        soci::session& session = connection.session();
        try {
          Begin(session);
          Status inner;
          if constexpr (std::is_invocable_v<F, Connection&>) {
            inner = f(connection);
          } else {
            inner = f(session);
          }
          if (!inner.ok()) {
            Rollback(session);
            return inner;
          }
          session << "COMMIT";
          return OkStatus();
        } catch (...) {
          busy = IsBusy();
          Rollback(session);
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

  // Runs a script of several SQL statements without parameters on `session`
  // (migrations). Throws soci::soci_error like any SOCI call.
  void ExecScript(soci::session& session, const std::string& sql);

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

  explicit Database(Dialect dialect);

  // On SQLite, holds the in-process writer mutex; an empty lock on PostgreSQL
  // (row locks order its writers).
  std::unique_lock<std::mutex> WriterTurn();
  // Starts a transaction in the dialect's way (throws on failure).
  void Begin(soci::session& session);
  // Rolls back, ignoring errors (the connection may already be gone).
  static void Rollback(soci::session& session);
  // True when the exception being handled is SQLite's "database is locked".
  static bool IsBusy();
  // True when the exception being handled means the connection is gone.
  static bool IsConnectionLost();

  Dialect dialect_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Connection*> idle_;  // guarded by pool_mu_
  std::mutex writer_mu_;
  SpaceAlarm space_{"database"};
};

}  // namespace incuera::internal
