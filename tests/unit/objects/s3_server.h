// A throwaway S3-compatible server for the object store tests: s3rver (npm,
// installed by `npm ci` in tests/support/s3) on 127.0.0.1 with a free port, a
// temp data dir and one bucket. Stopped when destroyed.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "support/test_env.h"

namespace incuera::test {

class S3Server {
 public:
  // Starts the server and waits until it accepts connections. Returns null
  // (after a MESSAGE saying why) when node or s3rver is not installed.
  static std::unique_ptr<S3Server> Start();
  ~S3Server();
  S3Server(const S3Server&) = delete;
  S3Server& operator=(const S3Server&) = delete;

  // "s3://<bucket>?endpoint=http://127.0.0.1:<port>&path_style=1&…" with
  // s3rver's fixed credentials.
  const std::string& url() const { return url_; }
  // The same bucket addressed virtual-host style
  // ("http://<bucket>.s3.localhost:<port>", which curl resolves to loopback).
  const std::string& virtual_host_url() const { return virtual_host_url_; }

 private:
  S3Server() = default;

  TempDir dir_;
  pid_t pid_ = -1;
  std::string url_;
  std::string virtual_host_url_;
};

// The S3 URL the contract suite should use: INCUERA_TEST_S3_URL when set,
// else a process-wide s3rver started on first use; "" when neither exists.
std::string S3Url();

// The virtual-host style URL of the local s3rver, or "" when there is none
// (also when INCUERA_TEST_S3_URL points elsewhere).
std::string S3VirtualHostUrl();

}  // namespace incuera::test
