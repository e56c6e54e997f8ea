#include "store/soci_native.h"

#include <soci/sqlite3/soci-sqlite3.h>
#ifdef INCUERA_WITH_POSTGRES
#include <soci/postgresql/soci-postgresql.h>
#endif

namespace incuera::internal {

void ResetStatement(Dialect dialect, soci::statement& statement) noexcept {
  if (dialect == Dialect::kSqlite) {
    auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement.get_backend());
    sqlite_api::sqlite3_reset(backend->stmt_);
    sqlite_api::sqlite3_clear_bindings(backend->stmt_);
    return;
  }
#ifdef INCUERA_WITH_POSTGRES
  static_cast<soci::postgresql_statement_backend*>(statement.get_backend())->result_.reset();
#endif
}

void ExecScript(Dialect dialect, soci::session& sql, const std::string& script) {
  // No backend after a reconnect that failed: the same error SOCI raises.
  if (sql.get_backend() == nullptr) throw soci::soci_error("Session is not connected.");
  if (dialect == Dialect::kSqlite) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    char* error = nullptr;
    int rc = sqlite_api::sqlite3_exec(backend->conn_, script.c_str(), nullptr, nullptr, &error);
    if (rc != 0) {
      std::string message = error ? error : "script failed";
      sqlite_api::sqlite3_free(error);
      throw soci::sqlite3_soci_error(message, rc);
    }
    return;
  }
#ifdef INCUERA_WITH_POSTGRES
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  PGresult* result = PQexec(backend->conn_, script.c_str());
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

}  // namespace incuera::internal
