// Internals of the SOCI store shared by its repositories, the migrator, its
// job queue and the tests.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/store.h"
#include "store/database.h"

namespace incuera::internal {

// The Store of OpenStore() over `db`, which must outlive it: for tests that
// look at the database under a store.
std::unique_ptr<Store> NewSociStore(Database& db);

// One numbered schema change: `sql` is a plain SQL script.
struct Migration {
  int version = 0;
  std::string name;  // file name, e.g. "0001_init.sql"
  std::string sql;
};

// The migrations embedded at build time for `dialect`, in version order.
std::vector<Migration> EmbeddedMigrationList(Dialect dialect);

// Applies the migrations of `migrations` newer than the current schema
// version, in order, each in its own transaction together with its
// schema_migrations row. A failing migration is rolled back (the database
// stays at the previous version) and its error returned. Returns the number
// applied.
Result<int> ApplyMigrations(Database& db, const std::vector<Migration>& migrations);

// Highest applied migration version, 0 for an empty database.
Result<int> CurrentSchemaVersion(Database& db);

// SQL that writes the text parameter `:name` into a JSON column / reads a
// JSON column as text ("" for NULL), in the dialect of `db`.
std::string JsonIn(const Database& db, std::string_view name);
std::string JsonOut(const Database& db, std::string_view column);

// The elements of a stored JSON array chunk: the text between its brackets,
// trimmed ("" for an empty array). Internal error when `chunk` is not an
// array (stored chunks always are).
Result<std::string_view> ArrayElements(std::string_view chunk, std::int64_t seq);

// `elements` (as ArrayElements returns them) without its first `count`
// elements, trimmed. Strings and nesting are skipped over, not parsed. Internal
// error when it holds fewer than `count` elements.
Result<std::string_view> DropElements(std::string_view elements, std::int64_t count);

// Up to this many sessions matching the text filters, the list on
// PostgreSQL is their rows, sorted; past it, the project's sessions newest
// first, each checked, until a page is full. A text matched by few sessions
// takes few reads from the trigram index but a long walk (a page of 50 among
// 100 000 sessions with 750 matches: 6 700 sessions checked); one matched by
// many, the reverse (35 000 index matches to sort against 140 sessions
// walked). The costs cross near sqrt(page * sessions * 2) matches (a walked
// session costs about twice the reads of an index match): 3 200 for 100 000
// sessions; the bound is below that because past it the count has read that
// many matches for nothing. PostgreSQL's planner, left to choose, walked for
// a text it expected in 1 000 sessions (180 ms where the index took 50 ms).
// Used by the session list (sessions.cc).
constexpr int kFewTextMatches = 2000;

// Repository factories over one Database (which must outlive them).
std::unique_ptr<UserRepository> NewUserRepository(Database& db);
std::unique_ptr<ProjectRepository> NewProjectRepository(Database& db);
std::unique_ptr<ApiKeyRepository> NewApiKeyRepository(Database& db);
std::unique_ptr<SessionRepository> NewSessionRepository(Database& db);
std::unique_ptr<EventRepository> NewEventRepository(Database& db);
std::unique_ptr<AnalysisRepository> NewAnalysisRepository(Database& db);
std::unique_ptr<AuthTokenRepository> NewAuthTokenRepository(Database& db);
std::unique_ptr<QuotaRepository> NewQuotaRepository(Database& db);
std::unique_ptr<CounterRepository> NewCounterRepository(Database& db);
std::unique_ptr<NoteRepository> NewNoteRepository(Database& db);
std::unique_ptr<SavedFilterRepository> NewSavedFilterRepository(Database& db);
std::unique_ptr<SessionFactsRepository> NewSessionFactsRepository(Database& db);

// The job queue on the jobs table of `db` (which must outlive it and hold the
// schema of migrations/*/0001_init.sql): what Store::OpenQueue() returns.
std::unique_ptr<JobQueue> NewDbJobQueue(Database& db);

}  // namespace incuera::internal
