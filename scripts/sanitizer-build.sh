#!/usr/bin/env bash
# Builds the sanitizer tree, build/asan: clang with AddressSanitizer, UndefinedBehaviorSanitizer
# and libFuzzer's coverage, so that one tree runs the unit and command-line tests under the
# sanitizers and fuzzes the log readers. Line tables only (-g1): enough for every report to
# name its file and line, and a third less to compile. Used by scripts/test.sh and
# scripts/fuzz.sh.
# Usage: scripts/sanitizer-build.sh [cmake options] [-- build targets]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" clang libclang-rt-14-dev
# A tree first configured with another compiler keeps it in its cache: start it afresh.
cache="$root/build/asan/CMakeCache.txt"
if [[ -f $cache ]] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang++$' "$cache"; then
  rm -rf "$root/build/asan"
fi
CC=clang CXX=clang++ exec "$root/scripts/test-build.sh" "$root/build/asan" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DUPWATCH_SANITIZE=ON -DUPWATCH_FUZZ=ON "$@"
