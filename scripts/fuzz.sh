#!/usr/bin/env bash
# Fuzzes upwatch's log readers with libFuzzer (clang, ASan, UBSan) for SECONDS (default 60),
# starting from the seed corpus of real logs in tests/fuzz/corpus: ctest -L fuzz in the
# sanitizer tree, build/asan (scripts/sanitizer-build.sh).
# A crash fails the script and leaves its input in build/asan/tests/fuzz/crash-*; add it to the
# corpus and a regression test.
# Usage: scripts/fuzz.sh [SECONDS]      e.g. scripts/fuzz.sh 3600 for an hour
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
"$root/scripts/sanitizer-build.sh" -DUPWATCH_FUZZ_SECONDS="$seconds" -- upwatch_log_fuzzer
ctest --test-dir "$root/build/asan" -L fuzz --output-on-failure
