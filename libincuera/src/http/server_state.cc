#include "http/server_state.h"

namespace incuera::http::internal {

bool ServerState::Admit(const std::string& address) {
  std::lock_guard lock(mu_);
  int& mine = per_client_[address];
  if (total_ >= options.max_connections || mine >= options.max_connections_per_client) {
    if (mine == 0) per_client_.erase(address);
    return false;
  }
  ++mine;
  ++total_;
  return true;
}

void ServerState::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  open_.emplace(c.get(), c);
}

int ServerState::Release(const std::string& address, Connection* c) {
  std::lock_guard lock(mu_);
  open_.erase(c);
  if (auto it = per_client_.find(address); it != per_client_.end() && --it->second <= 0) {
    per_client_.erase(it);
  }
  return --total_;
}

std::vector<std::shared_ptr<Connection>> ServerState::Open() {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Connection>> out;
  for (const auto& [raw, weak] : open_) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace incuera::http::internal
