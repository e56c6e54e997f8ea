// ParseSessionFilter: the session list's filter parameters, shared by
// GET /api/sessions and saved filters.
#include <algorithm>
#include <charconv>

#include "core/text.h"
#include "incuera/admin.h"

namespace incuera {
namespace {

// Longest text filter value, as long as the stored facts it is matched with.
constexpr std::size_t kMaxFilterText = SessionFactsRepository::kMaxFactChars;

Result<std::int64_t> IntValue(std::string_view name, const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgument("query parameter '" + std::string(name) +
                           "' must be an integer >= 0");
  }
  return value;
}

Result<bool> BoolValue(std::string_view name, const std::string& text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return InvalidArgument("query parameter '" + std::string(name) + "' must be true or false");
}

Result<std::string> TextValue(std::string_view name, const std::string& text) {
  if (text.size() > kMaxFilterText || internal::HasControlChars(text)) {
    return InvalidArgument("query parameter '" + std::string(name) + "' must be text of at most " +
                           std::to_string(kMaxFilterText) + " bytes without control characters");
  }
  return text;
}

}  // namespace

Result<SessionFilter> ParseSessionFilter(
    const std::vector<std::pair<std::string, std::string>>& params) {
  SessionFilter f;
  for (const auto& [name, value] : params) {
    if (std::find(std::begin(kSessionFilterKeys), std::end(kSessionFilterKeys), name) ==
        std::end(kSessionFilterKeys)) {
      return InvalidArgument("unknown session filter '" + name + "'");
    }
    if (value.empty()) continue;
    if (name == "status") {
      INCUERA_ASSIGN_OR_RETURN(f.status, ParseSessionStatus(value));
    } else if (name == "user") {
      INCUERA_ASSIGN_OR_RETURN(f.user, TextValue(name, value));
    } else if (name == "url") {
      INCUERA_ASSIGN_OR_RETURN(f.url, TextValue(name, value));
    } else if (name == "min_duration") {
      INCUERA_ASSIGN_OR_RETURN(std::int64_t seconds, IntValue(name, value));
      // Clamped so that the product cannot overflow: no session lasts a year.
      constexpr std::int64_t kYearSeconds = 366LL * 24 * 3600;
      f.min_duration_ms = std::min(seconds, kYearSeconds) * 1000;
    } else if (name == "has_errors") {
      INCUERA_ASSIGN_OR_RETURN(f.has_errors, BoolValue(name, value));
    } else if (name == "from") {
      INCUERA_ASSIGN_OR_RETURN(f.started_after, IntValue(name, value));
    } else if (name == "to") {
      INCUERA_ASSIGN_OR_RETURN(f.started_before, IntValue(name, value));
    } else if (name == "visited_url") {
      INCUERA_ASSIGN_OR_RETURN(f.visited_url, TextValue(name, value));
    } else if (name == "clicked_text") {
      INCUERA_ASSIGN_OR_RETURN(f.clicked_text, TextValue(name, value));
    } else if (name == "console") {
      INCUERA_ASSIGN_OR_RETURN(f.console, TextValue(name, value));
    } else if (name == "failed_request") {
      INCUERA_ASSIGN_OR_RETURN(f.failed_request, BoolValue(name, value));
    } else if (name == "rage_click") {
      INCUERA_ASSIGN_OR_RETURN(f.rage_click, BoolValue(name, value));
    }
  }
  return f;
}

}  // namespace incuera
