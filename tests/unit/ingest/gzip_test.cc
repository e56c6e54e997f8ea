#include <doctest/doctest.h>
#include <zlib.h>

#include <chrono>
#include <string>

#include "incuera/ingest.h"

namespace incuera {
namespace {

// Gzips `repeat` copies of `block` without ever holding the whole input.
std::string Gzip(const std::string& block, std::size_t repeat = 1, int level = 6) {
  z_stream s{};
  REQUIRE(deflateInit2(&s, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out;
  char buffer[1 << 16];
  for (std::size_t i = 0; i < repeat; ++i) {
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
    s.avail_in = static_cast<uInt>(block.size());
    int flush = i + 1 == repeat ? Z_FINISH : Z_NO_FLUSH;
    int rc = Z_OK;
    do {
      s.next_out = reinterpret_cast<Bytef*>(buffer);
      s.avail_out = sizeof(buffer);
      rc = deflate(&s, flush);
      out.append(buffer, sizeof(buffer) - s.avail_out);
    } while (s.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  }
  deflateEnd(&s);
  return out;
}

TEST_CASE("gzip round trip, including concatenated members") {
  std::string text = R"({"sessionId":"s","events":[]})";
  Result<std::string> back = InflateGzip(Gzip(text), 1 << 20);
  REQUIRE(back.ok());
  CHECK(*back == text);
  Result<std::string> twice = InflateGzip(Gzip("ab") + Gzip("cd"), 1 << 20);
  REQUIRE(twice.ok());
  CHECK(*twice == "abcd");
  Result<std::string> empty = InflateGzip(Gzip(""), 10);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("output exactly at the limit is fine, one byte more is refused") {
  std::string data(1000, 'x');
  CHECK(InflateGzip(Gzip(data), 1000).ok());
  CHECK(InflateGzip(Gzip(data), 999).status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("a 1 GiB gzip bomb is refused quickly at the limit") {
  std::string bomb = Gzip(std::string(1 << 20, '\0'), 1024, 1);
  CHECK(bomb.size() < (8u << 20));
  auto start = std::chrono::steady_clock::now();
  Result<std::string> out = InflateGzip(bomb, 25u << 20);
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(out.status().code() == StatusCode::kResourceExhausted);
  CHECK(elapsed < std::chrono::seconds(2));
}

TEST_CASE("corrupt and truncated streams are InvalidArgument") {
  std::string good = Gzip(std::string(5000, 'y') + "tail");
  CHECK(InflateGzip("", 100).status().code() == StatusCode::kInvalidArgument);
  CHECK(InflateGzip("plain text, not gzip", 100).status().code() == StatusCode::kInvalidArgument);
  CHECK(InflateGzip(good.substr(0, good.size() / 2), 1 << 20).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(InflateGzip(good.substr(0, good.size() - 4), 1 << 20).status().code() ==
        StatusCode::kInvalidArgument);
  std::string flipped = good;
  flipped[flipped.size() - 6] ^= 0x55;  // CRC mismatch
  CHECK(InflateGzip(flipped, 1 << 20).status().code() == StatusCode::kInvalidArgument);
  CHECK(InflateGzip(good + "junk", 1 << 20).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace incuera
