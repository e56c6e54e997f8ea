// A session's events as one JSON array, joined from its stored chunks.
#include <algorithm>
#include <cmath>

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

Result<std::string_view> DropElements(std::string_view elements, std::int64_t count) {
  std::size_t at = 0;
  for (std::int64_t dropped = 0; dropped < count; ++dropped) {
    if (at >= elements.size()) return Internal("a stored chunk holds fewer events than it counts");
    int depth = 0;
    bool in_string = false;
    for (; at < elements.size(); ++at) {
      char c = elements[at];
      if (in_string) {
        if (c == '\\') {
          ++at;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if (c == ']' || c == '}') {
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    if (at < elements.size()) ++at;  // past the comma
  }
  return Trim(elements.substr(std::min(at, elements.size())));
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
  std::int64_t next_event = 0;  // the first event not in a page yet
  auto open_page = [&] {
    EventPage page;
    page.index = static_cast<int>(pages.size());
    page.first_event = next_event;
    pages.push_back(page);
  };
  for (const ChunkInfo& chunk : chunks) {
    const double bytes_per_event =
        chunk.event_count > 0 ? static_cast<double>(chunk.raw_bytes) / chunk.event_count : 0;
    std::int64_t events_left = chunk.event_count;
    std::int64_t bytes_left = chunk.raw_bytes;
    while (events_left > 0) {
      if (pages.empty()) open_page();
      const std::int64_t budget = pages.back().index == 0 ? kFirstEventPageBytes : kEventPageBytes;
      const std::int64_t room = budget - pages.back().raw_bytes;
      std::int64_t take = events_left;
      if (bytes_left > room) {
        // What does not fit starts a page of its own, and is cut only when
        // it does not fit a whole page either.
        if (pages.back().event_count > 0) {
          open_page();
          continue;
        }
        take = std::clamp<std::int64_t>(static_cast<std::int64_t>(room / bytes_per_event), 1,
                                        events_left);
      }
      const std::int64_t bytes = take == events_left
                                     ? bytes_left
                                     : std::llround(static_cast<double>(take) * bytes_per_event);
      EventPage& page = pages.back();
      page.event_count += take;
      page.raw_bytes += bytes;
      if (chunk.first_ts > 0 && (page.first_ts == 0 || chunk.first_ts < page.first_ts)) {
        page.first_ts = chunk.first_ts;
      }
      page.last_ts = std::max(page.last_ts, chunk.last_ts);
      events_left -= take;
      bytes_left -= bytes;
      next_event += take;
    }
  }
  return pages;
}

Status StreamSessionEventsRange(Store& store, const std::string& session_id,
                                std::int64_t first_event, std::int64_t count,
                                const std::function<Status(std::string_view)>& sink) {
  if (first_event < 0 || count < 0) {
    return InvalidArgument("an event range starts at 0 or later and holds 0 or more events");
  }
  INCUERA_RETURN_IF_ERROR(store.sessions().Get(session_id).status());
  return StreamArray(
      [&](const auto& visit) {
        return store.events().ForEachInRange(session_id, first_event, count, visit);
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
