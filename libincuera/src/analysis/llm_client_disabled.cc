// LlmClient when libincuera is built with INCUERA_WITH_LLM=OFF.
#include "incuera/analysis.h"

namespace incuera {

LlmClient::LlmClient(LlmOptions options, std::chrono::milliseconds backoff_base)
    : options_(std::move(options)), backoff_base_(backoff_base) {}

Result<LlmSummary> LlmClient::Summarize(const LlmInput&) const {
  return Unimplemented("built without libcurl (INCUERA_WITH_LLM=OFF)");
}

}  // namespace incuera
