#!/usr/bin/env bash
# Fuzzes upwatch's log readers with libFuzzer (clang, ASan, UBSan) for SECONDS (default 60),
# starting from the seed corpus of real logs in tests/fuzz/corpus: ctest -L fuzz in build/fuzz.
# A crash fails the script and leaves its input in build/fuzz/tests/fuzz/crash-*; add it to the
# corpus and a regression test.
# Usage: scripts/fuzz.sh [SECONDS]      e.g. scripts/fuzz.sh 3600 for an hour
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
"$root/scripts/setup.sh" clang libclang-rt-14-dev
build="$root/build/fuzz"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DUPWATCH_FUZZ=ON -DUPWATCH_TESTS=OFF -DUPWATCH_FUZZ_SECONDS="$seconds" "${launcher[@]}" >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target upwatch_log_fuzzer >/dev/null
ctest --test-dir "$build" -L fuzz --output-on-failure
