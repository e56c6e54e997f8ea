// Pieces shared by the ObjectStore implementations and the factories behind
// OpenObjectStore().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "incuera/object_store.h"

namespace incuera::internal {

// Ok when `key` is a valid object key: non-empty, at most 1024 bytes, made
// of [A-Za-z0-9._/-], no leading '/', no empty segment and no segment that
// starts with '.' (which also rules out "." and ".."). InvalidArgument
// otherwise.
Status ValidateKey(std::string_view key);

// Ok for a DeletePrefix() prefix: like a key, but a trailing '/' is allowed;
// an empty prefix (everything) is refused.
Status ValidatePrefix(std::string_view prefix);

// Ok for a List() prefix: empty (every object) or a DeletePrefix() prefix.
Status ValidateListPrefix(std::string_view prefix);

// The page size List() uses for `limit`: clamped to 1..1000.
int ListPageSize(int limit);

// Checks `range` against an object of `size` bytes and returns the
// [begin, end) it selects. InvalidArgument for a negative offset or one at or
// past the end of a non-empty range.
Result<std::pair<std::int64_t, std::int64_t>> ResolveRange(std::optional<ByteRange> range,
                                                           std::int64_t size);

// The content type for a key, from its extension ("video.mp4" ->
// "video/mp4"); "application/octet-stream" when unknown.
std::string ContentTypeForKey(std::string_view key);

// Opens a directory store rooted at `dir` (created when missing).
Result<std::unique_ptr<ObjectStore>> OpenLocalObjectStore(const std::string& dir);

// Opens an S3 store from an "s3://bucket?…" URL (see object_store.h).
// Unimplemented when built without libcurl.
Result<std::unique_ptr<ObjectStore>> OpenS3ObjectStore(const std::string& url, Env& env);

}  // namespace incuera::internal
