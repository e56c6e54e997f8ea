#include "http/connection.h"

#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <sstream>

#include "http/request_parsing.h"

namespace incuera::http::internal {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr auto kAwait = asio::experimental::as_tuple(asio::use_awaitable);
// Bytes asked of the socket per read while a request arrives (an idle
// connection holds none): Beast reads at most the buffer's free capacity, so
// a buffer left to grow from empty would take a 40 KB batch in 512-byte reads.
constexpr std::size_t kReadChunk = 64 << 10;

StatusCode CodeForHttp(int status) {
  switch (status) {
    case 404:
      return StatusCode::kNotFound;
    case 408:
    case 503:
      return StatusCode::kUnavailable;
    case 413:
    case 431:
      return StatusCode::kResourceExhausted;
    case 415:
      return StatusCode::kUnimplemented;
    case 500:
      return StatusCode::kInternal;
    default:
      return StatusCode::kInvalidArgument;
  }
}

bool NoBody(int status) {
  return status == 204 || status == 304 || (status >= 100 && status < 200);
}

void CopyHeaders(const Response& res, bhttp::response_header<>& out) {
  for (const auto& [name, value] : res.headers) out.insert(name, value);
  if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
}

}  // namespace

void WriteServerError(Response& res, int status, const std::string& message) {
  WriteError(res, Status(CodeForHttp(status), message));
  res.status = status;
}

// Hands a streaming response's bytes from the pool thread to the connection's thread and
// waits until they are written (or the write times out).
class Connection::Sink : public DataSink {
 public:
  Sink(std::shared_ptr<Connection> c, bool chunked) : c_(std::move(c)), chunked_(chunked) {}

  bool Send(std::string bytes) {
    if (!ok_) return false;
    auto done = std::make_shared<std::promise<bool>>();
    std::future<bool> written = done->get_future();
    auto data = std::make_shared<std::string>(std::move(bytes));
    asio::post(c_->socket_.get_executor(), [c = c_, data, done] {
      c->Arm(c->state_->options.request_timeout);
      asio::async_write(c->socket_, asio::buffer(*data),
                        [c, data, done](error_code ec, std::size_t) {
                          c->Disarm();
                          done->set_value(!ec);
                        });
    });
    // That thread always completes the write (the timer bounds it); the
    // margin only guards against a stopped io_context at exit.
    if (written.wait_for(c_->state_->options.request_timeout + std::chrono::seconds(5)) !=
        std::future_status::ready) {
      ok_ = false;
    } else {
      ok_ = written.get();
    }
    return ok_;
  }
  bool write(const char* data, std::size_t size) override {
    if (size == 0) return ok_;
    sent_ += size;
    if (!chunked_) return Send(std::string(data, size));
    std::ostringstream head;
    head << std::hex << size << "\r\n";
    return Send(head.str() + std::string(data, size) + "\r\n");
  }
  void done() override {
    if (chunked_ && !finished_) finished_ = Send("0\r\n\r\n");
  }
  bool ok() const { return ok_; }
  bool finished() const { return finished_; }
  std::size_t sent() const { return sent_; }

 private:
  std::shared_ptr<Connection> c_;
  const bool chunked_;
  bool ok_ = true;
  bool finished_ = false;
  std::size_t sent_ = 0;
};

Connection::Connection(tcp::socket socket, std::string address, std::shared_ptr<ServerState> state)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      address_(std::move(address)),
      state_(std::move(state)) {}

Connection::~Connection() {
  if (state_->Release(address_, this) == 0 && state_->draining && state_->on_drained) {
    state_->on_drained();
  }
}

void Connection::Arm(std::chrono::steady_clock::duration d) {
  timed_out_ = false;
  timer_.expires_after(d);
  timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec) return;
    self->timed_out_ = true;
    error_code ignored;
    self->socket_.cancel(ignored);
  });
}

void Connection::Disarm() { timer_.cancel(); }

void Connection::CloseIfIdle() {
  if (idle_) Close();
}

void Connection::Close() {
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  timer_.cancel();
}

asio::awaitable<void> Connection::Serve() {
  beast::flat_buffer buffer;
  for (;;) {
    idle_ = true;
    if (state_->draining || !socket_.is_open()) break;
    if (buffer.size() == 0) {
      // Waiting for the next request holds no buffer: only readiness is
      // awaited, under one deadline.
      buffer.shrink_to_fit();
      Arm(state_->options.idle_timeout);
      auto [ec] = co_await socket_.async_wait(tcp::socket::wait_read, kAwait);
      Disarm();
      if (ec) break;
    }
    buffer.reserve(kReadChunk);
    if (!co_await ServeOne(buffer)) break;
  }
  error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
}

asio::awaitable<bool> Connection::ServeOne(beast::flat_buffer& buffer) {
  const ServerOptions& o = state_->options;
  const Clock::time_point start = Clock::now();
  Request req;
  Response res;
  req.remote_addr = address_;

  bhttp::request_parser<bhttp::buffer_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
  parser.body_limit(boost::none);  // decided per route below, once the headers are known
  Arm(o.header_timeout);
  auto [ec, header_bytes] = co_await bhttp::async_read_header(socket_, buffer, parser, kAwait);
  Disarm();
  if (ec) {
    if (state_->draining && !timed_out_) co_return false;
    if (ec == bhttp::error::header_limit) {
      co_await Refuse(req, res, 431,
                      "request header larger than " + std::to_string(o.max_header_bytes) + " bytes",
                      start);
    } else if (timed_out_) {
      co_await Refuse(req, res, 408, "the request header did not arrive in time", start);
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
               ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      co_await Refuse(req, res, 400, "the request could not be read", start);
    }
    co_return false;
  }
  idle_ = false;

  auto& head = parser.get();
  req.method = std::string(head.method_string());
  req.target = std::string(head.target());
  for (const auto& field : head) {
    req.headers.emplace(std::string(field.name_string()), std::string(field.value()));
  }
  if (!ParseTarget(req.target, req.path, req.params)) {
    co_await Refuse(req, res, 400, "the request target could not be read", start);
    co_return false;
  }
  if (req.has_header("Range")) ParseRanges(req.get_header_value("Range"), req.ranges);
  bool keep_alive = head.keep_alive();
  const bool has_body = !parser.is_done();

  if (state_->draining) {
    res.set_header("Retry-After", "1");
    co_await Refuse(req, res, 503, "the server is shutting down", start);
    co_return false;
  }
  const Route* route = state_->router.Find(req);
  if (route == nullptr) {
    if (has_body) {
      co_await Refuse(req, res, 404, "no such route", start);
      co_return false;
    }
    WriteServerError(res, 404, "no such route");
    bool written = co_await Write(req, res, keep_alive);
    state_->router.Log(req, res, std::chrono::duration<double>(Clock::now() - start).count());
    co_return written&& keep_alive;
  }

  std::size_t max_body = o.max_admin_body_bytes;
  if (route->gate) {
    // Most requests carry a key the gate knows from its cache: no trip to
    // the pool before the body.
    std::optional<Result<std::size_t>> gated = route->gate(req, res, GateStage::kIoThread);
    if (!gated && !co_await OnPool([&] { gated = route->gate(req, res, GateStage::kPool); })) {
      res.set_header("Retry-After", "1");
      co_await Refuse(req, res, 503, "the server is busy; retry shortly", start);
      co_return false;
    }
    Result<std::size_t> limit = gated ? std::move(*gated) : Internal("the gate did not decide");
    if (!limit.ok()) {
      WriteError(res, limit.status());
      if (has_body) {  // the body is never read: answered as it stands, then closed
        co_await Refuse(req, res, 0, "", start);
        co_return false;
      }
      bool written = co_await Write(req, res, keep_alive);
      state_->router.Log(req, res, std::chrono::duration<double>(Clock::now() - start).count());
      co_return written&& keep_alive;
    }
    max_body = *limit;
  }
  if (has_body) {
    std::size_t max_wire = std::min(max_body, state_->ingest.max_wire_bytes);
    if (!co_await ReadBody(parser, buffer, req, res, max_wire, max_body, start)) co_return false;
  }

  if (!co_await OnPool([&] { Handle(*route, req, res, keep_alive); })) {
    res = Response();
    res.set_header("Retry-After", "1");
    WriteServerError(res, 503, "the server is busy; retry shortly");
  }
  bool written = streamed_ ? stream_ok_ : co_await Write(req, res, keep_alive);
  streamed_ = false;
  state_->router.Log(req, res, std::chrono::duration<double>(Clock::now() - start).count());
  co_return written&& keep_alive && !state_->draining;
}

template <typename Parser>
asio::awaitable<bool> Connection::ReadBody(Parser& parser, beast::flat_buffer& buffer, Request& req,
                                           Response& res, std::size_t max_wire,
                                           std::size_t max_body, Clock::time_point start) {
  auto too_large = [&](std::size_t limit) {
    return "request body larger than " + std::to_string(limit) + " bytes";
  };
  const boost::optional<std::uint64_t> length = parser.content_length();
  if (length && *length > max_wire) {
    co_await Refuse(req, res, 413, too_large(max_wire), start);
    co_return false;
  }
  BodyInflater inflater;
  if (Status s = inflater.Open(req.get_header_value("Content-Encoding"), max_body); !s.ok()) {
    co_await Refuse(req, res, 415, s.message(), start);
    co_return false;
  }
  Arm(state_->options.request_timeout);
  if (beast::iequals(req.get_header_value("Expect"), "100-continue")) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(kContinue), kAwait);
    if (ec) {
      Disarm();
      co_return false;
    }
  }
  // Left uninitialised and no larger than the body: zero-filling 64 KiB for
  // every batch cost more CPU than parsing its events.
  const std::size_t chunk_size =
      length ? std::clamp<std::size_t>(*length, 1, kReadChunk) : kReadChunk;
  std::unique_ptr<char[]> chunk(new char[chunk_size]);
  std::size_t wire = 0;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.get();
    parser.get().body().size = chunk_size;
    auto [ec, n] = co_await bhttp::async_read_some(socket_, buffer, parser, kAwait);
    if (ec == bhttp::error::need_buffer) ec = {};
    std::size_t got = chunk_size - parser.get().body().size;
    wire += got;
    if (!ec && wire > max_wire) {
      Disarm();
      co_await Refuse(req, res, 413, too_large(max_wire), start);
      co_return false;
    }
    Status s = ec ? OkStatus() : inflater.Write(std::string_view(chunk.get(), got), req.body);
    if (ec || !s.ok()) {
      bool timed_out = timed_out_;
      Disarm();
      if (timed_out) {
        co_await Refuse(req, res, 408, "the request body did not arrive in time", start);
      } else if (!s.ok()) {
        co_await Refuse(req, res, s.code() == StatusCode::kResourceExhausted ? 413 : 400,
                        s.message(), start);
      } else if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
                 ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
        co_await Refuse(req, res, 400, "the request body could not be read", start);
      }
      co_return false;
    }
  }
  Disarm();
  if (Status s = inflater.Finish(); !s.ok()) {
    co_await Refuse(req, res, 400, s.message(), start);
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> Connection::OnPool(std::function<void()> task) {
  bool accepted = true;
  auto ex = socket_.get_executor();
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
      [&](auto handler) {
        auto resume = std::make_shared<decltype(handler)>(std::move(handler));
        auto work = std::make_shared<asio::executor_work_guard<decltype(ex)>>(ex);
        auto back = [resume, ex] { asio::post(ex, [resume] { (*resume)(); }); };
        if (!state_->pool.TryPost([&task] { task(); }, [back, work] { back(); })) {
          accepted = false;
          back();
        }
      },
      asio::use_awaitable);
  co_return accepted;
}

void Connection::Handle(const Route& route, Request& req, Response& res, bool keep_alive) {
  try {
    route.handler(req, res);
  } catch (const std::exception&) {
    res = Response();
    WriteError(res, Internal("handler failed"));
  }
  if (res.status == -1) res.status = 200;
  if (!res.chunked_provider && !res.sized_provider) return;

  // A streaming response: written from here, each piece handed to the connection's thread.
  streamed_ = true;
  const bool chunked = static_cast<bool>(res.chunked_provider);
  std::size_t offset = 0, length = res.content_length;
  if (!chunked && res.status == 200 && req.ranges.size() == 1 && res.content_length > 0) {
    auto [first, last] = req.ranges.front();
    std::size_t size = res.content_length;
    if (first < 0) {  // the last `last` bytes
      offset = size - std::min<std::size_t>(static_cast<std::size_t>(last), size);
    } else {
      offset = static_cast<std::size_t>(first);
    }
    std::size_t end = (first >= 0 && last >= 0) ? std::min<std::size_t>(last + 1, size) : size;
    if (offset < end) {
      length = end - offset;
      res.status = 206;
      res.set_header("Content-Range", "bytes " + std::to_string(offset) + "-" +
                                          std::to_string(end - 1) + "/" + std::to_string(size));
    }
  }
  bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), 11};
  CopyHeaders(res, head.base());
  if (chunked) {
    head.chunked(true);
  } else {
    head.content_length(length);
  }
  head.keep_alive(keep_alive);
  std::ostringstream text;
  text << head.base();
  Sink sink(shared_from_this(), chunked);
  stream_ok_ = sink.Send(text.str());
  if (!stream_ok_ || req.method == "HEAD") return;
  bool produced = false;
  try {
    produced = chunked ? res.chunked_provider(0, sink) : res.sized_provider(offset, length, sink);
  } catch (const std::exception&) {
    produced = false;
  }
  // A body cut short cannot be told apart from a whole one on a kept
  // connection: the connection ends (the client sees a broken body).
  stream_ok_ = produced && sink.ok() && (chunked ? sink.finished() : sink.sent() == length);
}

asio::awaitable<bool> Connection::Write(const Request& req, Response& res, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), 11};
  CopyHeaders(res, out.base());
  out.keep_alive(keep_alive);
  if (!NoBody(res.status)) out.content_length(res.body.size());
  if (req.method != "HEAD" && !NoBody(res.status)) out.body() = res.body;
  bhttp::response_serializer<bhttp::string_body> serializer{out};
  Arm(state_->options.request_timeout);
  error_code ec;
  if (req.method == "HEAD") {
    std::tie(ec, std::ignore) = co_await bhttp::async_write_header(socket_, serializer, kAwait);
  } else {
    std::tie(ec, std::ignore) = co_await bhttp::async_write(socket_, serializer, kAwait);
  }
  Disarm();
  co_return !ec;
}

asio::awaitable<void> Connection::Refuse(Request& req, Response& res, int status,
                                         std::string message, Clock::time_point start) {
  if (status != 0) WriteServerError(res, status, message);
  if (req.method.empty()) req.method = "-";
  co_await Write(req, res, false);
  state_->router.Log(req, res, std::chrono::duration<double>(Clock::now() - start).count());
  co_await Linger();
}

asio::awaitable<void> Connection::Linger() {
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  Arm(std::chrono::seconds(1));
  std::string sink(4096, '\0');
  for (std::size_t dropped = 0; dropped < (64u << 10);) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(sink), kAwait);
    if (ec) break;
    dropped += n;
  }
  Disarm();
  socket_.close(ignored);
}

asio::awaitable<void> RefuseConnection(tcp::socket socket) {
  Response res;
  WriteServerError(res, 503, "too many connections; retry shortly");
  std::string text =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: "
      "1\r\nConnection: close\r\nContent-Length: " +
      std::to_string(res.body.size()) + "\r\n\r\n" + res.body;
  co_await asio::async_write(socket, asio::buffer(text), kAwait);
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace incuera::http::internal
