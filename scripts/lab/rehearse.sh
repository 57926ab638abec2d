#!/usr/bin/env bash
# Rehearses a cutover in the lab (scripts/lab/lab.sh) with upwatch watching the load balancer
# at 50 ms, and exits with upwatch's status.
#   rolling  the seed plan, 1 -> 3 -> 1: launch two v2 instances, wait until they are healthy,
#            then drain and stop the v1 instance. Expected: no failed probe.
#   naive    kill the v1 instance (whatever it has in flight) before any v2 instance exists,
#            then launch v2. Expected: a window of the load balancer's 503s until v2 is healthy.
# Keeps testlog.log, summary.txt and events.log (what was done when) in the lab directory.
# Usage: rehearse.sh [--https] [--upwatch BINARY] [--dir DIR] rolling|naive
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/lab/lab.sh
source "$here/lab.sh"

https=0
upwatch="$root/build/release/upwatch"
dir=""
while (($# > 1)); do
  case $1 in
    --https) https=1; shift ;;
    --upwatch) upwatch=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) break ;;
  esac
done
scenario=${1:-}
[[ $scenario == rolling || $scenario == naive ]] || {
  echo "usage: rehearse.sh [--https] [--upwatch BINARY] [--dir DIR] rolling|naive" >&2
  exit 2
}
[[ -n $dir ]] || dir="$root/build/lab/$scenario-$([[ $https == 1 ]] && echo https || echo http)"

lab_init "$dir"
trap lab_down EXIT
lab_launch s1 v1
lab_start_lb

if ((https)); then
  target=(--cacert "$LAB_DIR/lab.crt" "https://127.0.0.1:$LAB_HTTPS_PORT/health")
else
  target=("http://127.0.0.1:$LAB_HTTP_PORT/health")
fi
probes() { grep -c '^\* ' "$LAB_DIR/testlog.log" 2>/dev/null || true; }
has_probes() { (($(probes) >= $1)); }
# wait_probes N: waits until upwatch has logged N probes in all.
wait_probes() { lab_wait_for "$1 probes" 2400 has_probes "$1"; }

"$upwatch" -o "$LAB_DIR/testlog.log" --truncate --max-time 2 --track x-app-version "${target[@]}" 0.05 \
  >"$LAB_DIR/summary.txt" 2>"$LAB_DIR/upwatch.err" &
upwatch_pid=$!
echo "$upwatch_pid" >"$LAB_DIR/pids/upwatch"
wait_probes 40  # two seconds of v1 alone

case $scenario in
  rolling)
    lab_launch s2 v2
    lab_launch s3 v2
    lab_wait_healthy s2
    lab_wait_healthy s3
    wait_probes $(($(probes) + 20))
    lab_drain s1
    wait_probes $(($(probes) + 10))
    lab_stop s1
    ;;
  naive)
    lab_kill s1
    wait_probes $(($(probes) + 10))
    lab_launch s2 v2
    lab_wait_healthy s2
    ;;
esac
wait_probes $(($(probes) + 40))
wait_probes 200
lab_event "done"

kill -INT "$upwatch_pid"
status=0
wait "$upwatch_pid" || status=$?
rm -f "$LAB_DIR/pids/upwatch"
cat "$LAB_DIR/summary.txt"
echo "lab: $scenario rehearsal over $([[ $https == 1 ]] && echo HTTPS || echo HTTP): upwatch exited with $status; log, summary and events in $LAB_DIR" >&2
exit "$status"
