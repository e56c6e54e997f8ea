// Dashboard logins: POST /api/auth/login, POST /api/auth/logout,
// POST /api/auth/password, GET /api/me.
#include "http/admin_bodies.h"
#include "http/admin_json.h"
#include "http/caller.h"
#include "incuera/store.h"

namespace incuera::http::internal {
namespace {

// The answer of a login or password change: the token in the body and the
// session cookie.
void WriteLogin(Context& ctx, const Request& req, Response& res, const LoginToken& login) {
  long long max_age = (login.expires_at - ctx.engine.env().NowMs()) / 1000;
  SetSessionCookie(req, res, login.token, max_age);
  WriteJson(res, boost::json::serialize(boost::json::object{{"token", login.token},
                                                            {"expires_at", login.expires_at},
                                                            {"user", UserJson(login.user)}}));
}

Status Login(Context& ctx, const Request& req, Response& res) {
  // A login sets the session cookie: a cross-site form must not sign the
  // victim in to the attacker's account (login CSRF).
  INCUERA_RETURN_IF_ERROR(CheckOrigin(ctx, req, /*allow_no_origin=*/true));
  INCUERA_ASSIGN_OR_RETURN(LoginRequest login, ParseLoginBody(req.body));
  login.client_ip = ClientAddress(ctx, req);
  int retry_after = 0;
  Result<LoginToken> token = ctx.admin.Login(login, &retry_after);
  if (retry_after > 0) res.set_header("Retry-After", std::to_string(retry_after));
  INCUERA_RETURN_IF_ERROR(token.status());
  WriteLogin(ctx, req, res, *token);
  return OkStatus();
}

// A signed-in user's password change. Checked like a login (Origin, the
// login limits on the current password); every other login of the user is
// signed out, and the caller's cookie is replaced by a new one, so the tab
// that changed the password stays signed in.
Status ChangePassword(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_RETURN_IF_ERROR(CheckOrigin(ctx, req, /*allow_no_origin=*/true));
  INCUERA_ASSIGN_OR_RETURN(PasswordChangeBody body, ParsePasswordChangeBody(req.body));
  int retry_after = 0;
  Result<LoginToken> token = ctx.admin.ChangeOwnPassword(
      who, body.current_password, body.new_password, ClientAddress(ctx, req), &retry_after);
  if (retry_after > 0) res.set_header("Retry-After", std::to_string(retry_after));
  INCUERA_RETURN_IF_ERROR(token.status());
  WriteLogin(ctx, req, res, *token);
  return OkStatus();
}

// Logout always succeeds and clears the cookie, so a browser holding an
// expired or revoked token can still sign out; the token presented (bearer
// or cookie) is revoked when it is a login token. Needs no Origin check:
// SameSite=Strict keeps the cookie off cross-site requests, and the worst a
// forged logout could do is sign someone out.
void Logout(Context& ctx, const Request& req, Response& res) {
  std::string token = CookieValue(req, kSessionCookie);
  if (std::string auth = req.get_header_value("Authorization"); auth.rfind("Bearer ", 0) == 0) {
    token = auth.substr(7);
  }
  if (!token.empty() && token.rfind("inc_", 0) != 0) {
    if (Status s = ctx.admin.Logout(token); !s.ok()) return WriteError(res, s);
  }
  SetSessionCookie(req, res, "", 0);
  WriteJson(res, R"({"success":true})");
}

Status Me(Context& ctx, const Request&, Response& res, const Principal& who) {
  boost::json::object out;
  if (who.user) {
    out["user"] = UserJson(*who.user);
  } else {
    INCUERA_ASSIGN_OR_RETURN(ProjectSummary project, ctx.admin.GetProject(who, ""));
    out["api_key"] = ApiKeyJson(*who.key);
    out["project"] = ProjectJson(project);
  }
  WriteJson(res, boost::json::serialize(out));
  return OkStatus();
}

}  // namespace

void MountAuthRoutes(Router& server, const std::shared_ptr<Context>& ctx) {
  server.Post("/api/auth/login", [ctx](const Request& req, Response& res) {
    if (Status s = Login(*ctx, req, res); !s.ok()) WriteError(res, s);
  });
  server.Post("/api/auth/logout",
              [ctx](const Request& req, Response& res) { Logout(*ctx, req, res); });
  server.Post("/api/auth/password", AdminRoute(ctx, ChangePassword));
  server.Get("/api/me", AdminRoute(ctx, Me));
}

}  // namespace incuera::http::internal
