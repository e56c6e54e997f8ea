#include "convert.h"

#include <incuera/admin.h>
#include <incuera/model.h>
#include <incuera/options.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "errors.h"

namespace incuera::python {
namespace py = pybind11;

py::object LoadsJson(const std::string& text) {
  return py::module_::import("json").attr("loads")(py::bytes(text));
}

std::string DumpsJson(const py::handle& value) {
  py::tuple separators = py::make_tuple(",", ":");
  return py::module_::import("json")
      .attr("dumps")(value, py::arg("separators") = separators)
      .cast<std::string>();
}

void RegisterModel(py::module_& m) {
  py::class_<RenderOptions>(m, "RenderOptions", "Video rendering settings (options.h).")
      .def(py::init<>())
      .def_readwrite("enabled", &RenderOptions::enabled)
      .def_readwrite("chromium_path", &RenderOptions::chromium_path)
      .def_readwrite("width", &RenderOptions::width)
      .def_readwrite("height", &RenderOptions::height)
      .def_readwrite("fps", &RenderOptions::fps)
      .def_readwrite("crf", &RenderOptions::crf)
      .def_readwrite("skip_idle", &RenderOptions::skip_idle)
      .def_readwrite("max_keyframes", &RenderOptions::max_keyframes);

  py::class_<LlmOptions>(m, "LlmOptions", "LLM summary settings (options.h).")
      .def(py::init<>())
      .def_readwrite("base_url", &LlmOptions::base_url)
      .def_readwrite("model", &LlmOptions::model)
      .def_readwrite("max_tokens", &LlmOptions::max_tokens);

  py::class_<Options>(m, "Options",
                      "Engine settings; the defaults are the embedded backends (options.h).")
      .def(py::init<>())
      .def_readwrite("database_url", &Options::database_url)
      .def_readwrite("database_pool_size", &Options::database_pool_size)
      .def_readwrite("auto_migrate", &Options::auto_migrate)
      .def_readwrite("queue_url", &Options::queue_url)
      .def_readwrite("storage_url", &Options::storage_url)
      .def_readwrite("secret_key", &Options::secret_key)
      .def_readwrite("secret_key_file", &Options::secret_key_file)
      .def_readwrite("render", &Options::render)
      .def_readwrite("llm", &Options::llm)
      .def(
          "load_environment",
          [](Options& o, const std::string& env_file) {
            Check(LoadOptionsFromEnvironment(o, env_file));
          },
          py::arg("env_file") = ".env",
          "Applies `env_file` and the environment (DATABASE_URL, ...) onto these options.");

  py::class_<User>(m, "User", "A dashboard user. The password hash is not exposed.")
      .def_readonly("id", &User::id)
      .def_readonly("email", &User::email)
      .def_readonly("is_admin", &User::is_admin)
      .def_readonly("created_at", &User::created_at)
      .def("__repr__", [](const User& u) { return "<incuera.User " + u.email + ">"; });

  py::class_<Project>(m, "Project", "A project: the sessions of one site.")
      .def_readonly("id", &Project::id)
      .def_readonly("owner_id", &Project::owner_id)
      .def_readonly("name", &Project::name)
      .def_readonly("slug", &Project::slug)
      .def_readonly("domains", &Project::domains)
      .def_readonly("created_at", &Project::created_at)
      .def_readonly("updated_at", &Project::updated_at)
      .def_property_readonly("min_duration_ms",
                             [](const Project& p) { return p.settings.min_duration_ms; })
      .def("__repr__", [](const Project& p) { return "<incuera.Project " + p.slug + ">"; });

  py::class_<ProjectSummary, Project>(
      m, "ProjectSummary", "A project with the number of its sessions (every status counted).")
      .def_readonly("session_count", &ProjectSummary::session_count);

  py::class_<StorageUsage>(m, "StorageUsage",
                           "What a project's sessions take in storage, in bytes (as GET "
                           "/api/projects/{project}/usage answers).")
      .def_readonly("sessions", &StorageUsage::sessions, "Sessions of every status.")
      .def_readonly("event_bytes", &StorageUsage::event_bytes,
                    "Event chunks as stored (compressed).")
      .def_readonly("raw_event_bytes", &StorageUsage::raw_event_bytes,
                    "The events as received (uncompressed JSON).")
      .def_readonly("object_bytes", &StorageUsage::object_bytes,
                    "Videos, images and other files in the object store.")
      .def_property_readonly(
          "total_bytes", [](const StorageUsage& u) { return u.event_bytes + u.object_bytes; },
          "event_bytes + object_bytes.")
      .def("__repr__", [](const StorageUsage& u) {
        return "<incuera.StorageUsage " + std::to_string(u.sessions) + " sessions, " +
               std::to_string(u.event_bytes + u.object_bytes) + " bytes>";
      });

  py::class_<ApiKey>(m, "ApiKey", "An API key row (the secret is never stored).")
      .def_readonly("id", &ApiKey::id)
      .def_readonly("project_id", &ApiKey::project_id)
      .def_readonly("name", &ApiKey::name)
      .def_readonly("prefix", &ApiKey::prefix)
      .def_property_readonly("scope",
                             [](const ApiKey& k) { return std::string(KeyScopeName(k.scope)); })
      .def_readonly("created_at", &ApiKey::created_at)
      .def_readonly("last_used_at", &ApiKey::last_used_at)
      .def_readonly("expires_at", &ApiKey::expires_at)
      .def_readonly("revoked_at", &ApiKey::revoked_at);

  py::class_<Session>(m, "Session", "A recorded session (times in ms since the epoch).")
      .def_readonly("id", &Session::id)
      .def_readonly("project_id", &Session::project_id)
      .def_readonly("client_session_id", &Session::client_session_id,
                    "The SDK's visit id ('<id>#<part>' for a visit's later parts).")
      .def_readonly("client_id", &Session::client_session_id,
                    "The same as client_session_id, under the name the HTTP API uses.")
      .def_readonly("user_id", &Session::user_id)
      .def_readonly("user_email", &Session::user_email)
      .def_readonly("url", &Session::url)
      .def_readonly("referrer", &Session::referrer)
      .def_readonly("user_agent", &Session::user_agent)
      .def_readonly("started_at", &Session::started_at)
      .def_readonly("last_event_at", &Session::last_event_at)
      .def_readonly("ended_at", &Session::ended_at)
      .def_readonly("end_reason", &Session::end_reason)
      .def_readonly("duration_ms", &Session::duration_ms)
      .def_readonly("event_count", &Session::event_count)
      .def_readonly("byte_count", &Session::byte_count)
      .def_readonly("chunk_count", &Session::chunk_count)
      .def_readonly("error_count", &Session::error_count)
      .def_readonly("page_count", &Session::page_count)
      .def_property_readonly(
          "status", [](const Session& s) { return std::string(SessionStatusName(s.status)); })
      .def_readonly("failure_reason", &Session::failure_reason)
      .def_readonly("video_key", &Session::video_key)
      .def_readonly("thumbnail_key", &Session::thumbnail_key)
      .def_readonly("video_duration_ms", &Session::video_duration_ms)
      .def_readonly("video_size", &Session::video_size)
      .def_readonly("event_bytes", &Session::event_bytes,
                    "The session's event chunks as stored (compressed), in bytes.")
      .def_readonly("object_bytes", &Session::object_bytes,
                    "The session's files in the object store (video, images), in bytes.")
      .def_property_readonly(
          "storage_bytes", [](const Session& s) { return s.event_bytes + s.object_bytes; },
          "event_bytes + object_bytes: the API's storage.total_bytes.")
      .def_readonly("part", &Session::part,
                    "1 for a visit's first session, 2 for its continuation, ...")
      .def_property_readonly(
          "previous_id",
          [](const Session& s) -> std::optional<std::string> {
            if (s.previous_id.empty()) return std::nullopt;
            return s.previous_id;
          },
          "The id of the visit's part before this one, or None for the first part.")
      .def_property_readonly(
          "next_id",
          [](const Session& s) -> std::optional<std::string> {
            if (s.next_id.empty()) return std::nullopt;
            return s.next_id;
          },
          "The id of the part the visit continued in once this one was finalized, or None.")
      .def("__repr__", [](const Session& s) {
        return "<incuera.Session " + s.id + " " + std::string(SessionStatusName(s.status)) + ">";
      });

  py::class_<SessionFilter>(m, "SessionFilter", "Which sessions Engine.list_sessions returns.")
      .def(py::init<>())
      .def_readwrite("project_id", &SessionFilter::project_id)
      .def_property(
          "status",
          [](const SessionFilter& f) -> std::optional<std::string> {
            if (!f.status) return std::nullopt;
            return std::string(SessionStatusName(*f.status));
          },
          [](SessionFilter& f, std::optional<std::string> name) {
            f.status.reset();
            if (name) f.status = Unwrap(ParseSessionStatus(*name));
          })
      .def_readwrite("user", &SessionFilter::user)
      .def_readwrite("url", &SessionFilter::url)
      .def_readwrite("min_duration_ms", &SessionFilter::min_duration_ms)
      .def_readwrite("has_errors", &SessionFilter::has_errors)
      .def_readwrite("started_after", &SessionFilter::started_after)
      .def_readwrite("started_before", &SessionFilter::started_before)
      .def_readwrite("visited_url", &SessionFilter::visited_url,
                     "Substring of any page URL of the session (case-insensitive).")
      .def_readwrite("clicked_text", &SessionFilter::clicked_text,
                     "Substring of the text of a clicked element (case-insensitive).")
      .def_readwrite("console", &SessionFilter::console,
                     "Substring of a console message of any level (case-insensitive).")
      .def_readwrite("failed_request", &SessionFilter::failed_request,
                     "True: only sessions with a failed network request.")
      .def_readwrite("rage_click", &SessionFilter::rage_click,
                     "True: only sessions with a rage click.")
      .def_static(
          "from_params",
          [](const py::dict& params) { return Unwrap(ParseSessionFilter(FilterParams(params))); },
          py::arg("params"),
          "A filter from GET /api/sessions query parameters (a saved filter's `filters`: "
          "visited_url=, min_duration= in seconds, from=, to=, ...), project_id left empty. "
          "Raises InvalidArgument naming a bad parameter.");

  py::class_<Note>(m, "Note", "A note on a session at a moment, by one of the project's users.")
      .def_readonly("id", &Note::id)
      .def_readonly("session_id", &Note::session_id)
      .def_readonly("author_id", &Note::author_id)
      .def_readonly("author_email", &Note::author_email)
      .def_readonly("at_ms", &Note::at_ms, "Milliseconds since the session's first event.")
      .def_readonly("text", &Note::text)
      .def_readonly("created_at", &Note::created_at)
      .def("__repr__", [](const Note& n) {
        return "<incuera.Note " + n.id + " at " + std::to_string(n.at_ms) + " ms>";
      });

  py::class_<SavedFilter>(m, "SavedFilter",
                          "A named session list filter of a project: GET /api/sessions "
                          "query parameters.")
      .def_readonly("id", &SavedFilter::id)
      .def_readonly("project_id", &SavedFilter::project_id)
      .def_readonly("name", &SavedFilter::name)
      .def_property_readonly(
          "filters",
          [](const SavedFilter& f) {
            py::dict d;
            for (const auto& [name, value] : f.filters) d[py::str(name)] = value;
            return d;
          },
          "The query parameters as a dict of strings (SessionFilter.from_params reads it).")
      .def_readonly("created_at", &SavedFilter::created_at)
      .def("__repr__", [](const SavedFilter& f) { return "<incuera.SavedFilter " + f.name + ">"; });
}

std::vector<std::pair<std::string, std::string>> FilterParams(const py::dict& params) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : params) {
    if (!py::isinstance<py::str>(key)) throw py::type_error("filter names must be str");
    std::string text;
    if (py::isinstance<py::bool_>(value)) {
      text = value.cast<bool>() ? "true" : "false";
    } else if (py::isinstance<py::int_>(value) || py::isinstance<py::str>(value)) {
      text = py::str(value).cast<std::string>();
    } else {
      throw py::type_error("filter '" + key.cast<std::string>() + "' must be a str, int or bool");
    }
    out.emplace_back(key.cast<std::string>(), std::move(text));
  }
  return out;
}

}  // namespace incuera::python
