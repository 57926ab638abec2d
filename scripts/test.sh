#!/usr/bin/env bash
# Installs what is missing, builds upwatch and its tests, and runs every test through ctest:
# every suite in a RelWithDebInfo build with warnings as errors; the unit and command-line
# suites again under AddressSanitizer and UBSan (the other suites run the same binary through
# the same code, at a cost in minutes that finds nothing more); then fuzzes the log readers for
# a minute (scripts/fuzz.sh). Prints the wall time of each stage.
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

stage "build (RelWithDebInfo)" "$root/scripts/test-build.sh" "$root/build/test" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
stage "tests (RelWithDebInfo)" ctest --test-dir "$root/build/test" --output-on-failure \
  --timeout 300 -j "$test_jobs"
stage "build (AddressSanitizer + UndefinedBehaviorSanitizer)" "$root/scripts/test-build.sh" \
  "$root/build/asan" -DCMAKE_BUILD_TYPE=Debug -DUPWATCH_SANITIZE=ON \
  -- upwatch upwatch-test-server upwatch_unit_tests upwatch_cli_tests
stage "unit and cli tests under AddressSanitizer + UndefinedBehaviorSanitizer" \
  ctest --test-dir "$root/build/asan" --output-on-failure --timeout 300 -j "$test_jobs" \
  -L '^(unit|cli)$'
stage "fuzzing the log readers" "$root/scripts/fuzz.sh" 60
echo "== every test passed in $SECONDS s"
