// The Redis JobQueue. Layout under "<prefix>:":
//   job:<id>       hash with every Job field
//   queued:<kind>  sorted set of queued ids scored by run_at
//   kinds          set of every kind ever enqueued (to lease "any kind")
//   leased         sorted set of leased ids scored by lease_until
//   dedup          hash dedup_key -> id of the live job
//   dead           list of dead-lettered ids, newest first
// Every state change is one Lua script, so a job is always in exactly one of
// queued/leased/dead and a worker dying between lease and ack loses nothing:
// its id stays in `leased` until SweepExpired() requeues it.
#include <hiredis/hiredis.h>

#include <mutex>

#include "core/text.h"
#include "queue/queue_internal.h"

namespace incuera::internal {
namespace {

// Returns the stored job (HGETALL), or the existing live job of the same
// dedup key. ARGV: prefix, then the fields of the new job.
constexpr const char* kEnqueueScript = R"lua(
local p = ARGV[1]
local existing = redis.call('HGET', p .. ':dedup', ARGV[5])
if existing then
  local st = redis.call('HGET', p .. ':job:' .. existing, 'state')
  if st == 'queued' or st == 'leased' then
    return redis.call('HGETALL', p .. ':job:' .. existing)
  end
end
local key = p .. ':job:' .. ARGV[2]
redis.call('HMSET', key, 'id', ARGV[2], 'kind', ARGV[3], 'session_id', ARGV[4],
  'dedup_key', ARGV[5], 'payload', ARGV[6], 'state', 'queued', 'attempts', '0',
  'max_attempts', ARGV[7], 'run_at', ARGV[8], 'lease_until', '0', 'lease_token', '',
  'last_error', '', 'created_at', ARGV[9])
redis.call('ZADD', p .. ':queued:' .. ARGV[3], ARGV[8], ARGV[2])
redis.call('SADD', p .. ':kinds', ARGV[3])
redis.call('HSET', p .. ':dedup', ARGV[5], ARGV[2])
return redis.call('HGETALL', key)
)lua";

// Leases the due job with the lowest run_at among the given kinds (all kinds
// when none). ARGV: prefix, now, lease_until, token, kinds... Returns the
// leased job or an empty array.
constexpr const char* kLeaseScript = R"lua(
local p, now = ARGV[1], tonumber(ARGV[2])
local kinds = {}
for i = 5, #ARGV do kinds[#kinds + 1] = ARGV[i] end
if #kinds == 0 then kinds = redis.call('SMEMBERS', p .. ':kinds') end
local best, best_score, best_kind
for _, kind in ipairs(kinds) do
  local r = redis.call('ZRANGEBYSCORE', p .. ':queued:' .. kind, '-inf', now,
    'WITHSCORES', 'LIMIT', 0, 1)
  if r[1] and (best == nil or tonumber(r[2]) < best_score) then
    best, best_score, best_kind = r[1], tonumber(r[2]), kind
  end
end
if best == nil then return {} end
local key = p .. ':job:' .. best
redis.call('ZREM', p .. ':queued:' .. best_kind, best)
redis.call('ZADD', p .. ':leased', ARGV[3], best)
redis.call('HINCRBY', key, 'attempts', 1)
redis.call('HMSET', key, 'state', 'leased', 'lease_until', ARGV[3], 'lease_token', ARGV[4])
return redis.call('HGETALL', key)
)lua";

// Shared prologue of the scripts that need the caller to hold the lease:
// returns 0 from the script when the token does not match. ARGV: prefix, id,
// token, ...
constexpr const char* kCheckLease = R"lua(
local p, id = ARGV[1], ARGV[2]
local key = p .. ':job:' .. id
local st, token = unpack(redis.call('HMGET', key, 'state', 'lease_token'))
if st ~= 'leased' or token ~= ARGV[3] then return 0 end
local function forget_dedup()
  local dk = redis.call('HGET', key, 'dedup_key')
  if redis.call('HGET', p .. ':dedup', dk) == id then redis.call('HDEL', p .. ':dedup', dk) end
end
local function requeue(run_at)
  local kind = redis.call('HGET', key, 'kind')
  redis.call('ZREM', p .. ':leased', id)
  redis.call('ZADD', p .. ':queued:' .. kind, run_at, id)
  redis.call('HMSET', key, 'state', 'queued', 'run_at', run_at, 'lease_until', '0',
    'lease_token', '')
end
local function bury(err)
  redis.call('ZREM', p .. ':leased', id)
  redis.call('LPUSH', p .. ':dead', id)
  redis.call('HMSET', key, 'state', 'dead', 'lease_until', '0', 'lease_token', '',
    'last_error', err)
  forget_dedup()
end
)lua";

// ARGV: prefix, id, token, done_ttl_ms.
constexpr const char* kAckBody = R"lua(
redis.call('ZREM', p .. ':leased', id)
redis.call('HMSET', key, 'state', 'done', 'lease_until', '0', 'lease_token', '')
forget_dedup()
redis.call('PEXPIRE', key, ARGV[4])
return 1
)lua";

// ARGV: prefix, id, token, lease_until.
constexpr const char* kExtendBody = R"lua(
redis.call('ZADD', p .. ':leased', ARGV[4], id)
redis.call('HSET', key, 'lease_until', ARGV[4])
return 1
)lua";

// ARGV: prefix, id, token, error, retryable (0/1), retry_at.
constexpr const char* kFailBody = R"lua(
local attempts, max = unpack(redis.call('HMGET', key, 'attempts', 'max_attempts'))
if ARGV[5] == '1' and tonumber(attempts) < tonumber(max) then
  requeue(ARGV[6])
  redis.call('HSET', key, 'last_error', ARGV[4])
else
  bury(ARGV[4])
end
return 1
)lua";

// ARGV: prefix, id, token. The lease did not count as an attempt.
constexpr const char* kReleaseBody = R"lua(
requeue(redis.call('HGET', key, 'run_at'))
redis.call('HINCRBY', key, 'attempts', -1)
return 1
)lua";

// Requeues (or, out of attempts, dead-letters) every job whose lease ended
// before now. ARGV: prefix, now. Returns how many were handled.
constexpr const char* kSweepScript = R"lua(
local p, now = ARGV[1], ARGV[2]
local ids = redis.call('ZRANGEBYSCORE', p .. ':leased', '-inf', '(' .. now)
for _, id in ipairs(ids) do
  local key = p .. ':job:' .. id
  local kind, attempts, max = unpack(redis.call('HMGET', key, 'kind', 'attempts', 'max_attempts'))
  redis.call('ZREM', p .. ':leased', id)
  if tonumber(attempts) < tonumber(max) then
    redis.call('ZADD', p .. ':queued:' .. kind, now, id)
    redis.call('HMSET', key, 'state', 'queued', 'run_at', now, 'lease_until', '0',
      'lease_token', '')
  else
    redis.call('LPUSH', p .. ':dead', id)
    redis.call('HMSET', key, 'state', 'dead', 'lease_until', '0', 'lease_token', '',
      'last_error', 'lease expired after the last attempt')
    local dk = redis.call('HGET', key, 'dedup_key')
    if redis.call('HGET', p .. ':dedup', dk) == id then redis.call('HDEL', p .. ':dedup', dk) end
  end
end
return #ids
)lua";

// How long a done job's hash is kept (for inspection) before Redis drops it.
constexpr std::int64_t kDoneTtlMs = 24LL * 3600 * 1000;

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};

// Converts a flat HGETALL array into a Job.
Result<Job> JobFromHash(const redisReply& r) {
  Job job;
  for (size_t i = 0; i + 1 < r.elements; i += 2) {
    std::string_view name(r.element[i]->str, r.element[i]->len);
    std::string value(r.element[i + 1]->str, r.element[i + 1]->len);
    if (name == "id")
      job.id = value;
    else if (name == "kind")
      job.kind = value;
    else if (name == "session_id")
      job.session_id = value;
    else if (name == "dedup_key")
      job.dedup_key = value;
    else if (name == "payload")
      job.payload = value;
    else if (name == "attempts")
      job.attempts = std::atoi(value.c_str());
    else if (name == "max_attempts")
      job.max_attempts = std::atoi(value.c_str());
    else if (name == "run_at")
      job.run_at = std::atoll(value.c_str());
    else if (name == "lease_until")
      job.lease_until = std::atoll(value.c_str());
    else if (name == "lease_token")
      job.lease_token = value;
    else if (name == "last_error")
      job.last_error = value;
    else if (name == "created_at")
      job.created_at = std::atoll(value.c_str());
    else if (name == "state") {
      INCUERA_ASSIGN_OR_RETURN(job.state, ParseJobState(value));
    }
  }
  if (job.id.empty()) return Internal("redis job hash without id");
  return job;
}

// One connection guarded by a mutex; atomicity comes from the scripts, so
// the lock only serialises use of the hiredis context.
class RedisJobQueue final : public JobQueue {
 public:
  RedisJobQueue(RedisTarget target, Env& env) : target_(std::move(target)), env_(env) {}

  // Connects eagerly so a wrong address fails at open time.
  Status Connect() {
    std::lock_guard lock(mu_);
    return EnsureConnectedLocked();
  }

  Result<Job> Enqueue(const Job& job) override {
    INCUERA_ASSIGN_OR_RETURN(Job fresh, PrepareNewJob(job, env_.NowMs()));
    INCUERA_ASSIGN_OR_RETURN(
        Reply r,
        Eval(kEnqueueScript, {fresh.id, fresh.kind, fresh.session_id, fresh.dedup_key,
                              fresh.payload, std::to_string(fresh.max_attempts),
                              std::to_string(fresh.run_at), std::to_string(fresh.created_at)}));
    return JobFromHash(*r);
  }

  Result<std::optional<Job>> Lease(const std::vector<std::string>& kinds,
                                   std::chrono::milliseconds lease) override {
    TimeMs now = env_.NowMs();
    std::vector<std::string> args = {std::to_string(now), std::to_string(now + lease.count()),
                                     HexEncode(RandomBytes(16))};
    args.insert(args.end(), kinds.begin(), kinds.end());
    INCUERA_ASSIGN_OR_RETURN(Reply r, Eval(kLeaseScript, args));
    if (r->elements == 0) return std::optional<Job>();
    INCUERA_ASSIGN_OR_RETURN(Job job, JobFromHash(*r));
    return std::optional<Job>(std::move(job));
  }

  Status Extend(const Job& job, std::chrono::milliseconds lease) override {
    return WithLease(kExtendBody, job, {std::to_string(env_.NowMs() + lease.count())});
  }

  Status Ack(const Job& job) override {
    return WithLease(kAckBody, job, {std::to_string(kDoneTtlMs)});
  }

  Status Fail(const Job& job, const std::string& error, bool retryable,
              std::chrono::milliseconds backoff_base) override {
    TimeMs retry_at = env_.NowMs() + RetryDelay(backoff_base, job.attempts).count();
    return WithLease(kFailBody, job, {error, retryable ? "1" : "0", std::to_string(retry_at)});
  }

  Status Release(const Job& job) override { return WithLease(kReleaseBody, job, {}); }

  Result<int> SweepExpired() override {
    INCUERA_ASSIGN_OR_RETURN(Reply r, Eval(kSweepScript, {std::to_string(env_.NowMs())}));
    return static_cast<int>(r->integer);
  }

  Result<QueueStats> Stats() override {
    std::lock_guard lock(mu_);
    INCUERA_ASSIGN_OR_RETURN(Reply kinds, CommandLocked({"SMEMBERS", Key("kinds")}));
    QueueStats stats;
    for (size_t i = 0; i < kinds->elements; ++i) {
      std::string kind(kinds->element[i]->str, kinds->element[i]->len);
      INCUERA_ASSIGN_OR_RETURN(Reply n, CommandLocked({"ZCARD", Key("queued:" + kind)}));
      stats.queued += n->integer;
    }
    INCUERA_ASSIGN_OR_RETURN(Reply leased, CommandLocked({"ZCARD", Key("leased")}));
    INCUERA_ASSIGN_OR_RETURN(Reply dead, CommandLocked({"LLEN", Key("dead")}));
    stats.leased = leased->integer;
    stats.dead = dead->integer;
    return stats;
  }

  Result<std::vector<Job>> ListDead(int limit) override {
    std::lock_guard lock(mu_);
    std::vector<Job> jobs;
    if (limit <= 0) return jobs;
    INCUERA_ASSIGN_OR_RETURN(
        Reply ids, CommandLocked({"LRANGE", Key("dead"), "0", std::to_string(limit - 1)}));
    for (size_t i = 0; i < ids->elements; ++i) {
      std::string id(ids->element[i]->str, ids->element[i]->len);
      INCUERA_ASSIGN_OR_RETURN(Reply hash, CommandLocked({"HGETALL", Key("job:" + id)}));
      if (hash->elements == 0) continue;
      INCUERA_ASSIGN_OR_RETURN(Job job, JobFromHash(*hash));
      jobs.push_back(std::move(job));
    }
    return jobs;
  }

  std::string_view backend() const override { return "redis"; }

 private:
  // The namespaced Redis key of `name`.
  std::string Key(const std::string& name) const { return target_.prefix + ":" + name; }

  // Runs a lease-checked script body; FailedPrecondition when the caller's
  // token is not the job's current lease.
  Status WithLease(const char* body, const Job& job, std::vector<std::string> extra) {
    std::vector<std::string> args = {job.id, job.lease_token};
    args.insert(args.end(), extra.begin(), extra.end());
    INCUERA_ASSIGN_OR_RETURN(Reply r, Eval(std::string(kCheckLease) + body, args));
    if (r->integer == 0) return LeaseLost(job);
    return OkStatus();
  }

  // EVALs `script` with ARGV = prefix, args...
  Result<Reply> Eval(const std::string& script, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"EVAL", script, "0", target_.prefix};
    argv.insert(argv.end(), args.begin(), args.end());
    std::lock_guard lock(mu_);
    return CommandLocked(argv);
  }

  // Connects (and authenticates, selects the db) when there is no live
  // connection; Unavailable when the server cannot be reached.
  Status EnsureConnectedLocked() {
    if (ctx_) return OkStatus();
    timeval timeout{5, 0};
    std::unique_ptr<redisContext, ContextDeleter> ctx(
        redisConnectWithTimeout(target_.host.c_str(), target_.port, timeout));
    std::string where = target_.host + ":" + std::to_string(target_.port);
    if (!ctx) return Unavailable("redis " + where + ": out of memory");
    if (ctx->err) return Unavailable("redis " + where + ": " + ctx->errstr);
    redisSetTimeout(ctx.get(), timeout);
    ctx_ = std::move(ctx);
    Status s = OkStatus();
    if (!target_.user.empty()) {
      s = CommandLocked({"AUTH", target_.user, target_.password}).status();
    } else if (!target_.password.empty()) {
      s = CommandLocked({"AUTH", target_.password}).status();
    }
    if (s.ok() && target_.db != 0)
      s = CommandLocked({"SELECT", std::to_string(target_.db)}).status();
    if (!s.ok()) ctx_.reset();
    return s;
  }

  // Sends one command; on a transport error drops the connection (the next
  // call reconnects) and returns Unavailable; an error reply is Internal.
  Result<Reply> CommandLocked(const std::vector<std::string>& argv) {
    INCUERA_RETURN_IF_ERROR(EnsureConnectedLocked());
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (const std::string& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    Reply r(static_cast<redisReply*>(
        redisCommandArgv(ctx_.get(), static_cast<int>(argv.size()), ptrs.data(), lens.data())));
    if (!r) {
      std::string err = ctx_->errstr;
      ctx_.reset();
      return Unavailable("redis: " + err);
    }
    if (r->type == REDIS_REPLY_ERROR) return Internal("redis " + argv[0] + ": " + r->str);
    return r;
  }

  const RedisTarget target_;
  Env& env_;       // the clock of run_at, leases and sweeps
  std::mutex mu_;  // guards ctx_: hiredis contexts are not thread-safe
  std::unique_ptr<redisContext, ContextDeleter> ctx_;
};

}  // namespace

Result<std::unique_ptr<JobQueue>> OpenRedisJobQueue(const std::string& url, Env& env) {
  INCUERA_ASSIGN_OR_RETURN(RedisTarget target, ParseRedisUrl(url));
  auto queue = std::make_unique<RedisJobQueue>(std::move(target), env);
  INCUERA_RETURN_IF_ERROR(queue->Connect());
  return std::unique_ptr<JobQueue>(std::move(queue));
}

}  // namespace incuera::internal
