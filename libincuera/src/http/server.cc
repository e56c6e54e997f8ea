// HttpServer: the acceptor, the I/O threads and the drain of a Stop.
#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <thread>
#include <vector>

#include "http/connection.h"
#include "http/server_state.h"
#include "incuera/http.h"

namespace incuera::http {
namespace {

namespace asio = boost::asio;
using internal::Connection;
using internal::ServerState;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Handler threads: enough to keep every database connection busy, plus one
// per core for the requests that wait on other things (object storage,
// CPU-bound JSON); more would only queue on the database pool.
int PoolThreads(const Options& o) {
  if (o.server.threads > 0) return o.server.threads;
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return o.database_pool_size + cores;
}

// One io_context per I/O thread, each run by that thread alone: a
// connection stays on one thread, needs no strand, and the threads never
// contend for one scheduler's lock (with one shared io_context, waking each
// other was half of the server's futex calls under load).
int IoThreads() {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
}

}  // namespace

class HttpServer::Impl {
 public:
  explicit Impl(Engine& engine)
      : engine_(engine),
        contexts_(MakeContexts()),
        ioc_(*contexts_.front()),
        state_(std::make_shared<ServerState>(engine.options(), PoolThreads(engine.options()))),
        acceptor_(ioc_),
        drain_timer_(ioc_) {
    MountRoutes(state_->router, engine_);
    state_->on_drained = [this] { asio::post(ioc_, [this] { drain_timer_.cancel(); }); };
  }

  ~Impl() {
    state_->pool.Join();  // handlers still running may post to contexts_: they outlive them
    state_->on_drained = nullptr;
  }

  Status Bind() {
    const ServerOptions& s = engine_.options().server;
    error_code ec;
    asio::ip::address address =
        asio::ip::make_address(s.host == "localhost" ? "127.0.0.1" : s.host, ec);
    if (ec) return InvalidArgument("HOST '" + s.host + "' is not an IP address");
    tcp::endpoint endpoint(address, static_cast<unsigned short>(s.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    // A burst of new connections (many SDKs at once) must not overflow the
    // accept queue.
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Unavailable("cannot listen on " + s.host + ":" + std::to_string(s.port) + ": " +
                         ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    return OkStatus();
  }

  int port() const { return port_; }

  Status Run() {
    if (!acceptor_.is_open()) return FailedPrecondition("Bind() first");
    asio::co_spawn(ioc_, Accept(), asio::detached);
    // The other contexts wait for connections until the drain begins.
    for (std::size_t i = 1; i < contexts_.size(); ++i) {
      idle_guards_.push_back(asio::make_work_guard(*contexts_[i]));
    }
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < contexts_.size(); ++i) {
      threads.emplace_back([this, i] { contexts_[i]->run(); });
    }
    ioc_.run();
    for (std::thread& t : threads) t.join();
    return OkStatus();
  }

  void Stop() {
    if (stop_requested_.exchange(true)) return;
    asio::post(ioc_, [this] { BeginDrain(); });
  }

 private:
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts() {
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    for (int i = 0; i < IoThreads(); ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
    return contexts;
  }

  asio::awaitable<void> Accept() {
    for (std::size_t next = 0;; next = (next + 1) % contexts_.size()) {
      auto [ec, socket] = co_await acceptor_.async_accept(
          *contexts_[next], asio::experimental::as_tuple(asio::use_awaitable));
      if (!acceptor_.is_open()) break;
      if (ec) {
        // Out of descriptors (EMFILE) or a connection reset before accept:
        // pause a moment rather than spin.
        asio::steady_timer pause(ioc_, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
        continue;
      }
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);  // small JSON answers
      std::string address = socket.remote_endpoint(ignored).address().to_string();
      if (!state_->Admit(address)) {
        auto ex = socket.get_executor();
        asio::co_spawn(ex, internal::RefuseConnection(std::move(socket)), asio::detached);
        continue;
      }
      auto connection = std::make_shared<Connection>(std::move(socket), address, state_);
      state_->Register(connection);
      // The completion handler owns the connection until Serve ends (the
      // state keeps only a weak reference for the drain).
      asio::co_spawn(connection->socket().get_executor(), connection->Serve(),
                     [connection](const std::exception_ptr&) {});
    }
  }

  void BeginDrain() {
    state_->draining = true;
    error_code ignored;
    acceptor_.close(ignored);
    idle_guards_.clear();  // each context ends with its last connection
    std::vector<std::shared_ptr<Connection>> open = state_->Open();
    if (open.empty()) return;
    for (const auto& c : open) asio::post(c->socket().get_executor(), [c] { c->CloseIfIdle(); });
    drain_timer_.expires_after(engine_.options().server.shutdown_timeout);
    drain_timer_.async_wait([this](error_code ec) {
      if (ec) return;  // every connection ended in time
      for (const auto& c : state_->Open())
        asio::post(c->socket().get_executor(), [c] { c->Close(); });
      // Handlers still running cannot be interrupted: their answers are lost
      // with the connection, and Run returns now.
      for (auto& context : contexts_) context->stop();
    });
  }

  Engine& engine_;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  asio::io_context& ioc_;  // the acceptor's and the drain's: contexts_[0]
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> idle_guards_;
  std::shared_ptr<ServerState> state_;
  tcp::acceptor acceptor_;
  asio::steady_timer drain_timer_;
  int port_ = 0;
  std::atomic<bool> stop_requested_{false};
};

HttpServer::HttpServer(Engine& engine) : impl_(std::make_unique<Impl>(engine)) {}
HttpServer::~HttpServer() = default;
Status HttpServer::Bind() { return impl_->Bind(); }
int HttpServer::port() const { return impl_->port(); }
Status HttpServer::Run() { return impl_->Run(); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace incuera::http
