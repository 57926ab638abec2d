#!/usr/bin/env bash
# Benchmarks upwatch against the tools a user would pick instead, side by side in one run:
# the bash loop of the cutover plan (curl -I in a loop) and httping. Against a local nginx
# pinned to core 0 (the probers to core 1), with arrival times taken at the server side of
# loopback by tcpdump (kernel timestamps, microseconds: nginx's own $msec has milliseconds
# only), and request counts from nginx's request counter (stub_status).
# Measures: 1. highest sustained rate and CPU per 1,000 probes (fresh connections and kept
# alive), 2. schedule accuracy at 10/s and 100/s over 60 s, 3. peak RSS after 10,000 and
# 1,000,000 probes, 4. stop latency with 100 probes hung, 5. the CPU cost of the live view on a
# pseudo-terminal at 10,000 probes/s, 6. the HTML timeline of a million probes: its size, the
# time to write it and to open it in Chromium, 7. many targets: CPU, memory and schedule
# accuracy of 1 to 1,000 URLs at 10/s each, and how steadily the core runs on its own, 8. the
# CPU cost of Prometheus metrics scraped every second at 1,000 probes/s.
# Prints markdown tables (also kept in build/bench/results.md). Takes about 10 minutes on 2
# cores; sections may be chosen by number.
# Usage: scripts/bench.sh [SECTION ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sections=("$@")
# wanted N: whether section N is to be run (all are when none is named).
wanted() { ((${#sections[@]} == 0)) || [[ " ${sections[*]} " == *" $1 "* ]]; }
"$root/scripts/setup.sh" nginx httping tcpdump curl time valgrind
if wanted 6; then "$root/scripts/setup-browser.sh"; fi
build="$root/build/bench"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --parallel "$(nproc)" \
  --target upwatch upwatch-gap-stats upwatch-test-server upwatch-synthetic-log \
  upwatch-cpu-steadiness >/dev/null
upwatch="$build/upwatch"
gap_stats="$build/bench/upwatch-gap-stats"
work="$build/work"
rm -rf "$work"
mkdir -p "$work"
results="$build/results.md"
: >"$results"
say() { echo "$*" | tee -a "$results"; }
note() { echo "bench: $*" >&2; }

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# --- the server: nginx on core 0, one port per prober so arrivals can be told apart ---------
# shellcheck source=scripts/ports.sh
source "$root/scripts/ports.sh"
base=$(free_port_base 5)
port_upwatch=$base port_bash=$((base + 1)) port_httping=$((base + 2)) port_httping_ai=$((base + 3))
port_status=$((base + 4))
mkdir -p "$work/nginx/www"
echo ok >"$work/nginx/www/health"
servers=""
for port in $port_upwatch $port_bash $port_httping $port_httping_ai; do
  servers+="server { listen 127.0.0.1:$port backlog=4096; root $work/nginx/www; keepalive_requests 10000000; }"$'\n'
done
servers+="server { listen 127.0.0.1:$port_status; location / { stub_status; } }"
cat >"$work/nginx/nginx.conf" <<CFG
daemon off;
master_process off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  $servers
}
CFG
taskset -c 0 nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port_upwatch") 2>/dev/null && break; sleep 0.05; done

url() { echo "http://127.0.0.1:$1/health"; }
# requests: requests nginx has served so far, counting each asking of its own (so the count
# of probes between two askings is after - before - 1).
requests() { curl -s "http://127.0.0.1:$port_status/" | awk 'NR == 3 { print $3 }'; }
settle() { sleep 0.2; }  # let the last answers be counted
# timed FILE COMMAND...: runs COMMAND on core 1 under GNU time (user, sys, max RSS to FILE).
timed() {
  local file=$1
  shift
  taskset -c 1 /usr/bin/time -f "%U %S %M" -o "$file" "$@"
}
# GNU time's last line is ours ("Command exited with non-zero status" may come before it).
cpu_seconds() { tail -1 "$1" | awk '{ printf "%.3f", $1 + $2 }'; }
rss_kib() { tail -1 "$1" | awk '{ print $3 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
per_thousand() { awk -v cpu="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.3f", cpu / n * 1000 * 1000; else print "-" }'; }

say "# upwatch benchmark results"
say
say "- machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }'), Linux $(uname -r)"
say "- versions: $("$upwatch" --version | cut -d" " -f1-4), $(curl --version | head -1 | cut -d' ' -f1-2), $(httping --version 2>&1 | head -1 | cut -d, -f1), $(nginx -v 2>&1 | cut -d' ' -f3), $(bash --version | head -1 | cut -d' ' -f1-4)"
say "- nginx pinned to core 0, each prober to core 1; CPU is user + sys of the whole process tree"
say

# --- 1. rate ----------------------------------------------------------------------------------
# upwatch_rate RATE SECONDS EXTRA...: runs upwatch at RATE/s; prints "arrivals/s cpu_ms_per_1000 failed".
upwatch_rate() {
  local rate=$1 seconds=$2
  shift 2
  local interval before after failed
  interval=$(awk -v r="$rate" 'BEGIN { printf "%.9f", 1 / r }')
  before=$(requests)
  timed "$work/time" "$upwatch" -o /dev/null --parallel-max 1000 --duration "${seconds}s" "$@" \
    "$(url "$port_upwatch")" "$interval" >"$work/summary" 2>/dev/null || true
  settle
  after=$(requests)
  failed=$(awk '/^PROBES:/ { print $6 }' "$work/summary")
  echo "$(awk -v n=$((after - before - 1)) -v s="$seconds" 'BEGIN { printf "%.0f", n / s }') $(per_thousand "$(cpu_seconds "$work/time")" $((after - before - 1))) $failed"
}

# highest_rate EXTRA...: the highest rate of a ladder that upwatch holds: at least 99% of its
# probes arriving at the server, in the better of two tries (a shared machine has hiccups).
highest_rate() {
  local best=0 rate result arrivals failed held
  # Steps of a tenth or less past 10,000/s, so that a rate held is not hidden by the next step.
  for rate in 2000 5000 8000 10000 11000 12000 13000 14000 15000 16500 18000 20000 22000 25000 \
    27500 30000 33000 36000 40000 45000 50000 55000 60000; do
    held=0
    for _ in 1 2; do
      result=$(upwatch_rate "$rate" 3 "$@")
      read -r arrivals _ failed <<<"$result"
      note "upwatch $* at $rate/s: $arrivals/s arrived, $failed failed"
      if ((arrivals * 100 >= rate * 99)); then held=1; break; fi
    done
    ((held)) || break
    best=$rate
  done
  echo "$best"
}

# repeat3 COMMAND...: runs COMMAND three times; prints the median of each output column.
repeat3() {
  local outputs=()
  for _ in 1 2 3; do outputs+=("$("$@")"); done
  local columns
  columns=$(echo "${outputs[0]}" | wc -w)
  local column line=""
  for ((column = 1; column <= columns; column++)); do
    line+="$(printf '%s\n' "${outputs[@]}" | awk -v c="$column" '{ print $c }' | median) "
  done
  echo "$line"
}

# httping_rate EXTRA...: a 6,000-probe flood; prints "arrivals/s cpu_ms_per_1000".
httping_rate() {
  local before after start end
  before=$(requests)
  start=$(date +%s.%N)
  timed "$work/time" httping -q -f -c 6000 "$@" -g "$(url "$port_httping")" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  settle
  after=$(requests)
  echo "$(awk -v n=$((after - before - 1)) -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }') $(per_thousand "$(cpu_seconds "$work/time")" $((after - before - 1)))"
}

# bash_rate: the bash loop with INT=0 for 5 s; prints "arrivals/s cpu_ms_per_1000".
bash_rate() {
  local before after
  mkdir -p "$work/bash"
  before=$(requests)
  (cd "$work/bash" && taskset -c 1 /usr/bin/time -f "%U %S %M" -o "$work/time" \
    timeout -s TERM 5 bash "$root/tests/data/cutover-test.sh" "$(url "$port_bash")" 0) >/dev/null 2>&1 || true
  settle
  after=$(requests)
  echo "$(awk -v n=$((after - before - 1)) 'BEGIN { printf "%.0f", n / 5 }') $(per_thousand "$(cpu_seconds "$work/time")" $((after - before - 1)))"
}

keep_rate=20000  # section 1 measures it; the rate of section 3 when section 1 is not run
if wanted 1; then
note "1. rate: searching upwatch's highest sustained rate"
fresh_rate=$(highest_rate)
keep_rate=$(highest_rate --keep-alive)
note "1. rate: three runs of each at its highest rate"
read -r up_fresh up_fresh_cpu _ <<<"$(repeat3 upwatch_rate "$fresh_rate" 5)"
read -r up_keep up_keep_cpu _ <<<"$(repeat3 upwatch_rate "$keep_rate" 5 --keep-alive)"
read -r hp_fresh hp_fresh_cpu <<<"$(repeat3 httping_rate)"
read -r hp_keep hp_keep_cpu <<<"$(repeat3 httping_rate -Q)"
read -r bash_fresh bash_cpu <<<"$(repeat3 bash_rate)"
# The same work at the same rate: upwatch at the rates httping's floods reached.
read -r up_fresh_same up_fresh_same_cpu _ <<<"$(repeat3 upwatch_rate "$hp_fresh" 5)"
read -r up_keep_same up_keep_same_cpu _ <<<"$(repeat3 upwatch_rate "$hp_keep" 5 --keep-alive)"
say "## 1. Highest sustained rate, one core (medians of 3 runs)"
say
say "| prober | connections | probes/s at the server | CPU ms per 1,000 probes |"
say "|---|---|---:|---:|"
say "| upwatch (holds ${fresh_rate}/s) | fresh | $up_fresh | $up_fresh_cpu |"
say "| upwatch --keep-alive (holds ${keep_rate}/s) | kept alive | $up_keep | $up_keep_cpu |"
say "| httping -f (flood) | fresh | $hp_fresh | $hp_fresh_cpu |"
say "| httping -f -Q (flood) | kept alive | $hp_keep | $hp_keep_cpu |"
say "| bash loop, INT=0 | fresh (a curl each) | $bash_fresh | $bash_cpu |"
say "| upwatch at httping -f's rate | fresh | $up_fresh_same | $up_fresh_same_cpu |"
say "| upwatch --keep-alive at httping -f -Q's rate | kept alive | $up_keep_same | $up_keep_same_cpu |"
say
ratio() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { printf f, a / b }'; }
say "Ratios: fresh rate upwatch/httping $(ratio "$up_fresh" "$hp_fresh" %.1fx), upwatch/bash $(ratio "$up_fresh" "$bash_fresh" %.0fx); CPU per probe upwatch/httping, each at its highest rate: $(ratio "$up_fresh_cpu" "$hp_fresh_cpu" %.2f) (fresh), $(ratio "$up_keep_cpu" "$hp_keep_cpu" %.2f) (kept alive); at the same rate: $(ratio "$up_fresh_same_cpu" "$hp_fresh_cpu" %.2f) (fresh), $(ratio "$up_keep_same_cpu" "$hp_keep_cpu" %.2f) (kept alive)."
say
fi

# --- 2. schedule accuracy ---------------------------------------------------------------------
# capture PORT FILE: records the arrival time of every new connection (SYN) to PORT.
# (tcpdump itself is the background process, so that stopping it by PID stops the capture.)
capture() {
  taskset -c 0 tcpdump -i lo -nn -tt --time-stamp-precision=micro -l -q \
    "tcp dst port $1 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn" >"$2.raw" 2>"$2.err" &
  pids+=($!)
  for _ in $(seq 200); do grep -q "listening on" "$2.err" 2>/dev/null && return; sleep 0.05; done
}
accuracy_row() {  # NAME FILE INTERVAL
  local stats
  stats=$(awk '{ print $1 }' "$2.raw" | "$gap_stats" "$3")
  echo "$stats" | awk -v name="$1" '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "| %s | %s | %s | %s | %s | %s | %s |\n", name, v["n"], v["rate"], v["p50_ms"], v["p99_ms"], v["max_ms"], v["drift_ms"] }'
}
accuracy() {  # RATE SECONDS
  local rate=$1 seconds=$2 interval
  interval=$(awk -v r="$rate" 'BEGIN { printf "%g", 1 / r }')
  note "2. accuracy at $rate/s for ${seconds}s: upwatch, httping and httping --ai side by side"
  capture "$port_upwatch" "$work/arrivals-upwatch"
  capture "$port_httping" "$work/arrivals-httping"
  capture "$port_httping_ai" "$work/arrivals-httping-ai"
  taskset -c 1 "$upwatch" -o /dev/null --duration "${seconds}s" "$(url "$port_upwatch")" "$interval" >/dev/null 2>&1 &
  local up=$!
  taskset -c 1 httping -q -i "$interval" -c $((rate * seconds)) -g "$(url "$port_httping")" >/dev/null 2>&1 &
  local hp=$!
  taskset -c 1 httping -q --ai -i "$interval" -c $((rate * seconds)) -g "$(url "$port_httping_ai")" >/dev/null 2>&1 &
  local hpai=$!
  pids+=("$up" "$hp" "$hpai")
  sleep "$seconds"
  sleep 1
  kill "$hp" "$hpai" 2>/dev/null || true
  wait "$up" "$hp" "$hpai" 2>/dev/null || true
  note "2. accuracy at $rate/s: the bash loop alone for ${seconds}s"
  capture "$port_bash" "$work/arrivals-bash"
  mkdir -p "$work/bash"
  (cd "$work/bash" && exec taskset -c 1 bash "$root/tests/data/cutover-test.sh" "$(url "$port_bash")" "$interval") >/dev/null 2>&1 &
  local bp=$!
  pids+=("$bp")
  sleep "$seconds"
  kill -TERM "$bp" 2>/dev/null || true
  wait "$bp" 2>/dev/null || true
  sleep 1
  # stop this round's captures
  local pid
  for pid in "${pids[@]:1}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=("${pids[0]}")
  say "### $rate probes/s for ${seconds}s (interval ${interval}s)"
  say
  say "| prober | probes | achieved /s | gap deviation p50 ms | p99 ms | max ms | drift ms |"
  say "|---|---:|---:|---:|---:|---:|---:|"
  say "$(accuracy_row upwatch "$work/arrivals-upwatch" "$interval")"
  say "$(accuracy_row "httping -i" "$work/arrivals-httping" "$interval")"
  say "$(accuracy_row "httping --ai -i" "$work/arrivals-httping-ai" "$interval")"
  say "$(accuracy_row "bash loop" "$work/arrivals-bash" "$interval")"
  say
}
if wanted 2; then
say "## 2. Schedule accuracy, from arrival times at the server"
say
accuracy 10 60
accuracy 100 60
fi

# --- 3. memory ----------------------------------------------------------------------------------
if wanted 3; then
note "3. memory: peak RSS after 10,000 and 1,000,000 probes"
rss_after() {  # COUNT
  timed "$work/time" "$upwatch" -o /dev/null --keep-alive -c "$1" "$(url "$port_upwatch")" \
    "$(awk -v r="$keep_rate" 'BEGIN { printf "%.9f", 1 / r }')" >/dev/null 2>&1 || true
  rss_kib "$work/time"
}
rss_10k=$(for _ in 1 2 3; do rss_after 10000; done | median)
rss_1m=$(rss_after 1000000)
timed "$work/time" httping -q -f -c 10000 -g "$(url "$port_httping")" >/dev/null 2>&1 || true
rss_httping=$(rss_kib "$work/time")
say "## 3. Peak RSS (KiB)"
say
say "| prober | after 10,000 probes | after 1,000,000 probes | growth |"
say "|---|---:|---:|---:|"
say "| upwatch --keep-alive at ${keep_rate}/s | $rss_10k | $rss_1m | $((rss_1m - rss_10k)) |"
say "| httping -f | $rss_httping | - | - |"
say
fi

# --- 4. stop latency ------------------------------------------------------------------------------
if wanted 4; then
note "4. stop latency with 100 probes hung"
"$build/tests/upwatch-test-server" hang 0 120 >"$work/hang.port" &
pids+=($!)
for _ in $(seq 100); do grep -q port "$work/hang.port" && break; sleep 0.05; done
hang_url="http://127.0.0.1:$(awk '{ print $2 }' "$work/hang.port")/health"
stop_ms() {  # COMMAND...: starts it, waits for 100 hung connections, SIGINT, ms until exit (cap 10 s)
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep 0.5
  local start end
  start=$(date +%s%N)
  kill -INT "$pid"
  for _ in $(seq 1000); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; wait "$pid" 2>/dev/null || true; echo ">10000"; return; fi
  wait "$pid" 2>/dev/null || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
up_stop=$(for _ in 1 2 3 4 5; do stop_ms "$upwatch" -o /dev/null -m 60 "$hang_url" 0.001; done | median)
hp_stop=$(for _ in 1 2 3; do stop_ms httping -q -t 60 -g "$hang_url"; done | median)
mkdir -p "$work/bash"
bash_stop=$(cd "$work/bash" && stop_ms bash "$root/tests/data/cutover-test.sh" "$hang_url" 0.001)
say "## 4. Stop latency: SIGINT to exit, probes hung on a server that never answers (ms, median)"
say
say "| prober | in flight | stop latency ms |"
say "|---|---:|---:|"
say "| upwatch (1 ms interval, -m 60) | 100 | $up_stop |"
say "| httping (-t 60) | 1 | $hp_stop |"
say "| bash loop (curl has no timeout) | 1 | $bash_stop |"
say
fi

# alternate FUNCTION ON OFF: seven runs of "FUNCTION ON" and seven of "FUNCTION OFF",
# alternating, each printing "CPU EXTRA"; sets with=() and without=() (the CPU figures) and
# extras=() (EXTRA of the runs with ON).
alternate() {
  local cpu extra
  with=() without=() extras=()
  for _ in 1 2 3 4 5 6 7; do
    read -r cpu extra <<<"$("$1" "$2")"
    with+=("$cpu") extras+=("$extra")
    read -r cpu _ <<<"$("$1" "$3")"
    without+=("$cpu")
  done
}
# callgrind_share PATTERN: the instructions per probe of $work/callgrind.out (5,000 probes), and
# the share of them (percent) in the functions whose lines match the awk regular expression
# PATTERN (inclusive of what they call).
callgrind_share() {
  callgrind_annotate --inclusive=yes --threshold=100 "$work/callgrind.out" | awk -v pattern="$1" '
    /PROGRAM TOTALS/ { gsub(/,/, "", $1); total = $1 }
    $0 ~ pattern { gsub(/,/, "", $1); part += $1 }
    END { printf "%.0f %.3f", total / 5000, 100 * part / total }'
}

# --- 5. the live view ---------------------------------------------------------------------------
# on_terminal COMMAND: runs COMMAND with its stdout and stderr on a pseudo-terminal (script(1),
# on core 0, plays the terminal); what the terminal showed goes to $work/screen.
on_terminal() {
  taskset -c 0 script -qfec "$1" /dev/null >"$work/screen" 2>&1 </dev/null || true
}
# live_cpu VIEW: upwatch --keep-alive at 10,000/s for 5 s on a pseudo-terminal, VIEW "--live" or
# "--no-live"; prints "CPU ms per 1,000 probes, status lines drawn".
live_cpu() {
  local before after
  before=$(requests)
  on_terminal "taskset -c 1 /usr/bin/time -f '%U %S %M' -o '$work/time' '$upwatch' -o /dev/null \
    --keep-alive --duration 5s $1 '$(url "$port_upwatch")' 0.0001"
  settle
  after=$(requests)
  echo "$(per_thousand "$(cpu_seconds "$work/time")" $((after - before - 1))) $(grep -ao $'\r[0-9]*:[0-9][0-9]:[0-9][0-9]  ' "$work/screen" | wc -l)"
}
# live_instructions VIEW: instructions (callgrind) of 5,000 probes at 250/s on a pseudo-terminal;
# prints "instructions per probe, the share of them in the live view's code (percent)".
live_instructions() {
  on_terminal "valgrind --tool=callgrind --callgrind-out-file='$work/callgrind.out' '$upwatch' \
    -o /dev/null --keep-alive -c 5000 $1 '$(url "$port_upwatch")' 0.004"
  callgrind_share 'upwatch::LiveView::refresh|upwatch::LiveStatus::on_probe|upwatch::LiveStatus::on_window'
}
if wanted 5; then
  note "5. live view: seven runs with it and seven without, alternating, on a pseudo-terminal"
  alternate live_cpu --live --no-live
  live_with=$(printf '%s\n' "${with[@]}" | median)
  live_without=$(printf '%s\n' "${without[@]}" | median)
  note "5. live view: instructions, under callgrind"
  read -r ir_with ir_share <<<"$(live_instructions --live)"
  read -r ir_without _ <<<"$(live_instructions --no-live)"
  say "## 5. The live view at 10,000 probes/s (kept alive, 5 s), stderr on a pseudo-terminal"
  say
  say "| upwatch | CPU ms per 1,000 probes (median of 7) | each run | instructions per probe (callgrind, 5,000 probes) |"
  say "|---|---:|---|---:|"
  say "| live view on (--live; status lines drawn per run: $(printf '%s\n' "${extras[@]}" | median)) | $live_with | ${with[*]} | $ir_with |"
  say "| live view off (--no-live) | $live_without | ${without[*]} | $ir_without |"
  say
  say "Ratios with/without: CPU time $(awk -v a="$live_with" -v b="$live_without" 'BEGIN { printf "%.3f", a / b }'), instructions $(awk -v a="$ir_with" -v b="$ir_without" 'BEGIN { printf "%.4f", a / b }'); the live view's own code (LiveView::refresh, LiveStatus's events) is ${ir_share}% of the instructions of the run with it."
  say
fi

# --- 6. the HTML timeline -------------------------------------------------------------------------
if wanted 6; then
  note "6. HTML timeline: a million probes, written three times and opened three times"
  "$build/bench/upwatch-synthetic-log" 1000000 >"$work/million.log"
  write_ms=() open_ms=()
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$upwatch" report --html "$work/million.html" \
      "$work/million.log" >/dev/null || true
    write_ms+=("$(tail -1 "$work/time" | awk '{ printf "%.0f", $1 * 1000 }')")
    write_rss=$(tail -1 "$work/time" | awk '{ print $2 }')
    open_ms+=("$(node "$root/tests/browser/check_timeline.mjs" "$work/million.html" "$work/million.png" |
      sed 's/.*"load_ms":\([0-9]*\).*/\1/')")
  done
  say "## 6. The HTML timeline of a million probes (a log of $(($(stat -c %s "$work/million.log") / 1048576)) MiB)"
  say
  say "| page size KiB | upwatch report --html ms (median of 3) | its peak RSS KiB | load in headless Chromium ms (median of 3) |"
  say "|---:|---:|---:|---:|"
  say "| $(($(stat -c %s "$work/million.html") / 1024)) | $(printf '%s\n' "${write_ms[@]}" | median) | $write_rss | $(printf '%s\n' "${open_ms[@]}" | median) |"
  say
fi
# --- 7. many targets --------------------------------------------------------------------------------
# One nginx on core 0 listening on 1,000 ports, a URL each; upwatch on core 1 probes 1, 10, 100,
# then 1,000 of them at 10/s each, kept alive, for 20 s. Each request's arrival is timed at the
# server side of loopback by tcpdump (the packet that carries it), told apart by its port.
if wanted 7; then
  many=1000
  mbase=$(free_port_base $((many + 1)))
  mstatus=$((mbase + many))
  mkdir -p "$work/many"
  {
    echo "daemon off; master_process off; pid $work/many/nginx.pid; error_log $work/many/error.log;"
    echo "worker_rlimit_nofile 8192; events { worker_connections 8192; }"
    echo "http { access_log off; client_body_temp_path $work/many/body; proxy_temp_path $work/many/proxy;"
    echo "fastcgi_temp_path $work/many/fastcgi; uwsgi_temp_path $work/many/uwsgi; scgi_temp_path $work/many/scgi;"
    echo "server {"
    for ((i = 0; i < many; i++)); do echo "  listen 127.0.0.1:$((mbase + i));"; done
    echo "  root $work/nginx/www; keepalive_requests 10000000; keepalive_timeout 60s; }"
    echo "server { listen 127.0.0.1:$mstatus; location / { stub_status; } } }"
  } >"$work/many/nginx.conf"
  ulimit -n 8192 2>/dev/null || true
  taskset -c 0 nginx -e "$work/many/error.log" -c "$work/many/nginx.conf" &
  pids+=($!)
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$mstatus") 2>/dev/null && break; sleep 0.05; done
  many_requests() { curl -s "http://127.0.0.1:$mstatus/" | awk 'NR == 3 { print $3 }'; }
  # many_row N: probes N URLs at 10/s each for 20 s; prints a row of the table.
  many_row() {
    local n=$1 seconds=20 before after capture stats
    for ((i = 0; i < n; i++)); do echo "http://127.0.0.1:$((mbase + i))/health"; done >"$work/many/urls"
    taskset -c 0 tcpdump -i lo -nn -tt --time-stamp-precision=micro -l -q -B 65536 \
      "tcp dst portrange $mbase-$((mbase + n - 1)) and tcp[tcpflags] & tcp-push != 0" \
      >"$work/many/arrivals.raw" 2>"$work/many/tcpdump.err" &
    capture=$!
    pids+=("$capture")
    for _ in $(seq 200); do grep -q "listening on" "$work/many/tcpdump.err" 2>/dev/null && break; sleep 0.05; done
    before=$(many_requests)
    timed "$work/time" "$upwatch" -o /dev/null -q --keep-alive --url-file "$work/many/urls" \
      --duration "${seconds}s" 0.1 >"$work/many/summary" 2>/dev/null || true
    settle
    after=$(many_requests)
    sleep 0.5
    kill "$capture" 2>/dev/null || true
    wait "$capture" 2>/dev/null || true
    # "TIME IP 127.0.0.1.SRC > 127.0.0.1.DST: tcp LEN": the arrival and its target's port.
    stats=$(awk '{ port = $5; sub(/:$/, "", port); sub(/.*\./, "", port); print $1, port }' \
      "$work/many/arrivals.raw" | "$gap_stats" 0.1)
    local expected=$((n * 10 * seconds)) arrived=$((after - before - 1))
    echo "$stats" | awk -v n="$n" -v expected="$expected" -v arrived="$arrived" \
      -v cpu="$(per_thousand "$(cpu_seconds "$work/time")" "$arrived")" -v rss="$(rss_kib "$work/time")" '{
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "| %d | %d | %d (%.2f%%) | %s | %s | %s | %s | %s | %s |\n", n, expected, arrived,
        100 * arrived / expected, cpu, rss, v["p50_ms"], v["p99_ms"], v["worst_p99_ms"], v["max_ms"] }'
  }
  note "7. many targets: 1, 10, 100 and 1,000 URLs at 10/s each, kept alive, 20 s each"
  say "## 7. Many targets: URLs at 10 probes/s each, kept alive, 20 s, one core"
  say
  say "| URLs | probes due | arrived at the server | CPU ms per 1,000 probes | peak RSS KiB | gap deviation p50 ms | p99 ms | worst URL's p99 ms | max ms |"
  say "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for n in 1 10 100 1000; do say "$(many_row "$n")"; done
  say
  # The core itself, alone: a fixed unit of work timed over and over, with no prober running.
  say "Core 1 alone for 20 s (\`upwatch-cpu-steadiness\`, a unit of work that took 3 times the"
  say "fastest is slow): $(taskset -c 1 "$build/bench/upwatch-cpu-steadiness" 20)"
  say
fi
# --- 8. being scraped by Prometheus ------------------------------------------------------------------
# scraped_cpu on|off: upwatch --keep-alive at 1,000/s for 10 s; "on" serves metrics
# (--metrics-listen) and a scraper on core 0 reads them every second, "off" serves none;
# prints CPU ms per 1,000 probes and the scrapes that were answered.
scraped_cpu() {
  local before after run mport scrapes=0
  local args=(-o /dev/null -q --keep-alive --duration 10s)
  if [[ $1 == on ]]; then
    mport=$(free_port_base 1)
    args+=(--metrics-listen "127.0.0.1:$mport")
  fi
  before=$(requests)
  timed "$work/time" "$upwatch" "${args[@]}" "$(url "$port_upwatch")" 0.001 >/dev/null &
  run=$!
  if [[ $1 == on ]]; then
    for _ in $(seq 10); do
      sleep 1
      taskset -c 0 curl -sf -o /dev/null "http://127.0.0.1:$mport/metrics" && scrapes=$((scrapes + 1))
    done
  fi
  wait "$run" || true
  settle
  after=$(requests)
  echo "$(per_thousand "$(cpu_seconds "$work/time")" $((after - before - 1))) $scrapes"
}
# scraped_instructions on|off: instructions (callgrind) of 5,000 probes at 250/s, "on" with the
# metrics served and scraped every 4 s: once every 1,000 probes, as at 1,000/s scraped every
# second; prints instructions per probe, and the share of them
# (percent) in the metrics' own code: the analysis' events turned into metrics, and the threads
# of the metrics server (every thread but the main one), scrapes included.
scraped_instructions() {
  local run mport args=(-o /dev/null -q --keep-alive -c 5000)
  if [[ $1 == on ]]; then
    mport=$(free_port_base 1)
    args+=(--metrics-listen "127.0.0.1:$mport")
  fi
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$upwatch" "${args[@]}" \
    "$(url "$port_upwatch")" 0.004 >/dev/null 2>"$work/callgrind.err" &
  run=$!
  if [[ $1 == on ]]; then
    for _ in $(seq 15); do
      sleep 4
      kill -0 "$run" 2>/dev/null || break
      curl -s -o /dev/null "http://127.0.0.1:$mport/metrics" || true
    done
  fi
  wait "$run" || true
  callgrind_share 'upwatch::RunMetrics::Target::on_[a-z_]*[(].*[)] [[]|pthread_create[.]c:start_thread '
}
if wanted 8; then
  note "8. metrics: seven runs scraped every second and seven without metrics, alternating"
  alternate scraped_cpu on off
  scraped_with=$(printf '%s\n' "${with[@]}" | median)
  scraped_without=$(printf '%s\n' "${without[@]}" | median)
  note "8. metrics: instructions, under callgrind"
  read -r ir_with ir_share <<<"$(scraped_instructions on)"
  read -r ir_without _ <<<"$(scraped_instructions off)"
  say "## 8. Metrics scraped every second at 1,000 probes/s (kept alive, 10 s)"
  say
  say "| upwatch | CPU ms per 1,000 probes (median of 7) | each run | instructions per probe (callgrind, 5,000 probes at 250/s, a scrape every 1,000) |"
  say "|---|---:|---|---:|"
  say "| --metrics-listen, scraped every second (scrapes answered per run: $(printf '%s\n' "${extras[@]}" | median)) | $scraped_with | ${with[*]} | $ir_with |"
  say "| no metrics | $scraped_without | ${without[*]} | $ir_without |"
  say
  say "Ratios with/without: CPU time $(awk -v a="$scraped_with" -v b="$scraped_without" 'BEGIN { printf "%.3f", a / b }'), instructions $(awk -v a="$ir_with" -v b="$ir_without" 'BEGIN { printf "%.4f", a / b }'); the metrics' own code (the events turned into metrics, the metrics server's threads and its scrapes) is ${ir_share}% of the instructions of the run with them."
  say
fi
note "done: $results"
