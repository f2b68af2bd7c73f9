#!/usr/bin/env bash
# The two commands of the root README, on a machine that has only Node.js 20 and npm:
#   npm run reproduce [-- <reproduce options>]   trains the paper's four configurations, writes the report
#   npm test                                     the whole test suite (what CI runs, via .ci/run)
#   npm run gpu-benchmark [-- options]           adapters, fixture parity, matmul and training speed on a GPU
# Each installs what it needs first: the pinned pnpm (into .tools/, nothing global), the locked
# dependencies, a build of every package.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
PNPM_VERSION=10.34.9

ensure_pnpm() {
  if [ "$(.tools/node_modules/.bin/pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
    echo "[normfree] installing pnpm $PNPM_VERSION into .tools/" >&2
    npm install --silent --no-audit --no-fund --prefix .tools "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$PWD/.tools/node_modules/.bin:$PATH"
}

install_and_build() {
  ensure_pnpm
  pnpm install --frozen-lockfile >&2
  pnpm exec turbo run build --output-logs=errors-only >&2
}

command="${1:-}"
shift || true
case "$command" in
  reproduce)
    install_and_build
    exec node packages/cli/dist/bin.js reproduce "$@"
    ;;
  gpu-benchmark)
    install_and_build
    exec node packages/bench/dist/gpu-benchmark.js "$@"
    ;;
  test)
    install_and_build
    bash tools/ensure-chromium.sh
    bash tools/ensure-slurm.sh
    bash tools/ensure-cross-gcc.sh
    pnpm exec turbo run typecheck lint --output-logs=errors-only
    node tools/check-single-tfjs-core.mjs
    # typescript-eslint with types, import cycles (import() included), Prettier (issue 22, item 6)
    pnpm run --silent lint:code
    exec pnpm exec vitest run "$@"
    ;;
  *)
    echo "usage: npm run reproduce [-- options] | npm test | npm run gpu-benchmark [-- options]" >&2
    exit 2
    ;;
esac
