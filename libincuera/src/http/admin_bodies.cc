#include "http/admin_bodies.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <limits>

namespace incuera::http::internal {
namespace json = boost::json;
namespace {

Result<json::object> ParseObject(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec) return InvalidArgument("the body is not valid JSON: " + ec.message());
  if (!v.is_object()) return InvalidArgument("the body must be a JSON object");
  return std::move(v.as_object());
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

// Member `name` of `o` as a string; InvalidArgument when present with
// another type, "" when absent or null.
Result<std::string> StringMember(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return Refuse(name, "a string");
  return std::string(v->as_string());
}

Result<ProjectSettings> ParseSettings(const json::value& v, ProjectSettings s) {
  const json::object* o = v.if_object();
  if (!o) return Refuse("settings", "an object");
  INCUERA_RETURN_IF_ERROR(CheckMembers(
      *o, {"min_duration_ms", "sample_rate", "retention_days", "funnel_steps", "render_fetch"},
      "settings"));
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
    // Clamped, not cast: 2^32 + 1 must fail the range check, not become 1.
    s.retention_days = static_cast<int>(std::clamp<std::int64_t>(
        m->as_int64(), std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
  }
  if (const auto* m = o->if_contains("render_fetch")) {
    Result<RenderFetch> fetch =
        m->is_string() ? ParseRenderFetch(m->as_string()) : InvalidArgument("not a string");
    if (!fetch.ok()) return Refuse("render_fetch", "\"public\", \"domains\" or \"none\"");
    s.render_fetch = *fetch;
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

Result<LoginRequest> ParseLoginBody(std::string_view body) {
  INCUERA_ASSIGN_OR_RETURN(json::object o, ParseObject(body));
  LoginRequest login;
  INCUERA_ASSIGN_OR_RETURN(login.email, StringMember(o, "email"));
  INCUERA_ASSIGN_OR_RETURN(login.password, StringMember(o, "password"));
  if (login.email.empty() || login.password.empty()) {
    return InvalidArgument("email and password are required");
  }
  return login;
}

Result<ProjectChanges> ParseProjectBody(std::string_view body, const ProjectSettings& current) {
  INCUERA_ASSIGN_OR_RETURN(json::object o, ParseObject(body));
  INCUERA_RETURN_IF_ERROR(CheckMembers(o, {"name", "slug", "domains", "settings"}, "project"));
  ProjectChanges c;
  if (o.contains("name")) {
    INCUERA_ASSIGN_OR_RETURN(c.name, StringMember(o, "name"));
  }
  if (o.contains("slug")) {
    INCUERA_ASSIGN_OR_RETURN(c.slug, StringMember(o, "slug"));
  }
  if (const auto* d = o.if_contains("domains")) {
    if (!d->is_array()) return Refuse("domains", "an array of strings");
    std::vector<std::string> domains;
    for (const auto& item : d->as_array()) {
      if (!item.is_string()) return Refuse("domains", "an array of strings");
      domains.emplace_back(item.as_string());
    }
    c.domains = std::move(domains);
  }
  if (const auto* s = o.if_contains("settings")) {
    INCUERA_ASSIGN_OR_RETURN(c.settings, ParseSettings(*s, current));
  }
  return c;
}

Result<ApiKeyBody> ParseApiKeyBody(std::string_view body) {
  INCUERA_ASSIGN_OR_RETURN(json::object o, ParseObject(body));
  ApiKeyBody key;
  INCUERA_ASSIGN_OR_RETURN(key.name, StringMember(o, "name"));
  INCUERA_ASSIGN_OR_RETURN(std::string scope, StringMember(o, "scope"));
  if (!scope.empty()) {
    INCUERA_ASSIGN_OR_RETURN(key.scope, ParseKeyScope(scope));
  }
  if (const auto* e = o.if_contains("expires_at"); e && !e->is_null()) {
    if (!e->is_int64()) return InvalidArgument("'expires_at' must be milliseconds since the epoch");
    key.expires_at = e->as_int64();
  }
  return key;
}

Result<NoteBody> ParseNoteBody(std::string_view body) {
  INCUERA_ASSIGN_OR_RETURN(json::object o, ParseObject(body));
  INCUERA_RETURN_IF_ERROR(CheckMembers(o, {"at_ms", "text"}, "note"));
  NoteBody note;
  const json::value* at = o.if_contains("at_ms");
  if (!at || !at->is_int64() || at->as_int64() < 0) return Refuse("at_ms", "an integer >= 0");
  note.at_ms = at->as_int64();
  const json::value* text = o.if_contains("text");
  if (!text || !text->is_string()) return Refuse("text", "a string");
  note.text = std::string(text->as_string());
  return note;
}

Result<SavedFilterBody> ParseSavedFilterBody(std::string_view body) {
  INCUERA_ASSIGN_OR_RETURN(json::object o, ParseObject(body));
  INCUERA_RETURN_IF_ERROR(CheckMembers(o, {"name", "filters"}, "saved filter"));
  SavedFilterBody filter;
  const json::value* name = o.if_contains("name");
  if (!name || !name->is_string()) return Refuse("name", "a string");
  filter.name = std::string(name->as_string());
  const json::value* filters = o.if_contains("filters");
  if (!filters || !filters->is_object()) return Refuse("filters", "an object of strings");
  for (const auto& member : filters->as_object()) {
    if (!member.value().is_string()) return Refuse("filters", "an object of strings");
    filter.filters.emplace_back(std::string(member.key()), std::string(member.value().as_string()));
  }
  return filter;
}

}  // namespace incuera::http::internal
