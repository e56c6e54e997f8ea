// Load generator for `make bench` (issue 8 "Figures"): starts incuera-server
// as a separate process on a fresh database, replays the rrweb recording in
// 100-event requests from many keep-alive connections (each session: start,
// the batches, end — one page view), first as fast as the server answers,
// then paced at half that request rate, and prints one table row:
// throughput, latency (and p99 at half load), server CPU and peak RSS,
// stored bytes per raw byte, and the time to accept one 20 MB full snapshot.
// Asserts nothing.
//
// Usage: ingest_load SERVER_BINARY DATABASE_URL STORAGE_DIR LABEL GZIP(0|1)
//                    CONNECTIONS SECONDS
#include <httplib.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "incuera/auth.h"
#include "incuera/engine.h"
#include "incuera/store.h"
#include "read_file.h"
#include "support/server_process.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kSecret[] = "ingest-load-bench-secret-key-0123456789abcdef";

using incuera::bench::ReadAll;

std::string Gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Splits a JSON array of objects into the objects' texts (string-aware).
std::vector<std::string> SplitEvents(const std::string& array) {
  std::vector<std::string> events;
  int depth = 0;
  bool in_string = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < array.size(); ++i) {
    char c = array[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      if (depth++ == 0) start = i;
    } else if (c == '}') {
      if (--depth == 0) events.push_back(array.substr(start, i - start + 1));
    }
  }
  return events;
}

// The recording as 100-event arrays.
std::vector<std::string> Batches(const std::vector<std::string>& events) {
  std::vector<std::string> batches;
  for (std::size_t i = 0; i < events.size(); i += 100) {
    std::string b = "[";
    for (std::size_t j = i; j < std::min(events.size(), i + 100); ++j) {
      if (j > i) b += ",";
      b += events[j];
    }
    batches.push_back(b + "]");
  }
  return batches;
}

double CpuSeconds(pid_t pid) {
  std::string stat = ReadAll("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);
  }
  return ticks / sysconf(_SC_CLK_TCK);
}

double StoredBytes(const std::string& url) {
  std::string cmd =
      url.rfind("sqlite://", 0) == 0
          ? "sqlite3 '" + url.substr(9) + "' 'SELECT sum(length(payload)) FROM event_chunks'"
          : "psql '" + url + "' -tAc 'SELECT sum(octet_length(payload)) FROM event_chunks'";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[64] = {0};
  if (p) {
    if (!std::fgets(buf, sizeof buf, p)) buf[0] = 0;
    pclose(p);
  }
  return std::atof(buf);
}

struct Totals {
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::int64_t events = 0, raw_bytes = 0, requests = 0, failures = 0;
};

// One keep-alive connection replaying sessions until `deadline`. With
// `interval` > 0 requests are paced to one per interval (an open-loop
// schedule: a late request does not push the next ones back), else sent
// back to back.
void RunClient(int port, const std::string& key, bool gzip, const std::vector<std::string>& batches,
               const std::vector<int>& counts, const std::string& id, Clock::time_point deadline,
               Clock::duration interval, Totals& t) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // the client's own Nagle delay is not the server's latency
  client.set_read_timeout(std::chrono::seconds(60));
  httplib::Headers headers = {{"X-API-Key", key}};
  if (gzip) headers.emplace("Content-Encoding", "gzip");
  std::vector<double> lat;
  std::int64_t events = 0, raw = 0, requests = 0, failures = 0;
  Clock::time_point next = Clock::now();
  auto post = [&](const char* path, const std::string& body) {
    if (interval.count() > 0) {
      std::this_thread::sleep_until(next);
      next += interval;
    }
    auto t0 = Clock::now();
    auto res = client.Post(path, headers, gzip ? Gzip(body) : body, "application/json");
    lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    ++requests;
    if (!res || res->status != 200) ++failures;
  };
  for (int s = 0; Clock::now() < deadline; ++s) {
    std::string sid = "bench-" + id + "-" + std::to_string(s);
    post("/api/sessions/start",
         R"({"sessionId":")" + sid + R"(","metadata":{"url":"https://shop.example/"}})");
    for (std::size_t b = 0; b < batches.size(); ++b) {
      post("/api/ingest", R"({"sessionId":")" + sid + R"(","seq":)" + std::to_string(b) +
                              R"(,"events":)" + batches[b] + "}");
      events += counts[b];
      raw += static_cast<std::int64_t>(batches[b].size());
    }
    post("/api/sessions/end", R"({"sessionId":")" + sid + R"("})");
  }
  std::lock_guard lock(t.mu);
  t.latencies_ms.insert(t.latencies_ms.end(), lat.begin(), lat.end());
  t.events += events;
  t.raw_bytes += raw;
  t.requests += requests;
  t.failures += failures;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

// Posts one full snapshot of ~20 MB (gzip'd); returns "<ms> ms (HTTP <status>)".
std::string SnapshotTime(int port, const std::string& key) {
  std::string node = "<div class=\\\"row\\\">";
  std::string html;
  for (int i = 0; html.size() < (20u << 20); ++i) html += node + std::to_string(i) + "</div>";
  std::string body =
      R"({"sessionId":"snapshot","seq":0,"events":[{"type":2,"timestamp":1700000000000,"data":{"html":")" +
      html + R"("}}]})";
  std::string wire = Gzip(body);
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(120));
  auto t0 = Clock::now();
  auto res = client.Post("/api/ingest", {{"X-API-Key", key}, {"Content-Encoding", "gzip"}}, wire,
                         "application/json");
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  char out[96];
  std::snprintf(out, sizeof out, "%.0f ms (HTTP %d, %.1f MB raw, %.1f MB wire)", ms,
                res ? res->status : -1, body.size() / 1e6, wire.size() / 1e6);
  return out;
}

// Runs `connections` clients for `seconds`; `total_rps` > 0 paces them to
// that many requests per second in all. Returns the elapsed seconds.
double Load(int port, const std::string& key, bool gzip, const std::vector<std::string>& batches,
            const std::vector<int>& counts, int connections, int seconds, double total_rps,
            const std::string& tag, Totals& totals) {
  auto interval = total_rps > 0 ? std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(connections / total_rps))
                                : Clock::duration::zero();
  auto start = Clock::now();
  auto deadline = start + std::chrono::seconds(seconds);
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back(RunClient, port, std::cref(key), gzip, std::cref(batches),
                         std::cref(counts), tag + std::to_string(c), deadline, interval,
                         std::ref(totals));
  }
  for (std::thread& t : clients) t.join();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr,
                 "usage: %s SERVER DATABASE_URL STORAGE_DIR LABEL GZIP CONNECTIONS SECONDS\n",
                 argv[0]);
    return 2;
  }
  std::string binary = argv[1], url = argv[2], storage = argv[3], label = argv[4];
  bool gzip = std::string(argv[5]) == "1";
  int connections = std::atoi(argv[6]);
  int seconds = std::atoi(argv[7]);

  std::vector<std::string> events =
      SplitEvents(ReadAll(std::string(INCUERA_SOURCE_DIR) + "/tests/data/recording/shop.json"));
  std::vector<std::string> batches = Batches(events);
  std::vector<int> counts;
  for (const std::string& b : batches) counts.push_back(static_cast<int>(SplitEvents(b).size()));

  std::string key = incuera::test::Provision(url, storage, kSecret).ingest_key;
  incuera::test::ServerProcess server(binary, url, storage, kSecret);
  if (!server.ready()) {
    std::fprintf(stderr, "%s did not answer /health\n", binary.c_str());
    return 1;
  }
  const int port = server.port();
  const pid_t pid = server.pid();

  // As fast as the server answers, then paced at half that request rate.
  Totals full;
  double elapsed = Load(port, key, gzip, batches, counts, connections, seconds, 0, "f", full);
  double cpu = CpuSeconds(pid);
  double max_rps = full.requests / elapsed;
  Totals half;
  Load(port, key, gzip, batches, counts, connections, std::max(1, seconds / 2), max_rps / 2, "h",
       half);
  double stored = StoredBytes(url);  // before the snapshot, which is not in raw_bytes
  std::string snapshot = gzip ? SnapshotTime(port, key) : "-";
  double rss = server.PeakRssMb();  // the whole run's peak, snapshot included
  server.Terminate(std::chrono::seconds(30));

  std::int64_t raw = full.raw_bytes + half.raw_bytes;
  std::printf(
      "| %-8s | %-4s | %9.0f | %6.1f | %7.0f | %6.1f | %6.1f | %6.1f | %6.1f | %5.0f | %6.1f | "
      "%5.3f | %lld | %s |\n",
      label.c_str(), gzip ? "on" : "off", full.events / elapsed, full.raw_bytes / elapsed / 1e6,
      max_rps, Percentile(full.latencies_ms, 0.50), Percentile(full.latencies_ms, 0.95),
      Percentile(full.latencies_ms, 0.99), Percentile(half.latencies_ms, 0.99), cpu / elapsed * 100,
      rss, raw ? stored / static_cast<double>(raw) : 0.0,
      static_cast<long long>(full.failures + half.failures), snapshot.c_str());
  return 0;
}
