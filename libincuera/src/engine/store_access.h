// The Engine's database for the library's own areas (the HTTP routes, the
// worker, the lifecycle sweeps, the admin service) and for tests that set up
// or inspect rows beneath the admin service. Not a public header: shells and
// embedders reach users, projects, keys and sessions through Admin (admin.h).
#pragma once

#include "incuera/engine.h"
#include "incuera/store.h"

namespace incuera::internal {

// Engine's friend: the one way past its public surface.
class EngineAccess {
 public:
  static Store& StoreOf(Engine& engine) { return engine.store(); }
};

// The Engine's Store, valid while the Engine lives.
inline Store& StoreOf(Engine& engine) { return EngineAccess::StoreOf(engine); }

}  // namespace incuera::internal
