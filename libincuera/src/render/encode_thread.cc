#include "render/encode_thread.h"

namespace incuera::internal {

EncodeThread::EncodeThread(Encode encode, size_t capacity)
    : encode_(std::move(encode)), capacity_(capacity), thread_([this] { Run(); }) {}

EncodeThread::~EncodeThread() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Status EncodeThread::Push(ShownFrame frame) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return queue_.size() < capacity_ || !error_.ok(); });
  if (!error_.ok()) return error_;
  queue_.push_back(std::move(frame));
  changed_.notify_all();
  return OkStatus();
}

Status EncodeThread::Finish() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return (queue_.empty() && !busy_) || !error_.ok(); });
  return error_;
}

void EncodeThread::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
    if (closing_) return;  // Finish() saw the queue drained, or the render failed
    ShownFrame frame = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    changed_.notify_all();  // room for Push
    lock.unlock();
    Status s = error_.ok() ? encode_(frame) : OkStatus();
    lock.lock();
    busy_ = false;
    if (!s.ok() && error_.ok()) error_ = std::move(s);
    changed_.notify_all();
  }
}

}  // namespace incuera::internal
