#!/usr/bin/env bash
# Tests that drive a real one-node SLURM cluster (tools/slurm/local-cluster.ts) need Debian's
# slurm-wlm (slurmctld, slurmd, sbatch/squeue/scancel/scontrol) and munge. Installs them with apt
# when missing; idempotent; prints one line saying what it did. Starts nothing: the packages'
# services are kept from starting (policy-rc.d) and the test starts its own private daemons.
set -euo pipefail

version() { PATH="$PATH:/usr/sbin" slurmctld -V 2>/dev/null || echo 'version unknown'; }

have_all() {
  local cmd
  for cmd in sbatch squeue scancel scontrol sinfo slurmctld slurmd munged mungekey; do
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || return 1
  done
}

if have_all; then
  echo "[normfree] slurm: already installed ($(version))" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "[normfree] slurm: sbatch/slurmctld/munged are missing and we are not root: SLURM tests will be skipped" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "[normfree] slurm: sbatch/slurmctld/munged are missing and there is no apt-get: SLURM tests will be skipped" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo

# Keep the packages' init scripts / systemd units from starting munge, slurmctld or slurmd
# (invoke-rc.d and deb-systemd-invoke both honour policy-rc.d). Only when there is none already.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  ADDED_POLICY=1
fi
cleanup() { if [ "$ADDED_POLICY" = 1 ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT

start=$(date +%s)
log=$(mktemp)
if ! { $SUDO apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
       slurm-wlm slurmctld slurmd slurm-client munge; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  rm -f "$log"
  echo "[normfree] slurm: apt-get install of slurm-wlm and munge FAILED (log above)" >&2
  exit 1
fi
rm -f "$log"
if ! have_all; then
  echo "[normfree] slurm: installed slurm-wlm and munge but sbatch/slurmctld/slurmd/munged are still missing" >&2
  exit 1
fi
echo "[normfree] slurm: installed Debian's slurm-wlm and munge ($(version)) in $(( $(date +%s) - start ))s" >&2
