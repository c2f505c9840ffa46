#!/usr/bin/env bash
# The README's main-job command: installs missing system libraries, builds medad in release mode and
# runs the demo on the built-in data set.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
swift build -c release --product medad
.build/release/medad demo "$@"
