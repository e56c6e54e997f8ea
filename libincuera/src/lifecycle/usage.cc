#include "engine/store_access.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/store.h"

namespace incuera {

Status RecordObjectBytes(Engine& engine, const std::string& session_id) {
  std::int64_t bytes = 0;
  std::string token;
  do {
    INCUERA_ASSIGN_OR_RETURN(ObjectListing page,
                             engine.objects().List(SessionObjectPrefix(session_id), token, 1000));
    for (const ObjectEntry& object : page.objects) bytes += object.size;
    token = page.next_token;
  } while (!token.empty());
  return internal::StoreOf(engine).sessions().SetObjectBytes(session_id, bytes);
}

}  // namespace incuera
