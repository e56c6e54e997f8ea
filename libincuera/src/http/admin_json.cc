#include "http/admin_json.h"

#include <algorithm>

namespace incuera::http::internal {
namespace json = boost::json;
namespace {

json::value Optional(const std::optional<TimeMs>& t) {
  return t ? json::value(*t) : json::value(nullptr);
}

// A stored JSON column as a value (null when empty or unreadable).
json::value Embedded(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

json::object SettingsJson(const ProjectSettings& s) {
  json::array steps;
  for (const FunnelStep& step : s.funnel_steps) {
    steps.push_back(json::object{{"name", step.name}, {"url_pattern", step.url_pattern}});
  }
  return {{"min_duration_ms", s.min_duration_ms},
          {"sample_rate", s.sample_rate},
          {"retention_days", s.retention_days},
          {"funnel_steps", std::move(steps)}};
}

Status Refuse(std::string_view name, std::string_view want) {
  return InvalidArgument("'" + std::string(name) + "' must be " + std::string(want));
}

Status CheckMembers(const json::object& o, std::initializer_list<std::string_view> allowed,
                    std::string_view where) {
  for (const auto& member : o) {
    if (std::find(allowed.begin(), allowed.end(), member.key()) == allowed.end()) {
      return InvalidArgument("unknown field '" + std::string(member.key()) + "' in " +
                             std::string(where));
    }
  }
  return OkStatus();
}

Result<ProjectSettings> ParseSettings(const json::value& v, ProjectSettings s) {
  const json::object* o = v.if_object();
  if (!o) return Refuse("settings", "an object");
  INCUERA_RETURN_IF_ERROR(CheckMembers(
      *o, {"min_duration_ms", "sample_rate", "retention_days", "funnel_steps"}, "settings"));
  if (const auto* m = o->if_contains("min_duration_ms")) {
    if (!m->is_int64()) return Refuse("min_duration_ms", "an integer");
    s.min_duration_ms = m->as_int64();
  }
  if (const auto* m = o->if_contains("sample_rate")) {
    if (!m->is_number()) return Refuse("sample_rate", "a number");
    s.sample_rate = m->to_number<double>();
  }
  if (const auto* m = o->if_contains("retention_days")) {
    if (!m->is_int64()) return Refuse("retention_days", "an integer");
    s.retention_days = static_cast<int>(m->as_int64());
  }
  if (const auto* m = o->if_contains("funnel_steps")) {
    if (!m->is_array()) return Refuse("funnel_steps", "an array");
    s.funnel_steps.clear();
    for (const auto& item : m->as_array()) {
      const json::object* step = item.if_object();
      if (!step) return Refuse("funnel_steps[]", "objects with name and url_pattern");
      INCUERA_RETURN_IF_ERROR(CheckMembers(*step, {"name", "url_pattern"}, "a funnel step"));
      INCUERA_ASSIGN_OR_RETURN(std::string name, StringMember(*step, "name"));
      INCUERA_ASSIGN_OR_RETURN(std::string pattern, StringMember(*step, "url_pattern"));
      s.funnel_steps.push_back({std::move(name), std::move(pattern)});
    }
  }
  return s;
}

}  // namespace

json::object UserJson(const User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"is_admin", user.is_admin},
          {"created_at", user.created_at}};
}

json::object ProjectJson(const Project& p) {
  json::array domains(p.domains.begin(), p.domains.end());
  return {{"id", p.id},
          {"slug", p.slug},
          {"name", p.name},
          {"domains", std::move(domains)},
          {"settings", SettingsJson(p.settings)},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

json::object ApiKeyJson(const ApiKey& k) {
  return {{"id", k.id},
          {"name", k.name},
          {"prefix", k.prefix},
          {"scope", KeyScopeName(k.scope)},
          {"created_at", k.created_at},
          {"last_used_at", Optional(k.last_used_at)},
          {"expires_at", Optional(k.expires_at)},
          {"revoked_at", Optional(k.revoked_at)}};
}

json::object SessionJson(const Session& s) {
  json::value video = nullptr;
  if (!s.video_key.empty()) {
    video = json::object{{"duration_ms", s.video_duration_ms}, {"size", s.video_size}};
  }
  return {{"id", s.id},
          {"project_id", s.project_id},
          {"client_id", s.client_id},
          {"user_id", s.user_id},
          {"user_email", s.user_email},
          {"url", s.url},
          {"referrer", s.referrer},
          {"user_agent", s.user_agent},
          {"screen", {{"width", s.screen_width}, {"height", s.screen_height}}},
          {"viewport", {{"width", s.viewport_width}, {"height", s.viewport_height}}},
          {"started_at", s.started_at},
          {"last_event_at", s.last_event_at},
          {"ended_at", Optional(s.ended_at)},
          {"end_reason", s.end_reason},
          {"duration_ms", s.duration_ms},
          {"event_count", s.event_count},
          {"byte_count", s.byte_count},
          {"error_count", s.error_count},
          {"page_count", s.page_count},
          {"status", SessionStatusName(s.status)},
          {"failure_reason", s.failure_reason},
          {"video", std::move(video)},
          {"has_thumbnail", !s.thumbnail_key.empty()}};
}

json::object KeyframeJson(const Keyframe& k) {
  return {{"index", k.index},
          {"session_time_ms", k.session_time_ms},
          {"video_time_ms", k.video_time_ms},
          {"reason", k.reason}};
}

json::object AnalysisJson(const std::string& session_id, const Analysis* a) {
  if (!a) {
    return {{"session_id", session_id},
            {"status", "none"},
            {"error", ""},
            {"model", ""},
            {"created_at", nullptr},
            {"updated_at", nullptr},
            {"counts", nullptr},
            {"metrics", nullptr},
            {"errors", nullptr},
            {"funnel", nullptr},
            {"heatmap", nullptr},
            {"has_heatmap_image", false},
            {"summary", nullptr}};
  }
  return {{"session_id", session_id},
          {"status", AnalysisStatusName(a->status)},
          {"error", a->error},
          {"model", a->model},
          {"created_at", a->created_at},
          {"updated_at", a->updated_at},
          {"counts", Embedded(a->action_counts_json)},
          {"metrics", Embedded(a->metrics_json)},
          {"errors", Embedded(a->errors_json)},
          {"funnel", Embedded(a->funnel_json)},
          {"heatmap", Embedded(a->heatmap_json)},
          {"has_heatmap_image", !a->heatmap_key.empty()},
          {"summary", Embedded(a->summary_json)}};
}

Result<json::object> ParseBodyObject(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return InvalidArgument("the body is not valid JSON: " + ec.message());
  if (!v.is_object()) return InvalidArgument("the body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::string> StringMember(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return Refuse(name, "a string");
  return std::string(v->as_string());
}

Result<ProjectChanges> ParseProjectChanges(const json::object& body,
                                           const ProjectSettings& current) {
  INCUERA_RETURN_IF_ERROR(CheckMembers(body, {"name", "slug", "domains", "settings"}, "project"));
  ProjectChanges c;
  if (body.contains("name")) {
    INCUERA_ASSIGN_OR_RETURN(c.name, StringMember(body, "name"));
  }
  if (body.contains("slug")) {
    INCUERA_ASSIGN_OR_RETURN(c.slug, StringMember(body, "slug"));
  }
  if (const auto* d = body.if_contains("domains")) {
    if (!d->is_array()) return Refuse("domains", "an array of strings");
    std::vector<std::string> domains;
    for (const auto& item : d->as_array()) {
      if (!item.is_string()) return Refuse("domains", "an array of strings");
      domains.emplace_back(item.as_string());
    }
    c.domains = std::move(domains);
  }
  if (const auto* s = body.if_contains("settings")) {
    INCUERA_ASSIGN_OR_RETURN(c.settings, ParseSettings(*s, current));
  }
  return c;
}

}  // namespace incuera::http::internal
