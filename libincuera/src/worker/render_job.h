// What the worker loop needs from the render job beyond worker.h.
#pragma once

#include <string>

#include "incuera/engine.h"
#include "incuera/status.h"

namespace incuera::internal {

// Ends the render of a session after its last attempt failed retryably (the
// session went back to completed for a retry that will not come): moves it
// to failed with FailureReason(error) and queues its analysis. An error when
// the session is not completed (a final failure already did both, or the
// session moved on): then nothing is done, so each render outcome queues one
// analysis.
Status GiveUpRender(Engine& engine, const std::string& session_id, const Status& error);

}  // namespace incuera::internal
