#!/usr/bin/env bash
# Runs every test: C++ (ctest), Python (pytest), browser end to end. Prints a
# closing "N passed, N failed" line; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
source tests/services.sh

# The local S3-compatible server the object store contract suite starts.
[[ -d tests/support/s3/node_modules ]] ||
  (cd tests/support/s3 && npm ci --silent --no-audit --no-fund >/dev/null)

start=$(date +%s)
passed=0
failed=0
count() {  # count <name> <exit code>
  if [[ $2 -eq 0 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $1"; fi
}

ctest_log="$build_dir/ctest.log"
ctest --test-dir "$build_dir" -j "$(nproc)" --output-on-failure --timeout 900 2>&1 | tee "$ctest_log"
ctest_total=$(grep -oP 'tests failed out of \K[0-9]+' "$ctest_log" || echo 0)
ctest_failed=$(grep -oP '[0-9]+(?= tests failed out of)' "$ctest_log" || echo 0)
passed=$((passed + ctest_total - ctest_failed))
failed=$((failed + ctest_failed))

# The request parsers (ingest and admin) under libFuzzer (clang + ASan, its
# own build dir), for a bounded time; crashes found fail the run.
tests/fuzz/run.sh "${build_dir}-fuzz" "${FUZZ_SECONDS:-30}" 2>&1 | tail -n 5
count fuzz "${PIPESTATUS[0]}"

for suite in tests/python tests/e2e; do
  if [[ -x "$suite/run.sh" ]]; then
    "$suite/run.sh" "$build_dir"
    count "$suite" $?
  fi
done

# The smallest build the README offers (SQLite, local files, the database
# queue; no renderer, PostgreSQL, Redis, S3 or LLM client) builds and passes
# its C++ tests too. Most objects come from ccache: only the files those
# options change are compiled again.
minimal="${build_dir}-minimal"
{ cmake -S . -B "$minimal" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINCUERA_WITH_RENDER=OFF \
    -DINCUERA_WITH_POSTGRES=OFF -DINCUERA_WITH_REDIS=OFF -DINCUERA_WITH_S3=OFF \
    -DINCUERA_WITH_LLM=OFF >/dev/null &&
  cmake --build "$minimal" -j "$(nproc)" -- --no-print-directory >/dev/null &&
  ctest --test-dir "$minimal" -j "$(nproc)" --output-on-failure --timeout 900 2>&1 | tail -n 4
  [[ ${PIPESTATUS[0]} -eq 0 ]]; }
count "minimal build (every INCUERA_WITH_* off)" $?

echo "test time: $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
