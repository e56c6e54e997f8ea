#include "http/request_parsing.h"

#include <charconv>

#include "core/text.h"

namespace incuera::http::internal {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseOffset(std::string_view text, long long& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 0;
}

}  // namespace

bool PercentDecode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexDigit(in[i + 1]), lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return false;
    out.push_back(c);
  }
  return true;
}

bool ParseTarget(std::string_view target, std::string& path, Params& params) {
  params.clear();
  if (target.empty() || target.front() != '/') return false;
  std::size_t q = target.find('?');
  if (!PercentDecode(target.substr(0, q), false, path)) return false;
  if (q == std::string_view::npos) return true;
  std::string_view query = target.substr(q + 1);
  if (std::size_t hash = query.find('#'); hash != std::string_view::npos) {
    query = query.substr(0, hash);
  }
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), true, key)) return false;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, value)) {
      return false;
    }
    params.emplace(std::move(key), std::move(value));
  }
  return true;
}

bool ParseRanges(std::string_view header, Ranges& ranges) {
  constexpr std::string_view kBytes = "bytes=";
  ranges.clear();
  if (header.substr(0, kBytes.size()) != kBytes) return false;
  Ranges parsed;
  for (const std::string& part : incuera::internal::Split(header.substr(kBytes.size()), ',')) {
    std::string_view spec = incuera::internal::Trim(part);
    std::size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return false;
    long long first = -1, last = -1;
    std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
    if (!a.empty() && !ParseOffset(a, first)) return false;
    if (!b.empty() && !ParseOffset(b, last)) return false;
    if (a.empty() && b.empty()) return false;
    if (first >= 0 && last >= 0 && last < first) return false;
    parsed.emplace_back(first, last);
  }
  if (parsed.empty()) return false;
  ranges = std::move(parsed);
  return true;
}

Status BodyInflater::Open(std::string_view encoding, std::size_t max_bytes) {
  max_bytes_ = max_bytes;
  std::string e = incuera::internal::ToLower(incuera::internal::Trim(encoding));
  if (e.empty() || e == "identity") return OkStatus();
  if (e != "gzip" && e != "x-gzip" && e != "deflate") {
    return Status(StatusCode::kUnimplemented, "unsupported Content-Encoding '" + e + "'");
  }
  // 15 + 32: a zlib or gzip header, detected from the first bytes.
  if (inflateInit2(&z_, 15 + 32) != Z_OK) return Internal("inflateInit2 failed");
  active_ = true;
  return OkStatus();
}

BodyInflater::~BodyInflater() {
  if (active_) inflateEnd(&z_);
}

Status BodyInflater::Write(std::string_view wire, std::string& out) {
  auto too_large = [&] {
    return Status(StatusCode::kResourceExhausted,
                  "request body larger than " + std::to_string(max_bytes_) + " bytes");
  };
  if (!active_) {
    if (out.size() + wire.size() > max_bytes_) return too_large();
    out.append(wire);
    return OkStatus();
  }
  if (wire.empty()) return OkStatus();
  if (ended_) return InvalidArgument("bytes after the end of the compressed body");
  z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(wire.data()));
  z_.avail_in = static_cast<uInt>(wire.size());
  char chunk[16384];
  while (z_.avail_in > 0 && !ended_) {
    z_.next_out = reinterpret_cast<Bytef*>(chunk);
    z_.avail_out = sizeof(chunk);
    int rc = inflate(&z_, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return InvalidArgument("the compressed request body is corrupt");
    }
    std::size_t produced = sizeof(chunk) - z_.avail_out;
    if (out.size() + produced > max_bytes_) return too_large();
    out.append(chunk, produced);
    if (rc == Z_STREAM_END) ended_ = true;
    if (rc == Z_BUF_ERROR && produced == 0) break;
  }
  if (ended_ && z_.avail_in > 0)
    return InvalidArgument("bytes after the end of the compressed body");
  return OkStatus();
}

Status BodyInflater::Finish() const {
  if (active_ && !ended_) return InvalidArgument("the compressed request body is truncated");
  return OkStatus();
}

}  // namespace incuera::http::internal
