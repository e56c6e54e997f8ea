// The admin API's request bodies (documented in openapi.json): one parser per
// body, used by the routes and by tests/fuzz/admin_fuzzer.cc. Each checks
// the JSON shape and types; Admin applies the rules on the values (lengths,
// ranges, slugs). Errors are InvalidArgument with a reason for the client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incuera/admin.h"
#include "incuera/model.h"
#include "incuera/status.h"

namespace incuera::http::internal {

// POST /api/auth/login: {"email", "password"}, both required. client_ip is
// left for the route to fill in.
Result<LoginRequest> ParseLoginBody(std::string_view body);

// POST /api/projects and PATCH /api/projects/{ref}: {"name", "slug",
// "domains", "settings"}. Unknown members are refused so that typos do not
// pass silently. `current` supplies the settings members not given.
Result<ProjectChanges> ParseProjectBody(std::string_view body, const ProjectSettings& current);

// POST /api/projects/{ref}/api-keys: {"name", "scope", "expires_at"}.
struct ApiKeyBody {
  std::string name;
  KeyScope scope = KeyScope::kIngest;  // when "scope" is absent or empty
  std::optional<TimeMs> expires_at;    // absent or null: never expires
};
Result<ApiKeyBody> ParseApiKeyBody(std::string_view body);

// POST /api/sessions/{id}/notes: {"at_ms": integer, "text": string}, both
// required.
struct NoteBody {
  std::int64_t at_ms = 0;
  std::string text;
};
Result<NoteBody> ParseNoteBody(std::string_view body);

// POST /api/projects/{ref}/saved-filters: {"name": string, "filters":
// {<GET /api/sessions filter key>: string, ...}}; Admin checks the keys.
struct SavedFilterBody {
  std::string name;
  std::vector<std::pair<std::string, std::string>> filters;
};
Result<SavedFilterBody> ParseSavedFilterBody(std::string_view body);

}  // namespace incuera::http::internal
