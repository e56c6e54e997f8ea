#!/usr/bin/env bash
# `make demo`: starts the server as `make run` does, then serves the demo shop
# with the demo project's ingest key, so every click in the shop becomes a
# session in the server. Usage: examples/shop/demo.sh <build-dir>
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
port=${PORT:-8000}
shop_port=${SHOP_PORT:-8080}

# The shop is served from this machine: let the renderer load its images.
RENDER_ALLOW_LOOPBACK=1 apps/server/run.sh "$build" --port "$port" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.1
done
[[ -s var/demo_ingest_key ]] || { echo "no var/demo_ingest_key: remove ./var to bootstrap again" >&2; exit 1; }
echo "Browse the shop; each visit is rendered about 30 s after you leave it."
node examples/shop/serve.mjs --port "$shop_port" --key "$(cat var/demo_ingest_key)" \
  --host "http://127.0.0.1:$port"
