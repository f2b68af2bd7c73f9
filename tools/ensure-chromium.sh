#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core (toolchain.md §11.5).
# Installs it with apt when it is missing; never downloads a browser of its own.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "[normfree] /usr/bin/chromium is missing and we are not root: browser tests will be skipped" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
echo "[normfree] installing Debian's chromium for the browser tests" >&2
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
