#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build dir and runs each
# for a bounded time.
#   tests/fuzz/run.sh <build-dir> [seconds per target, default 30]
set -euo pipefail
build_dir=${1:?usage: tests/fuzz/run.sh <build-dir> [seconds]}
seconds=${2:-30}
src_dir=$(cd "$(dirname "$0")/../.." && pwd)
flags="-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer"

cmake -S "$src_dir" -B "$build_dir" \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DINCUERA_BUILD_FUZZERS=ON -DINCUERA_BUILD_TESTS=ON \
  -DINCUERA_BUILD_APPS=OFF -DINCUERA_BUILD_EXAMPLES=OFF -DINCUERA_BUILD_PYTHON=OFF >/dev/null
cmake --build "$build_dir" --target ingest_fuzzer -j"$(nproc)"

# New inputs go to a scratch dir so the checked-in seed corpus stays small.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build_dir/tests/fuzz/ingest_fuzzer" "$work" "$src_dir/tests/fuzz/corpus/ingest" \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1
