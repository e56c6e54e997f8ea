// Small pure helpers of the analytics, exposed for tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace incuera::internal {

// True when a funnel `pattern` matches `url` (rule in incuera/analysis.h).
bool FunnelPatternMatches(std::string_view pattern, std::string_view url);

// The path (+query) of an absolute URL, "/" when it has none; other text is
// returned unchanged.
std::string_view UrlPath(std::string_view url);

// "mm:ss.d" for a session time in ms (minutes may exceed 59).
std::string FormatSessionTime(std::int64_t ms);

}  // namespace incuera::internal
