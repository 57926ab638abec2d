#!/usr/bin/env bash
# Side by side: two (or more) upwatch binaries in turn, kept alive or fresh, at RATE/s for 5 s
# each against one nginx on core 0 (the binaries on core 1), ROUNDS times, alternating; prints
# "binary arrivals/s CPU_ms_per_1000_probes peak_RSS_KiB user_ms sys_ms" (the last two per 1,000
# probes too) for each run. For comparing versions
# on a shared machine, where two runs of scripts/bench.sh minutes apart are not comparable.
# BINARY "httping" runs httping's flood instead (-f, -Q when kept alive) for RATE x 5 probes.
# Usage: bench/side_by_side.sh RATE ROUNDS keep|fresh BINARY...
set -euo pipefail
rate=$1 rounds=$2 mode=$3
shift 3
source "$(dirname "$0")/../scripts/ports.sh"
work=$(mktemp -d)
mkdir -p $work/www && echo ok >$work/www/health
base=$(free_port_base 2)
cat >$work/nginx.conf <<CFG
daemon off; master_process off; pid $work/nginx.pid; error_log $work/error.log;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $work/body; proxy_temp_path $work/proxy;
fastcgi_temp_path $work/fastcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
server { listen 127.0.0.1:$base backlog=4096; root $work/www; keepalive_requests 10000000; }
server { listen 127.0.0.1:$((base + 1)); location / { stub_status; } } }
CFG
taskset -c 0 nginx -e $work/error.log -c $work/nginx.conf &
ngx=$!
trap 'kill $ngx; wait $ngx 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$base) 2>/dev/null && break; sleep 0.05; done
requests() { curl -s "http://127.0.0.1:$((base + 1))/" | awk 'NR == 3 { print $3 }'; }
interval=$(awk -v r="$rate" 'BEGIN { printf "%.9f", 1 / r }')
extra=()
[[ $mode == keep ]] && extra=(--keep-alive)
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    before=$(requests)
    if [[ $bin == httping ]]; then
      # httping's flood, as many probes as upwatch sends in 5 s, as fast as it goes.
      probe=(httping -q -f -c $((rate * 5)) -g "http://127.0.0.1:$base/health")
      [[ $mode == keep ]] && probe+=(-Q)
    else
      probe=("$bin" -o /dev/null -q --parallel-max 1000 "${extra[@]}" --duration 5s
        "http://127.0.0.1:$base/health" "$interval")
    fi
    taskset -c 1 /usr/bin/time -f "%U %S %M %e" -o $work/time "${probe[@]}" >/dev/null 2>&1 || true
    sleep 0.2
    after=$(requests)
    n=$((after - before - 1))
    awk -v bin="$bin" -v n="$n" -v line="$(tail -1 $work/time)" 'BEGIN { split(line, t, " ");
      printf "%s %.0f %.3f %s %.3f %.3f\n", bin, n / t[4], (t[1] + t[2]) / n * 1e6, t[3],
        t[1] / n * 1e6, t[2] / n * 1e6 }'
  done
done
