// Admin: sessions, their files, analysis, re-render and delete — each after
// the scope check of VisibleSession.
#include <algorithm>
#include <boost/json.hpp>

#include "core/session_files.h"
#include "core/text.h"
#include "incuera/admin.h"
#include "incuera/env.h"
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

// The object's bytes, or nullopt when it does not exist.
Result<std::optional<std::string>> OptionalObject(ObjectStore& objects, const std::string& key) {
  auto text = ReadObject(objects, key);
  if (text.ok()) return std::optional<std::string>(std::move(*text));
  if (text.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return text.status();
}

}  // namespace

Result<Session> Admin::VisibleSession(const Principal& who, const std::string& session_id) {
  auto session = store_.sessions().Get(session_id);
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
  return store_.sessions().List(filter, clamped);
}

Result<Session> Admin::GetSession(const Principal& who, const std::string& session_id) {
  return VisibleSession(who, session_id);
}

Result<Analysis> Admin::GetAnalysis(const Principal& who, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(VisibleSession(who, session_id).status());
  return store_.analyses().Get(session_id);
}

Result<VideoIndex> Admin::GetVideoIndex(const Principal& who, const std::string& session_id) {
  INCUERA_ASSIGN_OR_RETURN(Session session, VisibleSession(who, session_id));
  VideoIndex index;
  if (session.keyframes_key.empty()) return index;
  INCUERA_ASSIGN_OR_RETURN(std::optional<std::string> keyframes,
                           OptionalObject(engine_.objects(), session.keyframes_key));
  if (keyframes) {
    for (internal::KeyframeEntry& k : internal::ParseKeyframes(*keyframes)) {
      index.keyframes.push_back({k.index, k.session_time_ms, k.video_time_ms, std::move(k.reason)});
    }
  }
  // render.json sits beside keyframes.json; renders older than it have none.
  INCUERA_ASSIGN_OR_RETURN(
      std::optional<std::string> info,
      OptionalObject(engine_.objects(), internal::SessionFiles(session_id).render_info()));
  if (std::optional<internal::RenderInfo> parsed =
          info ? internal::ParseRenderInfo(*info) : std::nullopt) {
    index.time_map = std::move(parsed->time_map);
  }
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
    INCUERA_ASSIGN_OR_RETURN(Page<Session> listed, store_.sessions().List(filter, page));
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
  engine_.env().Log(boost::json::serialize(audit));
  INCUERA_RETURN_IF_ERROR(status);
  return removed;
}

Result<std::string> Admin::SessionEvents(const Principal& who, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(VisibleSession(who, session_id).status());
  return ReadSessionEventsJson(store_, session_id);
}

Result<std::vector<EventPage>> Admin::SessionEventPages(const Principal& who,
                                                        const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(VisibleSession(who, session_id).status());
  return ListSessionEventPages(store_, session_id);
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
    auto analysis = store_.analyses().Get(session_id);
    if (!analysis.ok() && analysis.status().code() != StatusCode::kNotFound) {
      return analysis.status();
    }
    if (analysis.ok()) key = analysis->heatmap_key;
  } else if (what.starts_with("keyframe-") && what.size() > 9 && what.size() <= 12 &&
             std::all_of(what.begin() + 9, what.end(),
                         [](char c) { return c >= '0' && c <= '9'; })) {
    if (!session.keyframes_key.empty()) {
      key = internal::SessionFiles(session_id).keyframe(std::stoi(std::string(what.substr(9))));
    }
  } else {
    return InvalidArgument("unknown session file '" + std::string(what) + "'");
  }
  if (key.empty()) return NotFound("this session has no " + std::string(what) + " yet");
  return key;
}

}  // namespace incuera
