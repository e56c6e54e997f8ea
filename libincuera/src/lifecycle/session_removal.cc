#include "core/session_files.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/store.h"

namespace incuera {

std::string SessionObjectPrefix(std::string_view session_id) {
  return internal::SessionFiles(session_id).prefix();
}

Result<bool> RemoveSession(Engine& engine, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(engine.objects().DeletePrefix(SessionObjectPrefix(session_id)).status());
  Status deleted = engine.store().sessions().Delete(session_id);  // cascades to chunks, analysis
  if (deleted.code() == StatusCode::kNotFound) return false;
  INCUERA_RETURN_IF_ERROR(deleted);
  return true;
}

}  // namespace incuera
