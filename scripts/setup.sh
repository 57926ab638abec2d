#!/usr/bin/env bash
# Installs the Debian packages upwatch needs that are missing, and nothing else.
# Usage: scripts/setup.sh [extra-package ...]
set -euo pipefail

packages=(cmake make g++ pkg-config libcurl4-openssl-dev libcli11-dev libspdlog-dev libfmt-dev
          nlohmann-json3-dev libgtest-dev libc-ares-dev prometheus-cpp-dev
          libmicrohttpd-dev "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$package")
done
((${#missing[@]} > 0)) || exit 0

echo "upwatch setup: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
# Installing nginx or haproxy must not start them as system services: the lab starts its own.
guard=/usr/sbin/policy-rc.d
if [[ ! -e $guard ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$guard" >/dev/null
  $sudo chmod +x "$guard"
  trap '$sudo rm -f "$guard"' EXIT
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
