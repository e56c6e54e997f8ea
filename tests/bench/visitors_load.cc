// Browser-like load for `make bench` (issue 15): many visitors, each on its
// own keep-alive connection, start a session and then send a 20-event batch
// every 10 s (the SDK's cadence), idle in between — what a server sees from
// a busy site, unlike a few connections at full speed. Then, with 1000
// slowloris connections trickling header bytes, times GET /health. Starts
// the given incuera-server binary on a fresh SQLite database and prints one
// table row, so two binaries (the previous server and this one) can be
// compared side by side. One thread drives every socket (Boost.Asio).
// Asserts nothing.
//
// Usage: visitors_load SERVER_BINARY LABEL VISITORS SECONDS [SLOWLORIS]
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "support/server_process.h"

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
constexpr auto kAwait = asio::experimental::as_tuple(asio::use_awaitable);
constexpr char kSecret[] = "visitors-load-bench-secret-key-0123456789abcdef";

struct Totals {
  std::vector<double> latencies_ms;
  long long expected = 0;  // requests the schedule called for in the window
  long long ok = 0;
  long long errors = 0;  // non-200 answers, timeouts, refused or reset connections
};

std::string Request(const std::string& path, const std::string& key, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
         "X-API-Key: " + key + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

std::string Events(int n, long long ts) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) {
    if (i) out += ",";
    out += R"({"type":3,"timestamp":)" + std::to_string(ts + 100 * i) +
           R"(,"data":{"source":1,"positions":[{"x":)" + std::to_string(i) +
           R"(,"y":2,"id":12,"timeOffset":0}]}})";
  }
  return out + "]";
}

// One visitor: a keep-alive connection, a start, then a batch every
// `interval` until `end`, each answered within 30 s or counted an error.
asio::awaitable<void> Visitor(int port, std::string key, int id, Clock::duration offset,
                              Clock::duration interval, Clock::time_point end, Totals& t) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  timer.expires_after(offset);
  co_await timer.async_wait(kAwait);
  tcp::socket socket(ex);
  auto [cec] = co_await socket.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
      kAwait);
  std::string sid = "visitor-" + std::to_string(id);
  boost::beast::flat_buffer buffer;
  bool alive = !cec;
  auto exchange = [&](const std::string& wire) -> asio::awaitable<bool> {
    auto t0 = Clock::now();
    asio::steady_timer guard(ex);
    guard.expires_after(30s);
    guard.async_wait([&](boost::system::error_code ec) {
      if (!ec) socket.cancel();
    });
    auto [wec, wn] = co_await asio::async_write(socket, asio::buffer(wire), kAwait);
    bhttp::response<bhttp::string_body> res;
    boost::system::error_code rec = wec;
    if (!wec) std::tie(rec, std::ignore) = co_await bhttp::async_read(socket, buffer, res, kAwait);
    guard.cancel();
    t.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    co_return !rec && res.result_int() == 200 && res.keep_alive();
  };
  Clock::time_point next = Clock::now();
  for (int seq = -1; next < end; ++seq) {
    ++t.expected;
    if (alive) {
      std::string wire =
          seq < 0
              ? Request(
                    "/api/sessions/start", key,
                    R"({"sessionId":")" + sid + R"(","metadata":{"url":"https://shop.example/"}})")
              : Request("/api/ingest", key,
                        R"({"sessionId":")" + sid + R"(","seq":)" + std::to_string(seq) +
                            R"(,"events":)" + Events(20, 1'700'000'000'000 + seq * 10'000) + "}");
      alive = co_await exchange(wire);
    }
    if (alive) {
      ++t.ok;
    } else {
      ++t.errors;
    }
    next += interval;
    timer.expires_at(next);
    co_await timer.async_wait(kAwait);
  }
}

// A slowloris connection: a request line, then one header byte a second.
asio::awaitable<void> Slowloris(int port, Clock::time_point end) {
  auto ex = co_await asio::this_coro::executor;
  tcp::socket socket(ex);
  auto [cec] = co_await socket.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
      kAwait);
  if (cec) co_return;
  std::string line = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  auto [wec, wn] = co_await asio::async_write(socket, asio::buffer(line), kAwait);
  asio::steady_timer timer(ex);
  while (!wec && Clock::now() < end) {
    timer.expires_after(1s);
    co_await timer.async_wait(kAwait);
    std::tie(wec, wn) = co_await asio::async_write(socket, asio::buffer("a", 1), kAwait);
  }
}

// GET /health on fresh connections, `n` times, while the slowloris run.
asio::awaitable<void> Health(int port, int n, std::vector<double>& ms, long long& failed) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer pause(ex);
  pause.expires_after(2s);  // let the slow connections open
  co_await pause.async_wait(kAwait);
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    tcp::socket socket(ex);
    asio::steady_timer guard(ex);
    guard.expires_after(5s);
    guard.async_wait([&](boost::system::error_code ec) {
      if (!ec) socket.close();
    });
    auto [cec] = co_await socket.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
        kAwait);
    bool ok = false;
    if (!cec) {
      std::string req = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
      auto [wec, wn] = co_await asio::async_write(socket, asio::buffer(req), kAwait);
      boost::beast::flat_buffer buffer;
      bhttp::response<bhttp::string_body> res;
      auto [rec, rn] = co_await bhttp::async_read(socket, buffer, res, kAwait);
      ok = !wec && !rec && res.result_int() == 200;
    }
    guard.cancel();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!ok) ++failed;
    pause.expires_after(100ms);
    co_await pause.async_wait(kAwait);
  }
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s SERVER_BINARY LABEL VISITORS SECONDS [SLOWLORIS]\n", argv[0]);
    return 2;
  }
  std::string binary = argv[1], label = argv[2];
  int visitors = std::atoi(argv[3]);
  int seconds = std::atoi(argv[4]);
  int slowloris = argc > 5 ? std::atoi(argv[5]) : 1000;

  char dir_template[] = "/tmp/visitors-load-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  std::string url = "sqlite://" + dir + "/bench.db";
  incuera::test::Provisioned keys = incuera::test::Provision(url, dir, kSecret);
  // Every visitor comes from 127.0.0.1: the per-client cap is lifted, and
  // so is the new-sessions quota (10 000 visitors in one project start more
  // sessions than its default hour allows). The previous server ignores both.
  incuera::test::ServerProcess server(binary, url, dir, kSecret,
                                      {{"SERVER_MAX_CONNECTIONS_PER_CLIENT", "100000"},
                                       {"SERVER_MAX_CONNECTIONS", "100000"},
                                       {"QUOTA_SESSIONS_PER_HOUR", "0"}});
  if (!server.ready()) {
    std::fprintf(stderr, "%s did not start\n", binary.c_str());
    std::filesystem::remove_all(dir);
    return 1;
  }
  double rss_before = server.RssMb();

  asio::io_context ioc(1);
  Totals totals;
  // Visitors arrive spread over the first interval, as page views do.
  const auto interval = std::chrono::duration_cast<Clock::duration>(10s);
  auto end = Clock::now() + std::chrono::seconds(seconds);
  std::mt19937 rng(15);
  std::uniform_int_distribution<long long> spread(0, interval.count());
  for (int v = 0; v < visitors; ++v) {
    asio::co_spawn(ioc,
                   Visitor(server.port(), keys.ingest_key, v, Clock::duration(spread(rng)),
                           interval, end, totals),
                   asio::detached);
  }
  double peak_rss = 0;
  asio::steady_timer sampler(ioc);
  std::function<void(boost::system::error_code)> sample = [&](boost::system::error_code ec) {
    if (ec || Clock::now() > end) return;
    peak_rss = std::max(peak_rss, server.RssMb());
    sampler.expires_after(1s);
    sampler.async_wait(sample);
  };
  sampler.expires_after(1s);
  sampler.async_wait(sample);
  ioc.run();
  peak_rss = std::max(peak_rss, server.RssMb());

  // /health under slowloris.
  asio::io_context ioc2(1);
  std::vector<double> health_ms;
  long long health_failed = 0;
  auto slow_end = Clock::now() + 10s;
  for (int i = 0; i < slowloris; ++i)
    asio::co_spawn(ioc2, Slowloris(server.port(), slow_end), asio::detached);
  asio::co_spawn(ioc2, Health(server.port(), 50, health_ms, health_failed), asio::detached);
  ioc2.run();
  server.Terminate(30s);
  std::filesystem::remove_all(dir);

  std::printf(
      "| %-10s | %8d | %8lld | %6.1f %% | %7.1f | %7.1f | %7lld | %7.0f | %7.0f | %7.1f | %7.1f | "
      "%4lld/50 |\n",
      label.c_str(), visitors, totals.expected,
      totals.expected ? 100.0 * totals.ok / totals.expected : 0.0,
      Percentile(totals.latencies_ms, 0.5), Percentile(totals.latencies_ms, 0.99), totals.errors,
      rss_before, peak_rss, Percentile(health_ms, 0.5), Percentile(health_ms, 0.99), health_failed);
  return 0;
}
