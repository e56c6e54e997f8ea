#include "render/request_guard.h"

#include "core/text.h"

namespace incuera::internal {
namespace {

namespace json = boost::json;

std::string_view StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : "";
}

const json::object* ObjectAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

}  // namespace

Result<std::unique_ptr<RequestGuard>> RequestGuard::Start(CdpPipe& cdp, NetworkPolicy& policy,
                                                          ResourceFetcher::Limits limits) {
  std::unique_ptr<RequestGuard> guard(new RequestGuard(cdp, policy, limits));
  cdp.SetEventHandler([g = guard.get()](const json::object& event) { g->OnEvent(event); });
  Status enabled =
      cdp.Call("Fetch.enable", {{"patterns", json::array{json::object{{"urlPattern", "*"}}}}})
          .status();
  if (!enabled.ok()) return enabled;
  return guard;
}

RequestGuard::~RequestGuard() { cdp_.SetEventHandler(nullptr); }

void RequestGuard::OnEvent(const json::object& event) {
  if (StringAt(event, "method") != "Fetch.requestPaused") return;
  const json::object* params = ObjectAt(event, "params");
  if (params == nullptr) return;
  static const json::object kNone;
  const json::object* request = ObjectAt(*params, "request");
  if (request == nullptr) request = &kNone;
  const std::string url(StringAt(*request, "url"));
  const json::string request_id(StringAt(*params, "requestId"));
  const std::string session(StringAt(event, "sessionId"));
  NetworkPolicy::Decision decision = policy_.Decide(url, StringAt(*params, "resourceType"));
  if (decision.refusal.empty() && !decision.addresses.empty() &&
      StringAt(*request, "method") != "GET") {
    decision.refusal = "a replay only GETs";
  }
  // A failed answer means the browser is gone; the next Call reports it.
  if (!decision.refusal.empty()) {
    (void)cdp_.Post("Fetch.failRequest",
                    {{"requestId", request_id}, {"errorReason", "BlockedByClient"}}, session);
    return;
  }
  if (decision.addresses.empty()) {  // data: or blob:
    (void)cdp_.Post("Fetch.continueRequest", {{"requestId", request_id}}, session);
    return;
  }
  ResourceRequest fetch{url, {}, std::move(decision.addresses)};
  if (const json::object* headers = ObjectAt(*request, "headers")) {
    for (const auto& [name, value] : *headers) {
      if (value.is_string()) fetch.headers.emplace_back(name, value.get_string());
    }
  }
  // Runs on the fetcher's thread, which stops before cdp_ goes.
  fetcher_.Fetch(std::move(fetch), [this, request_id, session](Result<ResourceResponse> r) {
    if (!r.ok()) {
      (void)cdp_.Post("Fetch.failRequest",
                      {{"requestId", request_id}, {"errorReason", "ConnectionFailed"}}, session);
      return;
    }
    json::array headers;
    for (const auto& [name, value] : r->headers) {
      headers.push_back({{"name", name}, {"value", value}});
    }
    (void)cdp_.Post("Fetch.fulfillRequest",
                    {{"requestId", request_id},
                     {"responseCode", r->status},
                     {"responseHeaders", std::move(headers)},
                     {"body", Base64Encode(r->body)}},
                    session);
  });
}

}  // namespace incuera::internal
