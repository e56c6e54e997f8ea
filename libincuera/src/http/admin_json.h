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
boost::json::object KeyframeJson(const Keyframe& keyframe);
boost::json::object NoteJson(const Note& note);
boost::json::object EventPageJson(const EventPage& page);
boost::json::object SavedFilterJson(const SavedFilter& filter);
// `analysis` null: the session was never analysed (status "none").
boost::json::object AnalysisJson(const std::string& session_id, const Analysis* analysis);

}  // namespace incuera::http::internal
