// Who is calling the admin API: credentials from the Authorization header or
// the dashboard's session cookie, and the CSRF rule for cookie requests.
#pragma once

#include <string>

#include "http/context.h"
#include "incuera/admin.h"
#include "incuera/http.h"

namespace incuera::http::internal {

// The dashboard's login cookie.
inline constexpr char kSessionCookie[] = "incuera_session";

// Authenticates the request: `Authorization: Bearer <login token | read
// key>`, else the session cookie. A cookie-authenticated POST, PATCH or
// DELETE must come from the server's own origin (or ALLOWED_ORIGINS):
// SameSite=Strict already keeps the cookie off cross-site requests, and the
// Origin check covers old browsers and sibling sub-domains.
// Unauthenticated without credentials; PermissionDenied for a refused origin.
Result<Principal> Authenticate(Context& ctx, const Request& req);

// The Origin rule of cookie writes: the request must come from the server's
// own origin or ALLOWED_ORIGINS (or carry Sec-Fetch-Site: same-origin).
// With `allow_no_origin`, a request that carries neither Origin nor a
// cross-site Sec-Fetch-Site passes too: a program, not a browser (login).
// PermissionDenied otherwise.
Status CheckOrigin(Context& ctx, const Request& req, bool allow_no_origin = false);

// The client's address for per-address limits: the socket's peer, or, when
// the server is told to trust a proxy (ServerOptions::trust_proxy), the
// address that proxy appended to X-Forwarded-For.
std::string ClientAddress(Context& ctx, const Request& req);

// The value of cookie `name`, or "".
std::string CookieValue(const Request& req, std::string_view name);

// Sets (or, with an empty token and max_age 0, clears) the session cookie:
// HttpOnly, SameSite=Strict, Path=/, Secure when the request came over
// HTTPS (directly or as told by X-Forwarded-Proto).
void SetSessionCookie(const Request& req, Response& res, const std::string& token,
                      long long max_age_seconds);

// Wraps an admin handler: authenticates the caller, runs
// `fn(ctx, req, res, who)` and writes a failing Status as the JSON error.
template <typename Fn>
Handler AdminRoute(const std::shared_ptr<Context>& ctx, Fn fn) {
  return [ctx, fn](const Request& req, Response& res) {
    Result<Principal> who = Authenticate(*ctx, req);
    Status s = who.ok() ? fn(*ctx, req, res, *who) : who.status();
    if (!s.ok()) WriteError(res, s);
  };
}

}  // namespace incuera::http::internal
