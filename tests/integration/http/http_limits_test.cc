// The server's limits (issue 15), against the real incuera-server binary
// (or another one: INCUERA_SERVER_BINARY=/path runs the same checks against,
// e.g., a build of an older server). Each case starts the server with small
// limits in its environment and sends exactly the bytes a hostile or broken
// client would.
#include <doctest/doctest.h>
#include <zlib.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "engine/store_access.h"
#include "incuera/engine.h"
#include "incuera/store.h"
#include "raw_client.h"
#include "support/server_process.h"
#include "support/test_env.h"

namespace incuera {
namespace {

using namespace std::chrono_literals;
using test::RawClient;
using test::Reply;
using Env = std::map<std::string, std::string>;

constexpr char kSecret[] = "http-limits-test-secret-key-0123456789abcdef";

std::string Binary() {
  const char* other = std::getenv("INCUERA_SERVER_BINARY");
  return other ? other : INCUERA_BINARY_DIR "/apps/server/incuera-server";
}

// A fresh database with keys, and the server on it.
struct Server {
  explicit Server(const Env& env = {})
      : url("sqlite://" + dir.File("db.sqlite")),
        keys(test::Provision(url, dir.path(), kSecret)),
        process(Binary(), url, dir.path(), kSecret, env) {
    REQUIRE_MESSAGE(process.ready(), "the server did not start");
  }
  int port() const { return process.port(); }
  test::TempDir dir;
  std::string url;
  test::Provisioned keys;
  test::ServerProcess process;
};

// `size` bytes of zeros, gzip-compressed (a bomb: ~1000x smaller).
std::string GzipZeros(std::size_t size) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out;
  std::string zeros(1 << 20, '\0');
  char buf[1 << 16];
  for (std::size_t done = 0; done < size;) {
    std::size_t n = std::min(zeros.size(), size - done);
    done += n;
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(n);
    int flush = done == size ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

std::string Post(const std::string& path, const std::string& headers, std::size_t length) {
  return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" + headers +
         "Content-Length: " + std::to_string(length) + "\r\n\r\n";
}

void CheckJsonError(const Reply& r, int status) {
  INFO(r.head, r.body);
  CHECK(r.status == status);
  CHECK(r.body.find(R"({"error":{"code":)") == 0);
}

TEST_CASE("A header over SERVER_MAX_HEADER_BYTES is answered 431") {
  Server server(Env{{"SERVER_MAX_HEADER_BYTES", "4096"}});
  RawClient c(server.port());
  REQUIRE(c.Send("GET /health HTTP/1.1\r\nHost: t\r\nX-Filler: " + std::string(6000, 'a') +
                 "\r\n\r\n"));
  CheckJsonError(c.Read(), 431);
}

TEST_CASE("A header trickled slower than SERVER_HEADER_TIMEOUT_SECONDS is answered 408") {
  Server server(Env{{"SERVER_HEADER_TIMEOUT_SECONDS", "2"}});
  RawClient c(server.port());
  std::string request = "GET /health HTTP/1.1\r\nHost: t\r\n";
  auto start = std::chrono::steady_clock::now();
  // One byte every 100 ms keeps every read timeout satisfied; only a
  // deadline for the whole header stops it.
  for (int i = 0; i < 60 && !c.Readable(); ++i) {
    if (!c.Send(i < static_cast<int>(request.size()) ? request.substr(i, 1) : "X")) break;
    std::this_thread::sleep_for(100ms);
  }
  Reply r = c.Read(2s);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CheckJsonError(r, 408);
}

TEST_CASE("/health answers at once while 300 slowloris connections are open") {
  Server server;
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 300; ++i) {
    slow.push_back(std::make_unique<RawClient>(server.port()));
    REQUIRE(slow.back()->Send("GET /health HTTP/1.1\r\nHost: t\r\n"));
  }
  std::this_thread::sleep_for(200ms);
  RawClient c(server.port());
  REQUIRE(c.Send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n"));
  Reply r = c.Read(3s);
  CHECK(r.status == 200);
}

// Each connection runs on one of the I/O threads' contexts, not the accept
// loop's: a connection owned only by the accept loop could be gone before its
// coroutine started there (the client saw a reset).
TEST_CASE("Connections opened back to back are each answered") {
  Server server;
  int answered = 0;
  for (int i = 0; i < 400; ++i) {
    RawClient c(server.port());
    answered += c.Send("GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n") &&
                c.Read(3s).status == 200;
  }
  CHECK(answered == 400);
}

TEST_CASE("A gzip bomb is refused 413 after max_body_bytes inflated, on any route") {
  Server server(Env{{"MAX_BODY_BYTES", "1048576"}, {"MAX_ADMIN_BODY_BYTES", "65536"}});
  std::string bomb = GzipZeros(256u << 20);  // 256 MiB of zeros in ~250 KiB
  struct Case {
    std::string path, key;
  };
  for (const Case& k : {Case{"/api/ingest", server.keys.ingest_key}, Case{"/api/auth/login", ""},
                        Case{"/api/projects", server.keys.read_key}}) {
    CAPTURE(k.path);
    RawClient c(server.port());
    std::string headers = "Content-Encoding: gzip\r\n";
    if (k.path == "/api/ingest") headers += "X-API-Key: " + k.key + "\r\n";
    if (k.path == "/api/projects") headers += "Authorization: Bearer " + k.key + "\r\n";
    c.Send(Post(k.path, headers, bomb.size()));
    c.Send(bomb);
    CheckJsonError(c.Read(), 413);
  }
  CHECK(server.process.PeakRssMb() < 200);
}

TEST_CASE("A chunked body is bounded as it arrives: 413 long before it ends") {
  Server server;
  RawClient c(server.port());
  REQUIRE(
      c.Send("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n"));
  std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
  for (int i = 0; i < 300 * 16 && !c.Readable(); ++i) {  // up to 300 MiB
    if (!c.Send(chunk)) break;
  }
  CheckJsonError(c.Read(), 413);
  CHECK(c.sent() < (16u << 20));
}

TEST_CASE("A body larger than MAX_WIRE_BYTES is refused from its Content-Length, unread") {
  Server server(Env{{"MAX_WIRE_BYTES", "1048576"}});
  RawClient c(server.port());
  REQUIRE(c.Send(Post("/api/ingest", "X-API-Key: " + server.keys.ingest_key + "\r\n", 50u << 20)));
  CheckJsonError(c.Read(3s), 413);
}

TEST_CASE("A body that stops arriving is answered 408 after SERVER_REQUEST_TIMEOUT_SECONDS") {
  Server server(Env{{"SERVER_REQUEST_TIMEOUT_SECONDS", "2"}});
  RawClient c(server.port());
  REQUIRE(c.Send(Post("/api/ingest", "X-API-Key: " + server.keys.ingest_key + "\r\n", 1000) +
                 "{\"sessionId\":"));
  CheckJsonError(c.Read(6s), 408);
}

TEST_CASE("An idle keep-alive connection is closed after SERVER_IDLE_TIMEOUT_SECONDS") {
  Server server(Env{{"SERVER_IDLE_TIMEOUT_SECONDS", "1"}});
  RawClient c(server.port());
  REQUIRE(c.Send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n"));
  CHECK(c.Read().status == 200);
  CHECK(c.ClosedWithin(4s));
}

TEST_CASE("Connections over the per-client cap are answered 503") {
  Server server(Env{{"SERVER_MAX_CONNECTIONS_PER_CLIENT", "20"}});
  std::vector<std::unique_ptr<RawClient>> open;
  for (int i = 0; i < 20; ++i) {
    // answered, so the server has counted it, and kept open (keep-alive)
    open.push_back(std::make_unique<RawClient>(server.port()));
    REQUIRE(open.back()->Send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(open.back()->Read(10s).status == 200);
  }
  RawClient extra(server.port());
  extra.Send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
  Reply r = extra.Read(3s);
  CheckJsonError(r, 503);
  CHECK(r.Has("Retry-After"));
  open.clear();  // the count goes back down once the server has seen the closes
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(100ms);
    RawClient again(server.port());
    again.Send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
    status = again.Read(3s).status;
  }
  CHECK(status == 200);
}

TEST_CASE("A saturated handler pool answers 503 with Retry-After, then recovers") {
  // One handler thread, no queue: a session's events streamed to a client
  // that does not read hold the thread until the write times out.
  Server server(Env{{"SERVER_THREADS", "1"},
                    {"SERVER_QUEUE_LIMIT", "0"},
                    {"SERVER_REQUEST_TIMEOUT_SECONDS", "3"}});
  const std::string key = server.keys.ingest_key;
  auto post = [&](const std::string& path, const std::string& body) {
    RawClient c(server.port());
    c.Send(Post(path, "X-API-Key: " + key + "\r\n", body.size()) + body);
    return c.Read(30s).status;
  };
  REQUIRE(post("/api/sessions/start", R"({"sessionId":"pool-1"})") == 200);
  std::string text(10'000, 'x');
  for (int batch = 0; batch < 3; ++batch) {
    std::string events = "[";
    for (int i = 0; i < 300; ++i) {
      if (i) events += ",";
      events += R"({"type":5,"timestamp":)" + std::to_string(1'700'000'000'000 + batch * 1000 + i) +
                R"(,"data":{"tag":"t","payload":")" + text + R"("}})";
    }
    REQUIRE(post("/api/ingest", R"({"sessionId":"pool-1","seq":)" + std::to_string(batch) +
                                    R"(,"events":)" + events + "]}") == 200);
  }
  RawClient lookup(server.port());
  lookup.Send("GET /api/sessions?limit=1 HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
              server.keys.read_key + "\r\n\r\n");
  Reply listed = lookup.Read();
  REQUIRE(listed.status == 200);
  std::size_t at = listed.body.find(R"("id":")");
  REQUIRE(at != std::string::npos);
  std::string id = listed.body.substr(at + 6, 36);

  RawClient stalled(server.port(), 4096);
  stalled.Send("GET /api/sessions/" + id + "/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
               server.keys.read_key + "\r\n\r\n");
  std::this_thread::sleep_for(1s);  // the handler thread now waits on the full socket
  RawClient busy(server.port());
  busy.Send("GET /ready HTTP/1.1\r\nHost: t\r\n\r\n");
  Reply r = busy.Read(2s);
  CheckJsonError(r, 503);
  CHECK(r.Has("Retry-After: 1"));

  std::this_thread::sleep_for(4s);  // the stalled write times out, the thread is free
  RawClient later(server.port());
  later.Send("GET /ready HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(later.Read(5s).status == 200);
}

TEST_CASE("An ingest key is checked before the body is read") {
  Server server;
  SUBCASE("a wrong X-API-Key: 401 without sending the body") {
    RawClient c(server.port());
    REQUIRE(c.Send(Post("/api/sessions/start", "X-API-Key: inc_wrong\r\n", 24u << 20)));
    CheckJsonError(c.Read(3s), 401);
  }
  SUBCASE("no key: at most a beacon's worth is read") {
    RawClient c(server.port());
    REQUIRE(c.Send(Post("/api/sessions/start", "", 24u << 20)));
    CheckJsonError(c.Read(3s), 413);
  }
  SUBCASE("a beacon with its key in the body is still accepted") {
    RawClient c(server.port());
    std::string body = R"({"sessionId":"beacon-1","reason":"unload","apiKey":")" +
                       server.keys.ingest_key + R"("})";
    REQUIRE(c.Send(Post("/api/sessions/end", "", body.size()) + body));
    Reply r = c.Read();
    INFO(r.body);
    CHECK(r.status != 401);
    CHECK(r.status != 413);
  }
}

TEST_CASE("Stored session strings are capped with a 400 naming the field") {
  Server server;
  auto start = [&](const std::string& field_json) {
    RawClient c(server.port());
    std::string body = R"({"sessionId":"caps-1",)" + field_json + "}";
    c.Send(
        Post("/api/sessions/start", "X-API-Key: " + server.keys.ingest_key + "\r\n", body.size()) +
        body);
    return c.Read();
  };
  std::string big(40'000, 'a');
  for (const auto& [field, json] : std::vector<std::pair<std::string, std::string>>{
           {"url", R"("metadata":{"url":")" + big + R"("})"},
           {"referrer", R"("metadata":{"referrer":")" + big + R"("})"},
           {"userAgent", R"("metadata":{"userAgent":")" + big + R"("})"},
           {"userEmail", R"("userEmail":")" + big + R"(")"},
           {"userId", R"("userId":")" + big + R"(")"}}) {
    CAPTURE(field);
    Reply r = start(json);
    CheckJsonError(r, 400);
    CHECK(r.body.find(field) != std::string::npos);
  }
  CHECK(start(R"("metadata":{"url":"https://shop.example/cart"})").status == 200);
}

TEST_CASE("SIGTERM finishes requests in flight, loses no acknowledged batch, and exits") {
  Server server(Env{{"SERVER_SHUTDOWN_TIMEOUT_SECONDS", "10"}});
  const std::string key = server.keys.ingest_key;
  {
    RawClient c(server.port());
    std::string body = R"({"sessionId":"drain-1"})";
    c.Send(Post("/api/sessions/start", "X-API-Key: " + key + "\r\n", body.size()) + body);
    REQUIRE(c.Read().status == 200);
  }
  std::atomic<int> acknowledged{0}, unexpected{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      for (int seq = 0; !stop; ++seq) {
        RawClient c(server.port());
        if (!c.connected()) break;
        std::string body =
            R"({"sessionId":"drain-1","seq":)" + std::to_string(t * 100000 + seq) +
            R"(,"events":[{"type":3,"timestamp":1700000000000,"data":{"source":1}}]})";
        if (!c.Send(Post("/api/ingest", "X-API-Key: " + key + "\r\n", body.size()) + body)) break;
        int status = c.Read(15s).status;
        if (status == 200) ++acknowledged;
        // During the drain: 503, or no answer once the socket is closed.
        if (status != 200 && status != 503 && status != -1) ++unexpected;
      }
    });
  }
  std::this_thread::sleep_for(1500ms);
  int code = server.process.Terminate(15s);
  stop = true;
  for (std::thread& t : clients) t.join();
  CHECK(code == 0);
  CHECK(unexpected == 0);
  REQUIRE(acknowledged > 0);

  // Every batch answered 200 is stored.
  Options options;
  options.database_url = server.url;
  options.storage_url = "file://" + server.dir.path();
  options.secret_key = kSecret;
  auto engine = Engine::Open(options);
  REQUIRE(engine.ok());
  auto session = internal::StoreOf(**engine).sessions().GetByClientSessionId(server.keys.project_id,
                                                                             "drain-1");
  REQUIRE(session.ok());
  int stored = 0;
  REQUIRE(internal::StoreOf(**engine)
              .events()
              .ForEach(session->id,
                       [&](const EventChunk&) {
                         ++stored;
                         return OkStatus();
                       })
              .ok());
  CHECK(stored >= acknowledged.load());
}

}  // namespace
}  // namespace incuera
