#include "lifecycle/session_removal.h"

#include "core/session_files.h"
#include "engine/store_access.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/store.h"

namespace incuera {

std::string SessionObjectPrefix(std::string_view session_id) {
  return internal::SessionFiles(session_id).prefix();
}

namespace internal {

Result<SessionRemoval> RemoveSessionCounted(Engine& engine, const std::string& session_id) {
  SessionRemoval removal;
  INCUERA_ASSIGN_OR_RETURN(removal.objects_removed,
                           engine.objects().DeletePrefix(SessionObjectPrefix(session_id)));
  Status deleted =
      internal::StoreOf(engine).sessions().Delete(session_id);  // cascades to chunks, analysis
  if (deleted.code() == StatusCode::kNotFound) return removal;
  INCUERA_RETURN_IF_ERROR(deleted);
  removal.removed = true;
  return removal;
}

}  // namespace internal

Result<bool> RemoveSession(Engine& engine, const std::string& session_id) {
  INCUERA_ASSIGN_OR_RETURN(internal::SessionRemoval removal,
                           internal::RemoveSessionCounted(engine, session_id));
  return removal.removed;
}

}  // namespace incuera
