// The job worker: leases jobs from engine.queue() and runs them — "render"
// (events -> MP4, thumbnail, keyframes in the object store; session status
// completed -> rendering -> ready|failed, then an "analyze" job) and
// "analyze" (deterministic analytics, heatmap PNG, LLM summary when a key is
// configured) — plus the periodic sweeps (expired leases, inactive sessions).
// Runs inside incuera-server by default, or alone as incuera-worker.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "incuera/engine.h"
#include "incuera/status.h"

namespace incuera {

// Renders one session now (the body of a "render" job): reads its events,
// renders, stores video/thumbnail/keyframes under "sessions/<id>/", fills the
// session's video fields, moves it to ready and queues its analysis.
// `progress` gets 0..1. Errors: NotFound for an unknown session;
// InvalidArgument or another final error for a recording that cannot be
// rendered: the session is marked failed with a one-sentence reason (the
// first sentence of the error, at most 200 characters, never JSON) and its
// analysis is queued all the same; Unavailable (retryable; session back to
// completed) when the browser fails or the render passes its deadline
// (options.worker.job_timeout or the automatic one of render.h, whichever is
// shorter). The Worker fails the session the same way after the last
// retryable attempt. With options.render.enabled off nothing is rendered:
// the session is failed at once ("video rendering is turned off") and
// analysed.
Status RenderStoredSession(Engine& engine, const std::string& session_id,
                           const std::function<void(double)>& progress = {});

// Analyzes one session now (the body of an "analyze" job) and stores the
// analysis (status completed, or failed with a short reason). It needs no
// render: without a thumbnail the heatmap is drawn on a blank page of the
// recorded viewport size, and the LLM gets no keyframes. The LLM part
// runs only with options.llm.api_key set, and its failure is recorded in the
// summary without failing the deterministic part.
Status AnalyzeStoredSession(Engine& engine, const std::string& session_id);

// Queues a render of the session (idempotent while one is queued or
// running), or an analysis. NotFound for an unknown session.
Status QueueRender(Engine& engine, const std::string& session_id);
Status QueueAnalysis(Engine& engine, const std::string& session_id);

// Runs jobs and sweeps on its own threads over one Engine (see the top of
// this file).
class Worker {
 public:
  // The engine must outlive the worker.
  explicit Worker(Engine& engine);
  ~Worker();  // Stop()
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts options.worker.concurrency job threads and one sweeper thread.
  void Start();
  // Stops leasing, lets running jobs finish, and returns when all threads
  // have ended. Idempotent.
  void Stop();

  // Leases and runs at most one due job on the calling thread; returns
  // whether one ran. For tests and tools.
  Result<bool> RunOnce();
  // Runs one round of the sweeps (expired leases, inactive and ended
  // sessions, one bounded batch of retention and one of the orphan sweep,
  // which continues where the previous round stopped: lifecycle.h).
  Status SweepOnce();

 private:
  void JobLoop();
  void SweepLoop();
  // Waits up to `d`; false when Stop() was called meanwhile.
  bool Sleep(std::chrono::milliseconds d);

  Engine& engine_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex sweep_mu_;        // one SweepOnce at a time
  std::string orphan_cursor_;  // where the next orphan sweep lists from; guarded by sweep_mu_
};

}  // namespace incuera
