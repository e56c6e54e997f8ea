// Pieces shared by the JobQueue implementations: the state names, the rules
// every backend applies the same way (defaults, validation, backoff), and the
// Redis backend's factory behind OpenJobQueue() (the db queue is the Store's:
// Store::OpenQueue()).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "incuera/env.h"
#include "incuera/queue.h"
#include "incuera/status.h"

namespace incuera::internal {

// Parses a name produced by JobStateName(); InvalidArgument otherwise.
Result<JobState> ParseJobState(std::string_view name);

// Checks the fields Enqueue() requires and returns the job as it will be
// stored: a fresh id, the default dedup key, run_at and created_at set to
// `now` when 0, state queued, no attempts and no lease.
Result<Job> PrepareNewJob(const Job& job, TimeMs now);

// The delay before the next attempt after `attempts` failed leases:
// base * 2^(attempts-1), saturated at one day.
std::chrono::milliseconds RetryDelay(std::chrono::milliseconds base, int attempts);

// The error every backend returns when a lease token no longer matches.
Status LeaseLost(const Job& job);

// Where a Redis queue connects, from its URL.
struct RedisTarget {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user, password;  // AUTH [user] password when set
  int db = 0;                  // SELECT db when not 0
  std::string prefix = "incuera";
};

// Parses "redis://[[user]:password@]host[:port][/db][?prefix=name]" (RFC 3986,
// percent-decoded; an IPv6 host in brackets). InvalidArgument naming what is
// wrong, with the password redacted.
Result<RedisTarget> ParseRedisUrl(const std::string& url);

// Connects to the Redis server of `url` (ParseRedisUrl); keys live under
// "<prefix>:"; times come from `env`'s clock (which must outlive the queue).
// Unimplemented when built without hiredis.
Result<std::unique_ptr<JobQueue>> OpenRedisJobQueue(const std::string& url, Env& env);

}  // namespace incuera::internal
