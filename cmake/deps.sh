#!/usr/bin/env bash
# Installs the Debian 12 packages Incuera needs to build, test and run —
# only those missing. Idempotent; prints nothing when everything is present.
# Usage: cmake/deps.sh [--run-only]
set -euo pipefail

build=(build-essential cmake ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libsoci-dev libcpp-httplib-dev
  libhiredis-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libcurl4-openssl-dev
  zlib1g-dev
  doctest-dev pybind11-dev python3-dev python3-setuptools python3-pytest
  libzstd-dev libssl-dev libsqlite3-dev libpq-dev clang libclang-rt-14-dev)
# What the server needs at run time: the renderer's browser and fonts
# (Chromium crashes without fonts), and Node.js to build the SDK/dashboard.
run=(chromium chromium-headless-shell fonts-dejavu-core fonts-liberation
  fonts-noto-color-emoji nodejs npm)
# Real services for the integration tests; nginx for the fault suite
# (make fault-suite), in front of several servers.
services=(postgresql redis-server nginx)
# What `make bench` drives the server with and reads its figures by.
bench=(wrk bc sqlite3)

wanted=("${run[@]}")
[[ "${1:-}" == "--run-only" ]] || wanted+=("${build[@]}" "${services[@]}" "${bench[@]}")

missing=()
for p in "${wanted[@]}"; do
  # nodejs/npm may come from elsewhere (e.g. a preinstalled Node); accept the command.
  if [[ "$p" == nodejs || "$p" == npm ]] && command -v "${p/nodejs/node}" >/dev/null; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
