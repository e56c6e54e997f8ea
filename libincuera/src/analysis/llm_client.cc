// LlmClient over libcurl: one POST per attempt, retries with backoff.
#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <random>
#include <thread>

#include "analysis/llm_prompt.h"
#include "incuera/analysis.h"

namespace incuera {
namespace {

// Response bodies larger than this are cut (an answer is a few KiB).
constexpr std::size_t kMaxResponseBytes = 8u << 20;
// Longest wait between attempts, whatever Retry-After says.
constexpr std::chrono::milliseconds kMaxDelay{120'000};
// Characters of a server error body quoted in a Status message.
constexpr std::size_t kErrorSnippetChars = 200;

struct Reply {
  CURLcode code = CURLE_OK;
  long http_status = 0;
  std::string body;
  std::optional<std::chrono::seconds> retry_after;
};

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  std::size_t n = size * count;
  if (body->size() + n > kMaxResponseBytes) return 0;
  body->append(data, n);
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// Removes every occurrence of `secret` from `text`.
std::string Redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "[redacted]");
  }
  return text;
}

Reply Post(const LlmOptions& options, const std::string& body) {
  Reply reply;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    reply.code = CURLE_FAILED_INIT;
    return reply;
  }
  std::string url = options.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/chat/completions";
  std::string authorization = "Authorization: Bearer " + options.api_key;
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"));
  curl_slist_append(headers.get(), authorization.c_str());
  long timeout_ms = static_cast<long>(std::chrono::milliseconds(options.timeout).count());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10'000L));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
  reply.code = curl_easy_perform(curl.get());
  if (reply.code != CURLE_OK) return reply;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.http_status);
  curl_header* header = nullptr;
  if (curl_easy_header(curl.get(), "Retry-After", 0, CURLH_HEADER, -1, &header) == CURLHE_OK) {
    std::string_view value = header->value;
    long seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error == std::errc() && seconds >= 0) reply.retry_after = std::chrono::seconds(seconds);
  }
  return reply;
}

}  // namespace

LlmClient::LlmClient(LlmOptions options, std::chrono::milliseconds backoff_base)
    : options_(std::move(options)), backoff_base_(backoff_base) {
  // libcurl's global state, set up once per process before any thread makes
  // a handle (curl_easy_init would otherwise do it lazily, racing other
  // threads); the S3 store does the same, and libcurl counts the calls.
  static const CURLcode curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)curl_ready;
}

Result<LlmSummary> LlmClient::Summarize(const LlmInput& input) const {
  if (options_.api_key.empty()) return FailedPrecondition("LLM API key is not set");
  std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  bool json_format = true;
  std::string body = internal::BuildChatRequest(options_, input, json_format);
  for (int attempt = 0;; ++attempt) {
    Reply reply = Post(options_, body);
    std::string problem;
    if (reply.code != CURLE_OK) {
      problem = curl_easy_strerror(reply.code);
    } else if (reply.http_status == 200) {
      INCUERA_ASSIGN_OR_RETURN(std::string content, internal::ExtractChatContent(reply.body));
      return internal::ParseLlmAnswer(content);
    } else {
      std::string snippet = Redact(reply.body.substr(0, kErrorSnippetChars), options_.api_key);
      problem = "HTTP " + std::to_string(reply.http_status) + ": " + snippet;
      if (reply.http_status == 400 && json_format &&
          reply.body.find("response_format") != std::string::npos) {
        json_format = false;
        body = internal::BuildChatRequest(options_, input, json_format);
        --attempt;  // the retry without response_format is not a failure
        continue;
      }
      if (reply.http_status == 401 || reply.http_status == 403) {
        return Unauthenticated("LLM server rejected the API key (" + problem + ")");
      }
      if (reply.http_status != 408 && reply.http_status != 429 && reply.http_status < 500) {
        return FailedPrecondition("LLM server refused the request (" + problem + ")");
      }
    }
    if (attempt >= options_.max_retries) {
      return Unavailable("LLM request failed after " + std::to_string(attempt + 1) +
                         " attempts: " + problem);
    }
    std::chrono::milliseconds delay =
        reply.retry_after
            ? std::chrono::duration_cast<std::chrono::milliseconds>(*reply.retry_after)
            : std::chrono::milliseconds(static_cast<std::int64_t>(
                  backoff_base_.count() * static_cast<double>(1LL << std::min(attempt, 20)) *
                  jitter(random)));
    std::this_thread::sleep_for(std::min(delay, kMaxDelay));
  }
}

}  // namespace incuera
