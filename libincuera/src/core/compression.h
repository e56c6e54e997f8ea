// zstd compression of event chunks. Level 3 shrinks rrweb JSON about 10x.
#pragma once

#include <string>
#include <string_view>

#include "incuera/status.h"

namespace incuera::internal {

// Compresses `data` with zstd at `level`.
Result<std::string> ZstdCompress(std::string_view data, int level = 3);

// Decompresses a zstd frame. Refuses (ResourceExhausted) output larger than
// `max_bytes`; InvalidArgument for a corrupt frame.
Result<std::string> ZstdDecompress(std::string_view data,
                                   std::size_t max_bytes = std::size_t{1} << 31);

}  // namespace incuera::internal
