// The S3-compatible ObjectStore over libcurl, signed with SigV4 (sigv4.h).
// One curl easy handle per request keeps every method thread-safe without a
// lock. Files above kMultipartThreshold are sent as a multipart upload.
#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/no_space.h"
#include "core/text.h"
#include "objects/objects_internal.h"
#include "objects/s3_url.h"
#include "objects/sigv4.h"

namespace incuera::internal {
namespace {

constexpr std::int64_t kMultipartThreshold = 16LL << 20;
constexpr std::int64_t kPartSize = 8LL << 20;

// The request body: nothing, a string, or a slice of a file.
struct Body {
  std::string_view data;
  std::FILE* file = nullptr;
  std::int64_t remaining = 0;  // bytes left to send from `file`
};

// What came back. `body` holds the whole response unless a sink took it.
struct Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
};

// A request as the store builds it; Send() signs and performs it.
struct Request {
  std::string method = "GET";
  std::string key;  // empty for bucket-level requests
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  Body body;
  std::string payload_hash;  // defaults to the hash of body.data
  // When set, 2xx response bytes go here piece by piece instead of `body`.
  const std::function<Status(std::string_view)>* sink = nullptr;
};

// The text of the first <tag>…</tag> at or after `from`, XML entities decoded;
// `from` moves past it. nullopt when absent.
std::optional<std::string> XmlTag(const std::string& xml, const std::string& tag, size_t* from) {
  size_t open = xml.find("<" + tag + ">", *from);
  if (open == std::string::npos) return std::nullopt;
  size_t start = open + tag.size() + 2;
  size_t close = xml.find("</" + tag + ">", start);
  if (close == std::string::npos) return std::nullopt;
  *from = close + tag.size() + 3;
  std::string raw = xml.substr(start, close - start), out;
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  for (size_t i = 0; i < raw.size();) {
    bool replaced = false;
    for (const auto& [entity, c] : kEntities) {
      if (raw.compare(i, entity.size(), entity) == 0) {
        out.push_back(c);
        i += entity.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(raw[i++]);
  }
  return out;
}

// The first <tag> of `xml`, or "" when absent.
std::string XmlTagOr(const std::string& xml, const std::string& tag) {
  size_t from = 0;
  return XmlTag(xml, tag, &from).value_or("");
}

// Milliseconds since the epoch of an S3 timestamp ("2024-05-01T12:34:56.789Z");
// 0 when it does not parse.
std::int64_t ParseS3Time(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) < 6) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + millis;
}

// Maps a non-2xx response to a Status.
Status HttpStatus(const Response& r, const std::string& what) {
  std::string code = XmlTagOr(r.body, "Code");
  std::string message =
      what + ": HTTP " + std::to_string(r.status) + (code.empty() ? "" : " " + code);
  if (r.status == 404) return NotFound(message);
  if (r.status == 403) return PermissionDenied(message);
  if (r.status == 400 || r.status == 416) return InvalidArgument(message);
  // 507 Insufficient Storage (MinIO's XMinioStorageFull): the bucket's disks are full.
  if (r.status == 507) return NoSpace("object store").WithContext(message);
  if (r.status >= 500 || r.status == 429) return Unavailable(message);
  return Internal(message);
}

// True for a 2xx response.
bool Ok(const Response& r) { return r.status >= 200 && r.status < 300; }

// State shared with the curl callbacks of one request.
struct Transfer {
  Request* request;
  Response* response;
  Status sink_status;
};

// curl write callback: response bytes to the sink (2xx) or into the body.
size_t OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view piece(data, size * n);
  if (t->request->sink && Ok(*t->response)) {
    t->sink_status = (*t->request->sink)(piece);
    if (!t->sink_status.ok()) return 0;  // aborts the transfer
  } else {
    t->response->body.append(piece);
  }
  return size * n;
}

// curl header callback: records the status line and the headers of the
// last response (after redirects or 100 Continue).
size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (StartsWith(line, "HTTP/")) {
    t->response->headers.clear();
    auto space = line.find(' ');
    if (space != std::string_view::npos) {
      t->response->status = std::atol(std::string(line.substr(space + 1, 3)).c_str());
    }
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->response->headers[ToLower(Trim(line.substr(0, colon)))] =
        std::string(Trim(line.substr(colon + 1)));
  }
  return size * n;
}

// curl read callback: feeds the request body from the string or the file.
size_t OnRead(char* buffer, size_t size, size_t n, void* user) {
  Body* body = &static_cast<Transfer*>(user)->request->body;
  size_t want = size * n;
  if (body->file) {
    want = static_cast<size_t>(std::min<std::int64_t>(want, body->remaining));
    size_t got = std::fread(buffer, 1, want, body->file);
    body->remaining -= static_cast<std::int64_t>(got);
    return got;
  }
  size_t got = std::min(want, body->data.size());
  std::memcpy(buffer, body->data.data(), got);
  body->data.remove_prefix(got);
  return got;
}

// Closes a stdio file on scope exit.
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Holds only immutable configuration; each request uses its own curl handle.
class S3ObjectStore final : public ObjectStore {
 public:
  explicit S3ObjectStore(S3Config config) : config_(std::move(config)) {}

  Status PutFile(const std::string& key, const std::string& path,
                 const std::string& content_type) override {
    INCUERA_RETURN_IF_ERROR(ValidateKey(key));
    File file(std::fopen(path.c_str(), "rb"));
    if (!file) return NotFound("cannot open " + path);
    std::fseek(file.get(), 0, SEEK_END);
    std::int64_t size = std::ftell(file.get());
    std::fseek(file.get(), 0, SEEK_SET);
    if (size > kMultipartThreshold) return PutMultipart(key, file.get(), size, content_type);
    Request req;
    req.method = "PUT";
    req.key = key;
    req.headers = {{"content-type", ContentTypeOr(key, content_type)}};
    req.body.file = file.get();
    req.body.remaining = size;
    req.payload_hash = "UNSIGNED-PAYLOAD";
    return Expect2xx(req, "put " + key);
  }

  Status Put(const std::string& key, std::string_view data,
             const std::string& content_type) override {
    INCUERA_RETURN_IF_ERROR(ValidateKey(key));
    Request req;
    req.method = "PUT";
    req.key = key;
    req.headers = {{"content-type", ContentTypeOr(key, content_type)}};
    req.body.data = data;
    return Expect2xx(req, "put " + key);
  }

  Status Get(const std::string& key, std::optional<ByteRange> range,
             const std::function<Status(std::string_view)>& sink) override {
    INCUERA_RETURN_IF_ERROR(ValidateKey(key));
    Request req;
    req.key = key;
    req.sink = &sink;
    if (range) {
      if (range->offset < 0) return InvalidArgument("negative range offset");
      if (range->length == 0) return Stat(key).status();
      std::string spec = "bytes=" + std::to_string(range->offset) + "-";
      if (range->length > 0) spec += std::to_string(range->offset + range->length - 1);
      req.headers.emplace_back("range", spec);
    }
    INCUERA_ASSIGN_OR_RETURN(Response r, Send(req));
    if (Ok(r)) return OkStatus();
    if (r.status == 416) {
      // S3 refuses any range of an empty object; the contract allows offset 0.
      INCUERA_ASSIGN_OR_RETURN(ObjectInfo info, Stat(key));
      if (info.size == 0 && range->offset == 0) return OkStatus();
      return InvalidArgument("range starts past the end of " + key);
    }
    return HttpStatus(r, "get " + key);
  }

  Result<ObjectInfo> Stat(const std::string& key) override {
    INCUERA_RETURN_IF_ERROR(ValidateKey(key));
    Request req;
    req.method = "HEAD";
    req.key = key;
    INCUERA_ASSIGN_OR_RETURN(Response r, Send(req));
    if (!Ok(r)) return HttpStatus(r, "stat " + key);
    ObjectInfo info;
    info.size = std::atoll(r.headers["content-length"].c_str());
    info.content_type = r.headers["content-type"];
    return info;
  }

  Result<bool> Exists(const std::string& key) override {
    Result<ObjectInfo> info = Stat(key);
    if (info.ok()) return true;
    if (info.status().code() == StatusCode::kNotFound) return false;
    return info.status();
  }

  Result<int> DeletePrefix(const std::string& prefix) override {
    INCUERA_RETURN_IF_ERROR(ValidatePrefix(prefix));
    int deleted = 0;
    std::string token;
    for (;;) {
      Request list;
      list.query = {{"list-type", "2"}, {"prefix", prefix}};
      if (!token.empty()) list.query.emplace_back("continuation-token", token);
      INCUERA_ASSIGN_OR_RETURN(Response r, Send(list));
      if (!Ok(r)) return HttpStatus(r, "list " + prefix);
      size_t from = 0;
      while (std::optional<std::string> key = XmlTag(r.body, "Key", &from)) {
        Request del;
        del.method = "DELETE";
        del.key = *key;
        INCUERA_ASSIGN_OR_RETURN(Response d, Send(del));
        if (!Ok(d) && d.status != 404) return HttpStatus(d, "delete " + *key);
        ++deleted;
      }
      token = XmlTagOr(r.body, "NextContinuationToken");
      if (XmlTagOr(r.body, "IsTruncated") != "true" || token.empty()) return deleted;
    }
  }

  // ListObjectsV2; the page's token is S3's continuation token.
  Result<ObjectListing> List(const std::string& prefix, const std::string& token,
                             int limit) override {
    INCUERA_RETURN_IF_ERROR(ValidateListPrefix(prefix));
    Request list;
    list.query = {{"list-type", "2"}, {"max-keys", std::to_string(ListPageSize(limit))}};
    if (!prefix.empty()) list.query.emplace_back("prefix", prefix);
    if (!token.empty()) list.query.emplace_back("continuation-token", token);
    INCUERA_ASSIGN_OR_RETURN(Response r, Send(list));
    if (!Ok(r)) return HttpStatus(r, "list " + prefix);
    ObjectListing page;
    // Each <Contents> element, raw (its fields are decoded one by one).
    for (size_t open = r.body.find("<Contents>"); open != std::string::npos;
         open = r.body.find("<Contents>", open)) {
      size_t close = r.body.find("</Contents>", open);
      if (close == std::string::npos) break;
      std::string contents = r.body.substr(open, close - open);
      open = close;
      ObjectEntry entry;
      entry.key = XmlTagOr(contents, "Key");
      std::string size = XmlTagOr(contents, "Size");
      entry.size = size.empty() ? 0 : std::strtoll(size.c_str(), nullptr, 10);
      entry.modified_at = ParseS3Time(XmlTagOr(contents, "LastModified"));
      page.objects.push_back(std::move(entry));
    }
    if (XmlTagOr(r.body, "IsTruncated") == "true") {
      page.next_token = XmlTagOr(r.body, "NextContinuationToken");
    }
    return page;
  }

  std::string_view backend() const override { return "s3"; }

 private:
  // The caller's content type, else the one derived from the key.
  static std::string ContentTypeOr(const std::string& key, const std::string& content_type) {
    return content_type.empty() ? ContentTypeForKey(key) : content_type;
  }

  // Sends `req` and maps any non-2xx answer to a Status.
  Status Expect2xx(Request& req, const std::string& what) {
    INCUERA_ASSIGN_OR_RETURN(Response r, Send(req));
    return Ok(r) ? OkStatus() : HttpStatus(r, what);
  }

  // Uploads `size` bytes of `file` in kPartSize parts; aborts the upload on
  // any failure so no orphaned parts stay billed.
  Status PutMultipart(const std::string& key, std::FILE* file, std::int64_t size,
                      const std::string& content_type) {
    Request start;
    start.method = "POST";
    start.key = key;
    start.query = {{"uploads", ""}};
    start.headers = {{"content-type", ContentTypeOr(key, content_type)}};
    INCUERA_ASSIGN_OR_RETURN(Response r, Send(start));
    if (!Ok(r)) return HttpStatus(r, "start upload " + key);
    std::string upload_id = XmlTagOr(r.body, "UploadId");
    if (upload_id.empty()) return Internal("start upload " + key + ": no UploadId");
    Status status = UploadParts(key, upload_id, file, size);
    if (!status.ok()) {
      Request abort;
      abort.method = "DELETE";
      abort.key = key;
      abort.query = {{"uploadId", upload_id}};
      (void)Send(abort);
    }
    return status;
  }

  // Sends the parts of an open multipart upload, then completes it.
  Status UploadParts(const std::string& key, const std::string& upload_id, std::FILE* file,
                     std::int64_t size) {
    std::string complete = "<CompleteMultipartUpload>";
    std::string part(static_cast<size_t>(kPartSize), '\0');
    int number = 1;
    for (std::int64_t offset = 0; offset < size; offset += kPartSize, ++number) {
      size_t want = static_cast<size_t>(std::min(kPartSize, size - offset));
      if (std::fread(part.data(), 1, want, file) != want) return Internal("short read of file");
      Request put;
      put.method = "PUT";
      put.key = key;
      put.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
      put.body.data = std::string_view(part.data(), want);
      INCUERA_ASSIGN_OR_RETURN(Response r, Send(put));
      if (!Ok(r)) return HttpStatus(r, "upload part of " + key);
      complete += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" +
                  r.headers["etag"] + "</ETag></Part>";
    }
    complete += "</CompleteMultipartUpload>";
    Request done;
    done.method = "POST";
    done.key = key;
    done.query = {{"uploadId", upload_id}};
    done.headers = {{"content-type", "application/xml"}};
    done.body.data = complete;
    INCUERA_ASSIGN_OR_RETURN(Response r, Send(done));
    // S3 may answer 200 with an <Error> body when completion fails late.
    if (!Ok(r) || r.body.find("<Error>") != std::string::npos) {
      return HttpStatus(r, "complete upload " + key);
    }
    return OkStatus();
  }

  // Signs and performs `req`. Transport failures are Unavailable; HTTP
  // errors are left to the caller (the Response carries the status).
  Result<Response> Send(Request& req) {
    std::string host = config_.path_style ? config_.host : config_.bucket + "." + config_.host;
    std::string path = config_.base_path + "/";
    if (config_.path_style) path += UriEncode(config_.bucket, false) + (req.key.empty() ? "" : "/");
    path += UriEncode(req.key, true);
    if (req.payload_hash.empty()) req.payload_hash = Sha256Hex(req.body.data);

    char date[17];
    std::time_t now = std::time(nullptr);
    std::tm tm;
    gmtime_r(&now, &tm);
    std::strftime(date, sizeof(date), "%Y%m%dT%H%M%SZ", &tm);

    SigV4Request sign{req.method, path, req.query, req.headers, req.payload_hash};
    sign.headers.emplace_back("host", host);
    sign.headers.emplace_back("x-amz-date", date);
    sign.headers.emplace_back("x-amz-content-sha256", req.payload_hash);
    SigV4Signature sig = SignV4(sign, config_.credentials, date);

    std::string query = CanonicalQuery(req.query);
    std::string url = config_.scheme + "://" + host + path + (query.empty() ? "" : "?" + query);

    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Internal("curl_easy_init failed");
    curl_slist* list = nullptr;
    for (const auto& [name, value] : sign.headers) {
      if (name != "host") list = curl_slist_append(list, (name + ": " + value).c_str());
    }
    list = curl_slist_append(list, ("Authorization: " + sig.authorization).c_str());
    list = curl_slist_append(list, "Expect:");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);
    Response response;
    Transfer transfer{&req, &response, OkStatus()};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnWrite);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
    if (req.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (req.method == "PUT" || req.method == "POST") {
      std::int64_t length =
          req.body.file ? req.body.remaining : static_cast<std::int64_t>(req.body.data.size());
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
      curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
      curl_easy_setopt(c, CURLOPT_READDATA, &transfer);
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
    } else if (req.method != "GET") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    if (!transfer.sink_status.ok()) return transfer.sink_status;
    if (rc != CURLE_OK) {
      return Unavailable("s3 " + req.method + " " + req.key + ": " + curl_easy_strerror(rc));
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }

  const S3Config config_;
};

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenS3ObjectStore(const std::string& url, Env& env) {
  INCUERA_ASSIGN_OR_RETURN(S3Config config, ParseS3Url(url, env));
  // libcurl's global state, set up once per process before any thread makes
  // a handle (curl_easy_init would otherwise do it lazily, racing other
  // threads); the LLM client does the same, and libcurl counts the calls.
  static const CURLcode curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (curl_ready != CURLE_OK) return Internal("libcurl could not be initialized");
  return std::unique_ptr<ObjectStore>(std::make_unique<S3ObjectStore>(std::move(config)));
}

}  // namespace incuera::internal
