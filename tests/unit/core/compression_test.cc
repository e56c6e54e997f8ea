#include "core/compression.h"

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace incuera::internal {
namespace {

TEST_CASE("zstd round-trips bytes exactly and shrinks repetitive JSON") {
  std::string json;
  for (int i = 0; i < 2000; ++i) {
    json += R"({"type":3,"data":{"source":1,"positions":[{"x":)" + std::to_string(i % 700) +
            R"(,"y":12,"id":5,"timeOffset":0}]},"timestamp":)" + std::to_string(1700000000000 + i) +
            "},";
  }
  auto packed = ZstdCompress(json);
  REQUIRE(packed.ok());
  CHECK(packed->size() * 5 < json.size());
  auto unpacked = ZstdDecompress(*packed);
  REQUIRE(unpacked.ok());
  CHECK(*unpacked == json);
}

TEST_CASE("zstd refuses corrupt frames and output over the limit") {
  auto packed = ZstdCompress(std::string(100000, 'a'));
  REQUIRE(packed.ok());
  CHECK(ZstdDecompress(*packed, 1000).status().code() == StatusCode::kResourceExhausted);
  CHECK(ZstdDecompress("not zstd").status().code() == StatusCode::kInvalidArgument);
  CHECK(ZstdDecompress(packed->substr(0, packed->size() / 2)).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("an empty input compresses and comes back empty") {
  auto packed = ZstdCompress("");
  REQUIRE(packed.ok());
  auto unpacked = ZstdDecompress(*packed);
  REQUIRE(unpacked.ok());
  CHECK(unpacked->empty());
}

TEST_CASE("a compressor reuses its contexts across threads and makes the same frames") {
  ZstdCompressor compressor(3);
  std::vector<std::string> inputs;
  for (int i = 0; i < 8; ++i) {
    inputs.push_back(std::string(1000 + i * 517, static_cast<char>('a' + i)) +
                     std::to_string(i * 7919));
  }
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        for (const std::string& in : inputs) {
          Result<std::string> packed = compressor.Compress(in);
          if (!packed.ok() || *packed != *ZstdCompress(in, 3) || *ZstdDecompress(*packed) != in) {
            ++mismatches;
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(mismatches == 0);
}

}  // namespace
}  // namespace incuera::internal
