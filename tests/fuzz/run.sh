#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build dir and runs
# each for its share of a bounded time; fails when any of them finds a crash.
#   tests/fuzz/run.sh <build-dir> [seconds in all, split between the targets; default 30]
set -euo pipefail
build_dir=$(realpath -m "${1:?usage: tests/fuzz/run.sh <build-dir> [seconds]}")
seconds=${2:-30}
src_dir=$(cd "$(dirname "$0")/../.." && pwd)
flags="-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer"

# Target name -> its extra libFuzzer flags. Admin bodies are small JSON
# objects: a dictionary of their member names gets the fuzzer past the
# "unknown field" check quickly.
declare -A extra=(
  [ingest]="-max_len=65536"
  [admin]="-max_len=8192 -dict=$src_dir/tests/fuzz/admin.dict"
  [http_request]="-max_len=65536 -dict=$src_dir/tests/fuzz/http.dict"
)
targets=(ingest admin http_request)

cmake -S "$src_dir" -B "$build_dir" \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DINCUERA_BUILD_FUZZERS=ON -DINCUERA_BUILD_TESTS=ON \
  -DINCUERA_BUILD_APPS=OFF -DINCUERA_BUILD_EXAMPLES=OFF -DINCUERA_BUILD_PYTHON=OFF >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]/%/_fuzzer}"

per_target=$((seconds / ${#targets[@]}))
((per_target > 0)) || per_target=1

# New inputs go to a scratch dir so the checked-in seed corpora stay small.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
summary=()
failed=0
for target in "${targets[@]}"; do
  mkdir "$work/$target"
  log="$work/$target.log"
  # shellcheck disable=SC2086  # extra[] holds several flags
  if "$build_dir/tests/fuzz/${target}_fuzzer" "$work/$target" "$src_dir/tests/fuzz/corpus/$target" \
    -max_total_time="$per_target" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$build_dir/$target-" ${extra[$target]} >"$log" 2>&1; then
    runs=$(grep -oP 'stat::number_of_executed_units:\s*\K[0-9]+' "$log" || echo "?")
    summary+=("${target}_fuzzer: ${runs} runs in ${per_target} s, no failure")
  else
    # From the report's first line: the stack and the input that failed.
    sed -n '/^==[0-9]*==ERROR\|^==[0-9]*== ERROR\|deadly signal\|^MS: /,$p' "$log" | head -n 60
    summary+=("${target}_fuzzer: FAILED; reproducer: $(ls -t "$build_dir/$target-"* 2>/dev/null | head -n 1)")
    failed=1
  fi
done
printf '%s\n' "${summary[@]}"
exit "$failed"
