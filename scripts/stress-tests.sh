#!/usr/bin/env bash
# Runs the ctest suites RUNS times (default 5) in the RelWithDebInfo build, with more jobs than
# cores while a CPU hog keeps every core busy; prints each test that failed and how often, and
# keeps each run's output in build/stress/run-N.log.
# A test that fails here is flaky: fix it by design (wait for an event, bound by the interval
# and --max-time), never with a retry.
# Usage: scripts/stress-tests.sh [RUNS [ctest options...]]   e.g. scripts/stress-tests.sh 3 -L cli
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
shift || true
build="$root/build/test"
# The flags of scripts/test.sh, so that neither rebuilds the tree the other built.
"$root/scripts/test-build.sh" "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" >/dev/null
jobs=$(($(nproc) * 3))

hogs=()
stop_hogs() { ((${#hogs[@]} == 0)) || kill "${hogs[@]}" 2>/dev/null || true; }
trap stop_hogs EXIT
for _ in $(seq "$(nproc)"); do
  bash -c 'while :; do :; done' &
  hogs+=($!)
done

declare -A failures=()
logs="$root/build/stress"
rm -rf "$logs"
mkdir -p "$logs"
for run in $(seq "$runs"); do
  started=$SECONDS
  log="$logs/run-$run.log"
  ctest --test-dir "$build" --timeout 300 -j "$jobs" --output-on-failure "$@" >"$log" 2>&1 || true
  failed=$(sed -n '/The following tests FAILED:/,$p' "$log" | awk '/ - / { sub(/^.* - /, ""); sub(/ \(.*$/, ""); print }')
  echo "stress: run $run of $runs, $((SECONDS - started)) s: $(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$log" || echo 'no test failed')"
  while read -r name; do
    [[ -n $name ]] && failures[$name]=$((${failures[$name]:-0} + 1))
  done <<<"$failed"
done
if ((${#failures[@]} == 0)); then
  echo "stress: no test failed in $runs runs"
  exit 0
fi
for name in "${!failures[@]}"; do echo "stress: ${failures[$name]} of $runs runs failed $name"; done | sort
echo "stress: what each failure printed is in $logs/run-N.log"
exit 1
