#!/usr/bin/env bash
# Fuzzes upwatch's log readers with libFuzzer (clang, ASan, UBSan) for SECONDS (default 60),
# starting from the seed corpus of real logs in tests/fuzz/corpus. A crash fails the script and
# leaves its input in build/fuzz/crash-*; add it to the corpus and a regression test.
# Usage: scripts/fuzz.sh [SECONDS]      e.g. scripts/fuzz.sh 3600 for an hour
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
"$root/scripts/setup.sh" clang libclang-rt-14-dev
build="$root/build/fuzz"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DUPWATCH_FUZZ=ON -DUPWATCH_TESTS=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target upwatch_log_fuzzer >/dev/null
mkdir -p "$build/corpus"
cp -n "$root"/tests/fuzz/corpus/* "$build/corpus/" 2>/dev/null || true
cd "$build"
./tests/fuzz/upwatch_log_fuzzer -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 \
  corpus 2>&1 | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==|SUMMARY)' || true
# libFuzzer writes crash-*, leak-* or timeout-* files when it finds something.
if compgen -G "crash-*" >/dev/null || compgen -G "leak-*" >/dev/null || compgen -G "timeout-*" >/dev/null; then
  echo "upwatch fuzz: found a failing input in $build" >&2
  exit 1
fi
echo "upwatch fuzz: no crash in ${seconds}s"
