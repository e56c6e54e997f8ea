#include "render/resource_fetcher.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>

#include "core/text.h"

namespace incuera::internal {
namespace {

namespace ip = boost::asio::ip;

// Request headers of the browser's that a resource request sends on:
// content negotiation and media ranges. Cookies, credentials and the rest
// stay behind.
constexpr std::string_view kSentHeaders[] = {"accept",  "accept-language", "user-agent",
                                             "referer", "origin",          "range"};
// Response headers that describe the transfer, not the resource (the body
// handed to the browser is whole and decoded).
constexpr std::string_view kDroppedHeaders[] = {
    "content-encoding", "content-length", "transfer-encoding", "connection",
    "keep-alive",       "set-cookie",     "alt-svc",           "strict-transport-security"};

bool Listed(std::string_view name, const auto& list) {
  const std::string lower = ToLower(name);
  return std::find(std::begin(list), std::end(list), lower) != std::end(list);
}

// "host:port:addr,addr" for CURLOPT_RESOLVE: the name resolves to the
// checked addresses only, whatever DNS answers now.
std::string ResolveEntry(const std::string& host, const std::string& port,
                         const std::vector<ip::address>& addresses) {
  std::string entry = host + ":" + port + ":";
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) entry += ",";
    entry += addresses[i].is_v6() ? "[" + addresses[i].to_string() + "]" : addresses[i].to_string();
  }
  return entry;
}

std::optional<ip::address> SocketAddress(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    return ip::address_v4(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    ip::address_v6::bytes_type bytes;
    std::copy_n(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr.s6_addr, 16,
                bytes.begin());
    return ip::address_v6(bytes);
  }
  return std::nullopt;
}

}  // namespace

struct ResourceFetcher::Transfer {
  ResourceFetcher* owner = nullptr;
  Done done;
  std::vector<ip::address> allowed;
  CURL* easy = nullptr;
  curl_slist* resolve = nullptr;
  curl_slist* headers = nullptr;
  ResourceResponse response;
  std::string refused;  // why a connection or the body was refused
  char error[CURL_ERROR_SIZE] = {};

  // Sets up `easy` for `request`; false (with `refused`) when the URL is not
  // one to fetch.
  bool Prepare(const ResourceRequest& request);

  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    curl_slist_free_all(resolve);
    curl_slist_free_all(headers);
  }

  static size_t OnBody(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const size_t bytes = size * count;
    const Limits& limits = t->owner->limits_;
    if (t->response.body.size() + bytes > limits.max_body_bytes) {
      t->refused = "larger than " + std::to_string(limits.max_body_bytes >> 20) + " MiB";
      return 0;
    }
    if (t->owner->total_bytes_.fetch_add(bytes) + bytes > limits.max_total_bytes) {
      t->refused =
          "the render fetched more than " + std::to_string(limits.max_total_bytes >> 20) + " MiB";
      return 0;
    }
    t->response.body.append(data, bytes);
    return bytes;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const std::string_view line = Trim(std::string_view(data, size * count));
    if (line.substr(0, 5) == "HTTP/") {
      t->response.headers.clear();  // a new response (after a 1xx)
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      const std::string_view name = Trim(line.substr(0, colon));
      if (!name.empty() && !Listed(name, kDroppedHeaders)) {
        t->response.headers.emplace_back(name, Trim(line.substr(colon + 1)));
      }
    }
    return size * count;
  }

  // Every connection curl opens comes through here: one to an address the
  // policy did not check is refused, whatever led curl to it.
  static curl_socket_t OnOpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(self);
    const std::optional<ip::address> to = SocketAddress(&address->addr);
    if (purpose != CURLSOCKTYPE_IPCXN || !to ||
        std::find(t->allowed.begin(), t->allowed.end(), *to) == t->allowed.end()) {
      t->refused = "connection to an address the policy did not check";
      return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }
};

ResourceFetcher::ResourceFetcher(Limits limits)
    : limits_(limits), multi_(curl_multi_init()), thread_([this] { Run(); }) {}

ResourceFetcher::~ResourceFetcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  curl_multi_wakeup(multi_);
  thread_.join();
  curl_multi_cleanup(multi_);
}

void ResourceFetcher::Fetch(ResourceRequest request, Done done) {
  {
    std::lock_guard lock(mu_);
    queued_.emplace_back(std::move(request), std::move(done));
  }
  wake_.notify_all();
  curl_multi_wakeup(multi_);
}

void ResourceFetcher::Run() {
  std::vector<std::unique_ptr<Transfer>> running;
  while (true) {
    std::vector<std::pair<ResourceRequest, Done>> starting;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queued_.empty() || !running.empty(); });
      if (stopping_) break;
      while (!queued_.empty() && running.size() + starting.size() < limits_.max_parallel) {
        starting.push_back(std::move(queued_.front()));
        queued_.pop_front();
      }
    }
    for (auto& [request, done] : starting) {
      auto t = std::make_unique<Transfer>();
      t->owner = this;
      t->done = std::move(done);
      t->allowed = request.addresses;
      if (!t->Prepare(request)) {
        t->done(Unavailable(t->refused));
        continue;
      }
      curl_multi_add_handle(multi_, t->easy);
      running.push_back(std::move(t));
    }
    int still_running = 0;
    curl_multi_perform(multi_, &still_running);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      auto it = std::find_if(running.begin(), running.end(),
                             [&](const auto& t) { return t->easy == message->easy_handle; });
      if (it == running.end()) continue;
      std::unique_ptr<Transfer> t = std::move(*it);
      running.erase(it);
      curl_multi_remove_handle(multi_, t->easy);
      if (message->data.result == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        t->response.status = static_cast<int>(status);
        t->done(std::move(t->response));
      } else {
        const std::string why = !t->refused.empty() ? t->refused
                                : t->error[0] != '\0'
                                    ? std::string(t->error)
                                    : std::string(curl_easy_strerror(message->data.result));
        t->done(Unavailable(why));
      }
    }
    if (!running.empty()) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
  }
  for (const auto& t : running) curl_multi_remove_handle(multi_, t->easy);
}

bool ResourceFetcher::Transfer::Prepare(const ResourceRequest& request) {
  Transfer& t = *this;
  const Limits& limits = owner->limits_;
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
  char* host = nullptr;
  char* port = nullptr;
  const bool parsed =
      curl_url_set(url.get(), CURLUPART_URL, request.url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(url.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(url.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
  std::string host_name = host != nullptr ? host : "";
  std::string port_number = port != nullptr ? port : "";
  curl_free(host);
  curl_free(port);
  if (!parsed || host_name.empty() || request.addresses.empty()) {
    t.refused = "not a URL to fetch";
    return false;
  }
  t.easy = curl_easy_init();
  if (t.easy == nullptr) {
    t.refused = "libcurl could not start a transfer";
    return false;
  }
  // An IP literal needs no pin: it is what was checked.
  boost::system::error_code not_literal;
  (void)ip::make_address(
      host_name.front() == '[' ? host_name.substr(1, host_name.size() - 2) : host_name,
      not_literal);
  if (not_literal) {
    t.resolve =
        curl_slist_append(nullptr, ResolveEntry(host_name, port_number, request.addresses).c_str());
  }
  for (const auto& [name, value] : request.headers) {
    if (Listed(name, kSentHeaders)) {
      t.headers = curl_slist_append(t.headers, (name + ": " + value).c_str());
    }
  }
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_NOPROXY, "*");  // a proxy would resolve the name itself
  curl_easy_setopt(e, CURLOPT_RESOLVE, t.resolve);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Transfer::OnOpenSocket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // what curl can decode, decoded
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.timeout.count()));
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_body_bytes));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  return true;
}

}  // namespace incuera::internal
