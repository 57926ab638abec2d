#!/usr/bin/env bash
# Installs what is missing, builds a Release upwatch and runs it with the given arguments.
# With no URL, runs a demonstration against a local endpoint that fails for a while.
# Usage: scripts/run.sh [URL [INTERVAL]] [upwatch options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
build="$root/build/release"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target upwatch upwatch-test-server >/dev/null

if (($# > 0)); then
  exec "$build/upwatch" "$@"
fi
exec "$root/scripts/demo.sh" "$build"
