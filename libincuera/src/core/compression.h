// zstd compression of event chunks. Level 3 shrinks rrweb JSON about 10x.
#pragma once

#include <zstd.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/status.h"

namespace incuera::internal {

// Compresses `data` with zstd at `level`, with a context made for this call.
Result<std::string> ZstdCompress(std::string_view data, int level = 3);

// Decompresses a zstd frame. Refuses (ResourceExhausted) output larger than
// `max_bytes`; InvalidArgument for a corrupt frame.
Result<std::string> ZstdDecompress(std::string_view data,
                                   std::size_t max_bytes = std::size_t{1} << 31);

// Compresses at one level with contexts that are reused: making a context
// allocates and clears its tables (about 1 MB at level 3), which costs as much
// as compressing a 16 KB batch. Thread-safe: each call takes an idle context
// (or makes one), so at most as many exist as calls ever ran at once.
class ZstdCompressor {
 public:
  explicit ZstdCompressor(int level = 3) : level_(level) {}

  // The same frame ZstdCompress(data, level) makes.
  Result<std::string> Compress(std::string_view data);

 private:
  struct FreeContext {
    void operator()(ZSTD_CCtx* ctx) const { ZSTD_freeCCtx(ctx); }
  };
  using Context = std::unique_ptr<ZSTD_CCtx, FreeContext>;

  int level_;
  std::mutex mu_;
  std::vector<Context> idle_;  // guarded by mu_
};

}  // namespace incuera::internal
