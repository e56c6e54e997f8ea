#include "http/caller.h"

#include <algorithm>

#include "core/text.h"

namespace incuera::http::internal {
namespace {

bool IsUnsafe(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool Https(const Request& req) {
  return req.get_header_value("X-Forwarded-Proto") == "https";
}

// The request's own origin as a browser would write it.
std::string OwnOrigin(const Request& req) {
  return std::string(Https(req) ? "https://" : "http://") + req.get_header_value("Host");
}

}  // namespace

Status CheckOrigin(Context& ctx, const Request& req, bool allow_no_origin) {
  std::string origin = req.get_header_value("Origin");
  if (origin.empty()) {
    // Browsers send Origin with every cross-origin and same-origin fetch
    // that is not GET/HEAD; its absence means an old client or a forged
    // form. Sec-Fetch-Site is the second witness modern browsers give.
    const std::string site = req.get_header_value("Sec-Fetch-Site");
    if (site == "same-origin") return OkStatus();
    if (allow_no_origin && (site.empty() || site == "none")) return OkStatus();
    return PermissionDenied("cross-site request refused (no Origin header)");
  }
  if (origin == OwnOrigin(req)) return OkStatus();
  const auto& allowed = ctx.engine.options().server.allowed_origins;
  if (std::find(allowed.begin(), allowed.end(), origin) != allowed.end()) return OkStatus();
  return PermissionDenied("cross-site request refused (origin " + origin + ")");
}

std::string ClientAddress(Context& ctx, const Request& req) {
  if (ctx.engine.options().server.trust_proxy) {
    // The proxy appends the address it saw; what is left of it the client
    // may have written itself.
    const std::vector<std::string> hops =
        incuera::internal::Split(req.get_header_value("X-Forwarded-For"), ',');
    if (!hops.empty()) {
      std::string last(incuera::internal::Trim(hops.back()));
      if (!last.empty()) return last;
    }
  }
  return req.remote_addr;
}

std::string CookieValue(const Request& req, std::string_view name) {
  for (const std::string& part : incuera::internal::Split(req.get_header_value("Cookie"), ';')) {
    std::string_view p = incuera::internal::Trim(part);
    if (p.size() > name.size() && p.substr(0, name.size()) == name && p[name.size()] == '=') {
      return std::string(p.substr(name.size() + 1));
    }
  }
  return "";
}

void SetSessionCookie(const Request& req, Response& res, const std::string& token,
                      long long max_age_seconds) {
  std::string cookie =
      std::string(kSessionCookie) + "=" + token +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds);
  if (Https(req)) cookie += "; Secure";
  res.set_header("Set-Cookie", cookie);
}

Result<Principal> Authenticate(Context& ctx, const Request& req) {
  std::string auth = req.get_header_value("Authorization");
  if (!auth.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
      return Unauthenticated("Authorization must be 'Bearer <token or read API key>'");
    }
    return ctx.admin.Authenticate(incuera::internal::Trim(auth.substr(kBearer.size())));
  }
  std::string cookie = CookieValue(req, kSessionCookie);
  if (cookie.empty()) {
    return Unauthenticated("sign in, or send 'Authorization: Bearer <token or read API key>'");
  }
  if (IsUnsafe(req.method)) INCUERA_RETURN_IF_ERROR(CheckOrigin(ctx, req));
  INCUERA_ASSIGN_OR_RETURN(Principal who, ctx.admin.Authenticate(cookie));
  if (!who.user) return Unauthenticated("invalid session cookie");
  return who;
}

}  // namespace incuera::http::internal
