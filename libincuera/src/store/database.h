// The database layer under the SOCI store and the db job queue: a pool of
// connections to one SQLite file or PostgreSQL database, and helpers that
// run code on a leased connection and turn every exception into a Status.
#pragma once

#include <soci/soci.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "incuera/status.h"

namespace incuera::internal {

// The SQL flavour of a Database; the few statements that differ switch on it.
enum class Dialect { kSqlite, kPostgres };

// A fixed-size pool of open connections. Thread-safe: every With/InTransaction
// call leases one connection for its duration (blocking while all are busy).
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

  // Runs `f(soci::session&)` (which returns a Status) on a leased connection.
  // Exceptions become a Status: unique violation AlreadyExists, foreign key
  // violation NotFound, check violation InvalidArgument, lost connection or
  // a locked SQLite database Unavailable, anything else Internal. Messages
  // never contain SQL text.
  template <class F>
  Status With(F&& f) {
    try {
      soci::session session(*pool_);
      try {
        return std::forward<F>(f)(session);
      } catch (...) {
        if (IsConnectionLost()) Reconnect(session);
        return StatusFromCurrentException();
      }
    } catch (...) {
      return StatusFromCurrentException();
    }
  }

  // Like With, inside one transaction: committed when `f` returns ok, rolled
  // back when it returns an error or throws. SQLite transactions start with
  // BEGIN IMMEDIATE (one writer at a time) and the whole transaction is
  // retried while the database is busy, so `f` may run more than once and
  // should only touch the database and its own outputs.
  template <class F>
  Status InTransaction(F&& f) {
    for (int attempt = 0;; ++attempt) {
      bool busy = false;
      Status status = With([&](soci::session& session) -> Status {
        try {
          Begin(session);
          Status inner = f(session);
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
      if (status.ok() || !busy || attempt >= kBusyRetries) return status;
    }
  }

  // Runs a script of several SQL statements without parameters on `session`
  // (migrations). Throws soci::soci_error like any SOCI call.
  void ExecScript(soci::session& session, const std::string& sql);

  // The Status for the exception being handled (call only inside catch).
  static Status StatusFromCurrentException();

 private:
  static constexpr int kBusyRetries = 20;

  Database(Dialect dialect, std::unique_ptr<soci::connection_pool> pool)
      : dialect_(dialect), pool_(std::move(pool)) {}

  // Starts a transaction in the dialect's way (throws on failure).
  void Begin(soci::session& session);
  // Rolls back, ignoring errors (the connection may already be gone).
  static void Rollback(soci::session& session);
  // Reopens a connection after a connection error, ignoring failures.
  static void Reconnect(soci::session& session);
  // True when the exception being handled is SQLite's "database is locked".
  static bool IsBusy();
  // True when the exception being handled means the connection is gone.
  static bool IsConnectionLost();

  Dialect dialect_;
  std::unique_ptr<soci::connection_pool> pool_;
};

}  // namespace incuera::internal
