// The SDK-facing routes: /api/sessions/start, /api/ingest, /api/sessions/end,
// /api/sessions/heartbeat. The gate checks the ingest key before the server
// reads the body (within the limit the gate sets); each handler parses,
// authorizes, calls IngestService once and maps the Status. Request and
// response fields stay compatible with SDKs of the first version
// (ARCHITECTURE §6).
#include <boost/json.hpp>

#include "core/text.h"
#include "http/context.h"
#include "incuera/auth.h"
#include "incuera/http.h"
#include "incuera/ingest.h"
#include "incuera/store.h"

namespace incuera::http::internal {
namespace {

// True when the browser origin may send to `project` (any origin when the
// project lists no domains). Domains match a whole origin or its host.
bool OriginAllowed(const Project& project, const std::string& origin) {
  if (project.domains.empty() || origin.empty()) return true;
  std::string host =
      origin.substr(origin.find("://") == std::string::npos ? 0 : origin.find("://") + 3);
  std::string host_no_port = host.substr(0, host.find(':'));
  for (const std::string& d : project.domains) {
    if (d == origin || d == host || d == host_no_port) return true;
    // "*.example.com" admits sub-domains.
    if (d.size() > 2 && d.compare(0, 2, "*.") == 0 && host_no_port.size() > d.size() - 1 &&
        host_no_port.compare(host_no_port.size() - (d.size() - 1), d.size() - 1, d.substr(1)) ==
            0) {
      return true;
    }
  }
  return false;
}

constexpr const char* kOriginRefused = "origin not allowed for this project";

// True for the refusal Authorize gives an origin outside the project's domains.
bool IsOriginRefusal(const Status& status) {
  return status.code() == StatusCode::kPermissionDenied && status.message() == kOriginRefused;
}

// Credentialed CORS: the page's origin echoed with Allow-Credentials, never
// "*" (browsers reject a wildcard on a credentialed request, and the first
// version's SDK sends /end as an application/json beacon, which is one).
// Vary: Origin on every answer, so a cache never serves one origin's
// headers to another.
void AllowCors(const Request& req, Response& res) {
  res.set_header("Vary", "Origin");
  std::string origin = req.get_header_value("Origin");
  if (origin.empty()) return;  // not a cross-origin browser request
  res.set_header("Access-Control-Allow-Origin", origin);
  res.set_header("Access-Control-Allow-Credentials", "true");
  // The SDK waits as long as a 429 or 503 asks (a quota, a full disk).
  res.set_header("Access-Control-Expose-Headers", "Retry-After");
}

// Authenticates the ingest key (X-API-Key, else `body_key` from a beacon
// body), applies the per-key rate limit and the origin check, and returns the
// key's project.
Result<Project> Authorize(Context& ctx, const Request& req, Response& res,
                          const std::string& body_key) {
  std::string secret = req.get_header_value("X-API-Key");
  if (secret.empty()) secret = body_key;
  if (secret.empty()) return Unauthenticated("missing API key (X-API-Key header)");
  INCUERA_ASSIGN_OR_RETURN(ApiKey key, ctx.engine.auth().VerifyApiKey(secret, KeyScope::kIngest));
  if (int wait = ctx.limiter.Acquire(key.id); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    return ResourceExhausted("rate limit exceeded for this API key");
  }
  INCUERA_ASSIGN_OR_RETURN(Project project, ctx.engine.ingest().GetProject(key.project_id));
  if (!OriginAllowed(project, req.get_header_value("Origin"))) {
    return PermissionDenied(kOriginRefused);
  }
  return project;
}

std::string Json(boost::json::object o) { return boost::json::serialize(o); }

// Runs before the body is read: a request carrying X-API-Key is refused at
// once when the key is not a valid ingest key, and may then send the full
// body; one without (a beacon, its key in the body) may send only
// max_beacon_bytes. Unauthenticated requests never cost more than that. On
// the I/O thread only a cached key is judged.
BodyGate Gate(std::shared_ptr<Context> ctx) {
  return [ctx](const Request& req, Response& res,
               GateStage stage) -> std::optional<Result<std::size_t>> {
    const IngestOptions& limits = ctx->engine.options().ingest;
    std::string secret = req.get_header_value("X-API-Key");
    if (secret.empty()) return limits.max_beacon_bytes;
    Auth& auth = ctx->engine.auth();
    std::optional<Result<ApiKey>> key = stage == GateStage::kIoThread
                                            ? auth.VerifyCachedApiKey(secret, KeyScope::kIngest)
                                            : auth.VerifyApiKey(secret, KeyScope::kIngest);
    if (!key) return std::nullopt;
    if (!key->ok()) {
      AllowCors(req, res);  // the page may read why it was refused
      return key->status();
    }
    return limits.max_body_bytes;
  };
}

// Wraps a handler body that returns a Status: CORS headers for every origin
// but one the project refuses, and a failing Status becomes the JSON error.
// The server has read the body within the gate's limit.
template <typename Fn>
Route Handler(std::shared_ptr<Context> ctx, Fn fn) {
  http::Handler handler = [ctx, fn](const Request& req, Response& res) {
    Status s = fn(*ctx, req, res, req.body);
    if (IsOriginRefusal(s)) {
      res.set_header("Vary", "Origin");
    } else {
      AllowCors(req, res);
    }
    if (!s.ok()) {
      WriteError(res, s);
      if (s.code() == StatusCode::kResourceExhausted &&
          res.get_header_value("Retry-After").empty()) {
        res.status = 413;
      }
    }
  };
  return Route{std::move(handler), Gate(ctx)};
}

Status Start(Context& ctx, const Request& req, Response& res, const std::string& body) {
  INCUERA_ASSIGN_OR_RETURN(StartRequest start, ParseStartBody(body));
  INCUERA_ASSIGN_OR_RETURN(Project project, Authorize(ctx, req, res, ""));
  INCUERA_ASSIGN_OR_RETURN(std::optional<Session> session,
                           ctx.engine.ingest().Start(project, start));
  if (!session) {
    // A success: SDKs retry what fails. Ours stops recording the visit.
    WriteJson(res, Json({{"success", true},
                         {"message", "Session not sampled"},
                         {"sessionId", start.session_id},
                         {"sampled", false}}));
    return OkStatus();
  }
  WriteJson(res, Json({{"success", true},
                       {"message", "Session started"},
                       {"sessionId", start.session_id},
                       {"session_id", session->id},
                       {"sampled", true}}));
  return OkStatus();
}

Status Ingest(Context& ctx, const Request& req, Response& res, const std::string& body) {
  // Whose visit it is, read before the events: a visit left out by sampling
  // is answered without parsing them (an SDK of the first version ignores
  // the start's answer and keeps sending, and re-sends what is not a 2xx).
  INCUERA_ASSIGN_OR_RETURN(BatchHead head,
                           PeekIngestBody(body, req.get_header_value("X-API-Key").empty()));
  INCUERA_ASSIGN_OR_RETURN(Project project, Authorize(ctx, req, res, head.api_key));
  INCUERA_ASSIGN_OR_RETURN(bool sampled, ctx.engine.ingest().Sampled(project, head.session_id));
  if (!sampled) {
    ctx.metrics.AddUnsampledBatch();
    WriteJson(res, Json({{"success", true},
                         {"message", "Session not sampled"},
                         {"events_received", 0},
                         {"stored", false},
                         {"sampled", false}}));
    return OkStatus();
  }
  INCUERA_ASSIGN_OR_RETURN(ParsedBatch batch, ParseIngestBody(body));
  INCUERA_ASSIGN_OR_RETURN(IngestResult result, ctx.engine.ingest().Ingest(project, batch));
  if (result.stored) ctx.metrics.AddIngested(batch.event_count, batch.events_json.size());
  WriteJson(res, Json({{"success", true},
                       {"message", result.stored ? "Events received" : "Batch already stored"},
                       {"events_received", result.events_received},
                       {"stored", result.stored},
                       {"session_status", SessionStatusName(result.session_status)},
                       {"session_id", result.session_id},
                       {"take_full_snapshot", result.take_full_snapshot}}));
  return OkStatus();
}

Status End(Context& ctx, const Request& req, Response& res, const std::string& body) {
  INCUERA_ASSIGN_OR_RETURN(EndRequest end, ParseEndBody(body));
  INCUERA_ASSIGN_OR_RETURN(Project project, Authorize(ctx, req, res, end.api_key));
  INCUERA_ASSIGN_OR_RETURN(EndResult result, ctx.engine.ingest().End(project, end));
  WriteJson(res, Json({{"success", true},
                       {"message", "Session ended"},
                       {"session_finalized", result.session_finalized},
                       {"video_job_queued", result.video_job_queued},
                       {"sampled", result.sampled}}));
  return OkStatus();
}

Status Heartbeat(Context& ctx, const Request& req, Response& res, const std::string& body) {
  INCUERA_ASSIGN_OR_RETURN(HeartbeatRequest beat, ParseHeartbeatBody(body));
  INCUERA_ASSIGN_OR_RETURN(Project project, Authorize(ctx, req, res, ""));
  INCUERA_ASSIGN_OR_RETURN(std::optional<Session> session,
                           ctx.engine.ingest().Heartbeat(project, beat));
  if (!session) {
    WriteJson(res, Json({{"success", true}, {"sampled", false}}));
    return OkStatus();
  }
  WriteJson(
      res,
      Json({{"success", true}, {"status", SessionStatusName(session->status)}, {"sampled", true}}));
  return OkStatus();
}

}  // namespace

void MountIngestRoutes(Router& server, const std::shared_ptr<Context>& ctx) {
  server.Post("/api/sessions/start", Handler(ctx, Start));
  server.Post("/api/ingest", Handler(ctx, Ingest));
  server.Post("/api/sessions/end", Handler(ctx, End));
  server.Post("/api/sessions/heartbeat", Handler(ctx, Heartbeat));
  // CORS preflight: the key is not known yet (it travels in the request
  // itself), so every origin is answered here and the project's domains are
  // enforced on the request, whose answer a refused origin cannot read.
  server.Options(
      R"(/api/(ingest|sessions/(start|end|heartbeat)))", [](const Request& req, Response& res) {
        AllowCors(req, res);
        res.set_header("Access-Control-Allow-Methods", "POST, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, X-API-Key");
        res.set_header("Access-Control-Max-Age", "86400");
        res.status = 204;
      });
}

}  // namespace incuera::http::internal
