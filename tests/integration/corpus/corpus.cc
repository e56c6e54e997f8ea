#include "corpus.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>

#include "support/test_env.h"

namespace incuera::test {

namespace fs = std::filesystem;

namespace {

std::string Gunzip(const std::string& data) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);  // 16: gzip header
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  inflateEnd(&z);
  REQUIRE(rc == Z_STREAM_END);
  return out;
}

void AddTruths(const fs::path& dir, std::vector<CorpusEntry>& entries) {
  for (const auto& file : fs::directory_iterator(dir)) {
    std::string filename = file.path().filename().string();
    constexpr std::string_view kSuffix = ".truth.json";
    if (!filename.ends_with(kSuffix)) continue;
    CorpusEntry entry;
    entry.name = filename.substr(0, filename.size() - kSuffix.size());
    entry.truth = boost::json::parse(ReadFile(file.path().string())).as_object();
    // "file" is relative to the truth's directory
    entry.events_path = (dir / std::string(entry.truth.at("file").as_string())).lexically_normal();
    entries.push_back(std::move(entry));
  }
}

}  // namespace

std::vector<CorpusEntry> Corpus() {
  std::vector<CorpusEntry> entries;
  fs::path corpus = DataPath("corpus");
  AddTruths(corpus, entries);
  AddTruths(corpus / "legacy", entries);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  REQUIRE_MESSAGE(entries.size() >= 10, "tests/data/corpus has too few recordings");
  return entries;
}

std::string ReadEvents(const CorpusEntry& entry) {
  std::string data = ReadFile(entry.events_path);
  return entry.events_path.ends_with(".gz") ? Gunzip(data) : data;
}

}  // namespace incuera::test
