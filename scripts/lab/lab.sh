#!/usr/bin/env bash
# The cutover rehearsal lab, to be sourced: a load balancer in the ALB's role (HAProxy with
# active health checks, 503 when no server is healthy, HTTPS with HTTP/2 over ALPN) in front of
# "instances" (nginx servers on loopback, each serving a health page that names its version),
# launched, drained, stopped and killed one by one like an Auto Scaling Group's. Like an ALB's,
# the load balancer is several nodes (one HAProxy on each of 127.0.0.1 and 127.0.0.2, with the
# same configuration) behind one name, $LAB_NAME, and routes by path: /api/ to the "api" target
# group (slot a1), everything else to "asg" (slots s1, s2, s3).
# Everything it starts is recorded in $LAB_DIR/pids and stopped by PID in lab_down.

# shellcheck source=scripts/ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/../ports.sh"

LAB_SLOTS=(s1 s2 s3 a1)
LAB_NODES=(127.0.0.1 127.0.0.2)
LAB_NAME=lab.test

# lab_init DIR: sets the lab's directory and picks free loopback ports for it.
lab_init() {
  LAB_DIR=$1
  rm -rf "$LAB_DIR"
  mkdir -p "$LAB_DIR/pids" "$LAB_DIR/www" "$LAB_DIR/tmp"
  local base
  base=$(free_port_base $((4 + ${#LAB_NODES[@]} + ${#LAB_SLOTS[@]})))
  LAB_HTTP_PORT=$base
  LAB_HTTPS_PORT=$((base + 1))
  LAB_MTLS_PORT=$((base + 2))   # HTTPS that requires a client certificate
  LAB_TLS12_PORT=$((base + 3))  # HTTPS that offers TLS 1.2 at most
  LAB_ADMIN_BASE=$((base + 4))
  LAB_SLOT_BASE=$((base + 4 + ${#LAB_NODES[@]}))
}

# lab_save: writes the lab's settings to $LAB_DIR/lab.env, for lab_load.
lab_save() {
  local name
  for name in LAB_DIR LAB_HTTP_PORT LAB_HTTPS_PORT LAB_MTLS_PORT LAB_TLS12_PORT LAB_ADMIN_BASE \
    LAB_SLOT_BASE; do
    printf '%s=%q\n' "$name" "${!name}"
  done >"$LAB_DIR/lab.env"
}

# lab_load DIR: takes the settings of the lab running in DIR (lab_save); fails if there is none.
lab_load() {
  [[ -e $1/lab.env ]] || { echo "lab: no lab in $1 (start one with ctl.sh $1 up)" >&2; return 1; }
  # shellcheck source=/dev/null
  source "$1/lab.env"
}

# lab_resolve PORT: the --resolve entry that pins $LAB_NAME:PORT to every node.
lab_resolve() {
  local IFS=,
  echo "$LAB_NAME:$1:${LAB_NODES[*]}"
}

# lab_now: the time now, UTC with milliseconds, as upwatch writes it.
lab_now() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

# lab_event TEXT...: appends a timestamped line to the lab's event log and prints it; once a
# run watches (LAB_MARK_LOG, LAB_UPWATCH), marks it in the run's log too.
lab_event() { lab_event_at "$(lab_now)" "$*"; }

# lab_event_at TIME TEXT: as lab_event, for a step that began at TIME.
lab_event_at() {
  echo "$1 $2" >>"$LAB_DIR/events.log"
  echo "lab: $1 $2" >&2
  lab_mark "$1" "$2"
}

# lab_mark TIME TEXT: marks the run's log with TEXT (upwatch mark), dated TIME (when the step
# happened, however late a loaded machine runs the mark), if a run watches.
lab_mark() {
  [[ -n ${LAB_MARK_LOG:-} ]] || return 0
  "$LAB_UPWATCH" mark -o "$LAB_MARK_LOG" --at "$1" "$2"
}

# lab_slot_port NAME: the port of instance slot NAME (s1, s2, s3, a1).
lab_slot_port() {
  local i
  for i in "${!LAB_SLOTS[@]}"; do
    [[ ${LAB_SLOTS[$i]} == "$1" ]] && { echo $((LAB_SLOT_BASE + i)); return; }
  done
  echo "lab: no slot $1" >&2
  return 1
}

# lab_pool NAME: the target group (HAProxy backend) of instance slot NAME.
lab_pool() { [[ $1 == a* ]] && echo api || echo asg; }

# lab_certificate: a self-signed certificate for $LAB_NAME, localhost and the nodes, made
# afresh; and for mutual TLS, a client CA (client-ca.crt) and a client certificate it signed
# (client.crt and client.key, and both in client.pem).
lab_certificate() {
  local names="DNS:$LAB_NAME,DNS:localhost" node
  for node in "${LAB_NODES[@]}"; do names+=",IP:$node"; done
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=$names" \
    -keyout "$LAB_DIR/lab.key" -out "$LAB_DIR/lab.crt" 2>/dev/null
  cat "$LAB_DIR/lab.crt" "$LAB_DIR/lab.key" >"$LAB_DIR/lab.pem"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lab client CA" \
    -keyout "$LAB_DIR/client-ca.key" -out "$LAB_DIR/client-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=prober \
    -keyout "$LAB_DIR/client.key" -out "$LAB_DIR/client.csr" 2>/dev/null
  openssl x509 -req -days 2 -in "$LAB_DIR/client.csr" -CA "$LAB_DIR/client-ca.crt" \
    -CAkey "$LAB_DIR/client-ca.key" -CAcreateserial -out "$LAB_DIR/client.crt" 2>/dev/null
  cat "$LAB_DIR/client.crt" "$LAB_DIR/client.key" >"$LAB_DIR/client.pem"
}

# lab_start_lb: starts a HAProxy on each node and waits until each has checked every slot:
# launched instances healthy, empty slots unhealthy.
lab_start_lb() {
  lab_certificate
  local servers="" name node
  for name in "${LAB_SLOTS[@]}"; do
    servers+="  server $name 127.0.0.1:$(lab_slot_port "$name")"$'\n'
  done
  for node in "${!LAB_NODES[@]}"; do
    cat >"$LAB_DIR/haproxy-$node.cfg" <<CFG
global
  stats socket ipv4@127.0.0.1:$((LAB_ADMIN_BASE + node)) level admin
  maxconn 4096

defaults
  mode http
  timeout connect 1s
  retries 0
  timeout client 30s
  timeout server 30s

frontend alb
  bind ${LAB_NODES[$node]}:$LAB_HTTP_PORT
  bind ${LAB_NODES[$node]}:$LAB_HTTPS_PORT ssl crt $LAB_DIR/lab.pem alpn h2,http/1.1
  bind ${LAB_NODES[$node]}:$LAB_MTLS_PORT ssl crt $LAB_DIR/lab.pem alpn h2,http/1.1 ca-file $LAB_DIR/client-ca.crt verify required
  bind ${LAB_NODES[$node]}:$LAB_TLS12_PORT ssl crt $LAB_DIR/lab.pem alpn h2,http/1.1 ssl-max-ver TLSv1.2
  use_backend api if { path_beg /api/ }
  default_backend asg

# The target groups: health checks like an ALB's (path, interval, healthy and unhealthy counts);
# each serves the slots of its own.
backend asg
  option httpchk GET /health
  http-check expect status 200
  default-server check inter 100ms fall 2 rise 2
$(grep ' s[0-9]* ' <<<"$servers")

backend api
  option httpchk GET /api/health
  http-check expect status 200
  default-server check inter 100ms fall 2 rise 2
$(grep ' a[0-9]* ' <<<"$servers")
CFG
    haproxy -f "$LAB_DIR/haproxy-$node.cfg" -db </dev/null >"$LAB_DIR/haproxy-$node.out" 2>&1 &
    echo $! >"$LAB_DIR/pids/lb$node"
    lab_wait_for "HAProxy on ${LAB_NODES[$node]} to listen" 100 lab_admin "show info" "$node" >/dev/null
  done
  for name in "${LAB_SLOTS[@]}"; do
    if [[ -e $LAB_DIR/pids/$name ]]; then
      lab_wait_for "$name to be checked healthy" 400 lab_state_is "$name" UP
    else
      lab_wait_for "$name to be checked unhealthy" 400 lab_state_is "$name" DOWN
    fi
  done
}

# lab_admin COMMAND [NODE]: runs a command on the admin socket of node NODE (the first if none)
# and prints the answer.
lab_admin() {
  exec 9<>"/dev/tcp/127.0.0.1/$((LAB_ADMIN_BASE + ${2:-0}))" || return 1
  printf '%s\n' "$1" >&9
  cat <&9
  exec 9<&-
}

# lab_admin_all COMMAND: runs a command on every node.
lab_admin_all() {
  local node
  for node in "${!LAB_NODES[@]}"; do lab_admin "$1" "$node" >/dev/null; done
}

# lab_state NAME [NODE]: node NODE's view of slot NAME: UP, DOWN, DRAIN, MAINT, ...
lab_state() {
  lab_admin "show stat" "${2:-0}" |
    awk -F, -v pool="$(lab_pool "$1")" -v name="$1" '$1 == pool && $2 == name { print $18 }'
}

# lab_nodes_in NAME STATE: how many nodes see slot NAME in STATE.
lab_nodes_in() {
  local node count=0
  for node in "${!LAB_NODES[@]}"; do
    [[ $(lab_state "$1" "$node") == "$2" ]] && count=$((count + 1))
  done
  echo "$count"
}

# lab_state_is NAME STATE: true if every node sees slot NAME in STATE.
lab_state_is() { (($(lab_nodes_in "$1" "$2") == ${#LAB_NODES[@]})); }

# lab_wait_for WHAT TRIES COMMAND...: retries COMMAND every 50 ms until it succeeds.
lab_wait_for() {
  local what=$1 tries=$2
  shift 2
  for ((i = 0; i < tries; i++)); do
    "$@" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "lab: gave up waiting for $what" >&2
  return 1
}

# lab_launch NAME VERSION: starts an nginx instance of VERSION in slot NAME; the load balancer
# sends it traffic once its health checks pass (lab_wait_healthy).
lab_launch() {
  local name=$1 version=$2 port
  port=$(lab_slot_port "$name")
  mkdir -p "$LAB_DIR/www/$version" "$LAB_DIR/tmp/$name"
  echo "healthy: $version" >"$LAB_DIR/www/$version/health.html"
  cat >"$LAB_DIR/$name.nginx.conf" <<CFG
daemon off;
master_process off;
pid $LAB_DIR/tmp/$name/nginx.pid;
error_log $LAB_DIR/$name.error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  client_body_temp_path $LAB_DIR/tmp/$name/body;
  proxy_temp_path $LAB_DIR/tmp/$name/proxy;
  fastcgi_temp_path $LAB_DIR/tmp/$name/fastcgi;
  uwsgi_temp_path $LAB_DIR/tmp/$name/uwsgi;
  scgi_temp_path $LAB_DIR/tmp/$name/scgi;
  server {
    listen 127.0.0.1:$port;
    root $LAB_DIR/www/$version;
    location ~ ^(/api)?/health\$ {
      add_header X-App-Version $version;
      try_files /health.html =404;
    }
  }
}
CFG
  lab_now >"$LAB_DIR/tmp/$name/started_at"  # it cannot answer, nor be healthy, before this
  # Its output to a file: it outlives a `ctl.sh launch`, and must not hold that one's open.
  nginx -e "$LAB_DIR/$name.error.log" -c "$LAB_DIR/$name.nginx.conf" </dev/null \
    >"$LAB_DIR/$name.out" 2>&1 &
  echo $! >"$LAB_DIR/pids/$name"
  lab_wait_for "$name to listen" 100 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
  # Before HAProxy runs (the first instances) there is no health to wait for.
  [[ -e $LAB_DIR/pids/lb0 ]] || return 0
  # A slot stopped before (deregistered) takes traffic again once it is checked healthy.
  lab_admin_all "set server $(lab_pool "$name")/$name state ready"
  lab_event_at "$(cat "$LAB_DIR/tmp/$name/started_at")" "launched $name $version"
}

# lab_wait_healthy NAME: waits until every node marks NAME healthy. The event it logs carries
# the time of the last check at which no node saw it healthy: no node sent it traffic before.
# The mark in upwatch's log carries the time of the check that saw it healthy on every node.
lab_wait_healthy() {
  local name=$1 before not_up_at up
  not_up_at=$(cat "$LAB_DIR/tmp/$name/started_at")
  for _ in $(seq 600); do
    before=$(lab_now)
    up=$(lab_nodes_in "$name" UP)
    if ((up == ${#LAB_NODES[@]})); then
      echo "$not_up_at healthy $name" >>"$LAB_DIR/events.log"
      echo "lab: $name is healthy (no node had it at $not_up_at)" >&2
      lab_mark "$before" "healthy $name"  # the log tells when it was seen healthy
      return 0
    fi
    ((up > 0)) || not_up_at=$before
    sleep 0.02
  done
  echo "lab: $name never became healthy" >&2
  return 1
}

# lab_drain NAME: the load balancer sends NAME no new requests; those in flight finish.
lab_drain() {
  lab_admin_all "set server $(lab_pool "$1")/$1 state drain"
  lab_event "drained $1"
}

# lab_wait_gone PID: waits until process PID has exited, for at most 10 s: the shell's own child
# is reaped, another's (started by an earlier `ctl.sh` command) is polled.
lab_wait_gone() {
  wait "$1" 2>/dev/null || true
  local _
  for _ in $(seq 200); do
    # Gone, or a zombie that whoever inherited it has yet to reap.
    kill -0 "$1" 2>/dev/null && [[ $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) != Z ]] || return 0
    sleep 0.05
  done
  echo "lab: process $1 did not exit" >&2
  return 1
}

# lab_end NAME SIGNAL WHAT: logs WHAT, sends SIGNAL to instance NAME and waits until it exits.
lab_end() {
  local pid
  pid=$(cat "$LAB_DIR/pids/$1")
  lab_event "$3 $1"
  kill -"$2" "$pid"
  lab_wait_gone "$pid"
  rm -f "$LAB_DIR/pids/$1"
}

# lab_stop NAME: stops instance NAME gracefully (in-flight requests finish) and deregisters it.
lab_stop() {
  lab_end "$1" QUIT stopping
  lab_admin_all "set server $(lab_pool "$1")/$1 state maint"
}

# lab_kill NAME: kills instance NAME abruptly, whatever it had in flight.
lab_kill() { lab_end "$1" KILL killing; }

# lab_node_pause NODE / lab_node_resume NODE: stops the load-balancer node NODE (its HAProxy
# takes connections into its backlog but answers nothing), then lets it go on.
lab_node_pause() {
  lab_event "pausing node ${LAB_NODES[$1]}"
  kill -STOP "$(cat "$LAB_DIR/pids/lb$1")"
}
lab_node_resume() {
  kill -CONT "$(cat "$LAB_DIR/pids/lb$1")"
  lab_event "resumed node ${LAB_NODES[$1]}"
}

# lab_down: stops, by PID, everything the lab started that is still running: the probers
# first, the load-balancer nodes last.
lab_down() {
  local file pid
  for file in "$LAB_DIR"/pids/upwatch* "$LAB_DIR"/pids/[sa][0-9]* "$LAB_DIR"/pids/lb*; do
    [[ -e $file ]] || continue
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true
    lab_wait_gone "$pid" || true
    rm -f "$file"
  done
}
