#!/usr/bin/env bash
# The README's main-job command: installs missing system libraries, builds medad in release mode, runs
# the sweep of experiments/demo.json (resumable: finished cells are skipped) and writes its notebook,
# notebooks-md/demo.md. A failed cell is listed in the notebook and makes the script exit non-zero.
# Cells run in parallel, one per core (JOBS to change it), each on cores/JOBS threads: the demo's models
# are too small to keep two threads busy, and the results do not depend on the thread count (the
# exact `medad report --check` passes either way).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
swift build -c release --product medad
status=0
.build/release/medad sweep run experiments/demo.json --jobs "${JOBS:-$(nproc)}" "$@" || status=$?
.build/release/medad report experiments/demo.json
exit "$status"
