// The admin API's JSON shapes (documented in openapi.json; the dashboard
// uses the field names as they are) and the parsing of its request bodies.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "incuera/admin.h"
#include "incuera/model.h"
#include "incuera/status.h"

namespace incuera::http::internal {

boost::json::object UserJson(const User& user);
boost::json::object ProjectJson(const Project& project);
boost::json::object ApiKeyJson(const ApiKey& key);
boost::json::object SessionJson(const Session& session);
boost::json::object KeyframeJson(const Keyframe& keyframe);
// `analysis` null: the session was never analysed (status "none").
boost::json::object AnalysisJson(const std::string& session_id, const Analysis* analysis);

// Parses a request body that must be one JSON object. InvalidArgument
// otherwise, with the parser's reason.
Result<boost::json::object> ParseBodyObject(const std::string& body);

// Reads the members of a project create/update body ("name", "slug",
// "domains", "settings"); unknown members are refused so that typos do not
// pass silently. `current` supplies the settings members not given.
Result<ProjectChanges> ParseProjectChanges(const boost::json::object& body,
                                           const ProjectSettings& current);

// Member `name` of `o` as a string; InvalidArgument when present with
// another type, "" when absent.
Result<std::string> StringMember(const boost::json::object& o, std::string_view name);

}  // namespace incuera::http::internal
