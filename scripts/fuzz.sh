#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (address sanitizer on) and runs each for SECONDS, one after the
# other, starting from fuzz/corpus/<target> plus what earlier runs kept in .build-fuzz/corpus/<target>.
# Prints one line per target (executions, corpus, coverage, result) and exits 1 if any target failed;
# a failing input is saved in .build-fuzz/artifacts/<target>/.
#   scripts/fuzz.sh SECONDS [TARGET…]     build, then run (targets: nifti config safetensors mood-sample)
#   scripts/fuzz.sh --no-build SECONDS …  run what is built (on a shared machine: build under its lock first)
#   scripts/fuzz.sh 0                     build only
# FUZZ_OPTIONS adds libFuzzer flags to every target.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
seconds=${1:?usage: scripts/fuzz.sh [--no-build] SECONDS [TARGET…]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(nifti config safetensors mood-sample)
scratch=.build-fuzz

if [ "$build" = 1 ]; then
  # Swift code gets libFuzzer's coverage hooks and ASan from -sanitize; the C targets (kernels, the
  # libnifti wrapper) get the same through -Xcc. -parse-as-library: libFuzzer has the main function.
  swift build -c release --package-path fuzz --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address >&2
fi
[ "$seconds" -gt 0 ] || exit 0

# Inputs the targets write to files go to a folder in memory, removed at the end.
work=$(mktemp -d /dev/shm/medad-fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=0 passed=0
printf '%-12s %8s %12s %8s %10s %6s  %s\n' target seconds executions exec/s corpus cov result
for target in "${targets[@]}"; do
  [ -d "fuzz/corpus/$target" ] || { echo "scripts/fuzz.sh: no target $target (fuzz/corpus/$target is missing)" >&2; exit 2; }
  corpus="$scratch/corpus/$target" artifacts="$scratch/artifacts/$target" log="$scratch/logs/$target.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  options=(-max_total_time="$seconds" -timeout=10 -max_len=4096 -print_final_stats=1 -artifact_prefix="$artifacts/")
  case $target in
    # A .nii.gz header may claim up to 2^30 voxels; the reader then reserves their 4 GiB as float32
    # before the stream shows it is short (only what arrives is touched). Above that is a finding.
    nifti) options+=(-malloc_limit_mb=4400) ;;
  esac
  # shellcheck disable=SC2206 # FUZZ_OPTIONS: more libFuzzer flags, split at spaces (e.g. "-jobs=2 -workers=2").
  options+=(${FUZZ_OPTIONS:-})
  status=0
  TMPDIR="$work" "$scratch/release/fuzz-$target" "${options[@]}" "$corpus" "fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  units=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[A-Za-z]*\).*/\1/p' <<<"$last")   # inputs kept / their size
  if [ "$status" = 0 ]; then
    result=ok passed=$((passed + 1))
  else
    failed=$((failed + 1))
    result="FAILED (exit $status): $(grep -m1 -E 'ERROR|SUMMARY|Fatal error|deadly signal' "$log" || echo "see $log"); input: $(ls -t "$artifacts" | head -1)"
  fi
  printf '%-12s %8s %12s %8s %10s %6s  %s\n' "$target" "$seconds" "${executions:-?}" "${rate:-?}" "${units:-?}" "${cov:-?}" "$result"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
