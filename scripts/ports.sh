#!/usr/bin/env bash
# Loopback ports for the servers the project's scripts start, to be sourced.

# free_port_base COUNT: prints the first of COUNT consecutive ports on which nothing listens on
# 127.0.0.1. They lie below the kernel's ephemeral range, so that no outgoing connection (a
# prober's, a load balancer's health check) can be holding one of them as its local port.
free_port_base() {
  local count=$1 base ephemeral_low port
  read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range
  ((ephemeral_low > 11000)) || ephemeral_low=32768
  for _ in $(seq 50); do
    base=$((10000 + RANDOM % (ephemeral_low - 10000 - count)))
    for ((port = base; port < base + count; port++)); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue 2; fi
    done
    echo "$base"
    return 0
  done
  echo "no $count free consecutive ports on 127.0.0.1" >&2
  return 1
}
