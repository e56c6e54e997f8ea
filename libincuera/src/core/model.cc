#include "incuera/model.h"

#include <cctype>
#include <chrono>
#include <cstdio>

#include "core/text.h"

namespace incuera {

TimeMs NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string NewUuid() {
  std::string b = internal::RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string hex = internal::HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

namespace {

template <typename E, size_t N>
Result<E> ParseName(std::string_view name, const std::string_view (&names)[N], const char* what) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return InvalidArgument(std::string("unknown ") + what + " '" + std::string(name) + "'");
}

constexpr std::string_view kScopes[] = {"ingest", "read"};
constexpr std::string_view kSessionStatuses[] = {"recording", "completed", "discarded",
                                                 "rendering", "ready",     "failed"};
constexpr std::string_view kAnalysisStatuses[] = {"pending", "running", "completed", "failed"};
constexpr std::string_view kRenderFetches[] = {"public", "domains", "none"};

}  // namespace

std::string_view KeyScopeName(KeyScope s) { return kScopes[static_cast<int>(s)]; }
Result<KeyScope> ParseKeyScope(std::string_view n) {
  return ParseName<KeyScope>(n, kScopes, "key scope");
}
std::string_view SessionStatusName(SessionStatus s) {
  return kSessionStatuses[static_cast<int>(s)];
}
Result<SessionStatus> ParseSessionStatus(std::string_view n) {
  return ParseName<SessionStatus>(n, kSessionStatuses, "session status");
}
std::string_view AnalysisStatusName(AnalysisStatus s) {
  return kAnalysisStatuses[static_cast<int>(s)];
}
Result<AnalysisStatus> ParseAnalysisStatus(std::string_view n) {
  return ParseName<AnalysisStatus>(n, kAnalysisStatuses, "analysis status");
}
std::string_view RenderFetchName(RenderFetch f) { return kRenderFetches[static_cast<int>(f)]; }
Result<RenderFetch> ParseRenderFetch(std::string_view n) {
  return ParseName<RenderFetch>(n, kRenderFetches, "render_fetch");
}

}  // namespace incuera
