#!/usr/bin/env bash
# Installs what is missing, builds a Release upwatch and runs it with the given arguments.
# With no arguments, rehearses a naive cutover in the lab (HAProxy in front of nginx
# instances on loopback) with upwatch watching, as a demonstration; see docs/lab.md.
# Usage: scripts/run.sh [URL [INTERVAL]] [upwatch options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lab_packages=(haproxy nginx openssl)
if (($# > 0)); then lab_packages=(); fi
"$root/scripts/setup.sh" "${lab_packages[@]}"
build="$root/build/release"
# The whole build (the manual page too), so that `cmake --install build/release` works after.
if [[ ! -x $build/upwatch ]]; then
  echo "upwatch: building $build (the first build takes a few minutes on 2 cores)" >&2
fi
started=$SECONDS
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DUPWATCH_TESTS=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" >/dev/null
if ((SECONDS - started > 5)); then echo "upwatch: built in $((SECONDS - started)) s" >&2; fi

if (($# > 0)); then
  exec "$build/upwatch" "$@"
fi
echo "upwatch demo: a naive cutover: the v1 instance behind the load balancer is killed before"
echo "upwatch demo: a v2 instance is launched; upwatch probes the load balancer every 50 ms."
echo
status=0
lab_dir="$root/build/lab/naive-https"
"$root/scripts/lab/rehearse.sh" --https --upwatch "$build/upwatch" --dir "$lab_dir" naive || status=$?
echo
# The timeline of the rehearsal, for a browser; its exit status is the run's, already known.
"$build/upwatch" report --html "$lab_dir/timeline.html" "$lab_dir/testlog.log" >/dev/null || true
echo "upwatch demo: the rehearsal's timeline, to open in a browser: $lab_dir/timeline.html"
echo "upwatch demo: upwatch exited with status $status (0 = up throughout, 1 = there was downtime, 5 = inconclusive)."
echo "upwatch demo: the zero-downtime plan: scripts/lab/rehearse.sh --https rolling"
