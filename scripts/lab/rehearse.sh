#!/usr/bin/env bash
# Rehearses a cutover in the lab (scripts/lab/lab.sh) with upwatch watching the load balancer
# through its name at 50 ms, and exits with upwatch's status.
#   rolling  the seed plan, 1 -> 3 -> 1: launch two v2 instances, wait until they are healthy,
#            then drain and stop the v1 instance, then one of the v2 instances. Expected: no
#            failed probe.
#   naive    kill the v1 instance (whatever it has in flight) before any v2 instance exists,
#            then launch v2. Expected: a window of the load balancer's 503s until v2 is healthy.
#   node     one load-balancer node (127.0.0.2) stops answering for 3 s, watched with
#            --each-address. Expected: a window of that node's, none of the other's. A second
#            upwatch without --each-address watches too (plain.log, plain.txt).
#   paths    /health and /api/health watched in one run; the api target group's only instance
#            is killed, then replaced. Expected: a window of /api/health's 503s, none of /health.
# Keeps testlog.log, summary.txt and events.log (what was done when) in the lab directory; what
# was done while upwatch watched is marked in testlog.log too (upwatch mark), so that
# `upwatch report` tells it in time order with the windows.
# Usage: rehearse.sh [--https] [--upwatch BINARY] [--dir DIR] rolling|naive|node|paths
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
[[ $scenario =~ ^(rolling|naive|node|paths)$ ]] || {
  echo "usage: rehearse.sh [--https] [--upwatch BINARY] [--dir DIR] rolling|naive|node|paths" >&2
  exit 2
}
[[ -n $dir ]] || dir="$root/build/lab/$scenario-$([[ $https == 1 ]] && echo https || echo http)"

lab_init "$dir"
trap lab_down EXIT
lab_launch s1 v1
[[ $scenario == paths ]] && lab_launch a1 v1
lab_start_lb

if ((https)); then
  port=$LAB_HTTPS_PORT
  options=(--cacert "$LAB_DIR/lab.crt")
  base="https://$LAB_NAME:$port"
else
  port=$LAB_HTTP_PORT
  options=()
  base="http://$LAB_NAME:$port"
fi
options+=(--resolve "$(lab_resolve "$port")" --max-time 2 --track x-app-version)
urls=("$base/health")
[[ $scenario == paths ]] && urls+=("$base/api/health")
each=()
[[ $scenario == node ]] && each=(--each-address)
probes() { grep -c '^\* ' "$LAB_DIR/testlog.log" 2>/dev/null || true; }
has_probes() { (($(probes) >= $1)); }
# wait_ticks N: waits until upwatch has logged N more ticks (of each URL and address).
wait_ticks() {
  local until=$(($(probes) + $1 * per_tick))
  lab_wait_for "$1 more ticks" 2400 has_probes "$until"
}
per_tick=${#urls[@]}
[[ $scenario == node ]] && per_tick=${#LAB_NODES[@]}

"$upwatch" -o "$LAB_DIR/testlog.log" --truncate "${options[@]}" "${each[@]}" "${urls[@]}" 0.05 \
  >"$LAB_DIR/summary.txt" 2>"$LAB_DIR/upwatch.err" &
upwatch_pid=$!
echo "$upwatch_pid" >"$LAB_DIR/pids/upwatch"
# From here on, what the lab does is marked in upwatch's log as well (upwatch mark).
LAB_UPWATCH=$upwatch
LAB_MARK_LOG=$LAB_DIR/testlog.log
if [[ $scenario == node ]]; then
  # The same name watched as the bash loop's curl would: at whichever address comes first.
  "$upwatch" -o "$LAB_DIR/plain.log" --truncate "${options[@]}" "${urls[@]}" 0.05 \
    >"$LAB_DIR/plain.txt" 2>"$LAB_DIR/plain.err" &
  echo $! >"$LAB_DIR/pids/upwatch-plain"
fi
wait_ticks 40  # two seconds before anything happens

case $scenario in
  rolling)
    lab_launch s2 v2
    lab_launch s3 v2
    lab_wait_healthy s2
    lab_wait_healthy s3
    wait_ticks 20
    lab_drain s1
    wait_ticks 10
    lab_stop s1
    wait_ticks 10
    lab_drain s3
    wait_ticks 10
    lab_stop s3
    ;;
  naive)
    lab_kill s1
    wait_ticks 10
    lab_launch s2 v2
    lab_wait_healthy s2
    ;;
  node)
    lab_node_pause 1
    sleep 3
    lab_node_resume 1
    ;;
  paths)
    lab_kill a1
    wait_ticks 10
    lab_launch a1 v2
    lab_wait_healthy a1
    ;;
esac
wait_ticks 40
lab_wait_for "200 ticks" 2400 has_probes $((200 * per_tick))
lab_event "done"
unset LAB_MARK_LOG

if [[ -e $LAB_DIR/pids/upwatch-plain ]]; then
  plain_pid=$(cat "$LAB_DIR/pids/upwatch-plain")
  kill -INT "$plain_pid"
  wait "$plain_pid" || true
  rm -f "$LAB_DIR/pids/upwatch-plain"
fi
kill -INT "$upwatch_pid"
status=0
wait "$upwatch_pid" || status=$?
rm -f "$LAB_DIR/pids/upwatch"
cat "$LAB_DIR/summary.txt"
echo "lab: $scenario rehearsal over $([[ $https == 1 ]] && echo HTTPS || echo HTTP): upwatch exited with $status; log, summary and events in $LAB_DIR" >&2
exit "$status"
