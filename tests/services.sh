#!/usr/bin/env bash
# Sourced by tests/run.sh and tests/bench/run.sh: starts a throwaway
# PostgreSQL 15 cluster and a Redis server on 127.0.0.1 (free ports, temp
# dirs), exports INCUERA_TEST_POSTGRES_URL / INCUERA_TEST_REDIS_URL, and stops
# both on exit, even on failure.

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

services_dir=$(mktemp -d /tmp/incuera-services-XXXXXX)
chmod 755 "$services_dir"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$services_dir"
  as_pg=(runuser -u postgres --)
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

stop_services() {
  [[ -n "${redis_pid:-}" ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  [[ -f "$services_dir/pg/postmaster.pid" ]] &&
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$services_dir/pg" -m immediate stop >/dev/null 2>&1
  rm -rf "$services_dir"
}
trap stop_services EXIT

pg_port=$(free_port)
"${as_pg[@]}" "$pg_bin/initdb" -D "$services_dir/pg" -U postgres -A trust >"$services_dir/initdb.log" 2>&1 ||
  { cat "$services_dir/initdb.log"; exit 1; }
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$services_dir/pg" -l "$services_dir/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $services_dir -c fsync=off -c max_connections=300" \
  start >/dev/null || { cat "$services_dir/pg.log"; exit 1; }
export INCUERA_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres"

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
  --dir "$services_dir" >"$services_dir/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
export INCUERA_TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
echo "services: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
