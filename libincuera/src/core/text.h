// Small text helpers used across areas: encodings, random tokens, trimming.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/status.h"

namespace incuera::internal {

std::string Base64UrlEncode(std::string_view bytes);  // no padding
Result<std::string> Base64UrlDecode(std::string_view text);
std::string Base64Encode(std::string_view bytes);  // standard, padded
std::string HexEncode(std::string_view bytes);     // lower case

// `n` bytes from the OS CSPRNG (OpenSSL RAND_bytes).
std::string RandomBytes(std::size_t n);

std::string_view Trim(std::string_view s);
// Control characters are C0 (below 0x20) and DEL. PostgreSQL cuts a text
// parameter at a NUL, so text from clients is checked or cleaned first.
bool HasControlChars(std::string_view s);
std::string WithoutControlChars(std::string_view s);
std::string ToLower(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
std::vector<std::string> Split(std::string_view s, char sep, bool skip_empty = true);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
// A TCP port written in decimal: digits only, within 1..65535.
std::optional<int> ParsePort(std::string_view text);

// Escapes `s` for inclusion inside a JSON string literal (no quotes added).
std::string JsonEscape(std::string_view s);

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string TruncateUtf8(std::string_view s, std::size_t max);

}  // namespace incuera::internal
