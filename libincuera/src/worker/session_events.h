// Reads a stored session's events back as one JSON array.
#pragma once

#include <string>

#include "incuera/status.h"
#include "incuera/store.h"

namespace incuera::internal {

// Joins the session's chunks (each the events array of one batch, in seq
// order) into one JSON array, byte-identical per event to what was sent.
Result<std::string> ReadSessionEvents(Store& store, const std::string& session_id);

}  // namespace incuera::internal
