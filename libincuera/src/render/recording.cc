#include "render/recording.h"

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>

#include "rrweb/event_json.h"

namespace incuera::internal {
namespace {

namespace json = boost::json;

int64_t IntField(const json::object& o, std::string_view key, int64_t fallback = -1) {
  return AsInt(Field(o, key), fallback);
}

bool Number(const json::object& o, std::string_view key, double& out) {
  const json::value* v = Field(o, key);
  if (!IsNumber(v)) return false;
  out = AsNumber(v);
  return true;
}

// Adds what one incremental event contributes.
void ReadIncremental(const json::object& data, int64_t t, Recording& r) {
  const int64_t source = IntField(data, "source");
  switch (AsSource(source)) {
    case IncrementalSource::kMouseMove:
    case IncrementalSource::kTouchMove:
    case IncrementalSource::kDrag:
      if (const json::array* positions = AsArray(Field(data, "positions"))) {
        for (const json::value& p : *positions) {
          if (!p.is_object()) continue;
          MousePoint point{t + IntField(p.get_object(), "timeOffset", 0), 0, 0};
          if (Number(p.get_object(), "x", point.x) && Number(p.get_object(), "y", point.y)) {
            r.mouse.push_back(point);
            r.activity_times.push_back(point.t_ms);
          }
        }
      }
      return;
    default:
      break;
  }
  r.change_times.push_back(t);
  if (AsSource(source) == IncrementalSource::kMouseInteraction) {
    MousePoint point{t, 0, 0};
    if (Number(data, "x", point.x) && Number(data, "y", point.y)) r.mouse.push_back(point);
    if (IsClick(source, IntField(data, "type"))) {
      r.clicks.push_back(t);
      r.moments.push_back({t, MomentKind::kClick});
    }
  } else if (IsInput(source)) {
    r.moments.push_back({t, MomentKind::kInput});
  }
}

}  // namespace

Result<Recording> ParseRecording(std::string_view events_json) {
  // The events live as long as the Recording; one arena holds them all and
  // frees them at once.
  json::storage_ptr arena = json::make_shared_resource<json::monotonic_resource>();
  INCUERA_ASSIGN_OR_RETURN(json::value root, ParseEventJson(events_json, "recording", arena));
  if (!root.is_array()) return InvalidArgument("recording must be a JSON array of rrweb events");
  Recording r;
  // Moving between arrays of the same storage hands the elements over;
  // between different ones it would copy them.
  r.events = json::array(arena);
  r.events = std::move(root.get_array());
  for (const json::value& e : r.events) {
    if (!e.is_object() || IntField(e.get_object(), "type") < 0 ||
        IntField(e.get_object(), "timestamp") < 0) {
      return InvalidArgument("every rrweb event needs a numeric type and timestamp");
    }
  }
  if (r.events.empty()) return InvalidArgument("recording has no events");
  std::stable_sort(
      r.events.begin(), r.events.end(), [](const json::value& a, const json::value& b) {
        return IntField(a.get_object(), "timestamp") < IntField(b.get_object(), "timestamp");
      });

  const int64_t start = IntField(r.events.front().get_object(), "timestamp");
  bool has_snapshot = false;
  for (const json::value& e : r.events) {
    const json::object& event = e.get_object();
    const int64_t t = IntField(event, "timestamp") - start;
    const int64_t type = IntField(event, "type");
    static const json::object kEmpty;
    const json::object* d = AsObject(Field(event, "data"));
    const json::object& data = d != nullptr ? *d : kEmpty;
    r.duration_ms = t;
    r.activity_times.push_back(t);
    if (IsPageLoad(type)) {
      if (r.viewport_width == 0) {
        // The browser lays out and paints the whole viewport on every
        // frame: a recording may claim any size, so it is held to the
        // largest real screens.
        r.viewport_width =
            static_cast<int>(std::clamp<int64_t>(IntField(data, "width", 0), 0, kMaxViewportSide));
        r.viewport_height =
            static_cast<int>(std::clamp<int64_t>(IntField(data, "height", 0), 0, kMaxViewportSide));
      } else {
        r.moments.push_back({t, MomentKind::kNavigation});
      }
      r.change_times.push_back(t);
    } else if (AsEventType(type) == EventType::kFullSnapshot) {
      if (!has_snapshot) r.first_snapshot_ms = t;
      has_snapshot = true;
      r.change_times.push_back(t);
    } else if (AsEventType(type) == EventType::kIncrementalSnapshot) {
      ReadIncremental(data, t, r);
    } else if (ClassifyError(event) != ErrorKind::kNone) {
      r.moments.push_back({t, MomentKind::kError});
      // A capture right after the error, so its keyframe shows the page as
      // it was when the error happened.
      r.change_times.push_back(t);
    }
  }
  if (r.viewport_width <= 0 || r.viewport_height <= 0) {
    return InvalidArgument("recording has no Meta event with the viewport width and height");
  }
  if (!has_snapshot) return InvalidArgument("recording has no full snapshot (rrweb event type 2)");
  auto by_time = [](const auto& a, const auto& b) { return a.t_ms < b.t_ms; };
  std::stable_sort(r.mouse.begin(), r.mouse.end(), by_time);
  std::stable_sort(r.moments.begin(), r.moments.end(), by_time);
  std::sort(r.activity_times.begin(), r.activity_times.end());
  return r;
}

}  // namespace incuera::internal
