// Admin: sessions, their files, analysis, re-render and delete — each after
// the scope check of VisibleSession.
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

#include "core/text.h"
#include "incuera/admin.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/store.h"
#include "incuera/worker.h"

namespace incuera {
namespace {

constexpr int kMaxPageSize = 200;

bool Ended(SessionStatus s) {
  return s != SessionStatus::kRecording && s != SessionStatus::kDiscarded;
}

Status RequireEnded(const Session& session, std::string_view what) {
  if (Ended(session.status)) return OkStatus();
  return FailedPrecondition("session is " + std::string(SessionStatusName(session.status)) +
                            "; only ended sessions can be " + std::string(what));
}

// Parses keyframes.json as written by the render job; entries that do not
// have the expected shape are skipped.
std::vector<Keyframe> ParseKeyframes(const std::string& text) {
  std::vector<Keyframe> out;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.as_array()) {
    const auto* o = item.if_object();
    if (!o) continue;
    const auto* index = o->if_contains("index");
    const auto* session_time = o->if_contains("session_time_ms");
    if (!index || !index->is_int64() || !session_time || !session_time->is_number()) continue;
    Keyframe k;
    k.index = static_cast<int>(index->as_int64());
    k.session_time_ms = session_time->to_number<std::int64_t>();
    if (const auto* t = o->if_contains("video_time_ms"); t && t->is_number()) {
      k.video_time_ms = t->to_number<std::int64_t>();
    }
    if (const auto* r = o->if_contains("reason"); r && r->is_string()) {
      k.reason = std::string(r->as_string());
    }
    out.push_back(std::move(k));
  }
  return out;
}

// The render's time map from render.json ("time_map": [[video_ms,
// session_ms], ...]); malformed entries are skipped.
std::vector<std::pair<std::int64_t, std::int64_t>> ParseTimeMap(const std::string& text) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* map = o ? o->if_contains("time_map") : nullptr;
  if (!map || !map->is_array()) return out;
  for (const auto& point : map->as_array()) {
    const auto* pair = point.if_array();
    if (!pair || pair->size() != 2 || !(*pair)[0].is_number() || !(*pair)[1].is_number()) continue;
    out.emplace_back((*pair)[0].to_number<std::int64_t>(), (*pair)[1].to_number<std::int64_t>());
  }
  return out;
}

// The object's bytes, or nullopt when it does not exist.
Result<std::optional<std::string>> OptionalObject(ObjectStore& objects, const std::string& key) {
  auto text = ReadObject(objects, key);
  if (text.ok()) return std::optional<std::string>(std::move(*text));
  if (text.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return text.status();
}

}  // namespace

Result<Session> Admin::VisibleSession(const Principal& who, const std::string& session_id) {
  auto session = engine_.store().sessions().Get(session_id);
  if (!session.ok()) {
    if (session.status().code() == StatusCode::kNotFound) return NotFound("session not found");
    return session.status();
  }
  auto project = OwnedProject(who, session->project_id);
  if (!project.ok()) {
    if (project.status().code() == StatusCode::kNotFound) return NotFound("session not found");
    return project.status();
  }
  if (project->id != session->project_id) return NotFound("session not found");
  return session;
}

Result<Page<Session>> Admin::ListSessions(const Principal& who, std::string_view project_ref,
                                          SessionFilter filter, const PageRequest& page) {
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, project_ref));
  filter.project_id = project.id;
  PageRequest clamped = page;
  clamped.limit = std::clamp(page.limit, 1, kMaxPageSize);
  return engine_.store().sessions().List(filter, clamped);
}

Result<Session> Admin::GetSession(const Principal& who, const std::string& session_id) {
  return VisibleSession(who, session_id);
}

Result<Analysis> Admin::GetAnalysis(const Principal& who, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(VisibleSession(who, session_id).status());
  return engine_.store().analyses().Get(session_id);
}

Result<VideoIndex> Admin::GetVideoIndex(const Principal& who, const std::string& session_id) {
  INCUERA_ASSIGN_OR_RETURN(Session session, VisibleSession(who, session_id));
  VideoIndex index;
  if (session.keyframes_key.empty()) return index;
  INCUERA_ASSIGN_OR_RETURN(std::optional<std::string> keyframes,
                           OptionalObject(engine_.objects(), session.keyframes_key));
  if (keyframes) index.keyframes = ParseKeyframes(*keyframes);
  // render.json sits beside keyframes.json; renders older than it have none.
  INCUERA_ASSIGN_OR_RETURN(
      std::optional<std::string> info,
      OptionalObject(engine_.objects(), SessionObjectPrefix(session_id) + "render.json"));
  if (info) index.time_map = ParseTimeMap(*info);
  return index;
}

Status Admin::Rerender(const Principal& who, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Session session, VisibleSession(who, session_id));
  INCUERA_RETURN_IF_ERROR(RequireEnded(session, "rendered"));
  return QueueRender(engine_, session_id);
}

Status Admin::Reanalyze(const Principal& who, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Session session, VisibleSession(who, session_id));
  INCUERA_RETURN_IF_ERROR(RequireEnded(session, "analyzed"));
  return QueueAnalysis(engine_, session_id);
}

Status Admin::DeleteSession(const Principal& who, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_RETURN_IF_ERROR(VisibleSession(who, session_id).status());
  return RemoveSession(engine_, session_id).status();
}

Result<std::int64_t> Admin::EraseVisitor(const Principal& who, std::string_view project_ref,
                                         std::string_view visitor) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, project_ref));
  const std::string wanted(internal::Trim(visitor));
  if (wanted.empty() || internal::HasControlChars(wanted)) {
    return InvalidArgument("a visitor (end-user id or email) is required");
  }
  const std::string wanted_email = internal::ToLower(wanted);
  // The filter matches substrings; only exact matches are erased.
  SessionFilter filter;
  filter.project_id = project.id;
  filter.user = wanted;
  std::vector<std::string> ids;
  PageRequest page{"", kMaxPageSize};
  do {
    INCUERA_ASSIGN_OR_RETURN(Page<Session> listed, engine_.store().sessions().List(filter, page));
    for (const Session& s : listed.items) {
      if (s.user_id == wanted || internal::ToLower(s.user_email) == wanted_email) {
        ids.push_back(s.id);
      }
    }
    page.cursor = listed.next_cursor;
  } while (!page.cursor.empty());
  std::int64_t removed = 0;
  Status status;
  for (const std::string& id : ids) {
    Result<bool> r = RemoveSession(engine_, id);
    if (!r.ok()) {
      status = r.status();
      break;
    }
    removed += *r ? 1 : 0;
  }
  // The audit line names the caller and the project, never the visitor:
  // the log must not keep what was erased.
  boost::json::object audit{{"audit", "erase_visitor"},
                            {"project", project.id},
                            {"by", who.user ? who.user->id : std::string("system")},
                            {"sessions_removed", removed}};
  if (!status.ok()) audit["error"] = status.ToString();
  std::fprintf(stderr, "%s\n", boost::json::serialize(audit).c_str());
  INCUERA_RETURN_IF_ERROR(status);
  return removed;
}

Result<std::string> Admin::SessionEvents(const Principal& who, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(VisibleSession(who, session_id).status());
  return ReadSessionEventsJson(engine_.store(), session_id);
}

Result<std::vector<EventPage>> Admin::SessionEventPages(const Principal& who,
                                                        const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(VisibleSession(who, session_id).status());
  return ListSessionEventPages(engine_.store(), session_id);
}

Result<std::string> Admin::SessionObjectKey(const Principal& who, const std::string& session_id,
                                            std::string_view what) {
  INCUERA_ASSIGN_OR_RETURN(Session session, VisibleSession(who, session_id));
  std::string key;
  if (what == "video") {
    key = session.video_key;
  } else if (what == "thumbnail") {
    key = session.thumbnail_key;
  } else if (what == "heatmap") {
    auto analysis = engine_.store().analyses().Get(session_id);
    if (!analysis.ok() && analysis.status().code() != StatusCode::kNotFound) {
      return analysis.status();
    }
    if (analysis.ok()) key = analysis->heatmap_key;
  } else if (what.starts_with("keyframe-") && what.size() > 9 && what.size() <= 12 &&
             std::all_of(what.begin() + 9, what.end(),
                         [](char c) { return c >= '0' && c <= '9'; })) {
    if (!session.keyframes_key.empty())
      key = SessionObjectPrefix(session_id) + std::string(what) + ".jpg";
  } else {
    return InvalidArgument("unknown session file '" + std::string(what) + "'");
  }
  if (key.empty()) return NotFound("this session has no " + std::string(what) + " yet");
  return key;
}

}  // namespace incuera
