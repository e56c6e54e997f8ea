// Start here. An Engine is one running Incuera: its database, job queue,
// object store, auth and ingest services, all opened from one Options.
//
//   incuera::Options options;                 // embedded defaults
//   auto engine = incuera::Engine::Open(options);
//   if (!engine.ok()) { ... engine.status() ... }
//   (*engine)->ingest().Ingest(...);
//
// Runners that drive an Engine live in their own headers: the HTTP routes
// (http.h), the job worker (worker.h), the admin commands (cli_commands.h).
// Users, projects, keys and sessions are reached through the admin service
// (admin.h; a trusted shell calls it as Principal::System()), never through
// the database directly, so every shell follows the same rules.
// Several Engines may be open in one process (tests do); nothing is global.
// An Engine is thread-safe; it must outlive everything obtained from it.
#pragma once

#include <memory>
#include <string_view>

#include "incuera/options.h"
#include "incuera/status.h"

namespace incuera {

class Env;
class Store;
class JobQueue;
class ObjectStore;
class Auth;
class IngestService;
class Quotas;

namespace internal {
class EngineAccess;
}  // namespace internal

// One running Incuera: owns the backends and services opened from Options
// and hands out references to its services (valid while the Engine lives).
// The database is not handed out: the admin service (admin.h) is the one
// way to users, projects, keys and sessions.
class Engine {
 public:
  // Opens every backend named in `options`, applies pending migrations when
  // options.auto_migrate, and loads or creates the secret key. Errors:
  // InvalidArgument for a malformed URL, Unavailable when a backend cannot be
  // reached, Unimplemented when a backend was compiled out.
  static Result<std::unique_ptr<Engine>> Open(const Options& options);

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const Options& options() const;
  // options.env, or Env::Default() when it names none.
  Env& env();
  // The database backend's name: "sqlite" or "postgresql".
  std::string_view database_backend();
  JobQueue& queue();
  ObjectStore& objects();
  Auth& auth();
  IngestService& ingest();
  // Per-project quotas (quota.h), with options().quotas as the defaults.
  Quotas& quotas();

 private:
  // The library's own areas (routes, worker, lifecycle, admin) reach the
  // Store through internal::EngineAccess (libincuera/src/engine).
  friend class internal::EngineAccess;
  Store& store();

  struct Parts;
  explicit Engine(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace incuera
