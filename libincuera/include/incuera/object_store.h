// ObjectStore: blobs (videos, thumbnails, keyframes, heatmaps) by key.
//
// Keys are relative paths such as "sessions/<id>/video.mp4" ([A-Za-z0-9._/-],
// no "..", no leading '/'). Implementations: "file://<dir>" (atomic writes:
// temp file + rename) and "s3://bucket?endpoint=…&region=…&path_style=1"
// (libcurl, AWS Signature V4; multipart upload for large files). All methods
// are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/env.h"
#include "incuera/status.h"

namespace incuera {

// What Stat() knows of a stored object.
struct ObjectInfo {
  std::int64_t size = 0;
  std::string content_type;
};

// One object as a listing shows it.
struct ObjectEntry {
  std::string key;
  std::int64_t size = 0;
  std::int64_t modified_at = 0;  // last write, milliseconds since the Unix epoch
};

// One page of List().
struct ObjectListing {
  std::vector<ObjectEntry> objects;  // in key order (bytewise)
  // Where the next page starts (pass it back to List); empty on the last page.
  std::string next_token;
};

// A byte range [offset, offset + length); length < 0 means "to the end".
struct ByteRange {
  std::int64_t offset = 0;
  std::int64_t length = -1;
};

// Stored files by key (see the top of this file). Thread-safe.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Stores the file at `path` under `key`, streaming (never whole in memory).
  virtual Status PutFile(const std::string& key, const std::string& path,
                         const std::string& content_type) = 0;
  // Stores `data` under `key`.
  virtual Status Put(const std::string& key, std::string_view data,
                     const std::string& content_type) = 0;
  // Calls `sink` with successive pieces of the object (or of `range`).
  // NotFound when the key does not exist; InvalidArgument when the range
  // starts past the end.
  virtual Status Get(const std::string& key, std::optional<ByteRange> range,
                     const std::function<Status(std::string_view)>& sink) = 0;
  // Size and content type; NotFound if absent. The "file" backend derives the
  // content type from the key's extension, S3 returns the one stored.
  virtual Result<ObjectInfo> Stat(const std::string& key) = 0;
  virtual Result<bool> Exists(const std::string& key) = 0;
  // Deletes every object whose key starts with `prefix`; returns how many.
  // InvalidArgument for an empty prefix (it would delete everything).
  virtual Result<int> DeletePrefix(const std::string& prefix) = 0;
  // The objects whose key starts with `prefix` ("" for every object), in
  // key order, at most `limit` (clamped to 1..1000) from where `token` (a
  // previous page's next_token, "" for the first page) says. Objects written
  // or deleted meanwhile may or may not appear; none appears twice.
  // InvalidArgument for a prefix that no key can start with.
  virtual Result<ObjectListing> List(const std::string& prefix, const std::string& token,
                                     int limit) = 0;
  // "file" or "s3".
  virtual std::string_view backend() const = 0;
  // Whether the store can take writes, for readiness probes: Unavailable
  // ("object store: no space left on device") while its recent writes
  // failed for lack of space, until one succeeds or 30 s pass. A write that
  // fails so returns that same Unavailable status, retryable, with a retry
  // hint. The default (and S3) is always ok.
  virtual Status Ready() const { return OkStatus(); }
};

// Convenience: the whole object as a string.
Result<std::string> ReadObject(ObjectStore& store, const std::string& key);

// Opens the store named by `url` (see above). InvalidArgument for a bad URL;
// Unimplemented when S3 support was compiled out. S3 credentials come from the
// URL (access_key, secret_key parameters) or, when absent there, from the
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables of `env`.
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& url,
                                                     Env& env = Env::Default());

}  // namespace incuera
