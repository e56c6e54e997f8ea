// The two things the store needs that SOCI 4.0 (Debian 12 ships 4.0.3) has
// no public call for, done on the native SQLite / libpq handles its backends
// expose. Everything else in the store goes through SOCI's public API.
#pragma once

#include <soci/soci.h>

#include <string>

#include "store/database.h"

namespace incuera::internal {

// Called after each run of a kept prepared statement. On SQLite it resets
// the statement and clears its bindings: a stepped but unreset statement
// keeps its read transaction (and an old snapshot) open on the connection,
// and SOCI resets only at the start of the next run. On PostgreSQL it frees
// the statement's last result: the row was copied into the into() elements,
// and a kept statement would otherwise hold it (a chunk's payload) until its
// next run. SOCI's only public way, statement::clean_up(), also finalizes
// the statement, which would undo the cache.
void ResetStatement(Dialect dialect, soci::statement& statement) noexcept;

// Runs `script`, several SQL statements without parameters (a migration).
// SOCI cannot: SQLite's prepare compiles only the first statement of a text,
// and SOCI rewrites every ":name" of a text into a placeholder, even inside
// string literals. Throws soci::soci_error (the backend's subclass, with its
// error code or SQLSTATE) when a statement fails.
void ExecScript(Dialect dialect, soci::session& sql, const std::string& script);

}  // namespace incuera::internal
