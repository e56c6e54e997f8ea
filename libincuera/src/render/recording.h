// The parts of an rrweb recording the renderer needs, read once.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/status.h"
#include "rrweb/events.h"

namespace incuera::internal {

// The largest viewport side a render lays out (a 4K screen's long side,
// rounded up): 8000x8000 would cost ~0.5 GiB and seconds per frame.
inline constexpr int kMaxViewportSide = 4096;

// A recorded mouse position, in page viewport pixels at session time t_ms.
struct MousePoint {
  int64_t t_ms;
  double x, y;
};

// A moment worth a keyframe (what counts as each kind: rrweb/events.h).
struct Moment {
  int64_t t_ms;
  MomentKind kind;
};

// Times are session times: milliseconds since the first event.
struct Recording {
  // Sorted by timestamp, as handed to the Replayer. Its values live in an
  // arena shared with copies of the array, freed with the last of them.
  boost::json::array events;
  int viewport_width = 0;  // from the first Meta event, at most kMaxViewportSide
  int viewport_height = 0;
  int64_t first_snapshot_ms = 0;        // the first full snapshot
  int64_t duration_ms = 0;              // the last event
  std::vector<int64_t> change_times;    // events that may change what the page shows
  std::vector<int64_t> activity_times;  // every event and mouse sample, sorted
  std::vector<MousePoint> mouse;        // sorted by time
  std::vector<int64_t> clicks;
  std::vector<Moment> moments;  // sorted by time
};

// Parses a JSON array of rrweb events, nested up to kMaxJsonDepth (as ingest
// accepts). InvalidArgument, with the reason, for malformed JSON, events without a numeric
// type/timestamp, or a recording without a Meta event (viewport) or a full snapshot.
Result<Recording> ParseRecording(std::string_view events_json);

}  // namespace incuera::internal
