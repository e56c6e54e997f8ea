#include "http/admin_json.h"

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

// A link to another part of the visit: its id, or null.
json::value LinkJson(const std::string& id) {
  return id.empty() ? json::value(nullptr) : json::value(id);
}

// A project's own quota limits; null where the server's default applies.
json::object QuotasJson(const ProjectQuotas& q) {
  auto value = [](const std::optional<std::int64_t>& v) {
    return v ? json::value(*v) : json::value(nullptr);
  };
  return {{"sessions_per_hour", value(q.sessions_per_hour)},
          {"events_per_day", value(q.events_per_day)},
          {"render_minutes_per_day", value(q.render_minutes_per_day)}};
}

json::object SettingsJson(const ProjectSettings& s) {
  json::array steps;
  for (const FunnelStep& step : s.funnel_steps) {
    steps.push_back(json::object{{"name", step.name}, {"url_pattern", step.url_pattern}});
  }
  return {{"min_duration_ms", s.min_duration_ms},
          {"sample_rate", s.sample_rate},
          {"retention_days", s.retention_days},
          {"funnel_steps", std::move(steps)},
          {"render_fetch", RenderFetchName(s.render_fetch)},
          {"quotas", QuotasJson(s.quotas)}};
}

}  // namespace

json::object UserJson(const User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"is_admin", user.is_admin},
          {"created_at", user.created_at}};
}

json::object ProjectJson(const ProjectSummary& p) {
  json::array domains(p.domains.begin(), p.domains.end());
  return {{"id", p.id},
          {"slug", p.slug},
          {"name", p.name},
          {"domains", std::move(domains)},
          {"settings", SettingsJson(p.settings)},
          {"session_count", p.session_count},
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
          {"client_id", s.client_session_id},
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
          {"has_thumbnail", !s.thumbnail_key.empty()},
          {"part", s.part},
          {"previous", LinkJson(s.previous_id)},
          {"next", LinkJson(s.next_id)},
          {"storage", StorageJson(s.event_bytes, s.object_bytes)}};
}

json::object StorageJson(std::int64_t event_bytes, std::int64_t object_bytes) {
  return {{"event_bytes", event_bytes},
          {"object_bytes", object_bytes},
          {"total_bytes", event_bytes + object_bytes}};
}

json::object UsageJson(const StorageUsage& u) {
  json::object o = StorageJson(u.event_bytes, u.object_bytes);
  o["sessions"] = u.sessions;
  o["raw_event_bytes"] = u.raw_event_bytes;
  return o;
}

json::object KeyframeJson(const Keyframe& k) {
  return {{"index", k.index},
          {"session_time_ms", k.session_time_ms},
          {"video_time_ms", k.video_time_ms},
          {"reason", k.reason}};
}

json::object NoteJson(const Note& n) {
  return {{"id", n.id},
          {"session_id", n.session_id},
          {"at_ms", n.at_ms},
          {"text", n.text},
          {"author", {{"id", n.author_id}, {"email", n.author_email}}},
          {"created_at", n.created_at}};
}

json::object EventPageJson(const EventPage& p) {
  return {{"index", p.index},
          {"first_event", p.first_event},
          {"first_timestamp", p.first_ts},
          {"last_timestamp", p.last_ts},
          {"events", p.event_count},
          {"bytes", p.raw_bytes}};
}

json::object SavedFilterJson(const SavedFilter& f) {
  json::object filters;
  for (const auto& [name, value] : f.filters) filters[name] = value;
  return {{"id", f.id},
          {"name", f.name},
          {"filters", std::move(filters)},
          {"created_at", f.created_at}};
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

}  // namespace incuera::http::internal
