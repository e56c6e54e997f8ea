// libFuzzer target for the admin API's request bodies: login, project create
// and update (name, slug, domains, settings, funnel steps) and API key
// create, each through the parser its route uses and then the rules Admin
// applies. Besides memory errors (ASan) it checks that whatever is accepted
// is what openapi.json documents, that the values kept are the values sent,
// and that a project as the API answers it can be sent back unchanged.
#include <boost/json.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "admin/input_rules.h"
#include "http/admin_bodies.h"
#include "http/admin_json.h"
#include "incuera/admin.h"

namespace {

namespace json = boost::json;
using incuera::ProjectSettings;
using incuera::ProjectSummary;
using incuera::StatusCode;

void Check(bool condition) {
  if (!condition) std::abort();
}

// Trimmed, 1..max bytes, no control characters.
bool CleanText(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  if (std::isspace(static_cast<unsigned char>(s.front())) ||
      std::isspace(static_cast<unsigned char>(s.back()))) {
    return false;
  }
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// openapi.json: "^[a-z0-9-]{1,64}$".
bool DocumentedSlug(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

void CheckDocumented(const ProjectSummary& p) {
  Check(DocumentedSlug(p.slug));
  Check(CleanText(p.name, 200));
  Check(p.domains.size() <= 50);
  for (const std::string& d : p.domains) {
    Check(!d.empty() && d.size() <= 253);
    for (unsigned char c : d) Check(c > ' ' && c < 0x7f && !std::isupper(c));
  }
  const ProjectSettings& s = p.settings;
  Check(s.min_duration_ms >= 0 && s.min_duration_ms <= 86'400'000);
  Check(s.sample_rate >= 0.0 && s.sample_rate <= 1.0);
  Check(s.retention_days >= 1 && s.retention_days <= 3650);
  Check(s.funnel_steps.size() <= 20);
  for (const incuera::FunnelStep& step : s.funnel_steps) {
    Check(CleanText(step.name, 200) && CleanText(step.url_pattern, 500));
  }
}

bool SameProject(const ProjectSummary& a, const ProjectSummary& b) {
  const ProjectSettings& x = a.settings;
  const ProjectSettings& y = b.settings;
  if (x.funnel_steps.size() != y.funnel_steps.size()) return false;
  for (std::size_t i = 0; i < x.funnel_steps.size(); ++i) {
    if (x.funnel_steps[i].name != y.funnel_steps[i].name ||
        x.funnel_steps[i].url_pattern != y.funnel_steps[i].url_pattern) {
      return false;
    }
  }
  return a.name == b.name && a.slug == b.slug && a.domains == b.domains &&
         x.min_duration_ms == y.min_duration_ms && x.sample_rate == y.sample_rate &&
         x.retention_days == y.retention_days;
}

// The integer members of `settings` as sent must be the ones kept.
void CheckIntegersKept(const json::value& body, const ProjectSettings& kept) {
  const json::value* settings = body.as_object().if_contains("settings");
  if (!settings) return;
  const json::object& o = settings->as_object();
  if (const json::value* v = o.if_contains("min_duration_ms")) {
    Check(v->as_int64() == kept.min_duration_ms);
  }
  if (const json::value* v = o.if_contains("retention_days")) {
    Check(v->as_int64() == kept.retention_days);
  }
}

// A project as GET answers it, minus the members a PATCH may not name.
std::string PatchOf(const ProjectSummary& p) {
  json::object out = incuera::http::internal::ProjectJson(p);
  json::object patch;
  for (const char* member : {"name", "slug", "domains", "settings"}) patch[member] = out[member];
  return json::serialize(patch);
}

void FuzzProjectBody(std::string_view body) {
  // The settings of a project being updated, or the defaults on create.
  const ProjectSettings current{};
  incuera::Result<incuera::ProjectChanges> changes =
      incuera::http::internal::ParseProjectBody(body, current);
  if (!changes.ok()) {
    Check(changes.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  ProjectSummary project;
  project.slug = "current";
  project.name = "Current";
  incuera::Status applied = incuera::internal::ApplyProjectChanges(*changes, project);
  if (!applied.ok()) {
    Check(applied.code() == StatusCode::kInvalidArgument);
    return;
  }
  if (changes->name && !changes->slug) {
    // A create without a slug derives one from the name.
    incuera::Result<std::string> slug = incuera::SlugFromName(project.name);
    if (!slug.ok()) {
      Check(slug.status().code() == StatusCode::kInvalidArgument);
      return;
    }
    project.slug = *slug;
  }
  CheckDocumented(project);
  CheckIntegersKept(json::parse(json::string_view(body.data(), body.size())), project.settings);

  const std::string patch = PatchOf(project);
  incuera::Result<incuera::ProjectChanges> again =
      incuera::http::internal::ParseProjectBody(patch, project.settings);
  Check(again.ok());
  ProjectSummary round_trip;
  Check(incuera::internal::ApplyProjectChanges(*again, round_trip).ok());
  Check(SameProject(round_trip, project));
}

void FuzzLoginBody(std::string_view body) {
  incuera::Result<incuera::LoginRequest> login = incuera::http::internal::ParseLoginBody(body);
  if (!login.ok()) {
    Check(login.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  Check(!login->email.empty() && !login->password.empty());
  incuera::Result<std::string> email = incuera::internal::LoginEmail(login->email);
  if (!email.ok()) {
    Check(email.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  // Looked up as is: no control characters, trimmed, lower case.
  for (unsigned char c : *email) Check(c >= 0x20 && c != 0x7f && !std::isupper(c));
  Check(email->empty() || (!std::isspace(static_cast<unsigned char>(email->front())) &&
                           !std::isspace(static_cast<unsigned char>(email->back()))));
}

void FuzzApiKeyBody(std::string_view body) {
  incuera::Result<incuera::http::internal::ApiKeyBody> key =
      incuera::http::internal::ParseApiKeyBody(body);
  if (!key.ok()) {
    Check(key.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  const json::value sent = json::parse(json::string_view(body.data(), body.size()));
  const json::object& o = sent.as_object();
  const json::value* scope = o.if_contains("scope");
  if (!scope || scope->is_null() || scope->as_string().empty()) {
    Check(key->scope == incuera::KeyScope::kIngest);
  } else {
    Check(incuera::KeyScopeName(key->scope) == scope->as_string());
  }
  if (const json::value* e = o.if_contains("expires_at"); e && !e->is_null()) {
    Check(key->expires_at && *key->expires_at == e->as_int64());
  } else {
    Check(!key->expires_at);
  }
  incuera::Result<std::string> name = incuera::internal::KeyName(key->name);
  if (name.ok()) {
    Check(CleanText(*name, 200));
  } else {
    Check(name.status().code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  FuzzLoginBody(body);
  FuzzProjectBody(body);
  FuzzApiKeyBody(body);
  return 0;
}
