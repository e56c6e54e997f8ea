#include "queue/queue_internal.h"

namespace incuera::internal {

Result<std::unique_ptr<JobQueue>> OpenDbJobQueue(Store&) {
  return Unimplemented("the db job queue waits for the store's Database handle");
}

}  // namespace incuera::internal
