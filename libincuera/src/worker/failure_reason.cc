#include "worker/failure_reason.h"

#include <cctype>

namespace incuera::internal {
namespace {

bool OpensJsonArray(std::string_view text, std::size_t at) {
  std::size_t next = at + 1;
  while (next < text.size() && (text[next] == ' ' || text[next] == '\n')) ++next;
  if (next == text.size()) return false;
  const char c = text[next];
  return c == '{' || c == '[' || c == '"' || c == ']';
}

// The text before the first JSON object or array.
std::string_view BeforeJson(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' || (text[i] == '[' && OpensJsonArray(text, i))) return text.substr(0, i);
  }
  return text;
}

std::string_view FirstSentence(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r') return text.substr(0, i);
    const bool end_mark = c == '.' || c == '!' || c == '?';
    if (end_mark &&
        (i + 1 == text.size() || std::isspace(static_cast<unsigned char>(text[i + 1])))) {
      return text.substr(0, i + 1);
    }
  }
  return text;
}

}  // namespace

std::string FailureReason(std::string_view message) {
  std::string out;
  for (char c : FirstSentence(BeforeJson(message))) {
    const bool space = static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ':' || out.back() == ',' ||
                          out.back() == ';' || out.back() == '-')) {
    out.pop_back();
  }
  if (out.size() > kMaxFailureReasonChars) {
    constexpr std::string_view kEllipsis = "\u2026";
    std::size_t cut = kMaxFailureReasonChars - kEllipsis.size();
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += kEllipsis;
  }
  if (out.empty()) return std::string(kUnreadableFailureReason);
  return out;
}

}  // namespace incuera::internal
