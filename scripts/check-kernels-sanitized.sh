#!/usr/bin/env bash
# The C kernels' reference tests once under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer, natively with a team of 2 OpenMP threads; any report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh libomp-dev
program=$(mktemp)
trap 'rm -f "$program"' EXIT
./scripts/build-kernels-reference.sh "$program" native \
  -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
  -Wno-pass-failed   # simd loops that the instrumentation keeps from vectorising
echo "kernel reference tests under ASan + UBSan:"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 "$program"
