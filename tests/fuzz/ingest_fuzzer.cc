// libFuzzer target for everything that reads untrusted ingest bytes: the
// batch parser, the small request bodies and gzip inflation. Besides memory
// errors (ASan) it checks the batch parser's output invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "incuera/ingest.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);

  incuera::IngestLimits limits;
  limits.max_events = 1000;
  incuera::Result<incuera::ParsedBatch> batch = incuera::ParseIngestBody(body, limits);
  if (batch.ok()) {
    std::string_view events = batch->events_json;
    Check(events.size() >= 2 && events.front() == '[' && events.back() == ']');
    Check(events.data() >= body.data() && events.data() + events.size() <= body.data() + size);
    Check(incuera::ValidateSessionId(batch->session_id).ok());
    std::int64_t typed = 0;
    for (std::int64_t n : batch->type_counts) typed += n;
    Check(typed <= batch->event_count && batch->page_count == batch->type_counts[4]);
    Check(batch->error_count <= batch->type_counts[5] + batch->type_counts[6]);
    Check(batch->first_ts <= batch->last_ts);
  }

  (void)incuera::ParseStartBody(body);
  (void)incuera::ParseEndBody(body);
  (void)incuera::ParseHeartbeatBody(body);

  incuera::Result<std::string> inflated = incuera::InflateGzip(body, 1 << 16);
  if (inflated.ok()) Check(inflated->size() <= (1u << 16));
  return 0;
}
