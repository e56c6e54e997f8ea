// One client connection: reads requests within the limits (header size and
// deadline, body on the wire and inflated, timeouts), routes them, runs the
// gate and the handler on the blocking pool and writes the answers, until
// the client goes, a limit is passed or the server drains. An idle
// keep-alive connection is this object and a read buffer: no thread.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "http/server_state.h"

namespace incuera::http::internal {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Clock = std::chrono::steady_clock;
  // `socket`'s executor is an io_context run by one thread: everything below
  // runs on that thread (the connection's thread below).
  Connection(tcp::socket socket, std::string address, std::shared_ptr<ServerState> state);
  ~Connection();

  asio::awaitable<void> Serve();
  // On Stop: ends the connection unless a request is in flight. On the connection's thread.
  void CloseIfIdle();
  // At the drain deadline: ends it whatever it does. On the connection's thread.
  void Close();
  tcp::socket& socket() { return socket_; }

 private:
  class Sink;
  // Reads and answers one request whose first bytes are in `buffer`; false
  // when the connection must end.
  asio::awaitable<bool> ServeOne(boost::beast::flat_buffer& buffer);
  // Reads the body within `max_wire` bytes on the wire and `max_body`
  // inflated; false (answered) when refused.
  template <typename Parser>
  asio::awaitable<bool> ReadBody(Parser& parser, boost::beast::flat_buffer& buffer, Request& req,
                                 Response& res, std::size_t max_wire, std::size_t max_body,
                                 Clock::time_point start);
  // Runs `task` on the blocking pool and resumes here; false (task not run)
  // when the pool is saturated.
  asio::awaitable<bool> OnPool(std::function<void()> task);
  // Runs the handler (and a streaming response, written from the pool).
  void Handle(const Route& route, Request& req, Response& res, bool keep_alive);
  // Writes `res`; false when the write failed.
  asio::awaitable<bool> Write(const Request& req, Response& res, bool keep_alive);
  // Answers `status` with a JSON error naming `message` (status 0: `res` as
  // it stands) and ends the connection (the rest of the request is never
  // read).
  asio::awaitable<void> Refuse(Request& req, Response& res, int status, std::string message,
                               Clock::time_point start);
  // Half-closes, reads and drops what the client still sends (a little, for
  // a little while, so it can read the answer before the close), closes.
  asio::awaitable<void> Linger();
  void Arm(std::chrono::steady_clock::duration d);
  void Disarm();

  tcp::socket socket_;
  asio::steady_timer timer_;
  const std::string address_;
  std::shared_ptr<ServerState> state_;
  bool timed_out_ = false;
  bool idle_ = true;       // waiting for (the header of) the next request
  bool streamed_ = false;  // the handler's response was written from the pool
  bool stream_ok_ = true;
};

// Answers 503 to a connection over a cap and closes it.
asio::awaitable<void> RefuseConnection(tcp::socket socket);

// The JSON error the server writes for refusals it makes itself.
void WriteServerError(Response& res, int status, const std::string& message);

}  // namespace incuera::http::internal
