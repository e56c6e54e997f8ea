-- wrk script for `make bench` (issue 15, busy throughput): every request
-- posts one batch of real rrweb events to /api/ingest with the next seq of
-- its wrk thread's session, as an SDK does; a thread moves to a new session
-- every 500 batches. Prints one table row (see done) and asserts nothing.
--
-- Usage: wrk -t2 -c32 -d20s -s wrk_ingest.lua http://127.0.0.1:PORT -- KEY BATCH_FILE EVENTS
--   BATCH_FILE holds one JSON array of EVENTS events (the batch every request sends).

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[2], "r"))
  batch = file:read("*a")
  file:close()
  events_per_batch = tonumber(args[3])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-API-Key"] = args[1]
  session, seq, refused = 0, 0, 0
end

function request()
  if seq == 500 then
    session, seq = session + 1, 0
  end
  local body = '{"sessionId":"wrk-' .. thread_id .. "-" .. session .. '","seq":' .. seq ..
                   ',"events":' .. batch .. "}"
  seq = seq + 1
  return wrk.format(nil, "/api/ingest", nil, body)
end

function response(status)
  if status ~= 200 then refused = refused + 1 end
end

-- One table row after the label the caller printed: events/s, req/s,
-- latency p50/p99 in ms, answers other than 200, socket errors.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local refused_total = 0
  for _, thread in ipairs(threads) do refused_total = refused_total + thread:get("refused") end
  local e = summary.errors
  local per_batch = threads[1]:get("events_per_batch")
  io.write(string.format(" %9.0f | %7.0f | %6.1f | %6.1f | %6d | %6d |\n",
                         summary.requests * per_batch / seconds, summary.requests / seconds,
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                         refused_total, e.connect + e.read + e.write + e.timeout))
end
