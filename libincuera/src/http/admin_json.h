// The admin API's JSON shapes (documented in openapi.json; the dashboard
// uses the field names as they are). Request bodies are in admin_bodies.h.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "incuera/admin.h"
#include "incuera/model.h"
#include "incuera/store.h"

namespace incuera::http::internal {

boost::json::object UserJson(const User& user);
boost::json::object ProjectJson(const ProjectSummary& project);
boost::json::object ApiKeyJson(const ApiKey& key);
boost::json::object SessionJson(const Session& session);
// {"event_bytes", "object_bytes", "total_bytes"}: storage a session or a
// project takes.
boost::json::object StorageJson(std::int64_t event_bytes, std::int64_t object_bytes);
// A project's StorageUsage: StorageJson plus "sessions" and "raw_event_bytes".
boost::json::object UsageJson(const StorageUsage& usage);
boost::json::object KeyframeJson(const Keyframe& keyframe);
boost::json::object NoteJson(const Note& note);
boost::json::object EventPageJson(const EventPage& page);
boost::json::object SavedFilterJson(const SavedFilter& filter);
// `analysis` null: the session was never analysed (status "none").
boost::json::object AnalysisJson(const std::string& session_id, const Analysis* analysis);

}  // namespace incuera::http::internal
