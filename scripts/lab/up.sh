#!/usr/bin/env bash
# Starts the lab (scripts/lab/lab.sh) with a v1 instance in each target group (s1 for /health,
# a1 for /api/health) behind the load balancer and keeps it
# up until SIGTERM or SIGINT, then stops everything it started, by PID. For probing the lab by
# hand or from a test: once it is ready it writes DIR/ports (NAME=PORT lines: http, https,
# mtls, tls12) and prints them. Certificates are in DIR: lab.crt (the server's, for --cacert),
# client.crt and client.key (for --cert and --key on the mtls port).
# Usage: up.sh DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lab/lab.sh
source "$here/lab.sh"
[[ $# == 1 ]] || { echo "usage: up.sh DIR" >&2; exit 2; }

lab_init "$1"
trap lab_down EXIT
trap 'exit 0' TERM INT
lab_launch s1 v1
lab_launch a1 v1
lab_start_lb
printf 'http=%s\nhttps=%s\nmtls=%s\ntls12=%s\n' "$LAB_HTTP_PORT" "$LAB_HTTPS_PORT" \
  "$LAB_MTLS_PORT" "$LAB_TLS12_PORT" >"$LAB_DIR/ports.tmp"
mv "$LAB_DIR/ports.tmp" "$LAB_DIR/ports"
cat "$LAB_DIR/ports"
echo "lab: up in $LAB_DIR as $LAB_NAME on ${LAB_NODES[*]}; Ctrl-C stops it" >&2
while :; do sleep 0.1; done
