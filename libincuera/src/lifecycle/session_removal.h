// RemoveSession with the count of files it removed, for the sweeps' counters.
#pragma once

#include <string>

#include "incuera/engine.h"
#include "incuera/status.h"

namespace incuera::internal {

struct SessionRemoval {
  bool removed = false;  // this call removed the row (RemoveSession's answer)
  int objects_removed = 0;
};

// RemoveSession (lifecycle.h), also saying how many files went.
Result<SessionRemoval> RemoveSessionCounted(Engine& engine, const std::string& session_id);

}  // namespace incuera::internal
