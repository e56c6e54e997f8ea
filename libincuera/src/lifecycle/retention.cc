#include <algorithm>

#include "incuera/lifecycle.h"
#include "incuera/store.h"

namespace incuera {
namespace {

constexpr int kPageSize = 200;
constexpr TimeMs kDayMs = 24LL * 3600 * 1000;

}  // namespace

Result<RetentionResult> ApplyRetention(Engine& engine, TimeMs now, int max_sessions) {
  RetentionResult result;
  Store& store = engine.store();
  INCUERA_ASSIGN_OR_RETURN(std::vector<Project> projects, store.projects().List(""));
  for (const Project& project : projects) {
    SessionFilter filter;
    filter.project_id = project.id;
    // Old by both clocks: recorded that long ago and stored here that long
    // ago. A recording imported with old times, or sent by a visitor whose
    // clock is months behind, is kept its full retention from its arrival.
    const TimeMs cutoff = now - project.settings.retention_days * kDayMs;
    filter.started_before = cutoff;
    filter.created_before = cutoff;
    while (true) {
      const int budget = max_sessions - static_cast<int>(result.sessions_removed);
      if (budget <= 0) {
        // Stopped at the bound: say whether anything expired is left.
        INCUERA_ASSIGN_OR_RETURN(Page<Session> left, store.sessions().List(filter, {"", 1}));
        result.more = result.more || !left.items.empty();
        if (result.more) return result;
        break;
      }
      // Always the first page: what this run removed is gone from it.
      INCUERA_ASSIGN_OR_RETURN(Page<Session> page,
                               store.sessions().List(filter, {"", std::min(budget, kPageSize)}));
      if (page.items.empty()) break;
      for (const Session& session : page.items) {
        INCUERA_ASSIGN_OR_RETURN(bool removed, RemoveSession(engine, session.id));
        if (removed) ++result.sessions_removed;
      }
    }
  }
  return result;
}

}  // namespace incuera
