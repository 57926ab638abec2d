#!/usr/bin/env bash
# CPU per fresh HTTPS probe, side by side at the same rate: upwatch, httping -l and the bash
# loop's curl (one curl -I process a probe), against one nginx on core 0 serving TLS with a
# certificate made here (the probers on core 1). For HTTP/1.1 and HTTP/2, with certificate
# verification (--cacert) and without (-k). httping has no HTTP/2 and never verifies.
# Each prober sends 5 x RATE probes, one every 1/RATE s (the bash loop sleeps that long after
# each curl, as the cutover plan's loop does, so it runs slower), ROUNDS times, in turn; prints
# one markdown row per prober and mode: the median probes/s at the server and CPU ms (user +
# sys, children included) per probe.
# Usage: bench/https_side_by_side.sh [RATE [ROUNDS [UPWATCH]]]
set -euo pipefail
rate=${1:-20} rounds=${2:-3} upwatch=${3:-$(dirname "$0")/../build/bench/upwatch}
seconds=5
source "$(dirname "$0")/../scripts/ports.sh"
work=$(mktemp -d)
mkdir -p "$work/www" && echo ok >"$work/www/health"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
base=$(free_port_base 2)
cat >"$work/nginx.conf" <<CFG
daemon off; master_process off; pid $work/nginx.pid; error_log $work/error.log;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $work/body; proxy_temp_path $work/proxy;
fastcgi_temp_path $work/fastcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
server { listen 127.0.0.1:$base ssl http2 backlog=4096; root $work/www;
  ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem; }
server { listen 127.0.0.1:$((base + 1)); location / { stub_status; } } }
CFG
taskset -c 0 nginx -e "$work/error.log" -c "$work/nginx.conf" &
nginx_pid=$!
trap 'kill $nginx_pid; wait $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$base") 2>/dev/null && break; sleep 0.05; done
url="https://127.0.0.1:$base/health"
count=$((rate * seconds))
interval=$(awk -v r="$rate" 'BEGIN { printf "%.9f", 1 / r }')
requests() { curl -s "http://127.0.0.1:$((base + 1))/" | awk 'NR == 3 { print $3 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure NAME COMMAND...: runs COMMAND on core 1; appends "NAME probes/s cpu_ms_per_probe".
measure() {
  local name=$1 before after
  shift
  before=$(requests)
  taskset -c 1 /usr/bin/time -f "%U %S %e" -o "$work/time" "$@" >/dev/null 2>&1 || true
  sleep 0.2
  after=$(requests)
  awk -v name="$name" -v n=$((after - before - 1)) -v line="$(tail -1 "$work/time")" \
    'BEGIN { split(line, t, " "); printf "%s %.1f %.3f\n", name, n / t[3], (t[1] + t[2]) / n * 1000 }' \
    >>"$work/results"
}
# curl_loop CURL-OPTION...: the bash loop of the cutover plan: curl -I, then sleep INT.
curl_loop() {
  local i
  for ((i = 0; i < count; i++)); do
    curl -s -o /dev/null -I "$@" "$url"
    sleep "$interval"
  done
}
export -f curl_loop
export url count interval

for _ in $(seq "$rounds"); do
  for http in http1.1 http2; do
    for verify in verify insecure; do
      tls=(--cacert "$work/cert.pem")
      [[ $verify == insecure ]] && tls=(-k)
      measure "upwatch $http $verify" "$upwatch" -q -o /dev/null "--$http" "${tls[@]}" \
        -c "$count" "$url" "$interval"
      measure "curl $http $verify" bash -c 'curl_loop "$@"' _ "--$http" "${tls[@]}"
    done
  done
  measure "httping http1.1 insecure" httping -q -l -c "$count" -i "$interval" -g "$url"
done

echo "| prober | HTTP | certificate | probes/s at the server (its time) | CPU ms per probe |"
echo "|---|---|---|---:|---:|"
for name in $(awk '{ print $1 "_" $2 "_" $3 }' "$work/results" | sort -u); do
  IFS=_ read -r prober http verify <<<"$name"
  rows=$(awk -v p="$prober" -v h="$http" -v v="$verify" '$1 == p && $2 == h && $3 == v' "$work/results")
  echo "| $prober | $http | $verify | $(awk '{ print $4 }' <<<"$rows" | median) | $(awk '{ print $5 }' <<<"$rows" | median) |"
done
