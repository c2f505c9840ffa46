#!/usr/bin/env bash
# The C kernels' reference tests on each instruction set they are compiled for on x86-64 (CK_VECTORISED,
# Sources/CKernels/parallel.h), on a machine that has AVX2:
# - the kernels as built, natively: the copies this CPU picks (AVX-512 or AVX2);
# - the same program under qemu-x86_64 emulating a Nehalem, a CPU without AVX, where the loader must
#   bind the baseline copies (an AVX instruction there would be an illegal instruction);
# - the AVX2 copies alone, natively: the code an AVX2 CPU without AVX-512 runs. Under the emulated
#   Nehalem this build must die of SIGILL, which shows that qemu refuses what the baseline must not use.
# (qemu 7.2 cannot run the AVX2 copies itself: its vmaskmovps faults on masked-off elements.)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -m)" != x86_64 ] || ! grep -qw avx2 /proc/cpuinfo; then
  echo "check-kernels-x86: needs an x86-64 CPU with AVX2, skipped"
  exit 0
fi
./scripts/bootstrap.sh libomp-dev qemu-user
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
./scripts/build-kernels-reference.sh "$dir/dispatched" native
./scripts/build-kernels-reference.sh "$dir/avx2" native '-DCK_VECTORISED=__attribute__((target("arch=x86-64-v3")))'

echo "kernel reference tests, natively (failures and the count):"
"$dir/dispatched" | grep -v '^ok '
echo "kernel reference tests under qemu-x86_64 -cpu Nehalem (no AVX):"
qemu-x86_64 -cpu Nehalem "$dir/dispatched" | grep -v '^ok '
echo "kernel reference tests, AVX2 copies, natively:"
"$dir/avx2" | grep -v '^ok '
status=0
{ qemu-x86_64 -cpu Nehalem "$dir/avx2" > /dev/null 2>&1; } 2> /dev/null || status=$?   # quiet: no shell report
if [ "$status" -ne 132 ]; then
  echo "check-kernels-x86: the AVX2 build under the emulated Nehalem ended with status $status, not SIGILL (132)" >&2
  exit 1
fi
echo "the AVX2 build under the emulated Nehalem: SIGILL, as it must"
