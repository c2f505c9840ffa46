#!/usr/bin/env bash
# The README's test command: installs missing system libraries, checks the C kernels (their reference
# tests under ASan + UBSan, on each x86 instruction set and on aarch64: README, "Portability and
# sanitizers"), builds medad and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/check-kernels-sanitized.sh
./scripts/check-kernels-x86.sh
./scripts/check-kernels-aarch64.sh
swift build -c release --build-tests
swift test -c release --skip-build
