#include "core/session_files.h"

#include <boost/json.hpp>

namespace incuera::internal {
namespace {

boost::json::value Parse(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  return ec ? boost::json::value() : v;
}

// The number at `key` of `object` (when it is an object), else 0.
double Number(const boost::json::value* object, std::string_view key) {
  const boost::json::object* o = object ? object->if_object() : nullptr;
  const boost::json::value* v = o ? o->if_contains(key) : nullptr;
  return v && v->is_number() ? v->to_number<double>() : 0.0;
}

}  // namespace

std::string KeyframeFile(int index) { return "keyframe-" + std::to_string(index) + ".jpg"; }

SessionFiles::SessionFiles(std::string_view session_id)
    : prefix_("sessions/" + std::string(session_id) + "/") {}

std::string KeyframesJson(const std::vector<KeyframeEntry>& keyframes) {
  boost::json::array index;
  for (const KeyframeEntry& k : keyframes) {
    index.push_back({{"index", k.index},
                     {"session_time_ms", k.session_time_ms},
                     {"video_time_ms", k.video_time_ms},
                     {"reason", k.reason}});
  }
  return boost::json::serialize(index);
}

std::vector<KeyframeEntry> ParseKeyframes(std::string_view json) {
  std::vector<KeyframeEntry> out;
  const boost::json::value v = Parse(json);
  if (!v.is_array()) return out;
  for (const auto& item : v.get_array()) {
    const auto* o = item.if_object();
    if (!o) continue;
    const auto* index = o->if_contains("index");
    const auto* session_time = o->if_contains("session_time_ms");
    if (!index || !index->is_int64() || !session_time || !session_time->is_number()) continue;
    KeyframeEntry k;
    k.index = static_cast<int>(index->get_int64());
    k.session_time_ms = session_time->to_number<std::int64_t>();
    if (const auto* t = o->if_contains("video_time_ms"); t && t->is_number()) {
      k.video_time_ms = t->to_number<std::int64_t>();
    }
    if (const auto* r = o->if_contains("reason"); r && r->is_string()) {
      k.reason = std::string(r->get_string());
    }
    out.push_back(std::move(k));
  }
  return out;
}

std::string RenderInfoJson(const RenderInfo& r) {
  boost::json::array time_map;
  for (const auto& [video_ms, session_ms] : r.time_map) time_map.push_back({video_ms, session_ms});
  return boost::json::serialize(boost::json::object{
      {"width", r.width},
      {"height", r.height},
      {"viewport", {{"width", r.viewport_width}, {"height", r.viewport_height}}},
      {"placement",
       {{"x", r.placement_x},
        {"y", r.placement_y},
        {"width", r.placement_width},
        {"height", r.placement_height},
        {"scale", r.placement_scale}}},
      {"thumbnail",
       {{"session_time_ms", r.thumbnail_session_ms},
        {"scroll_x", r.thumbnail_scroll_x},
        {"scroll_y", r.thumbnail_scroll_y}}},
      {"video_duration_ms", r.video_duration_ms},
      {"time_map", std::move(time_map)}});
}

std::optional<RenderInfo> ParseRenderInfo(std::string_view json) {
  const boost::json::value v = Parse(json);
  const boost::json::object* o = v.if_object();
  if (!o) return std::nullopt;
  const boost::json::value* viewport = o->if_contains("viewport");
  const boost::json::value* p = o->if_contains("placement");
  const boost::json::value* t = o->if_contains("thumbnail");
  RenderInfo r;
  r.width = static_cast<int>(Number(&v, "width"));
  r.height = static_cast<int>(Number(&v, "height"));
  r.viewport_width = static_cast<int>(Number(viewport, "width"));
  r.viewport_height = static_cast<int>(Number(viewport, "height"));
  r.placement_x = static_cast<int>(Number(p, "x"));
  r.placement_y = static_cast<int>(Number(p, "y"));
  r.placement_width = static_cast<int>(Number(p, "width"));
  r.placement_height = static_cast<int>(Number(p, "height"));
  r.placement_scale = Number(p, "scale");
  r.thumbnail_session_ms = static_cast<std::int64_t>(Number(t, "session_time_ms"));
  r.thumbnail_scroll_x = Number(t, "scroll_x");
  r.thumbnail_scroll_y = Number(t, "scroll_y");
  r.video_duration_ms = static_cast<std::int64_t>(Number(&v, "video_duration_ms"));
  if (const auto* map = o->if_contains("time_map"); map && map->is_array()) {
    for (const auto& point : map->get_array()) {
      const auto* pair = point.if_array();
      if (!pair || pair->size() != 2 || !(*pair)[0].is_number() || !(*pair)[1].is_number()) {
        continue;
      }
      r.time_map.emplace_back((*pair)[0].to_number<std::int64_t>(),
                              (*pair)[1].to_number<std::int64_t>());
    }
  }
  return r;
}

}  // namespace incuera::internal
