#!/usr/bin/env bash
# The README's test command: installs missing system libraries, builds medad, runs every test and
# each fuzz target for FUZZ_SECONDS (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
swift build -c release --build-tests
swift test -c release --skip-build
# Every fuzz target for a short while, so the harness keeps building and running (README "Fuzzing").
./scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
