#!/usr/bin/env bash
# Installs the Debian packages upwatch needs that are missing, and nothing else.
# Usage: scripts/setup.sh [extra-package ...]
set -euo pipefail

packages=(cmake make g++ pkg-config libcurl4-openssl-dev libcli11-dev libspdlog-dev libfmt-dev
          nlohmann-json3-dev libgtest-dev "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "upwatch setup: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
