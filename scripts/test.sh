#!/usr/bin/env bash
# Installs what is missing, builds upwatch and its tests, and runs every test through ctest:
# once in a normal build with warnings as errors, once under AddressSanitizer and UBSan; then
# fuzzes the log readers for a minute (scripts/fuzz.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# curl: the bash loop's own, for the test that reads its log; haproxy, nginx, openssl: the
# rehearsal lab; prometheus: the end-to-end test of the metrics; dpkg-dev and file (cpack's
# dpkg-shlibdeps), groff-base and zsh: the tests of the package, the manual page and the
# completions; then Chromium and what drives it, for the HTML timeline.
"$root/scripts/setup-browser.sh" curl haproxy nginx openssl prometheus dpkg-dev file groff-base zsh
jobs=$(nproc)

run_suite() {
  local build=$1
  shift
  cmake -S "$root" -B "$build" -DUPWATCH_WERROR=ON "$@" >/dev/null
  cmake --build "$build" --parallel "$jobs"
  ctest --test-dir "$build" --output-on-failure --timeout 300
}

echo "== tests (RelWithDebInfo)"
run_suite "$root/build/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
run_suite "$root/build/asan" -DCMAKE_BUILD_TYPE=Debug -DUPWATCH_SANITIZE=ON
echo "== fuzzing the log readers"
"$root/scripts/fuzz.sh" 60
