// The encoding half of a render on a thread of its own, so that the browser
// paints the next frame while the previous ones are decoded and encoded.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "incuera/status.h"
#include "render/player_page.h"

namespace incuera::internal {

// One video frame as the capturing side saw it.
struct ShownFrame {
  int index = 0;
  int64_t session_ms = 0;
  std::string jpeg;           // the browser's new paint; empty when the page is unchanged
  PlayerPage::Scroll scroll;  // of the latest paint
};

// Runs `encode` on each pushed frame, in order, on its own thread. After the
// first error it drops the remaining frames; Push and Finish report it.
// Push/Finish are called from one thread.
class EncodeThread {
 public:
  using Encode = std::function<Status(ShownFrame&)>;
  // At most `capacity` frames wait; Push blocks beyond that, which bounds
  // the memory held by captured JPEGs.
  EncodeThread(Encode encode, size_t capacity);
  ~EncodeThread();  // drops frames not yet encoded (the render failed), joins
  EncodeThread(const EncodeThread&) = delete;
  EncodeThread& operator=(const EncodeThread&) = delete;

  // Queues `frame`; returns the encoder's error once it has one.
  Status Push(ShownFrame frame);
  // Waits until every queued frame is encoded; returns the first error.
  Status Finish();

 private:
  void Run();

  Encode encode_;
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<ShownFrame> queue_;
  bool busy_ = false;  // a frame is being encoded
  bool closing_ = false;
  Status error_;
  std::thread thread_;
};

}  // namespace incuera::internal
