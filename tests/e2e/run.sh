#!/usr/bin/env bash
# End-to-end tests: every tests/e2e/**/*.test.mjs under `node --test`, against
# the binaries of <build-dir> (default build). PostgreSQL/Redis tests need
# INCUERA_TEST_POSTGRES_URL / INCUERA_TEST_REDIS_URL (tests/services.sh, which
# tests/run.sh sources). Extra arguments go to node, e.g.
#   tests/e2e/run.sh build --test-name-pattern=compat
# Usage: tests/e2e/run.sh [build-dir] [node args...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath -m "${1:-build}")
shift || true
[[ -x "$build/apps/server/incuera-server" ]] || { echo "e2e: no $build/apps/server/incuera-server (build first)" >&2; exit 1; }
if [[ ! -d "$here/node_modules" ]]; then
  (cd "$here" && npm ci --silent --no-audit --no-fund) || exit 1
fi
export INCUERA_BUILD_DIR="$build"
cd "$here"
mapfile -t files < <(find . -name node_modules -prune -o -name '*.test.mjs' -print | sort)
# Two files at once: most of a test's wall time is waiting for the server's
# sweep and the render, not CPU.
exec node --test --test-concurrency="${E2E_CONCURRENCY:-2}" --test-timeout=300000 --test-reporter=spec "$@" "${files[@]}"
