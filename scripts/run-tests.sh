#!/usr/bin/env bash
# The README's test command: installs missing system libraries, checks the C kernels (their reference
# tests under ASan + UBSan, on each x86 instruction set and on aarch64: README, "Portability and
# sanitizers"), builds medad, runs every test and each fuzz target for FUZZ_SECONDS (default 30), then
# the demo's SLURM job array on a single-node cluster started here (scripts/slurm-test.sh, a few
# minutes; SLURM_TEST=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/check-kernels-sanitized.sh
./scripts/check-kernels-x86.sh
./scripts/check-kernels-aarch64.sh
swift build -c release --build-tests
swift test -c release --skip-build
# Every fuzz target for a short while, so the harness keeps building and running (README "Fuzzing").
./scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
if [ "${SLURM_TEST:-1}" != 0 ]; then
  # Another host may train to other figures (README, "Reproducibility"); there the values, all in
  # [0, 1], are listed and the notebook's text and structure must still match exactly.
  MEDAD=.build/release/medad TOLERANCE=${TOLERANCE:-1} ./scripts/slurm-test.sh
fi
