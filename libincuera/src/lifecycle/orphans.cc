// The orphan sweep: files under sessions/<id>/ whose session row is gone.
// The listing is in key order, so a session's files come together; each
// session id met is looked up once per run.
#include <algorithm>
#include <map>

#include "engine/store_access.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/store.h"

namespace incuera {
namespace {

constexpr std::string_view kSessionsPrefix = "sessions/";
constexpr int kListPage = 1000;

// The session id of a key "sessions/<id>/…", or "" for any other key.
std::string SessionIdOf(const std::string& key) {
  std::string_view rest = std::string_view(key).substr(kSessionsPrefix.size());
  std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "";
  std::string_view id = rest.substr(0, slash);
  return IsUuid(id) ? std::string(id) : "";
}

}  // namespace

Result<OrphanSweepResult> SweepOrphanObjects(Engine& engine, TimeMs now, const std::string& cursor,
                                             const OrphanSweepOptions& options) {
  OrphanSweepResult result;
  result.cursor = cursor;
  const TimeMs settled_before = now - options.grace.count();
  // The newest file seen of each session id met in this run.
  std::map<std::string, TimeMs> newest;
  for (int listed = 0; listed < options.max_listed;) {
    int limit = std::min(kListPage, options.max_listed - listed);
    INCUERA_ASSIGN_OR_RETURN(ObjectListing page, engine.objects().List(std::string(kSessionsPrefix),
                                                                       result.cursor, limit));
    listed += static_cast<int>(page.objects.size());
    for (const ObjectEntry& object : page.objects) {
      std::string id = SessionIdOf(object.key);
      if (id.empty()) continue;
      TimeMs& at = newest[id];
      at = std::max(at, object.modified_at);
    }
    result.cursor = page.next_token;
    if (result.cursor.empty()) break;
  }
  Status status;
  for (const auto& [id, modified_at] : newest) {
    if (modified_at >= settled_before) continue;  // maybe still being written
    Result<Session> row = internal::StoreOf(engine).sessions().Get(id);
    if (row.ok()) continue;
    if (row.status().code() != StatusCode::kNotFound) {
      status = row.status();
      break;
    }
    Result<int> deleted = engine.objects().DeletePrefix(SessionObjectPrefix(id));
    if (!deleted.ok()) {
      status = deleted.status();
      break;
    }
    result.objects_removed += *deleted;
    if (*deleted > 0) ++result.sessions_cleared;
  }
  // Counted even when the run stopped half-way: what went, went.
  if (result.objects_removed > 0) {
    INCUERA_RETURN_IF_ERROR(internal::StoreOf(engine).counters().Add(
        std::string(kOrphanObjectsCounter), result.objects_removed));
  }
  INCUERA_RETURN_IF_ERROR(status);
  return result;
}

}  // namespace incuera
