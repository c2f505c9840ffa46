#!/usr/bin/env bash
# The C kernels' reference tests compiled for aarch64 (clang --target=aarch64-linux-gnu, Debian's cross
# libc and libgcc) and run under qemu-aarch64: the kernels are portable C, with no x86 assumption left.
# Debian has no libomp for the target, so this build is serial (see build-kernels-reference.sh); the
# threads are checked natively by the other kernel checks.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh qemu-user libc6-dev-arm64-cross libgcc-12-dev-arm64-cross
program=$(mktemp)
trap 'rm -f "$program"' EXIT
./scripts/build-kernels-reference.sh "$program" serial --target=aarch64-linux-gnu
echo "kernel reference tests on aarch64 under qemu-aarch64 (failures and the count):"
qemu-aarch64 -L /usr/aarch64-linux-gnu "$program" | grep -v '^ok '
