#!/usr/bin/env bash
# make bench: replays the rrweb recording against incuera-server (a separate
# process, so its RSS and CPU are its own) on SQLite and PostgreSQL, with and
# without gzip bodies, and prints the figures of issue 8. Builds nothing.
# With OLD_SERVER (a previous build's incuera-server, e.g. main's built in a
# worktree), the HTTP figures of issue 15 are printed for both, side by side.
# Usage: tests/bench/run.sh BUILD_DIR [OLD_SERVER]
#   (env: BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_VISITORS, BENCH_VISITOR_SECONDS,
#    BENCH_WRK_SECONDS, BENCH_WRK_ROUNDS, BENCH_SEARCH_SESSIONS, BENCH_SEARCH_RUNS,
#    BENCH_SEARCH_SQLITE_RUNS)
set -euo pipefail
build=$(cd "${1:?usage: run.sh BUILD_DIR [OLD_SERVER]}" && pwd)
old_server=${2:-${OLD_SERVER:-}}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
source "$here/../services.sh"
seconds=${BENCH_SECONDS:-20}
connections=${BENCH_CONNECTIONS:-32}
work=$(mktemp -d)
trap 'rm -rf "$work"; stop_services' EXIT  # services.sh's own trap is replaced

echo "ingest_load: ${connections} keep-alive connections, ${seconds} s at full speed then $((seconds / 2)) s at half its req/s, 100 events/request"
echo "(events/s, MB/s of raw event JSON, req/s and p50-p99 at full speed; CPU in % of one core; RSS is the server's peak)"
echo "| backend  | gzip | events/s  |  MB/s  |  req/s  | p50 ms | p95 ms | p99 ms | p99 @ half ms | CPU % | RSS MB | stored/raw | failed | 20 MB snapshot |"
echo "|----------|------|-----------|--------|---------|--------|--------|--------|---------------|-------|--------|------------|--------|----------------|"
for gzip in 0 1; do
  for backend in sqlite postgres; do
    dir="$work/$backend-$gzip"
    mkdir -p "$dir/objects"
    if [[ $backend == sqlite ]]; then
      url="sqlite://$dir/bench.db"
    else
      db="bench_$RANDOM$RANDOM"
      psql "$INCUERA_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
      url="${INCUERA_TEST_POSTGRES_URL%/*}/$db"
    fi
    "$build/tests/bench/ingest_load" "$build/apps/server/incuera-server" "$url" "$dir/objects" \
      "$backend" "$gzip" "$connections" "$seconds"
  done
done

echo "(stored/raw: the chunks as ingested, one zstd-3 frame per batch; what compaction makes of them follows)"

# Browser-like visitors, busy throughput and slowloris (issue 15): this
# server, and the previous one when given. 10 000 visitors need 10 000+
# descriptors in this shell and the server: raised to the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
servers=("new=$build/apps/server/incuera-server")
[[ -n $old_server ]] && servers=("old=$old_server" "${servers[@]}")
visitors=${BENCH_VISITORS:-10000}
visitor_seconds=${BENCH_VISITOR_SECONDS:-40}
echo
echo "visitors_load: ${visitors} visitors, one keep-alive connection each, a 20-event batch every 10 s for ${visitor_seconds} s (SQLite);"
echo "then GET /health on fresh connections while 1000 slowloris connections trickle header bytes (open files: $(ulimit -n))"
echo "| server     | visitors | expected | answered | p50 ms  | p99 ms  | errors  | RSS MB idle | RSS MB peak | /health p50 ms | /health p99 ms | /health failed |"
echo "|------------|----------|----------|----------|---------|---------|---------|---------|---------|---------|---------|----------|"
for entry in "${servers[@]}"; do
  "$build/tests/bench/visitors_load" "${entry#*=}" "${entry%%=*}" "$visitors" "$visitor_seconds" 1000
done
if [[ -n $old_server ]]; then
  # Busy throughput, old and new alternating, with wrk (a client lighter
  # than ingest_load's thread per connection, so the server gets the cores).
  echo
  "$here/wrk_ingest.sh" "$build" "old=$old_server" "new=$build/apps/server/incuera-server"
fi
echo
echo "storage_bench: each recording stored in the batches an SDK sends, then compacted as the render job does"
"$build/tests/bench/storage_bench" "$here/../data/recording/shop.json" "$here/../data/recording/shop-visit.json"

echo
echo "Python: reading a 10 000-event session (tests/python/bench_events.py)"
PYTHONPATH="$build/bindings/python" /usr/bin/python3 "$here/../python/bench_events.py"

# Render, queue and analysis figures (issues 3 and 4).
echo
if [[ -x "$build/tests/bench/render_bench" ]]; then
  # Every recording: the SDK's own, the synthetic 42 000-element page, and the
  # real-world corpus when present (render_bench skips JSON that is not an
  # event array, e.g. package.json or a recording's truth).
  # Large recordings are stored gzipped (*.json.gz): unpacked into
  # $work/corpus, so that they are named corpus/<name> like the others.
  mkdir -p "$work/corpus"
  shopt -s nullglob globstar
  recordings=("$here"/../data/recording/*.json "$build/tests/data/render/big-page.json")
  for f in "$here"/../data/corpus/**/*.json "$here"/../data/corpus/**/*.json.gz; do
    [[ $f == */node_modules/* || $f == *.truth.json ]] && continue
    if [[ $f == *.gz ]]; then
      gunzip -c "$f" >"$work/corpus/$(basename "${f%.gz}")"
      f="$work/corpus/$(basename "${f%.gz}")"
    fi
    recordings+=("$f")
  done
  shopt -u nullglob globstar
  "$build/tests/bench/render_bench" "${recordings[@]}"
else
  echo "render_bench: not built (INCUERA_WITH_RENDER off)"
fi
echo
jobs=${BENCH_QUEUE_JOBS:-2000}
echo "queue_bench: ${jobs} render jobs enqueued by 1 thread, then leased and acked by 4 workers"
echo "| backend     |   jobs | workers | enqueue/s  | lease+ack jobs/s | ms/job    | lost |"
echo "|-------------|--------|---------|------------|------------------|-----------|------|"
"$build/tests/bench/queue_bench" "db sqlite" "sqlite://$work/queue.db" db "$jobs" 4
db="bench_queue_$RANDOM$RANDOM"
psql "$INCUERA_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
"$build/tests/bench/queue_bench" "db postgres" "${INCUERA_TEST_POSTGRES_URL%/*}/$db" db "$jobs" 4
"$build/tests/bench/queue_bench" "redis" "sqlite://$work/queue-redis.db" \
  "$INCUERA_TEST_REDIS_URL?prefix=bench$RANDOM" "$jobs" 4
echo
retention=${BENCH_RETENTION_SESSIONS:-2000}
echo "retention_bench: ${retention} expired sessions (1 event chunk, 200 KiB video + 2 images each) removed by ApplyRetention"
echo "| database + objects  | sessions |  removed | sessions/s | ms/session |"
echo "|---------------------|----------|----------|------------|------------|"
"$build/tests/bench/retention_bench" "sqlite + file" "sqlite://$work/retention.db" \
  "file://$work/retention-objects" "$retention"
db="bench_retention_$RANDOM$RANDOM"
psql "$INCUERA_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
"$build/tests/bench/retention_bench" "postgres + file" "${INCUERA_TEST_POSTGRES_URL%/*}/$db" \
  "file://$work/retention-objects-pg" "$retention"
echo
"$build/tests/bench/analysis_bench" "${BENCH_ANALYSIS_MB:-100}"

# Session search (issue 18): the session list with each filter on what
# happened, over 100 000 sessions of one project (target on PostgreSQL: p95 < 200 ms).
echo
if [[ -x "$build/tests/bench/search_bench" ]]; then
  search_sessions=${BENCH_SEARCH_SESSIONS:-100000}
  search_runs=${BENCH_SEARCH_RUNS:-200}
  # SQLite has no trigram index: each text search reads the project's rows.
  search_sqlite_runs=${BENCH_SEARCH_SQLITE_RUNS:-20}
  echo "search_bench: GET /api/sessions's Admin::ListSessions (first page of 50) over ${search_sessions} sessions"
  echo "with their facts, ${search_runs} runs per search (SQLite: ${search_sqlite_runs}) cycling through its values;"
  echo "rows = average rows returned"
  echo "| database | search                |     runs |      rows | p50 ms | p95 ms | p99 ms |"
  echo "|----------|-----------------------|----------|-----------|--------|--------|--------|"
  db="bench_search_$RANDOM$RANDOM"
  psql "$INCUERA_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
  "$build/tests/bench/search_bench" postgres "${INCUERA_TEST_POSTGRES_URL%/*}/$db" \
    "file://$work/search-objects-pg" "$search_sessions" "$search_runs"
  "$build/tests/bench/search_bench" sqlite "sqlite://$work/search.db" \
    "file://$work/search-objects" "$search_sessions" "$search_sqlite_runs"
else
  echo "search_bench: not built (INCUERA_WITH_POSTGRES off)"
fi

# Browser SDK (issue 5): bundle size, main-thread time per 1 000 events in
# Chromium, bytes on the wire per minute of the shop session with and
# without gzip. The SDK was built (with its node_modules) by `make build`.
echo
(cd "$here/../../bindings/browser" && node scripts/bench.mjs)

# Dashboard player (issue 18): a 1-hour, >= 50 MB session opened in Chromium.
echo
if [[ ! -d "$here/../e2e/node_modules" ]]; then
  (cd "$here/../e2e" && npm ci --silent --no-audit --no-fund)
fi
node "$here/../e2e/dashboard/player_bench.mjs" "$build"
