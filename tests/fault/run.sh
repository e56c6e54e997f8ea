#!/usr/bin/env bash
# make fault-suite: the shape of a multi-machine deployment on one box, all
# on 127.0.0.1 — Debian's nginx (examples/nginx/incuera.conf, its ports
# rewritten) in front of 3 incuera-server processes, 2 incuera-worker
# processes, PostgreSQL, Redis (append-only file on, fsync on every write)
# and an S3 server (s3rver) whose data directory is a small tmpfs — with
# simulated visitors (visitors.py) sending all the while. One fault per
# phase, load running:
#
#   none      no fault (the baseline)
#   server    kill -9 one server mid-load; it comes back 10 s later
#   worker    kill -9 a worker while it renders; the other one must finish
#             its job (after the lease, JOB_LEASE_SECONDS)
#   postgres  PostgreSQL stopped (immediate: a crash) for 5 s, then started
#   redis     Redis killed -9 for 5 s, then started on its append-only file
#   disk      the S3 server's disk filled to the last byte for 15 s
#
# After each phase verify.py reads everything back through nginx and prints
# events sent / acknowledged / stored / lost / duplicated and sessions
# ready / failed / stuck. Exits 1 when an acknowledged event was lost or
# stored twice, or a session or job is stuck.
#
# Usage: tests/fault/run.sh BUILD_DIR [FAULT...]   (default: every fault)
#   env: FAULT_VISITORS (4), FAULT_LOAD_SECONDS (30), FAULT_DEADLINE_SECONDS (300)
# Needs root (the tmpfs), nginx, node (s3rver), PostgreSQL and Redis.
set -uo pipefail
build=$(cd "${1:?usage: run.sh BUILD_DIR [FAULT...]}" && pwd)
shift
faults=("$@")
[[ ${#faults[@]} -eq 0 ]] && faults=(none server worker postgres redis disk)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
visitors=${FAULT_VISITORS:-4}
load_seconds=${FAULT_LOAD_SECONDS:-30}
deadline=${FAULT_DEADLINE_SECONDS:-300}
fault_at=12

[[ $(id -u) -eq 0 ]] || { echo "fault suite: needs root (it mounts a tmpfs for the S3 server's disk)"; exit 1; }
command -v nginx >/dev/null || { echo "fault suite: nginx missing (make deps)"; exit 1; }
s3rver=$root/tests/support/s3/node_modules/s3rver/bin/s3rver.js
[[ -f $s3rver ]] || (cd "$root/tests/support/s3" && npm ci --silent --no-audit --no-fund >/dev/null)

# shellcheck source=/dev/null
source "$here/../services.sh"  # PostgreSQL (its Redis has no persistence: ours below)
work=$(mktemp -d /tmp/incuera-fault-XXXXXX)
chmod 755 "$work"
declare -a server_pid worker_pid server_port
redis_fault_pid="" s3_pid="" nginx_pid="" load_pid="" orphans=""

cleanup() {
  local pids=("${server_pid[@]}" "${worker_pid[@]}") pid
  for pid in "$load_pid" "$nginx_pid" "$s3_pid" "$redis_fault_pid"; do [[ -n $pid ]] && pids+=("$pid"); done
  kill "${pids[@]}" 2>/dev/null
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  mountpoint -q "$work/s3" && umount "$work/s3"
  rm -rf "$work"
  stop_services
}
trap cleanup EXIT

wait_port() {  # wait_port PORT SECONDS
  for _ in $(seq $(($2 * 10))); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# ---- the shared services ----------------------------------------------------
redis_port=$(free_port)
mkdir -p "$work/redis"
start_redis() {
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --save "" \
    --appendonly yes --appendfsync always >>"$work/redis.log" 2>&1 &
  redis_fault_pid=$!
  wait_port "$redis_port" 10
}
start_redis

s3_port=$(free_port)
mkdir -p "$work/s3"
mount -t tmpfs -o "size=${FAULT_S3_MB:-256}m" tmpfs "$work/s3"
node "$s3rver" -d "$work/s3" -a 127.0.0.1 -p "$s3_port" -s --service-endpoint localhost \
  --configure-bucket incuera-fault >"$work/s3rver.log" 2>&1 &
s3_pid=$!
wait_port "$s3_port" 30 || { echo "s3rver did not start"; cat "$work/s3rver.log"; exit 1; }

db="fault_$RANDOM$RANDOM"
psql "$INCUERA_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="${INCUERA_TEST_POSTGRES_URL%/*}/$db"
export QUEUE_URL="redis://127.0.0.1:$redis_port?prefix=fault"
export REDIS_URL=$QUEUE_URL
export STORAGE_URL="s3://incuera-fault?endpoint=http://127.0.0.1:$s3_port&path_style=1&region=us-east-1&access_key=S3RVER&secret_key=S3RVER"
SECRET_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SECRET_KEY
export TRUST_PROXY=1 END_GRACE_SECONDS=2 SWEEP_INTERVAL_SECONDS=2 JOB_LEASE_SECONDS=15
export INACTIVITY_TIMEOUT_SECONDS=30 RENDER_FPS=5 RATE_LIMIT_RPS=100000 RATE_LIMIT_BURST=100000

# ---- the project: an admin, a project keeping every session, two keys ----
cd "$work" || exit 1  # no ./.env of the checkout is read
cli() { "$build/apps/cli/incuera" "$@"; }
password="pw-$RANDOM$RANDOM$RANDOM"
{ cli migrate && cli user add --email admin@fault.test --password "$password" --admin &&
  cli project add --name Fault --slug fault --owner admin@fault.test; } >"$work/cli.log" 2>&1 ||
  { cat "$work/cli.log"; exit 1; }
key() {
  cli key create --project fault --owner admin@fault.test --scope "$1" --name "fault $1" |
    grep -oE 'inc_[A-Za-z0-9_-]+' | head -1
}
ingest_key=$(key ingest)
read_key=$(key read)

# ---- 3 servers, 2 workers, nginx ------------------------------------------
start_server() {  # start_server N
  "$build/apps/server/incuera-server" --no-worker --port "${server_port[$1]}" \
    >>"$work/server-$1.log" 2>&1 &
  server_pid[$1]=$!
  wait_port "${server_port[$1]}" 30
}
start_worker() {  # start_worker N
  "$build/apps/worker/incuera-worker" >>"$work/worker-$1.log" 2>&1 &
  worker_pid[$1]=$!
}
for n in 1 2 3; do
  server_port[n]=$(free_port)
  start_server "$n" || { echo "server $n did not start"; cat "$work/server-$n.log"; exit 1; }
done
start_worker 1
start_worker 2

nginx_port=$(free_port)
mkdir -p "$work/nginx"
sed -e "s/127\.0\.0\.1:8001/127.0.0.1:${server_port[1]}/" \
  -e "s/127\.0\.0\.1:8002/127.0.0.1:${server_port[2]}/" \
  -e "s/127\.0\.0\.1:8003/127.0.0.1:${server_port[3]}/" \
  -e "s/listen 127\.0\.0\.1:8080/listen 127.0.0.1:$nginx_port/" \
  "$root/examples/nginx/incuera.conf" >"$work/nginx/incuera.conf"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    include $work/nginx/incuera.conf;
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
wait_port "$nginx_port" 10 || { echo "nginx did not start"; cat "$work/nginx/error.log"; exit 1; }
url="http://127.0.0.1:$nginx_port"

# Sessions of a few seconds are kept (the default discards those under 30 s).
token=$(curl -sf "$url/api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"admin@fault.test\",\"password\":\"$password\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf -X PATCH "$url/api/projects/fault" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"settings":{"min_duration_ms":0}}' >/dev/null ||
  { echo "could not set the project's minimum duration"; exit 1; }

echo "fault suite: nginx on $url -> servers on ports ${server_port[*]}; 2 workers;"
echo "  PostgreSQL :$pg_port, Redis :$redis_port (appendonly, fsync always), s3rver :$s3_port (data on a ${FAULT_S3_MB:-256} MB tmpfs)"
echo "  $visitors visitors, each visit = start, 12 batches of 10 events (seq) every 0.5 s, end;"
echo "  load ${load_seconds} s per phase, the fault at ${fault_at} s; sessions must settle within ${deadline} s"

# ---- the faults -------------------------------------------------------------
fault_none() { :; }

fault_server() {
  kill -9 "${server_pid[2]}"
  wait "${server_pid[2]}" 2>/dev/null
  echo "    killed -9 server 2 (pid ${server_pid[2]}); restarting it in 10 s"
  sleep 10
  start_server 2
}

# The worker that has a browser running (a render in progress) is killed;
# the sessions it was rendering are watched until they are ready or failed.
fault_worker() {
  local victim="" n
  for _ in $(seq 600); do
    for n in 1 2; do
      if pgrep -P "${worker_pid[$n]}" >/dev/null; then victim=$n; break 2; fi
    done
    sleep 0.1
  done
  [[ -z $victim ]] && { echo "    no worker started a render within 60 s"; return; }
  psql "$DATABASE_URL" -qAtc "SELECT id FROM sessions WHERE status = 'rendering'" >"$work/worker.watch"
  orphans=$(pgrep -P "${worker_pid[$victim]}" | tr '\n' ' ')
  kill -9 "${worker_pid[$victim]}"
  wait "${worker_pid[$victim]}" 2>/dev/null
  echo "    killed -9 worker $victim (pid ${worker_pid[$victim]}) while rendering $(wc -l <"$work/worker.watch") session(s)"
  killed_worker=$victim
}

fault_postgres() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$services_dir/pg" -m immediate stop >/dev/null
  echo "    PostgreSQL stopped (immediate); starting it in 5 s"
  sleep 5
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$services_dir/pg" -l "$services_dir/pg.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $services_dir -c fsync=off -c max_connections=300" \
    start >/dev/null
}

fault_redis() {
  kill -9 "$redis_fault_pid"
  wait "$redis_fault_pid" 2>/dev/null
  echo "    Redis killed -9; starting it in 5 s"
  sleep 5
  start_redis
}

fault_disk() {
  dd if=/dev/zero of="$work/s3/fill" bs=1M status=none 2>/dev/null
  echo "    S3 data disk full ($(df -h --output=avail "$work/s3" | tail -1 | tr -d ' ') left) for 15 s"
  sleep 15
  rm -f "$work/s3/fill"
}

# ---- the phases ------------------------------------------------------------
echo
echo "| fault            | visits |   sent |  acked | stored | lost | dup. | ready | failed | stuck |  5xx | no answer |"
echo "|------------------|--------|--------|--------|--------|------|------|-------|--------|-------|------|-----------|"
failures=0
for fault in "${faults[@]}"; do
  declare -F "fault_$fault" >/dev/null || { echo "unknown fault '$fault'"; exit 2; }
  killed_worker=""
  rm -f "$work/worker.watch"
  start=$(date +%s)
  python3 "$here/visitors.py" "$url" "$ingest_key" "$visitors" "$work/$fault.json" &
  load_pid=$!
  sleep "$fault_at"
  "fault_$fault"
  left=$((load_seconds - ($(date +%s) - start)))
  [[ $left -gt 0 ]] && sleep "$left"
  kill -TERM "$load_pid"
  wait "$load_pid"
  load_pid=""
  watch=()
  [[ -s $work/worker.watch ]] && watch=("$work/worker.watch")
  python3 "$here/verify.py" "$url" "$read_key" "$work/$fault.json" "$fault" "$deadline" "${watch[@]}" ||
    failures=$((failures + 1))
  if [[ -n $killed_worker ]]; then
    # The browser of the killed worker's render (its own process group)
    # must not outlive it: it reads its commands from a pipe the kill closed.
    left=()
    for pid in $orphans; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
    echo "    browsers of the killed worker still running: ${#left[@]}"
    for pid in "${left[@]}"; do kill -9 -- "-$pid" 2>/dev/null; done
    start_worker "$killed_worker"
  fi
  echo "    ($(($(date +%s) - start)) s)"
done

echo
echo "(sent/acked/stored/lost/dup. count events; 5xx and no answer count requests the visitors retried)"
for log in "$work"/server-*.log "$work"/worker-*.log; do
  n=$(grep -c '"error"' "$log")
  [[ $n -gt 0 ]] && echo "$(basename "$log"): $n error line(s), e.g. $(grep '"error"' "$log" | tail -1 | cut -c1-300)"
done
if [[ $failures -gt 0 ]]; then
  echo "fault suite: $failures phase(s) lost, duplicated or left something stuck"
  exit 1
fi
echo "fault suite: every phase passed"
