// The "render" job: the session's chunks compacted, then its events -> MP4,
// thumbnail and keyframes in the object store, with the session's status
// moving completed -> rendering -> ready | failed. Either outcome queues the
// analysis, once: after ready, or after the failure that is final.
#include "worker/render_job.h"

#include <filesystem>
#include <fstream>

#include "core/session_files.h"
#include "core/text.h"
#include "engine/store_access.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/queue.h"
#include "incuera/quota.h"
#include "incuera/render.h"
#include "incuera/store.h"
#include "incuera/worker.h"
#include "worker/failure_reason.h"

namespace incuera {
namespace {

namespace fs = std::filesystem;

// A temporary directory removed on every exit path.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "incuera-render-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Status Upload(ObjectStore& objects, const std::string& key, const std::string& path,
              const std::string& type) {
  return objects.PutFile(key, path, type).WithContext("store " + key);
}

// Renders into `dir` and uploads; returns the result for the video fields.
Status RenderAndUpload(Engine& engine, const Session& session, const std::string& dir,
                       const std::function<void(double)>& progress) {
  INCUERA_ASSIGN_OR_RETURN(Project project,
                           internal::StoreOf(engine).projects().Get(session.project_id));
  // Over the project's daily render quota the render is refused for good
  // (the session fails with "render quota exceeded" and is still analysed):
  // deferring it would let a flooded key build a backlog that never drains.
  INCUERA_RETURN_IF_ERROR(engine.quotas().ChargeRender(project, session.duration_ms));
  INCUERA_ASSIGN_OR_RETURN(std::string events,
                           ReadSessionEventsJson(internal::StoreOf(engine), session.id));
  RenderRequest request{events, dir, engine.options().render, progress,
                        engine.options().worker.job_timeout};
  request.idle_threshold = engine.options().analysis.idle_threshold;
  request.fetch = project.settings.render_fetch;
  request.fetch_domains = project.domains;
  INCUERA_ASSIGN_OR_RETURN(RenderResult result, RenderSession(request));

  ObjectStore& objects = engine.objects();
  const internal::SessionFiles files(session.id);
  INCUERA_RETURN_IF_ERROR(Upload(objects, files.video(), result.video_path, "video/mp4"));
  INCUERA_RETURN_IF_ERROR(Upload(objects, files.thumbnail(), result.thumbnail_path, "image/jpeg"));
  for (size_t i = 0; i < result.keyframe_paths.size(); ++i) {
    INCUERA_RETURN_IF_ERROR(Upload(objects, files.keyframe(static_cast<int>(i)),
                                   result.keyframe_paths[i], "image/jpeg"));
  }
  INCUERA_RETURN_IF_ERROR(
      Upload(objects, files.keyframes(), result.keyframes_index_path, "application/json"));
  INCUERA_RETURN_IF_ERROR(
      Upload(objects, files.render_info(), result.info_path, "application/json"));
  std::error_code ec;
  auto size = static_cast<std::int64_t>(fs::file_size(result.video_path, ec));
  INCUERA_RETURN_IF_ERROR(internal::StoreOf(engine).sessions().SetVideo(
      session.id, files.video(), files.thumbnail(), files.keyframes(), result.video_duration_ms,
      ec ? 0 : size));
  return RecordObjectBytes(engine, session.id);
}

}  // namespace

Status RenderStoredSession(Engine& engine, const std::string& session_id,
                           const std::function<void(double)>& progress) {
  SessionRepository& sessions = internal::StoreOf(engine).sessions();
  INCUERA_ASSIGN_OR_RETURN(Session session, sessions.Get(session_id));
  if (session.status == SessionStatus::kRecording || session.status == SessionStatus::kDiscarded) {
    return FailedPrecondition("session " + session_id + " is " +
                              std::string(SessionStatusName(session.status)) +
                              "; only ended sessions are rendered");
  }
  if (session.status != SessionStatus::kRendering) {
    INCUERA_RETURN_IF_ERROR(
        sessions.Transition(session_id, session.status, SessionStatus::kRendering));
  }
  // Compacted first: the session takes no more events, and the render reads
  // them anyway. A failure counts as the render's own (retried when
  // retryable).
  Status s = internal::StoreOf(engine).events().Compact(session_id).status();
  if (s.ok() && !engine.options().render.enabled) {
    s = FailedPrecondition("video rendering is turned off on this server (RENDER_ENABLED)");
  }
  ScratchDir dir;
  if (s.ok()) {
    s = dir.path().empty() ? Internal("cannot create a temporary directory")
                           : RenderAndUpload(engine, session, dir.path(), progress);
  }
  if (s.ok()) {
    INCUERA_RETURN_IF_ERROR(
        sessions.Transition(session_id, SessionStatus::kRendering, SessionStatus::kReady));
    return QueueAnalysis(engine, session_id);
  }
  // A retryable failure puts the session back for the next attempt; anything
  // else is final: the user sees one sentence (the caller logs the whole
  // error), and the session is analysed all the same.
  const bool final_failure = !s.retryable();
  SessionStatus next = final_failure ? SessionStatus::kFailed : SessionStatus::kCompleted;
  Status moved = sessions.Transition(session_id, SessionStatus::kRendering, next,
                                     internal::FailureReason(s.message()));
  if (!moved.ok()) return s.WithContext(moved.message());
  if (final_failure) {
    Status queued = QueueAnalysis(engine, session_id);
    if (!queued.ok()) return s.WithContext("analysis not queued: " + queued.message());
  }
  return s;
}

namespace internal {

Status GiveUpRender(Engine& engine, const std::string& session_id, const Status& error) {
  INCUERA_RETURN_IF_ERROR(internal::StoreOf(engine).sessions().Transition(
      session_id, SessionStatus::kCompleted, SessionStatus::kFailed,
      FailureReason(error.message())));
  return QueueAnalysis(engine, session_id);
}

}  // namespace internal

namespace {

Status Enqueue(Engine& engine, JobKind kind, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(internal::StoreOf(engine).sessions().Get(session_id).status());
  return QueueSessionJob(engine.queue(), kind, session_id, engine.options().worker.max_attempts)
      .status();
}

}  // namespace

Status QueueRender(Engine& engine, const std::string& session_id) {
  return Enqueue(engine, JobKind::kRender, session_id);
}

Status QueueAnalysis(Engine& engine, const std::string& session_id) {
  return Enqueue(engine, JobKind::kAnalyze, session_id);
}

}  // namespace incuera
