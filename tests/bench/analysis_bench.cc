// Analytics figures for `make bench` (issue 4 "Figures"): synthesizes a large
// session from the test recording (its Meta and full snapshot once, then its
// incremental, plugin and custom events repeated with shifted timestamps),
// stored as 100-event batches like ingested chunks, and prints the analytics'
// throughput in events/s and MB/s against parsing the same batches with
// boost::json twice, and the peak RSS of an analysis streamed from disk.
// Asserts nothing.
//
// Usage: analysis_bench [MEGABYTES] [RECORDING.json]
#include <malloc.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "incuera/analysis.h"
#include "proc_stats.h"

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
constexpr int kBatchEvents = 100;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Synthesized {
  int64_t events = 0;
  int64_t bytes = 0;
  int64_t batches = 0;
};

// Writes the session to `path`, one JSON array of up to kBatchEvents events
// per line, until it holds `target_bytes` of event text.
Synthesized Synthesize(const std::string& recording, const std::string& path,
                       int64_t target_bytes) {
  json::array events = json::parse(recording).as_array();
  std::vector<json::object> head, body;
  for (json::value& e : events) {
    const int64_t type = e.at("type").to_number<int64_t>();
    (type == 2 || type == 4 ? head : body).push_back(std::move(e.as_object()));
  }
  const int64_t first = body.front().at("timestamp").to_number<int64_t>();
  const int64_t span = body.back().at("timestamp").to_number<int64_t>() - first + 1'000;
  std::ofstream out(path, std::ios::trunc);
  Synthesized s;
  std::string batch;
  int in_batch = 0;
  auto add = [&](const json::object& event) {
    batch += in_batch == 0 ? "[" : ",";
    batch += json::serialize(event);
    ++s.events;
    if (++in_batch == kBatchEvents) {
      batch += "]";
      s.bytes += static_cast<int64_t>(batch.size());
      out << batch << '\n';
      ++s.batches;
      batch.clear();
      in_batch = 0;
    }
  };
  for (const json::object& e : head) add(e);
  for (int64_t round = 0; s.bytes < target_bytes; ++round) {
    for (json::object e : body) {
      e["timestamp"] = e.at("timestamp").to_number<int64_t>() + round * span;
      add(e);
    }
  }
  if (in_batch > 0) {
    batch += "]";
    s.bytes += static_cast<int64_t>(batch.size());
    out << batch << '\n';
    ++s.batches;
  }
  return s;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t megabytes = argc > 1 ? std::atoll(argv[1]) : 100;
  const std::string recording_path =
      argc > 2 ? argv[2] : std::string(INCUERA_SOURCE_DIR) + "/tests/data/recording/shop.json";
  std::ifstream recording_file(recording_path);
  std::stringstream recording;
  recording << recording_file.rdbuf();
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("analysis-bench-" + std::to_string(getpid()) + ".jsonl"))
                               .string();
  const Synthesized s = Synthesize(recording.str(), path, megabytes << 20);
  const double mb = s.bytes / 1e6;
  std::printf("analysis_bench: %.1f MB session, %lld events in %lld batches of %d (from %s)\n", mb,
              static_cast<long long>(s.events), static_cast<long long>(s.batches), kBatchEvents,
              recording_path.c_str());

  double analyze_s = 0, parse_s = 0;
  {
    const std::vector<std::string> batches = ReadLines(path);
    Clock::time_point started = Clock::now();
    incuera::Analyzer analyzer(incuera::AnalysisOptions{}, {});
    for (const std::string& batch : batches) {
      if (incuera::Status st = analyzer.Feed(batch); !st.ok()) {
        std::fprintf(stderr, "analysis_bench: %s\n", st.ToString().c_str());
        return 1;
      }
    }
    incuera::SessionAnalytics analytics = analyzer.Finish();
    analyze_s = Since(started);
    std::printf("analytics: %d clicks, %d keystrokes, %zu rage clicks, %zu dead clicks\n",
                analytics.counts.clicks, analytics.counts.keystrokes, analytics.rage_clicks.size(),
                analytics.dead_clicks.size());

    started = Clock::now();
    size_t parsed = 0;
    for (int pass = 0; pass < 2; ++pass) {
      for (const std::string& batch : batches) parsed += json::parse(batch).as_array().size();
    }
    parse_s = Since(started);
    if (parsed != static_cast<size_t>(2 * s.events)) return 1;
  }
  std::printf("| what                          | seconds | events/s   | MB/s   |\n");
  std::printf("|-------------------------------|---------|------------|--------|\n");
  std::printf("| analytics (Analyzer::Feed)    | %7.2f | %10.0f | %6.1f |\n", analyze_s,
              s.events / analyze_s, mb / analyze_s);
  std::printf("| boost::json::parse, twice     | %7.2f | %10.0f | %6.1f |\n", parse_s,
              s.events / parse_s, mb / parse_s);
  std::printf("analytics take %.2fx the time of parsing the JSON twice\n", analyze_s / parse_s);

  // Memory: the analysis streamed batch by batch from disk, as the analyze
  // job streams stored chunks.
  malloc_trim(0);  // hand the freed batches back, so the peak starts low
  const double rss_before = incuera::bench::RssMiB();
  incuera::bench::ResetPeakRss();
  std::ifstream in(path);
  auto analytics = incuera::AnalyzeSession(incuera::AnalysisOptions{}, {},
                                           [&](std::string& batch) -> incuera::Result<bool> {
                                             return static_cast<bool>(std::getline(in, batch));
                                           });
  const double peak = incuera::bench::PeakRssMiB();
  std::filesystem::remove(path);
  if (!analytics.ok()) {
    std::fprintf(stderr, "analysis_bench: %s\n", analytics.status().ToString().c_str());
    return 1;
  }
  std::printf(
      "peak RSS analysing the %.0f MB session streamed from disk: %.1f MiB (%.1f MiB "
      "before)\n",
      mb, peak, rss_before);
  return 0;
}
