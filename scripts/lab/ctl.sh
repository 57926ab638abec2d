#!/usr/bin/env bash
# Drives the lab (scripts/lab/lab.sh) by hand, one step a command, as a cutover owner drives an
# Auto Scaling Group, while upwatch watches from another terminal.
#   up                    start the lab: instances s1 (/health) and a1 (/api/health) of v1
#                         behind the load balancer; prints how to probe it
#   launch NAME VERSION   start instance NAME (s1, s2, s3; a1 for /api/) of VERSION and wait
#                         until every load-balancer node checks it healthy
#   drain NAME            no new requests to NAME; those in flight finish
#   stop NAME             stop NAME gracefully and deregister it
#   kill NAME             kill NAME abruptly, whatever it has in flight
#   status                each slot's process and what each node thinks of it
#   down                  stop everything the lab started, by PID
# Each step is written to DIR/events.log, and with --mark LOG (before the command) marked in
# upwatch's log, dated when it was done (upwatch mark --at).
# Usage: ctl.sh DIR [--mark LOG] [--upwatch BINARY] COMMAND [ARGS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/lab/lab.sh
source "$here/lab.sh"

usage() {
  echo "usage: ctl.sh DIR [--mark LOG] [--upwatch BINARY] up|launch NAME VERSION|drain NAME|stop NAME|kill NAME|status|down" >&2
  exit 2
}
(($# >= 2)) || usage
dir=$(realpath -m "$1")  # nginx and HAProxy take paths from elsewhere
shift
LAB_UPWATCH="$root/build/release/upwatch"
while (($# > 1)); do
  case $1 in
    --mark) LAB_MARK_LOG=$2; shift 2 ;;
    --upwatch) LAB_UPWATCH=$2; shift 2 ;;
    *) break ;;
  esac
done
command=$1
shift

# slot NAME: NAME if it is one of the lab's instance slots; else a usage error.
slot() {
  [[ " ${LAB_SLOTS[*]} " == *" ${1:-} "* ]] && return 0
  echo "lab: no instance slot '${1:-}': one of ${LAB_SLOTS[*]}" >&2
  exit 2
}

case $command in
  up)
    (($# == 0)) || usage
    [[ ! -e $dir/lab.env ]] || { echo "lab: a lab is already up in $dir (ctl.sh $dir down)" >&2; exit 2; }
    # The lab starts its directory afresh: never in one that holds anything else.
    if [[ -e $dir && -n $(ls -A "$dir") ]]; then
      echo "lab: $dir is not empty: give the lab a directory of its own" >&2
      exit 2
    fi
    lab_init "$dir"
    trap lab_down ERR
    lab_launch s1 v1
    lab_launch a1 v1
    lab_start_lb
    lab_save
    echo "lab: up in $LAB_DIR; probe it with:"
    echo "  upwatch --resolve $(lab_resolve "$LAB_HTTPS_PORT") --cacert $LAB_DIR/lab.crt \\"
    echo "    --each-address --track x-app-version https://$LAB_NAME:$LAB_HTTPS_PORT/health 0.5"
    echo "  (http://$LAB_NAME:$LAB_HTTP_PORT/ with --resolve $(lab_resolve "$LAB_HTTP_PORT"); /api/health for the api group)"
    ;;
  launch)
    (($# == 2)) || usage
    slot "$1"
    lab_load "$dir" || exit 2
    [[ ! -e $LAB_DIR/pids/$1 ]] || { echo "lab: $1 is running already" >&2; exit 2; }
    lab_launch "$1" "$2"
    lab_wait_healthy "$1"
    ;;
  drain | stop | kill)
    (($# == 1)) || usage
    slot "$1"
    lab_load "$dir" || exit 2
    [[ -e $LAB_DIR/pids/$1 || $command == drain ]] || { echo "lab: $1 is not running" >&2; exit 2; }
    "lab_$command" "$1"
    ;;
  status)
    (($# == 0)) || usage
    lab_load "$dir" || exit 2
    for name in "${LAB_SLOTS[@]}"; do
      running="-"
      [[ -e $LAB_DIR/pids/$name ]] && running="pid $(cat "$LAB_DIR/pids/$name")"
      states=()
      for node in "${!LAB_NODES[@]}"; do states+=("${LAB_NODES[$node]} $(lab_state "$name" "$node")"); done
      printf '%-3s %-4s %-11s %s\n' "$name" "$(lab_pool "$name")" "$running" "${states[*]}"
    done
    ;;
  down)
    (($# == 0)) || usage
    lab_load "$dir" || exit 2
    lab_down
    rm -f "$LAB_DIR/lab.env"
    echo "lab: down"
    ;;
  *) usage ;;
esac
