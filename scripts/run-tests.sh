#!/usr/bin/env bash
# The README's test command: installs missing system libraries, builds medad and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
swift build -c release --build-tests
swift test -c release --skip-build
