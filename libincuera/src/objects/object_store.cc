#include "incuera/object_store.h"

#include <algorithm>

#include "core/text.h"
#include "objects/objects_internal.h"

namespace incuera {

Result<std::string> ReadObject(ObjectStore& store, const std::string& key) {
  std::string out;
  INCUERA_RETURN_IF_ERROR(store.Get(key, std::nullopt, [&](std::string_view piece) {
    out.append(piece);
    return OkStatus();
  }));
  return out;
}

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& url, Env& env) {
  if (internal::StartsWith(url, "file://")) {
    std::string dir = url.substr(7);
    if (dir.empty()) return InvalidArgument("file:// object store URL without a directory");
    return internal::OpenLocalObjectStore(dir);
  }
  if (internal::StartsWith(url, "s3://")) return internal::OpenS3ObjectStore(url, env);
  return InvalidArgument("unknown object store URL '" + url + "' (want file:// or s3://)");
}

namespace internal {

namespace {

// True for the characters a key may hold: [A-Za-z0-9._/-].
bool KeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '/';
}

}  // namespace

Status ValidateKey(std::string_view key) {
  if (key.empty() || key.size() > 1024) return InvalidArgument("object key must be 1-1024 bytes");
  for (char c : key) {
    if (!KeyChar(c)) return InvalidArgument("object key has a character outside [A-Za-z0-9._/-]");
  }
  size_t start = 0;
  for (;;) {
    size_t slash = key.find('/', start);
    std::string_view segment =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) return InvalidArgument("object key has an empty path segment");
    if (segment[0] == '.') return InvalidArgument("object key segment starts with '.'");
    if (slash == std::string_view::npos) return OkStatus();
    start = slash + 1;
  }
}

Status ValidatePrefix(std::string_view prefix) {
  if (prefix.empty()) return InvalidArgument("refusing to delete with an empty prefix");
  if (prefix.back() == '/') prefix.remove_suffix(1);
  return ValidateKey(prefix);
}

Status ValidateListPrefix(std::string_view prefix) {
  return prefix.empty() ? OkStatus() : ValidatePrefix(prefix);
}

int ListPageSize(int limit) { return std::clamp(limit, 1, 1000); }

Result<std::pair<std::int64_t, std::int64_t>> ResolveRange(std::optional<ByteRange> range,
                                                           std::int64_t size) {
  if (!range) return std::pair<std::int64_t, std::int64_t>(0, size);
  if (range->offset < 0) return InvalidArgument("negative range offset");
  if (range->length == 0)
    return std::pair<std::int64_t, std::int64_t>(range->offset, range->offset);
  if (range->offset > 0 && range->offset >= size) {
    return InvalidArgument("range starts past the end of the object");
  }
  std::int64_t end = range->length < 0 ? size : std::min(size, range->offset + range->length);
  return std::pair<std::int64_t, std::int64_t>(range->offset, end);
}

std::string ContentTypeForKey(std::string_view key) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".mp4", "video/mp4"},         {".webm", "video/webm"},     {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},       {".png", "image/png"},       {".webp", "image/webp"},
      {".json", "application/json"}, {".gz", "application/gzip"}, {".zst", "application/zstd"},
      {".txt", "text/plain"},        {".html", "text/html"},      {".csv", "text/csv"}};
  std::string lower = ToLower(key);
  for (const auto& [ext, type] : kTypes) {
    if (lower.size() >= ext.size() &&
        lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

#ifndef INCUERA_WITH_S3
Result<std::unique_ptr<ObjectStore>> OpenS3ObjectStore(const std::string&, Env&) {
  return Unimplemented("built without S3 support (libcurl)");
}
#endif

}  // namespace internal
}  // namespace incuera
