#!/usr/bin/env bash
# Busy ingest throughput with wrk (issue 15): one incuera-server on a fresh
# SQLite database, CONNECTIONS keep-alive connections posting 100-event
# batches of the shop recording for SECONDS, ROUNDS times per server,
# alternating between the servers given so that each sees the same machine.
# Prints one table row per run. Asserts nothing.
#
# Usage: tests/bench/wrk_ingest.sh BUILD_DIR LABEL=SERVER... 
#   (env: BENCH_CONNECTIONS=32, BENCH_WRK_SECONDS=15, BENCH_WRK_ROUNDS=3)
set -euo pipefail
build=$(cd "${1:?usage: wrk_ingest.sh BUILD_DIR LABEL=SERVER...}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
connections=${BENCH_CONNECTIONS:-32}
seconds=${BENCH_WRK_SECONDS:-15}
rounds=${BENCH_WRK_ROUNDS:-3}
work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The batch every request sends: the recording's first 100 events.
events=$(python3 - "$here/../data/recording/shop.json" "$work/batch.json" <<'EOF'
import json, sys
events = json.load(open(sys.argv[1]))[:100]
open(sys.argv[2], "w").write(json.dumps(events, separators=(",", ":")))
print(len(events))
EOF
)

# User + system CPU ticks the process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# One run: a fresh database and key, the server, wrk, then the server stops.
run() {
  local label=$1 server=$2 run_dir port key
  run_dir=$(mktemp -d "$work/run.XXXX")
  export DATABASE_URL="sqlite://$run_dir/bench.db" STORAGE_URL="file://$run_dir/objects"
  export SECRET_KEY=wrk-bench-secret-key-0123456789abcdef0123 RATE_LIMIT_RPS=1e9 RATE_LIMIT_BURST=1e9
  local cli=("$build/apps/cli/incuera" --env-file /dev/null)
  "${cli[@]}" user add --email bench@example.com --password bench-password >/dev/null
  "${cli[@]}" project add --name bench --owner bench@example.com >/dev/null
  key=$("${cli[@]}" key create --project bench --scope ingest --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
  port=$(free_port)
  "$server" --port "$port" --no-worker --env-file /dev/null >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.1
  done
  local row cpu_before cpu_after requests
  cpu_before=$(cpu_ticks "$server_pid")
  row=$(wrk -t2 -c"$connections" -d"${seconds}s" -s "$here/wrk_ingest.lua" \
    "http://127.0.0.1:$port" -- "$key" "$work/batch.json" "$events" | tail -n 1)
  cpu_after=$(cpu_ticks "$server_pid")
  requests=$(awk -F'|' '{printf "%d", $2 * '"$seconds"'}' <<<"$row")
  printf '| %-6s |%s %14.3f |\n' "$label" "${row%|}|" \
    "$(bc -l <<<"($cpu_after - $cpu_before) * 1000 / $(getconf CLK_TCK) / ($requests / 1000) / 1000")"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

echo "wrk: ${connections} connections, ${seconds} s per run, ${events} events per request (SQLite, no gzip), ${rounds} rounds alternating"
echo "(server CPU ms per request: what the server spends on one 100-event batch, which a busy"
echo " machine's scheduling does not change much; the other columns depend on the load around it)"
echo "| server | events/s  |  req/s  | p50 ms | p99 ms | non-200 | socket errors | CPU ms/request |"
echo "|--------|-----------|---------|--------|--------|---------|---------------|----------------|"
for ((round = 0; round < rounds; round++)); do
  for entry in "$@"; do run "${entry%%=*}" "${entry#*=}"; done
done
