#include "render/recording.h"

#include <algorithm>

namespace incuera::internal {
namespace {

namespace json = boost::json;

// rrweb's EventType and IncrementalSource values.
constexpr int64_t kFullSnapshot = 2, kIncremental = 3, kMeta = 4, kCustom = 5, kPlugin = 6;
constexpr int64_t kMouseMove = 1, kMouseInteraction = 2, kInput = 5, kTouchMove = 6, kDrag = 12;
constexpr int64_t kClick = 2;

int64_t IntField(const json::object& o, std::string_view key, int64_t fallback = -1) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return fallback;
}

bool Number(const json::object& o, std::string_view key, double& out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return false;
  out = v->to_number<double>();
  return true;
}

bool IsConsoleError(const json::object& data) {
  const json::value* payload = data.if_contains("payload");
  if (payload == nullptr || !payload->is_object()) return false;
  const json::value* level = payload->get_object().if_contains("level");
  return level != nullptr && *level == "error";
}

bool IsErrorTag(const json::object& data) {
  const json::value* tag = data.if_contains("tag");
  if (tag == nullptr || !tag->is_string()) return false;
  std::string lower(tag->get_string());
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  return lower.find("error") != std::string::npos;
}

// Adds what one incremental event contributes.
void ReadIncremental(const json::object& data, int64_t t, Recording& r) {
  int64_t source = IntField(data, "source");
  if (source == kMouseMove || source == kTouchMove || source == kDrag) {
    if (const json::value* positions = data.if_contains("positions");
        positions != nullptr && positions->is_array()) {
      for (const json::value& p : positions->get_array()) {
        if (!p.is_object()) continue;
        MousePoint point{t + IntField(p.get_object(), "timeOffset", 0), 0, 0};
        if (Number(p.get_object(), "x", point.x) && Number(p.get_object(), "y", point.y)) {
          r.mouse.push_back(point);
          r.activity_times.push_back(point.t_ms);
        }
      }
    }
    return;
  }
  r.change_times.push_back(t);
  if (source == kMouseInteraction) {
    MousePoint point{t, 0, 0};
    if (Number(data, "x", point.x) && Number(data, "y", point.y)) r.mouse.push_back(point);
    if (IntField(data, "type") == kClick) {
      r.clicks.push_back(t);
      r.moments.push_back({t, "click"});
    }
  } else if (source == kInput) {
    r.moments.push_back({t, "input"});
  }
}

}  // namespace

Result<Recording> ParseRecording(std::string_view events_json) {
  boost::system::error_code ec;
  json::value root = json::parse(events_json, ec);
  if (ec) return InvalidArgument("recording is not valid JSON: " + ec.message());
  if (!root.is_array()) return InvalidArgument("recording must be a JSON array of rrweb events");
  Recording r;
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
    const json::value* d = event.if_contains("data");
    const json::object& data = d != nullptr && d->is_object() ? d->get_object() : kEmpty;
    r.duration_ms = t;
    r.activity_times.push_back(t);
    if (type == kMeta) {
      if (r.viewport_width == 0) {
        r.viewport_width = static_cast<int>(IntField(data, "width", 0));
        r.viewport_height = static_cast<int>(IntField(data, "height", 0));
      } else {
        r.moments.push_back({t, "navigation"});
      }
      r.change_times.push_back(t);
    } else if (type == kFullSnapshot) {
      if (!has_snapshot) r.first_snapshot_ms = t;
      has_snapshot = true;
      r.change_times.push_back(t);
    } else if (type == kIncremental) {
      ReadIncremental(data, t, r);
    } else if (type == kPlugin && IsConsoleError(data)) {
      r.moments.push_back({t, "error"});
      r.change_times.push_back(t);
    } else if (type == kCustom && IsErrorTag(data)) {
      r.moments.push_back({t, "error"});
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
