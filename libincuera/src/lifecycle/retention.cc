#include <algorithm>

#include "engine/store_access.h"
#include "incuera/lifecycle.h"
#include "incuera/store.h"
#include "lifecycle/session_removal.h"

namespace incuera {
namespace {

constexpr int kPageSize = 200;
constexpr TimeMs kDayMs = 24LL * 3600 * 1000;

// Adds what `removed` counts since `counted` to the store's counters.
Status Count(Store& store, const RetentionResult& removed, RetentionResult& counted) {
  if (removed.sessions_removed > counted.sessions_removed) {
    INCUERA_RETURN_IF_ERROR(
        store.counters().Add(std::string(kRetentionSessionsCounter),
                             removed.sessions_removed - counted.sessions_removed));
  }
  if (removed.objects_removed > counted.objects_removed) {
    INCUERA_RETURN_IF_ERROR(store.counters().Add(
        std::string(kRetentionObjectsCounter), removed.objects_removed - counted.objects_removed));
  }
  counted = removed;
  return OkStatus();
}

// Removes one page of `filter`'s sessions, counting what went into `result`.
Status RemovePage(Engine& engine, const Page<Session>& page, RetentionResult& result) {
  for (const Session& session : page.items) {
    INCUERA_ASSIGN_OR_RETURN(internal::SessionRemoval removal,
                             internal::RemoveSessionCounted(engine, session.id));
    if (removal.removed) ++result.sessions_removed;
    result.objects_removed += removal.objects_removed;
  }
  return OkStatus();
}

}  // namespace

Result<RetentionResult> ApplyRetention(Engine& engine, TimeMs now, int max_sessions) {
  RetentionResult result, counted;
  Store& store = internal::StoreOf(engine);
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
        if (result.more) {
          INCUERA_RETURN_IF_ERROR(Count(store, result, counted));
          return result;
        }
        break;
      }
      // Always the first page: what this run removed is gone from it.
      INCUERA_ASSIGN_OR_RETURN(Page<Session> page,
                               store.sessions().List(filter, {"", std::min(budget, kPageSize)}));
      if (page.items.empty()) break;
      Status removed = RemovePage(engine, page, result);
      // What was removed is counted even when the page stopped half-way.
      INCUERA_RETURN_IF_ERROR(Count(store, result, counted));
      INCUERA_RETURN_IF_ERROR(removed);
    }
    // Sampling decisions of visits as old as the sessions removed.
    INCUERA_RETURN_IF_ERROR(store.sessions().DeleteUnsampledBefore(project.id, cutoff).status());
  }
  return result;
}

}  // namespace incuera
