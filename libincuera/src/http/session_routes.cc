// Sessions: list with filters, detail, events, files (video with byte
// ranges, thumbnail, keyframes, heatmap), analysis, re-render, re-analyze,
// delete. Every handler goes through Admin, which applies the caller's scope.
#include <algorithm>
#include <charconv>
#include <limits>

#include "engine/store_access.h"
#include "http/admin_bodies.h"
#include "http/admin_json.h"
#include "http/caller.h"
#include "incuera/object_store.h"
#include "incuera/store.h"

namespace incuera::http::internal {
namespace {

std::string Serialize(const boost::json::object& o) { return boost::json::serialize(o); }

Result<std::int64_t> IntParam(const Request& req, const char* name, std::int64_t min) {
  std::string text = req.get_param_value(name);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min) {
    return InvalidArgument("query parameter '" + std::string(name) +
                           "' must be an integer >= " + std::to_string(min));
  }
  return value;
}

// The filter parameters of the query (other parameters are not filters).
Result<SessionFilter> ParseFilter(const Request& req) {
  std::vector<std::pair<std::string, std::string>> params;
  for (std::string_view key : kSessionFilterKeys) {
    std::string name(key);
    if (req.has_param(name)) params.emplace_back(name, req.get_param_value(name));
  }
  return ParseSessionFilter(params);
}

Status List(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(SessionFilter filter, ParseFilter(req));
  PageRequest page;
  page.cursor = req.get_param_value("cursor");
  if (req.has_param("limit")) {
    INCUERA_ASSIGN_OR_RETURN(std::int64_t limit, IntParam(req, "limit", 1));
    page.limit = static_cast<int>(std::min<std::int64_t>(limit, 200));
  }
  INCUERA_ASSIGN_OR_RETURN(
      Page<Session> sessions,
      ctx.admin.ListSessions(who, req.get_param_value("project"), filter, page));
  boost::json::array items;
  for (const Session& s : sessions.items) items.push_back(SessionJson(s));
  boost::json::value next = nullptr;
  if (!sessions.next_cursor.empty()) next = sessions.next_cursor;
  WriteJson(res, Serialize({{"sessions", std::move(items)}, {"next_cursor", next}}));
  return OkStatus();
}

Status Get(Context& ctx, const Request& req, Response& res, const Principal& who) {
  const std::string id = req.matches[1].str();
  INCUERA_ASSIGN_OR_RETURN(Session session, ctx.admin.GetSession(who, id));
  boost::json::object out = SessionJson(session);
  auto analysis = ctx.admin.GetAnalysis(who, id);
  if (!analysis.ok() && analysis.status().code() != StatusCode::kNotFound) {
    return analysis.status();
  }
  out["analysis_status"] = analysis.ok() ? AnalysisStatusName(analysis->status) : "none";
  WriteJson(res, Serialize(out));
  return OkStatus();
}

// Answers the session's events `from` to `from + count - 1` (as many as
// there are), streamed chunk by chunk (chunked transfer encoding), so a large
// session is never assembled in memory.
void StreamEvents(Context& ctx, Response& res, const std::string& id, std::int64_t from,
                  std::int64_t count) {
  auto context = ctx.shared_from_this();
  res.set_chunked_content_provider(
      "application/json", [context, id, from, count](size_t, DataSink& sink) {
        auto write = [&](std::string_view p) {
          if (!sink.write(p.data(), p.size())) return Unavailable("client went away");
          return OkStatus();
        };
        Store& store = incuera::internal::StoreOf(context->engine);
        Status s = StreamSessionEventsRange(store, id, from, count, write);
        if (!s.ok()) return false;  // aborts the response: the client sees a broken body
        sink.done();
        return true;
      });
}

// The events array, or with ?from=F&count=N the events F to F+N-1 of it (one
// page of /events/pages).
Status Events(Context& ctx, const Request& req, Response& res, const Principal& who) {
  const std::string id = req.matches[1].str();
  std::int64_t from = 0;
  std::int64_t count = std::numeric_limits<std::int64_t>::max();
  if (req.has_param("from")) {
    INCUERA_ASSIGN_OR_RETURN(from, IntParam(req, "from", 0));
  }
  if (req.has_param("count")) {
    INCUERA_ASSIGN_OR_RETURN(count, IntParam(req, "count", 0));
  }
  INCUERA_RETURN_IF_ERROR(ctx.admin.GetSession(who, id).status());
  StreamEvents(ctx, res, id, from, count);
  return OkStatus();
}

// Page N of /events/pages: its range of events, without the index first (a
// player asks for the index and the first page at once).
Status EventsOfPage(Context& ctx, const Request& req, Response& res, const Principal& who) {
  const std::string id = req.matches[1].str();
  INCUERA_ASSIGN_OR_RETURN(std::vector<EventPage> pages, ctx.admin.SessionEventPages(who, id));
  std::size_t n = 0;
  const std::string text = req.matches[2].str();
  std::from_chars(text.data(), text.data() + text.size(), n);  // the route's 1-9 digits
  if (n >= pages.size()) return NotFound("the session has no event page " + text);
  StreamEvents(ctx, res, id, pages[n].first_event, pages[n].event_count);
  return OkStatus();
}

Status EventPages(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<EventPage> pages,
                           ctx.admin.SessionEventPages(who, req.matches[1].str()));
  boost::json::array items;
  std::int64_t total = 0;
  for (const EventPage& p : pages) {
    items.push_back(EventPageJson(p));
    total += p.event_count;
  }
  WriteJson(res, Serialize({{"pages", std::move(items)}, {"total_events", total}}));
  return OkStatus();
}

// Serves one stored object. The server answers Range requests (206 with
// Content-Range) from the length given here, asking the provider only for
// the bytes requested, so a browser can seek in a video. A range that starts
// past the end is answered 416 here.
Status ServeObject(Context& ctx, const Request& req, Response& res, const std::string& key) {
  INCUERA_ASSIGN_OR_RETURN(ObjectInfo info, ctx.engine.objects().Stat(key));
  res.set_header("Accept-Ranges", "bytes");
  res.set_header("Cache-Control", "private, max-age=60");
  for (const auto& [first, last] : req.ranges) {
    if (first >= info.size || (first < 0 && last <= 0)) {
      res.status = 416;
      res.set_header("Content-Range", "bytes */" + std::to_string(info.size));
      return OkStatus();
    }
  }
  auto context = ctx.shared_from_this();
  res.set_content_provider(
      static_cast<size_t>(info.size), info.content_type,
      [context, key](size_t offset, size_t length, DataSink& sink) {
        ByteRange range{static_cast<std::int64_t>(offset), static_cast<std::int64_t>(length)};
        Status s = context->engine.objects().Get(key, range, [&](std::string_view piece) {
          if (!sink.write(piece.data(), piece.size())) return Unavailable("client went away");
          return OkStatus();
        });
        return s.ok();
      });
  return OkStatus();
}

// GET /api/sessions/{id}/video|thumbnail|heatmap and /keyframes/{n}.
Status File(Context& ctx, const Request& req, Response& res, const Principal& who) {
  std::string what = req.matches[2].str();
  if (req.matches.size() > 3 && req.matches[3].matched) what = "keyframe-" + req.matches[3].str();
  INCUERA_ASSIGN_OR_RETURN(std::string key,
                           ctx.admin.SessionObjectKey(who, req.matches[1].str(), what));
  return ServeObject(ctx, req, res, key);
}

Status Keyframes(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(VideoIndex index, ctx.admin.GetVideoIndex(who, req.matches[1].str()));
  boost::json::array keyframes, time_map;
  for (const Keyframe& k : index.keyframes) keyframes.push_back(KeyframeJson(k));
  for (const auto& [video_ms, session_ms] : index.time_map) {
    time_map.push_back(boost::json::array{video_ms, session_ms});
  }
  WriteJson(res,
            Serialize({{"keyframes", std::move(keyframes)}, {"time_map", std::move(time_map)}}));
  return OkStatus();
}

Status GetAnalysis(Context& ctx, const Request& req, Response& res, const Principal& who) {
  const std::string id = req.matches[1].str();
  auto analysis = ctx.admin.GetAnalysis(who, id);
  if (!analysis.ok() && analysis.status().code() != StatusCode::kNotFound) {
    return analysis.status();
  }
  if (!analysis.ok()) {  // NotFound: the session itself, or only its analysis?
    INCUERA_RETURN_IF_ERROR(ctx.admin.GetSession(who, id).status());
  }
  WriteJson(res, Serialize(AnalysisJson(id, analysis.ok() ? &*analysis : nullptr)));
  return OkStatus();
}

Status Render(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_RETURN_IF_ERROR(ctx.admin.Rerender(who, req.matches[1].str()));
  WriteJson(res, R"({"queued":true})", 202);
  return OkStatus();
}

Status Analyze(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_RETURN_IF_ERROR(ctx.admin.Reanalyze(who, req.matches[1].str()));
  WriteJson(res, R"({"queued":true})", 202);
  return OkStatus();
}

Status Delete(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_RETURN_IF_ERROR(ctx.admin.DeleteSession(who, req.matches[1].str()));
  res.status = 204;
  return OkStatus();
}

Status ListNotes(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<Note> notes, ctx.admin.ListNotes(who, req.matches[1].str()));
  boost::json::array items;
  for (const Note& n : notes) items.push_back(NoteJson(n));
  WriteJson(res, Serialize({{"notes", std::move(items)}}));
  return OkStatus();
}

Status AddNote(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(NoteBody body, ParseNoteBody(req.body));
  INCUERA_ASSIGN_OR_RETURN(Note note,
                           ctx.admin.AddNote(who, req.matches[1].str(), body.at_ms, body.text));
  WriteJson(res, Serialize(NoteJson(note)), 201);
  return OkStatus();
}

Status DeleteNote(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_RETURN_IF_ERROR(ctx.admin.DeleteNote(who, req.matches[1].str(), req.matches[2].str()));
  res.status = 204;
  return OkStatus();
}

}  // namespace

void MountSessionRoutes(Router& server, const std::shared_ptr<Context>& ctx) {
  constexpr char kSession[] = R"(/api/sessions/([0-9a-fA-F-]{1,64}))";
  auto path = [&](const char* tail) { return std::string(kSession) + tail; };
  server.Get("/api/sessions", AdminRoute(ctx, List));
  server.Get(kSession, AdminRoute(ctx, Get));
  server.Delete(kSession, AdminRoute(ctx, Delete));
  server.Get(path("/events"), AdminRoute(ctx, Events));
  server.Get(path("/events/pages"), AdminRoute(ctx, EventPages));
  server.Get(path("/events/pages/([0-9]{1,9})"), AdminRoute(ctx, EventsOfPage));
  server.Get(path("/(video|thumbnail|heatmap)"), AdminRoute(ctx, File));
  server.Get(path("/(keyframes)/([0-9]{1,3})"), AdminRoute(ctx, File));
  server.Get(path("/keyframes"), AdminRoute(ctx, Keyframes));
  server.Get(path("/analysis"), AdminRoute(ctx, GetAnalysis));
  server.Post(path("/render"), AdminRoute(ctx, Render));
  server.Post(path("/analyze"), AdminRoute(ctx, Analyze));
  server.Get(path("/notes"), AdminRoute(ctx, ListNotes));
  server.Post(path("/notes"), AdminRoute(ctx, AddNote));
  server.Delete(path("/notes/([^/]{1,64})"), AdminRoute(ctx, DeleteNote));
}

}  // namespace incuera::http::internal
