#!/usr/bin/env bash
# Installs what is missing, builds upwatch and its tests, and runs every test through ctest:
# every suite in a RelWithDebInfo build (gcc) with warnings as errors; then, in the sanitizer
# tree (clang, scripts/sanitizer-build.sh), the unit and command-line suites under
# AddressSanitizer and UBSan while libFuzzer fuzzes the log readers for a minute. The other
# suites run the same binary through the same code, at a cost in minutes that finds nothing
# more. The sanitizer tree builds while the first tree's tests run: they wait on timers and
# sockets more than on the CPU. Prints the wall time of each stage.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Tests wait on timers and sockets more than on the CPU: more of them than cores at once.
test_jobs=$(($(nproc) * 2))

stage() {
  local name=$1 started=$SECONDS
  shift
  echo "== $name"
  "$@"
  echo "== $name: $((SECONDS - started)) s"
}

# Line tables only (-g1): backtraces name file and line, for a third less compile time than -g.
stage "build (RelWithDebInfo)" "$root/scripts/test-build.sh" "$root/build/test" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"

mkdir -p "$root/build"
sanitizer_log="$root/build/sanitizer-build.log"
echo "== build (sanitizer tree), beside the tests: its output in $sanitizer_log"
sanitizer_started=$SECONDS
# In a session of its own, so that a failure here stops the whole build, compilers included.
setsid "$root/scripts/sanitizer-build.sh" -DUPWATCH_FUZZ_SECONDS=60 -- upwatch \
  upwatch-test-server upwatch_unit_tests upwatch_cli_tests upwatch_log_fuzzer \
  >"$sanitizer_log" 2>&1 &
builder=$!
trap 'kill -- -"$builder" 2>/dev/null || true' EXIT
stage "tests (RelWithDebInfo)" ctest --test-dir "$root/build/test" --output-on-failure \
  --timeout 300 -j "$test_jobs"
built=0
wait "$builder" || built=$?
trap - EXIT
if ((built != 0)); then
  cat "$sanitizer_log"
  echo "== build (sanitizer tree) failed"
  exit "$built"
fi
echo "== build (sanitizer tree): $((SECONDS - sanitizer_started)) s"

stage "unit and cli tests under ASan + UBSan, and fuzzing the log readers" \
  ctest --test-dir "$root/build/asan" --output-on-failure --timeout 300 -j "$test_jobs" \
  -L '^(unit|cli|fuzz)$'
echo "== every test passed in $SECONDS s"
