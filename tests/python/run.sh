#!/bin/sh
# Runs the Python binding tests against <build-dir>/bindings/python.
#   tests/python/run.sh build
set -eu
build=$(cd "${1:-build}" && pwd)
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$build/bindings/python/incuera" ]; then
  echo "tests/python: $build/bindings/python/incuera not built (target incuera_python)" >&2
  exit 1
fi
cd "$here/../.."
# INCUERA_BUILD_DIR lets test_pip_install.py reuse this build for pip.
INCUERA_BUILD_DIR="$build" PYTHONPATH="$build/bindings/python" exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python "$@"
