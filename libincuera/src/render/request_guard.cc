#include "render/request_guard.h"

namespace incuera::internal {
namespace {

namespace json = boost::json;

std::string_view StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : "";
}

}  // namespace

Status GuardRequests(CdpPipe& cdp, NetworkPolicy& policy) {
  cdp.SetEventHandler([&cdp, &policy](const json::object& event) {
    if (StringAt(event, "method") != "Fetch.requestPaused") return;
    const json::value* p = event.if_contains("params");
    if (p == nullptr || !p->is_object()) return;
    const json::object& params = p->get_object();
    const json::value* request = params.if_contains("request");
    const std::string_view url =
        request != nullptr && request->is_object() ? StringAt(request->get_object(), "url") : "";
    const json::string request_id(StringAt(params, "requestId"));
    const std::string_view session = StringAt(event, "sessionId");
    // A failed answer means the browser is gone; the next Call reports it.
    if (policy.Refusal(url, StringAt(params, "resourceType")).empty()) {
      (void)cdp.Post("Fetch.continueRequest", {{"requestId", request_id}}, session);
    } else {
      (void)cdp.Post("Fetch.failRequest",
                     {{"requestId", request_id}, {"errorReason", "BlockedByClient"}}, session);
    }
  });
  return cdp.Call("Fetch.enable", {{"patterns", json::array{json::object{{"urlPattern", "*"}}}}})
      .status();
}

}  // namespace incuera::internal
