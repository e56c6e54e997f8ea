#include "analysis/analytics_util.h"

#include <cstdio>

namespace incuera::internal {
namespace {

// Whole-string glob match where '*' matches any run of characters.
bool GlobMatches(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool FunnelPatternMatches(std::string_view pattern, std::string_view url) {
  if (pattern.find('*') == std::string_view::npos) {
    return url.find(pattern) != std::string_view::npos;
  }
  return GlobMatches(pattern, url) || GlobMatches(pattern, UrlPath(url));
}

std::string_view UrlPath(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return url;
  std::size_t slash = url.find('/', scheme + 3);
  return slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
}

std::string FormatSessionTime(std::int64_t ms) {
  if (ms < 0) ms = 0;
  std::int64_t tenths = ms / 100;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02lld:%02lld.%lld", static_cast<long long>(tenths / 600),
                static_cast<long long>(tenths % 600 / 10), static_cast<long long>(tenths % 10));
  return buffer;
}

}  // namespace incuera::internal
