#include <sys/socket.h>

#include "incuera/http.h"

namespace incuera::http {

HttpServer::HttpServer(Engine& engine)
    : engine_(engine), server_(std::make_unique<httplib::Server>()) {
  const Options& o = engine_.options();
  // httplib serves one connection per pool thread for its whole keep-alive
  // life, so the pool is sized for concurrent connections, not cores.
  int threads = o.server.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_read_timeout(o.server.request_timeout);
  server_->set_write_timeout(o.server.request_timeout);
  server_->set_tcp_nodelay(true);  // small JSON answers; Nagle + delayed ACK cost ~40 ms
  server_->set_keep_alive_max_count(10'000);
  server_->set_keep_alive_timeout(5);
  server_->set_payload_max_length(o.ingest.max_wire_bytes);
  // Remember the listening socket: Bind() raises its backlog.
  server_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_socket_ = sock;
  });
  MountRoutes(*server_, engine_);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Bind() {
  const auto& s = engine_.options().server;
  if (s.port == 0) {
    port_ = server_->bind_to_any_port(s.host);
  } else {
    port_ = server_->bind_to_port(s.host, s.port) ? s.port : -1;
  }
  if (port_ <= 0) {
    return Unavailable("cannot listen on " + s.host + ":" + std::to_string(s.port));
  }
  // httplib listens with a backlog of 5; a burst of new connections (many
  // SDKs at once) then overflows the accept queue and clients see resets.
  // Calling listen() again on a listening socket only changes the backlog.
  if (listen_socket_ >= 0) ::listen(listen_socket_, SOMAXCONN);
  return OkStatus();
}

Status HttpServer::Run() {
  if (port_ <= 0) return FailedPrecondition("Bind() first");
  if (!server_->listen_after_bind()) return Internal("server stopped with an error");
  return OkStatus();
}

void HttpServer::Stop() {
  if (server_->is_running()) server_->stop();
}

}  // namespace incuera::http
