#!/usr/bin/env bash
# Builds the C reference tests of Tests/CKernelsReference with the kernels of Sources/CKernels into one
# program, outside SwiftPM, for the kernel checks (check-kernels-*.sh):
#   scripts/build-kernels-reference.sh OUTPUT native|serial [clang flags for every file and the link...]
# native: OpenMP on the system's libomp, a team of 2 threads. serial: for a target without a libomp
# (Debian has no cross libomp, and clang's OpenMP code calls libomp's entry points, which the cross
# libgomp lacks): -fopenmp-simd keeps the simd loops and drops the threading pragmas, and omp_serial.c
# answers the kernels' direct OpenMP calls for a team of one.
# Both link the plain sgemm of blas_reference.c instead of OpenBLAS (see shim/cblas.h for why).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 OUTPUT native|serial [clang flags...]" >&2; exit 2; }
out=$(realpath -m "$1") mode=$2
shift 2

tests=("$root"/Tests/CKernelsReference/{harness,blas_reference,test_*}.c)
case "$mode" in
  native) openmp=-fopenmp libraries=(-lomp5) ;;   # Debian's name for libomp.so, as in Package.swift
  serial) openmp=-fopenmp-simd libraries=() tests+=("$root/Tests/CKernelsReference/omp_serial.c") ;;
  *) echo "usage: $0 OUTPUT native|serial [clang flags...]" >&2; exit 2 ;;
esac

common=(-std=gnu11 -g -Wno-unused-command-line-argument -I"$root/Sources/CKernels/include"
        -I"$root/Tests/CKernelsReference/shim" "$openmp" "$@")
objects=$(mktemp -d)
trap 'rm -rf "$objects"' EXIT
cd "$objects"
clang -c "${common[@]}" -O3 -fno-math-errno "$root"/Sources/CKernels/*.c   # as Package.swift compiles CKernels
clang -c "${common[@]}" -O1 "${tests[@]}"
# Linked without -fopenmp, which would ask for -lomp: Debian's libomp.so is not on the linker's path.
clang -fuse-ld=lld "$@" ./*.o -o "$out" "${libraries[@]}" -lm
