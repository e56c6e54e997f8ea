#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "analysis/llm_prompt.h"
#include "core/text.h"
#include "incuera/analysis.h"

namespace incuera {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr char kKey[] = "sk-test-secret-123";

constexpr char kAnswer[] =
    R"({"summary":"Bought a mug.","user_intent":"buy","outcome":"success",)"
    R"("frustration_signals":["rage click"],)"
    R"("notable_moments":[{"session_time_ms":1200,"description":"added to cart"}]})";

// A chat completions response whose message content is `content`.
std::string ChatResponse(const std::string& content) {
  return json::serialize(json::object{
      {"choices", json::array{json::object{
                      {"message", json::object{{"role", "assistant"}, {"content", content}}}}}}});
}

// An OpenAI-compatible server on a free loopback port; `handle` answers each
// request, which is also recorded.
class FakeServer {
 public:
  using Handler = std::function<void(int n, const httplib::Request&, httplib::Response&)>;

  explicit FakeServer(Handler handle) : handle_(std::move(handle)) {
    server_.Post("/v1/chat/completions",
                 [this](const httplib::Request& request, httplib::Response& response) {
                   int n;
                   {
                     std::lock_guard lock(mutex_);
                     n = static_cast<int>(bodies_.size());
                     bodies_.push_back(request.body);
                     authorizations_.push_back(request.get_header_value("Authorization"));
                   }
                   handle_(n, request, response);
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeServer() {
    stopping = true;
    server_.stop();
    thread_.join();
  }

  LlmOptions Options() const {
    LlmOptions options;
    options.api_key = kKey;
    options.base_url = "http://127.0.0.1:" + std::to_string(port_) + "/v1/";
    options.model = "test/model";
    options.timeout = std::chrono::seconds(5);
    options.max_retries = 2;
    return options;
  }
  int requests() {
    std::lock_guard lock(mutex_);
    return static_cast<int>(bodies_.size());
  }
  std::string body(int n) {
    std::lock_guard lock(mutex_);
    return bodies_.at(n);
  }
  std::string authorization(int n) {
    std::lock_guard lock(mutex_);
    return authorizations_.at(n);
  }

  std::atomic<bool> stopping{false};

 private:
  Handler handle_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::vector<std::string> authorizations_;
};

LlmInput SampleInput() {
  return {"00:01.2 click button#add \"Add\"\n",
          R"({"clicks":1})",
          {{"JPEG-ONE", 1'200}, {"JPEG-TWO", 5'000}}};
}

void Json(httplib::Response& response, int status, const std::string& body) {
  response.status = status;
  response.set_content(body, "application/json");
}

TEST_CASE("a valid answer is parsed and the request carries model, key, format and images") {
  FakeServer server([](int, const httplib::Request&, httplib::Response& response) {
    Json(response, 200, ChatResponse(std::string("```json\n") + kAnswer + "\n```"));
  });
  LlmClient client(server.Options(), milliseconds(1));
  Result<LlmSummary> summary = client.Summarize(SampleInput());
  REQUIRE_MESSAGE(summary.ok(), summary.status().ToString());
  CHECK(summary->summary == "Bought a mug.");
  CHECK(summary->outcome == "success");
  REQUIRE(summary->notable_moments.size() == 1);
  CHECK(summary->notable_moments[0].session_time_ms == 1'200);
  CHECK(json::parse(summary->ToJson()).at("frustration_signals").at(0).as_string() == "rage click");

  REQUIRE(server.requests() == 1);
  CHECK(server.authorization(0) == std::string("Bearer ") + kKey);
  json::value request = json::parse(server.body(0));
  CHECK(request.at("model").as_string() == "test/model");
  CHECK(request.at("response_format").at("type").as_string() == "json_object");
  CHECK(request.at("messages").at(0).at("role").as_string() == "system");
  const json::array& parts = request.at("messages").at(1).at("content").as_array();
  CHECK(std::string(parts.at(0).at("text").as_string()).find("click button#add") !=
        std::string::npos);
  int images = 0;
  for (const json::value& part : parts) {
    if (part.at("type").as_string() != "image_url") continue;
    std::string url(part.at("image_url").at("url").as_string());
    CHECK(url.rfind("data:image/jpeg;base64,", 0) == 0);
    ++images;
  }
  CHECK(images == 2);
  CHECK(server.body(0).find(internal::Base64Encode("JPEG-ONE")) != std::string::npos);
}

TEST_CASE("an answer that is not JSON or has the wrong shape is an InvalidArgument") {
  std::string content = "I cannot help with that.";
  FakeServer server([&](int, const httplib::Request&, httplib::Response& response) {
    Json(response, 200, ChatResponse(content));
  });
  LlmClient client(server.Options(), milliseconds(1));
  CHECK(client.Summarize(SampleInput()).status().code() == StatusCode::kInvalidArgument);
  content = R"({"summary":"x","user_intent":"y","outcome":"maybe","frustration_signals":[],)"
            R"("notable_moments":[]})";
  Result<LlmSummary> wrong = client.Summarize(SampleInput());
  CHECK(wrong.status().code() == StatusCode::kInvalidArgument);
  CHECK(wrong.status().message() == "model answer did not match the expected shape");
}

TEST_CASE("answer validation is strict about every field") {
  using internal::ParseLlmAnswer;
  CHECK(ParseLlmAnswer(std::string("Sure! ") + kAnswer + " Hope this helps.").ok());
  CHECK_FALSE(ParseLlmAnswer(R"({"summary":1,"user_intent":"y","outcome":"error",)"
                             R"("frustration_signals":[],"notable_moments":[]})")
                  .ok());
  CHECK_FALSE(ParseLlmAnswer(R"({"summary":"s","user_intent":"y","outcome":"error",)"
                             R"("frustration_signals":[3],"notable_moments":[]})")
                  .ok());
  CHECK_FALSE(ParseLlmAnswer(R"({"summary":"s","user_intent":"y","outcome":"error",)"
                             R"("frustration_signals":[],"notable_moments":[{"description":"d"}]})")
                  .ok());
  CHECK_FALSE(ParseLlmAnswer(R"({"summary":"s","user_intent":"y","outcome":"error"})").ok());
}

TEST_CASE("429 with Retry-After is retried after the given delay") {
  FakeServer server([](int n, const httplib::Request&, httplib::Response& response) {
    if (n == 0) {
      response.set_header("Retry-After", "1");
      Json(response, 429, R"({"error":"slow down"})");
    } else {
      Json(response, 200, ChatResponse(kAnswer));
    }
  });
  LlmClient client(server.Options(), milliseconds(1));
  auto start = std::chrono::steady_clock::now();
  Result<LlmSummary> summary = client.Summarize(SampleInput());
  CHECK(summary.ok());
  CHECK(server.requests() == 2);
  CHECK(std::chrono::steady_clock::now() - start >= milliseconds(900));
}

TEST_CASE("a server failing with 500 gives Unavailable after max_retries, without the key") {
  FakeServer server([](int, const httplib::Request& request, httplib::Response& response) {
    Json(response, 500, "internal error for " + request.get_header_value("Authorization"));
  });
  LlmClient client(server.Options(), milliseconds(1));
  Result<LlmSummary> summary = client.Summarize(SampleInput());
  CHECK(summary.status().code() == StatusCode::kUnavailable);
  CHECK(summary.status().retryable());
  CHECK(server.requests() == 3);
  CHECK(summary.status().message().find(kKey) == std::string::npos);
  CHECK(summary.status().message().find("HTTP 500") != std::string::npos);
}

TEST_CASE("a rejected response_format is retried once without it") {
  FakeServer server([](int, const httplib::Request& request, httplib::Response& response) {
    if (request.body.find("response_format") != std::string::npos) {
      Json(response, 400, R"({"error":{"message":"response_format is not supported"}})");
    } else {
      Json(response, 200, ChatResponse(kAnswer));
    }
  });
  LlmClient client(server.Options(), milliseconds(1));
  CHECK(client.Summarize(SampleInput()).ok());
  CHECK(server.requests() == 2);
}

TEST_CASE("a rejected key is Unauthenticated and not echoed") {
  FakeServer server([](int, const httplib::Request& request, httplib::Response& response) {
    Json(response, 401, "bad key " + request.get_header_value("Authorization"));
  });
  LlmClient client(server.Options(), milliseconds(1));
  Result<LlmSummary> summary = client.Summarize(SampleInput());
  CHECK(summary.status().code() == StatusCode::kUnauthenticated);
  CHECK(summary.status().message().find(kKey) == std::string::npos);
  CHECK(server.requests() == 1);
}

TEST_CASE("a slow server times out within the configured bound") {
  FakeServer* self = nullptr;
  FakeServer server([&](int, const httplib::Request&, httplib::Response& response) {
    for (int i = 0; i < 40 && !self->stopping; ++i) std::this_thread::sleep_for(milliseconds(100));
    Json(response, 200, ChatResponse(kAnswer));
  });
  self = &server;
  LlmOptions options = server.Options();
  options.timeout = std::chrono::seconds(1);
  options.max_retries = 0;
  LlmClient client(options, milliseconds(1));
  auto start = std::chrono::steady_clock::now();
  Result<LlmSummary> summary = client.Summarize(SampleInput());
  CHECK(summary.status().code() == StatusCode::kUnavailable);
  CHECK(std::chrono::steady_clock::now() - start < milliseconds(2'500));
  CHECK(summary.status().message().find(kKey) == std::string::npos);
}

TEST_CASE("an unreachable server is Unavailable and a missing key a FailedPrecondition") {
  LlmOptions options;
  options.api_key = kKey;
  options.base_url = "http://127.0.0.1:1/v1";
  options.max_retries = 1;
  LlmClient client(options, milliseconds(1));
  Result<LlmSummary> summary = client.Summarize(SampleInput());
  CHECK(summary.status().code() == StatusCode::kUnavailable);
  CHECK(summary.status().message().find(kKey) == std::string::npos);
  CHECK(LlmClient(LlmOptions{}).Summarize(SampleInput()).status().code() ==
        StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace incuera
