#!/usr/bin/env bash
# Installs Debian packages only when they are missing: with no arguments the system libraries medad
# links against, so that the two README commands work on a fresh Debian machine that has just the
# Swift toolchain; with arguments those packages (the kernel checks' cross libc and qemu, and
# scripts/slurm-test.sh's SLURM and munge).
set -euo pipefail

packages=("$@")
[ ${#packages[@]} -eq 0 ] && packages=(libopenblas-dev libnifti-dev libomp-dev zlib1g-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "medad: missing system packages ${missing[*]} and not root (no sudo)" >&2; exit 1; }
  sudo="sudo"
fi
echo "medad: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
