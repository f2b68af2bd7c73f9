#!/usr/bin/env bash
# packages/backend-native/src/cross-compile.test.ts compiles the addon's C++ sources for arm64
# (aarch64) to prove they build there (issue 15: <immintrin.h> was included unconditionally). It needs
# Debian's cross compiler g++-aarch64-linux-gnu. Installs it with apt when missing; idempotent; prints
# one line saying what it did. Without root or apt-get it says so and exits 0: the test is then
# skipped with the same explanation.
set -euo pipefail

CXX_CROSS=aarch64-linux-gnu-g++
if command -v "$CXX_CROSS" >/dev/null 2>&1; then
  echo "[normfree] cross-gcc: already installed ($("$CXX_CROSS" -dumpfullversion))" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "[normfree] cross-gcc: $CXX_CROSS is missing and we are not root: the arm64 compile test will be skipped" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "[normfree] cross-gcc: $CXX_CROSS is missing and there is no apt-get: the arm64 compile test will be skipped" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo

start=$(date +%s)
log=$(mktemp)
if ! { $SUDO apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends g++-aarch64-linux-gnu; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  rm -f "$log"
  echo "[normfree] cross-gcc: apt-get install of g++-aarch64-linux-gnu FAILED (log above)" >&2
  exit 1
fi
rm -f "$log"
echo "[normfree] cross-gcc: installed Debian's g++-aarch64-linux-gnu ($("$CXX_CROSS" -dumpfullversion)) in $(( $(date +%s) - start ))s" >&2
