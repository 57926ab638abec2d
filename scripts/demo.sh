#!/usr/bin/env bash
# The demonstration scripts/run.sh gives with no URL: a local endpoint answers 200 for three
# seconds, then 502 for two, then refuses connections for two, then recovers; upwatch watches
# it for twelve seconds and prints the downtime report.
# Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
build=$1
workdir="$build/demo"
mkdir -p "$workdir"
cd "$workdir"

server_out=$(mktemp)
"$build/tests/upwatch-test-server" "ok*15,502*10,refuse:2s,ok" 0 60 >"$server_out" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -f "$server_out"' EXIT
for _ in $(seq 100); do
  grep -q '^port ' "$server_out" && break
  sleep 0.05
done
port=$(awk '/^port /{print $2}' "$server_out")
[[ -n $port ]] || { echo "upwatch demo: the local endpoint did not start" >&2; exit 1; }

echo "upwatch demo: a local endpoint on port $port answers 200, then 502, then refuses, then recovers."
echo "upwatch demo: probing it every 0.2 s for 12 s; the log is $workdir/testlog.log"
echo
status=0
"$build/upwatch" --truncate --duration 12s "http://127.0.0.1:$port/health" 0.2 || status=$?
echo
echo "upwatch demo: upwatch exited with status $status (1 = there was downtime)."
echo "upwatch demo: try: grep -B1 -A8 ' 502' $workdir/testlog.log"
exit 0
