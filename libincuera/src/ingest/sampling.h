// Which visits a project records: the decision /start takes from the
// project's sample_rate (ARCHITECTURE §5), the same on every server and for
// every request of a visit.
#pragma once

#include <string_view>

namespace incuera::internal {

// Where the visit `client_session_id` of `project_id` falls in [0, 1): the first 53
// bits of SHA-256(project id, '/', client id). Uniform over ids, and
// independent between projects, so a visitor sampled out by one project is
// not always sampled out by another.
double SamplePoint(std::string_view project_id, std::string_view client_session_id);

// True when the visit is recorded at `rate`: every visit at 1 (or above),
// none at 0 (or below), else those whose SamplePoint is below the rate.
bool InSample(std::string_view project_id, std::string_view client_session_id, double rate);

}  // namespace incuera::internal
