#include "http/blocking_pool.h"

namespace incuera::http::internal {

BlockingPool::BlockingPool(int threads, int queue_limit)
    : queue_limit_(static_cast<std::size_t>(queue_limit)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

BlockingPool::~BlockingPool() { Join(); }

void BlockingPool::Join() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

bool BlockingPool::TryPost(std::function<void()> task, std::function<void()> then) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    // Tasks an idle thread will take at once do not count as waiting.
    std::size_t waiting = queue_.size() + 1;
    std::size_t takers = static_cast<std::size_t>(idle_);
    if (waiting > takers && waiting - takers > queue_limit_) return false;
    queue_.push_back({std::move(task), std::move(then)});
  }
  ready_.notify_one();
  return true;
}

void BlockingPool::Loop() {
  std::unique_lock lock(mu_);
  ++idle_;
  for (;;) {
    ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Item item = std::move(queue_.front());
    queue_.pop_front();
    --idle_;
    lock.unlock();
    item.task();
    lock.lock();
    ++idle_;
    lock.unlock();
    if (item.then) item.then();
    lock.lock();
  }
}

}  // namespace incuera::http::internal
