// A session's events as one JSON array, joined from its stored chunks.
#include <algorithm>

#include "core/text.h"
#include "incuera/store.h"
#include "store/store_internal.h"

namespace incuera {
namespace internal {

Result<std::string_view> ArrayElements(std::string_view chunk, std::int64_t seq) {
  std::string_view body = Trim(chunk);
  if (body.size() < 2 || body.front() != '[' || body.back() != ']') {
    return Internal("stored chunk " + std::to_string(seq) + " is not a JSON array");
  }
  return Trim(body.substr(1, body.size() - 2));
}

}  // namespace internal

namespace {

// Passes the elements of each visited chunk to `sink` as one JSON array.
using ChunkWalk = std::function<Status(const std::function<Status(const EventChunk&)>&)>;
Status StreamArray(const ChunkWalk& walk, const std::function<Status(std::string_view)>& sink) {
  INCUERA_RETURN_IF_ERROR(sink("["));
  bool first = true;
  INCUERA_RETURN_IF_ERROR(walk([&](const EventChunk& chunk) {
    INCUERA_ASSIGN_OR_RETURN(std::string_view inner,
                             internal::ArrayElements(chunk.payload, chunk.seq));
    if (inner.empty()) return OkStatus();
    if (!first) INCUERA_RETURN_IF_ERROR(sink(","));
    first = false;
    return sink(inner);
  }));
  return sink("]");
}

}  // namespace

Status StreamSessionEventsJson(Store& store, const std::string& session_id,
                               const std::function<Status(std::string_view)>& sink) {
  INCUERA_RETURN_IF_ERROR(store.sessions().Get(session_id).status());
  return StreamArray([&](const auto& visit) { return store.events().ForEach(session_id, visit); },
                     sink);
}

Result<std::vector<EventPage>> ListSessionEventPages(Store& store, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(store.sessions().Get(session_id).status());
  INCUERA_ASSIGN_OR_RETURN(std::vector<ChunkInfo> chunks, store.events().ListChunks(session_id));
  std::vector<EventPage> pages;
  for (const ChunkInfo& chunk : chunks) {
    if (pages.empty() || pages.back().raw_bytes + chunk.raw_bytes > kEventPageBytes) {
      EventPage page;
      page.index = static_cast<int>(pages.size());
      page.first_seq = chunk.seq;
      pages.push_back(page);
    }
    EventPage& page = pages.back();
    page.last_seq = chunk.seq;
    page.event_count += chunk.event_count;
    page.raw_bytes += chunk.raw_bytes;
    if (chunk.first_ts > 0 && (page.first_ts == 0 || chunk.first_ts < page.first_ts)) {
      page.first_ts = chunk.first_ts;
    }
    page.last_ts = std::max(page.last_ts, chunk.last_ts);
  }
  return pages;
}

Status StreamSessionEventsPage(Store& store, const std::string& session_id, int page,
                               const std::function<Status(std::string_view)>& sink) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<EventPage> pages, ListSessionEventPages(store, session_id));
  if (page < 0 || page >= static_cast<int>(pages.size())) {
    return NotFound("no page " + std::to_string(page) + "; the session has " +
                    std::to_string(pages.size()) + " pages");
  }
  const EventPage& wanted = pages[page];
  return StreamArray(
      [&](const auto& visit) {
        return store.events().ForEachInRange(session_id, wanted.first_seq, wanted.last_seq, visit);
      },
      sink);
}

Result<std::string> ReadSessionEventsJson(Store& store, const std::string& session_id) {
  std::string out;
  INCUERA_RETURN_IF_ERROR(StreamSessionEventsJson(store, session_id, [&](std::string_view piece) {
    out += piece;
    return OkStatus();
  }));
  return out;
}

}  // namespace incuera
