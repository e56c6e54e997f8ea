// The threads that run request handlers: code that blocks on the database
// or object storage never runs on an I/O thread. Bounded: a task that would
// wait behind `queue_limit` others is refused, so the server answers 503
// instead of queueing without bound.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace incuera::http::internal {

class BlockingPool {
 public:
  BlockingPool(int threads, int queue_limit);
  ~BlockingPool();  // runs what is queued, then joins
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Queues `task`; false (task dropped) when every thread is busy and
  // queue_limit tasks already wait. `then` runs after `task`, once its
  // thread counts as free again (so what `then` resumes may post at once).
  // Thread-safe.
  bool TryPost(std::function<void()> task, std::function<void()> then = {});

  // Runs what is queued, then joins the threads; later TryPost calls
  // refuse. Idempotent; not from a pool thread.
  void Join();

 private:
  void Loop();
  const std::size_t queue_limit_;
  std::mutex mu_;
  std::condition_variable ready_;
  struct Item {
    std::function<void()> task, then;
  };
  std::deque<Item> queue_;
  int idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace incuera::http::internal
