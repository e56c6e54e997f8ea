// The `incuera._incuera` extension: the Engine facade for Python. It only
// converts types and errors; every behaviour lives in libincuera.
#include <incuera/admin.h>
#include <incuera/analysis.h>
#include <incuera/auth.h>
#include <incuera/engine.h>
#include <incuera/ingest.h>
#include <incuera/render.h>
#include <incuera/store.h>
#include <incuera/worker.h>
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "convert.h"
#include "errors.h"

namespace incuera::python {
namespace py = pybind11;

namespace {

using ProgressFn = std::function<void(double)>;

// Calls a Python progress callback with the GIL held; empty when none.
ProgressFn WithGil(const py::object& callback) {
  if (callback.is_none()) return {};
  return [callback](double fraction) {
    py::gil_scoped_acquire gil;
    callback(fraction);
  };
}

// The events argument as a JSON array text: bytes/str pass through, anything
// else goes through json.dumps.
std::string EventsJson(const py::handle& events) {
  if (py::isinstance<py::bytes>(events)) return events.cast<std::string>();
  if (py::isinstance<py::str>(events)) return events.cast<std::string>();
  return DumpsJson(events);
}

py::dict AnalysisDict(const Analysis& a) {
  py::dict d;
  d["status"] = std::string(AnalysisStatusName(a.status));
  d["error"] = a.error;
  d["model"] = a.model;
  d["heatmap_key"] = a.heatmap_key;
  const std::pair<const char*, const std::string*> parts[] = {
      {"summary", &a.summary_json}, {"counts", &a.action_counts_json},
      {"heatmap", &a.heatmap_json}, {"funnel", &a.funnel_json},
      {"errors", &a.errors_json},   {"metrics", &a.metrics_json}};
  for (const auto& [name, json] : parts) {
    d[name] = json->empty() ? py::none() : LoadsJson(*json);
  }
  return d;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Raise(NotFound("cannot open " + path));
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

py::dict RenderResultDict(const RenderResult& r) {
  py::dict d;
  d["video_path"] = r.video_path;
  d["thumbnail_path"] = r.thumbnail_path;
  d["keyframes_index_path"] = r.keyframes_index_path;
  d["info_path"] = r.info_path;
  d["keyframe_paths"] = r.keyframe_paths;
  d["video_duration_ms"] = r.video_duration_ms;
  d["video_frames"] = r.video_frames;
  d["frames_encoded"] = r.frames_encoded;
  d["frames_captured"] = r.frames_captured;
  return d;
}

// The bindings call the admin service as the system caller, so they follow
// the HTTP API's rules, cascades and errors. An Admin holds no state the
// bindings use (only login limits), so one is made per call.
const Principal kSystem = Principal::System();

// The Principal of a user, by id or email (NotFound).
Principal AsUser(Engine& e, const std::string& user) {
  return Unwrap(Admin(e).AsUser(kSystem, user));
}

// A Project argument, or a project id looked up (NotFound).
Project ToProject(Engine& e, const py::object& project_or_id) {
  if (py::isinstance<py::str>(project_or_id)) {
    return Unwrap(Admin(e).GetProject(kSystem, project_or_id.cast<std::string>()));
  }
  return project_or_id.cast<Project>();
}

std::unique_ptr<Engine> OpenEngine(const Options& options) {
  Result<std::unique_ptr<Engine>> engine = [&] {
    py::gil_scoped_release release;
    return Engine::Open(options);
  }();
  return Unwrap(std::move(engine));
}

void RegisterEngine(py::module_& m) {
  py::class_<Engine>(m, "Engine",
                     "An open Incuera engine: store, queue, objects, auth and ingest. "
                     "Thread-safe; closes when garbage-collected.")
      .def_static("open", &OpenEngine, py::arg("options"),
                  "Opens every backend named in `options` (migrating the database). "
                  "Raises InvalidArgument, Unavailable or Unimplemented.")
      .def_property_readonly(
          "backend", [](Engine& e) { return std::string(e.database_backend()); },
          "The database backend name (\"sqlite\" or \"postgresql\").")
      // Users.
      .def(
          "add_user",
          [](Engine& e, const std::string& email, const std::string& password, bool is_admin) {
            return Unwrap(Admin(e).CreateUser(kSystem, email, password, is_admin));
          },
          py::arg("email"), py::arg("password"), py::arg("is_admin") = false,
          "Creates a dashboard user (email trimmed and lower-cased). Raises AlreadyExists for "
          "a taken email, InvalidArgument for a malformed email or a password shorter than 8.")
      .def(
          "list_users", [](Engine& e) { return Unwrap(Admin(e).ListUsers(kSystem)); },
          "Every user, by email.")
      // Projects.
      .def(
          "create_project",
          [](Engine& e, const std::string& owner_id, const std::string& name,
             const std::string& slug, std::vector<std::string> domains,
             std::optional<std::int64_t> min_duration_ms) {
            ProjectChanges changes;
            changes.name = name;
            if (!slug.empty()) changes.slug = slug;
            changes.domains = std::move(domains);
            if (min_duration_ms) {
              changes.settings = ProjectSettings{};
              changes.settings->min_duration_ms = *min_duration_ms;
            }
            return Unwrap(Admin(e).CreateProject(AsUser(e, owner_id), changes));
          },
          py::arg("owner_id"), py::arg("name"), py::arg("slug") = "",
          py::arg("domains") = std::vector<std::string>{}, py::arg("min_duration_ms") = py::none(),
          "Creates a project (slug derived from the name when empty) with the rules of the "
          "admin API. Raises AlreadyExists for a slug the owner already uses, InvalidArgument "
          "for a malformed name, slug, domain or setting.")
      .def(
          "list_projects",
          [](Engine& e, const std::string& owner_id) {
            return Unwrap(Admin(e).ListProjects(AsUser(e, owner_id)));
          },
          py::arg("owner_id"), "The owner's projects, each with its session count.")
      .def(
          "get_project",
          [](Engine& e, const std::string& id) { return Unwrap(Admin(e).GetProject(kSystem, id)); },
          py::arg("project_id"), "The project with this id. Raises NotFound.")
      .def(
          "get_project_by_slug",
          [](Engine& e, const std::string& owner_id, const std::string& slug) {
            return Unwrap(Admin(e).GetProject(AsUser(e, owner_id), slug));
          },
          py::arg("owner_id"), py::arg("slug"),
          "The owner's project with this slug. Raises NotFound.")
      .def(
          "project_usage",
          [](Engine& e, const std::string& project) {
            Result<StorageUsage> usage = [&] {
              py::gil_scoped_release release;
              return Admin(e).ProjectUsage(kSystem, project);
            }();
            return Unwrap(std::move(usage));
          },
          py::arg("project"),
          "What the project's sessions take in storage (a StorageUsage), as GET "
          "/api/projects/{project}/usage and `incuera project usage` give; `project` is its id "
          "or a slug no two owners share. Each Session has its own event_bytes, object_bytes "
          "and storage_bytes. Raises NotFound.")
      .def(
          "delete_project",
          [](Engine& e, const std::string& id) {
            Status status;
            {
              py::gil_scoped_release release;
              status = Admin(e).DeleteProject(kSystem, id);
            }
            Check(status);
          },
          py::arg("project_id"),
          "Deletes a project with its keys, sessions, events, analyses and stored files. "
          "Raises NotFound.")
      // API keys.
      .def(
          "create_api_key",
          [](Engine& e, const std::string& project_id, const std::string& name,
             const std::string& scope) {
            NewApiKey key = Unwrap(
                Admin(e).CreateApiKey(kSystem, project_id, name, Unwrap(ParseKeyScope(scope))));
            return py::make_tuple(key.key, key.secret);
          },
          py::arg("project_id"), py::arg("name"), py::arg("scope") = "ingest",
          "Creates an \"ingest\" or \"read\" key; returns (ApiKey, secret). The secret is "
          "shown once.")
      .def(
          "list_api_keys",
          [](Engine& e, const std::string& project_id) {
            return Unwrap(Admin(e).ListApiKeys(kSystem, project_id));
          },
          py::arg("project_id"), "The project's keys, revoked ones included.")
      .def(
          "revoke_api_key",
          [](Engine& e, const std::string& id) { Check(Admin(e).RevokeApiKey(kSystem, "", id)); },
          py::arg("key_id"), "Revokes a key at once. Raises NotFound.")
      // Sessions.
      .def(
          "list_sessions_page",
          [](Engine& e, const SessionFilter& filter, const std::string& cursor, int limit) {
            Page<Session> page =
                Unwrap(Admin(e).ListSessions(kSystem, filter.project_id, filter, {cursor, limit}));
            return py::make_tuple(std::move(page.items), page.next_cursor);
          },
          py::arg("filter"), py::arg("cursor") = "", py::arg("limit") = 50,
          "One page of sessions, newest first: (sessions, next_cursor); next_cursor is "
          "empty on the last page. Engine.sessions() walks every page.")
      .def(
          "get_session",
          [](Engine& e, const std::string& id) { return Unwrap(Admin(e).GetSession(kSystem, id)); },
          py::arg("session_id"), "The session with this id. Raises NotFound.")
      .def(
          "session_events_raw",
          [](Engine& e, const std::string& id) {
            Result<std::string> json = [&] {
              py::gil_scoped_release release;
              return Admin(e).SessionEvents(kSystem, id);
            }();
            return py::bytes(Unwrap(std::move(json)));
          },
          py::arg("session_id"),
          "Every stored event of the session as one JSON array (bytes). Raises NotFound.")
      .def(
          "session_events",
          [](Engine& e, const std::string& id) {
            Result<std::string> json = [&] {
              py::gil_scoped_release release;
              return Admin(e).SessionEvents(kSystem, id);
            }();
            return LoadsJson(Unwrap(std::move(json)));
          },
          py::arg("session_id"), "Every stored event of the session as a list of dicts.")
      // Notes on a session and saved filters of a project.
      .def(
          "list_notes",
          [](Engine& e, const std::string& session_id) {
            return Unwrap(Admin(e).ListNotes(kSystem, session_id));
          },
          py::arg("session_id"), "The session's notes by at_ms. Raises NotFound.")
      .def(
          "add_note",
          [](Engine& e, const std::string& session_id, const std::string& author,
             std::int64_t at_ms, const std::string& text) {
            return Unwrap(Admin(e).AddNote(AsUser(e, author), session_id, at_ms, text));
          },
          py::arg("session_id"), py::arg("author"), py::arg("at_ms"), py::arg("text"),
          "Adds a note by `author` (a user id or email) at `at_ms` (ms since the session's "
          "first event, >= 0) with `text` (1 to 2000 characters after trimming). Returns the "
          "Note. Raises InvalidArgument naming the field, NotFound.")
      .def(
          "delete_note",
          [](Engine& e, const std::string& session_id, const std::string& note_id) {
            Check(Admin(e).DeleteNote(kSystem, session_id, note_id));
          },
          py::arg("session_id"), py::arg("note_id"), "Deletes a note. Raises NotFound.")
      .def(
          "list_saved_filters",
          [](Engine& e, const std::string& project_id) {
            return Unwrap(Admin(e).ListSavedFilters(kSystem, project_id));
          },
          py::arg("project_id"), "The project's saved session filters, by name.")
      .def(
          "save_filter",
          [](Engine& e, const std::string& project_id, const std::string& name,
             const py::dict& filters) {
            return Unwrap(
                Admin(e).CreateSavedFilter(kSystem, project_id, name, FilterParams(filters)));
          },
          py::arg("project_id"), py::arg("name"), py::arg("filters"),
          "Saves GET /api/sessions filter parameters (a dict: visited_url=, clicked_text=, "
          "console=, failed_request=, rage_click=, status=, min_duration= in seconds, ...) "
          "under `name`. Returns the SavedFilter. Raises InvalidArgument for a bad name or "
          "filter, AlreadyExists for a name the project has.")
      .def(
          "delete_saved_filter",
          [](Engine& e, const std::string& project_id, const std::string& filter_id) {
            Check(Admin(e).DeleteSavedFilter(kSystem, project_id, filter_id));
          },
          py::arg("project_id"), py::arg("filter_id"),
          "Deletes a saved filter of the project. Raises NotFound.")
      .def(
          "ingest",
          [](Engine& e, const py::object& project_or_id, const std::string& session_id,
             const py::object& events, std::optional<std::int64_t> seq) {
            const Project project = ToProject(e, project_or_id);
            py::dict body;
            body["sessionId"] = session_id;
            if (seq) body["seq"] = *seq;
            std::string head = DumpsJson(body);
            // Splice the events array in verbatim: {"sessionId":…,"events":[…]}.
            head.pop_back();
            std::string text = head + ",\"events\":" + EventsJson(events) + "}";
            ParsedBatch batch = Unwrap(ParseIngestBody(text));
            Result<IngestResult> result = [&] {
              py::gil_scoped_release release;
              return e.ingest().Ingest(project, batch);
            }();
            IngestResult r = Unwrap(std::move(result));
            py::dict d;
            d["session_id"] = r.session_id;
            d["events_received"] = r.events_received;
            d["stored"] = r.stored;
            d["session_status"] = std::string(SessionStatusName(r.session_status));
            return d;
          },
          py::arg("project"), py::arg("session_id"), py::arg("events"), py::arg("seq") = py::none(),
          "Stores, for `project` (a Project or its id), one batch of rrweb events (a list of "
          "dicts, or JSON bytes/str) for the "
          "SDK session id, as POST /api/ingest would. Raises InvalidArgument for bad events.")
      .def(
          "end_session",
          [](Engine& e, const py::object& project_or_id, const std::string& session_id,
             const std::string& reason) {
            const Project project = ToProject(e, project_or_id);
            EndRequest request;
            request.session_id = session_id;
            request.reason = reason;
            request.timestamp = NowMs();
            Result<EndResult> result = [&] {
              py::gil_scoped_release release;
              return e.ingest().End(project, request);
            }();
            EndResult r = Unwrap(std::move(result));
            py::dict d;
            d["session_finalized"] = r.session_finalized;
            d["video_job_queued"] = r.video_job_queued;
            return d;
          },
          py::arg("project"), py::arg("session_id"), py::arg("reason") = "stop",
          "Ends the SDK session of `project` (a Project or its id), as POST /api/sessions/end "
          "would. Raises NotFound.")
      .def(
          "finalize_ended",
          [](Engine& e, std::optional<TimeMs> now) {
            Result<int> result = [&] {
              py::gil_scoped_release release;
              return e.ingest().FinalizeEnded(now.value_or(NowMs()));
            }();
            return Unwrap(std::move(result));
          },
          py::arg("now") = py::none(),
          "Finalizes sessions ended more than the grace period before `now` (ms; default "
          "the current time): discarded when too short, else completed with a render job "
          "queued. Returns how many were finalized. The worker's sweep does this.")
      .def(
          "erase_visitor",
          [](Engine& e, const std::string& project_id, const std::string& visitor) {
            Result<std::int64_t> removed = [&] {
              py::gil_scoped_release release;
              return Admin(e).EraseVisitor(kSystem, project_id, visitor);
            }();
            return Unwrap(std::move(removed));
          },
          py::arg("project_id"), py::arg("visitor"),
          "Removes every session of the project whose end-user id or email equals `visitor`, "
          "with its events and stored files; logs an audit line. Returns how many.")
      .def(
          "apply_retention",
          [](Engine& e, std::optional<TimeMs> now) {
            Result<RetentionResult> result = [&] {
              py::gil_scoped_release release;
              return Admin(e).ApplyRetention(kSystem, now.value_or(NowMs()));
            }();
            return Unwrap(std::move(result)).sessions_removed;
          },
          py::arg("now") = py::none(),
          "Removes every session older than its project's retention_days (as of `now`, ms; "
          "default the current time) with its events, analysis and stored files, as "
          "`incuera retention apply` does. Returns how many were removed.")
      .def(
          "render_session",
          [](Engine& e, const std::string& id, const py::object& progress) {
            ProgressFn fn = WithGil(progress);
            Status status;
            {
              py::gil_scoped_release release;
              status = RenderStoredSession(e, id, fn);
            }
            Check(status);
            return Unwrap(Admin(e).GetSession(kSystem, id));
          },
          py::arg("session_id"), py::arg("progress") = py::none(),
          "Renders a stored session to MP4 into the object store (releases the GIL; "
          "`progress(fraction)` is called as it goes). Returns the updated Session.")
      .def(
          "render_file",
          [](Engine& e, const std::string& events_path, const std::string& out_dir,
             const py::object& progress) {
            std::string events = ReadFile(events_path);
            RenderRequest request{events, out_dir, e.options().render, WithGil(progress)};
            request.idle_threshold = e.options().analysis.idle_threshold;
            Result<RenderResult> result = [&] {
              py::gil_scoped_release release;
              return RenderSession(request);
            }();
            return RenderResultDict(Unwrap(std::move(result)));
          },
          py::arg("events_path"), py::arg("out_dir"), py::arg("progress") = py::none(),
          "Renders an rrweb events JSON file to out_dir/video.mp4 (+ thumbnail, keyframes). "
          "Releases the GIL. Returns the paths and frame counts as a dict.")
      .def(
          "analyze",
          [](Engine& e, const std::string& id) {
            Result<Analysis> result = [&]() -> Result<Analysis> {
              py::gil_scoped_release release;
              INCUERA_RETURN_IF_ERROR(AnalyzeStoredSession(e, id));
              return Admin(e).GetAnalysis(kSystem, id);
            }();
            return AnalysisDict(Unwrap(std::move(result)));
          },
          py::arg("session_id"),
          "Runs the analytics (and the LLM summary when configured) on a stored session, "
          "stores them, and returns them as a dict of parsed JSON parts.")
      .def(
          "analyze_events",
          [](Engine& e, const py::object& events) {
            std::string json = EventsJson(events);
            Result<SessionAnalytics> result = [&] {
              py::gil_scoped_release release;
              bool done = false;
              return AnalyzeSession(e.options().analysis, {},
                                    [&](std::string& batch) -> Result<bool> {
                                      if (done) return false;
                                      batch = json;
                                      done = true;
                                      return true;
                                    });
            }();
            SessionAnalytics a = Unwrap(std::move(result));
            py::dict d;
            d["counts"] = LoadsJson(a.ActionCountsJson());
            d["heatmap"] = LoadsJson(a.HeatmapJson());
            d["funnel"] = LoadsJson(a.FunnelJson());
            d["errors"] = LoadsJson(a.ErrorsJson());
            d["metrics"] = LoadsJson(a.MetricsJson());
            return d;
          },
          py::arg("events"),
          "Analytics of an events array (list or JSON bytes) without storing anything.");
}

}  // namespace
}  // namespace incuera::python

PYBIND11_MODULE(_incuera, m) {
  m.doc() = "Incuera session-replay engine (C++ core). Use the `incuera` package.";
  incuera::python::RegisterErrors(m);
  incuera::python::RegisterModel(m);
  incuera::python::RegisterEngine(m);
}
