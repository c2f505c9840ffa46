#!/usr/bin/env bash
# Runs an experiment's SLURM job array (`medad sweep run --slurm`) on a real single-node SLURM cluster
# started on this machine (munged, slurmctld and slurmd on localhost; config, state and logs in a
# temporary folder; stopped on exit), in a scratch copy of the experiment and its committed notebook:
#   1. the array of every cell is submitted and cancelled (scancel) once CANCEL_AFTER cells finished
#      and the next one is training past its first checkpoint;
#   2. `medad sweep run --slurm` is run again: its array must hold exactly the unfinished cells; it is
#      submitted and waited for;
#   3. checks: every array task of the resubmission completed with exit code 0; every cell finished
#      exactly once (one "done" progress line across all tasks' logs); the cells finished before the
#      cancel were not run again (no mention in the resubmission's logs, same result.json bytes and
#      modification time); `medad report --check` passes against the committed notebook (exactly, or
#      within TOLERANCE when set).
#
# usage: scripts/slurm-test.sh [EXPERIMENT]        (default experiments/demo.json, relative to the repository)
# env:   MEDAD       a built medad to use (default: build it, as run-demo.sh does)
#        CPUS        CPUs per array task (default: all of this machine's, so tasks run one at a time,
#                    each on every core)
#        CANCEL_AFTER cells finished before the cancel (default 3)
#        TOLERANCE   when the exact check fails, check again with `--tolerance TOLERANCE` (text and
#                    structure must still match exactly; default: none, the exact check must pass)
#        TIMEOUT     seconds each submission may take (default 3600)
#        SLURM_PORT  slurmctld's port; slurmd takes the next one (default 6817)
#        KEEP=1      keep the temporary folder (it is kept anyway when the script fails)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
experiment=${1:-experiments/demo.json}
cpus=${CPUS:-$(nproc)}
cancel_after=${CANCEL_AFTER:-3}
timeout=${TIMEOUT:-3600}
port=${SLURM_PORT:-6817}
started=$(date +%s)

fail() { echo "slurm-test: $*" >&2; exit 1; }
case $experiment in /*|../*) fail "$experiment: give the experiment file relative to the repository";; esac
[ -f "$experiment" ] || fail "$experiment: no such experiment file"

./scripts/bootstrap.sh slurmctld slurmd slurm-client munge
if [ -z "${MEDAD:-}" ]; then
  swift build -c release --product medad
  MEDAD=.build/release/medad
fi
medad=$(realpath "$MEDAD")
[ -x "$medad" ] || fail "$MEDAD: not an executable medad"

# munged insists that every folder above its socket is searchable by all, and that its key is private.
work=$(mktemp -d /tmp/medad-slurm.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/munge" "$work/key" "$work/state" "$work/spool"
chmod 700 "$work/key"
daemons=()
cleanup() {
  local status=$?
  if [ -S "$work/munge/munge.socket" ] && [ -n "${SLURM_CONF:-}" ]; then
    scancel --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 60); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  for ((k = ${#daemons[@]} - 1; k >= 0; k--)); do
    kill "${daemons[k]}" 2>/dev/null || true
    wait "${daemons[k]}" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then
    echo "slurm-test: daemon logs, job scripts and runs kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# --- a single-node cluster on localhost -----------------------------------------------------------
head -c 1024 /dev/urandom > "$work/key/munge.key"
chmod 400 "$work/key/munge.key"
munged -F --key-file="$work/key/munge.key" --socket="$work/munge/munge.socket" --pid-file="$work/munge/munged.pid" \
  --seed-file="$work/munge/munged.seed" --log-file="$work/munged.log" > "$work/munged.log" 2>&1 &
daemons+=($!)
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.socket" ] || fail "munged did not start: $(tail -n 1 "$work/munged.log")"

memory=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
cat > "$work/slurm.conf" <<EOF
# A one-node cluster for scripts/slurm-test.sh: no cgroups, accounting or MPI.
ClusterName=medad-test
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$(id -un)
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Without accounting, scontrol is the only record of a task's exit code: keep finished jobs a day, not 300 s.
MinJobAge=86400
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=medad Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$work/slurm.conf
slurmctld -D -c > "$work/slurmctld.out" 2>&1 &
daemons+=($!)
slurmd -D -N localhost > "$work/slurmd.out" 2>&1 &
daemons+=($!)
for _ in $(seq 120); do [ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ] && break; sleep 0.5; done
[ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ] \
  || fail "the node did not come up idle (sinfo: $(sinfo -h -o %T 2>&1 | head -n 1)); see $work/slurmctld.log and slurmd.log"
echo "slurm-test: cluster up ($(nproc) CPUs, ${memory} MB) in $(( $(date +%s) - started )) s; config $SLURM_CONF"

# --- a scratch copy of the experiment and its committed notebook ------------------------------------
project=$work/project
mkdir -p "$project/$(dirname "$experiment")" "$project/notebooks-md"
cp -r "$(dirname "$experiment")"/. "$project/$(dirname "$experiment")/"
[ -e data ] && ln -s "$repo/data" "$project/data"
cd "$project"
name=$("$medad" sweep plan "$experiment" | sed -n '1s/:.*//p')
[ -f "$repo/notebooks-md/$name.md" ] || fail "notebooks-md/$name.md: no committed notebook to check against"
cp "$repo/notebooks-md/$name.md" notebooks-md/
[ -d "$repo/notebooks-md/$name" ] && cp -r "$repo/notebooks-md/$name" notebooks-md/
mapfile -t cells < <("$medad" sweep plan "$experiment" | tail -n +2 | cut -d' ' -f1)
runs=runs/$name

# Submits job.sh, printing the job id (sbatch --parsable may append ";cluster").
submit() { sbatch --parsable job.sh | cut -d';' -f1; }
# Waits until no task of job $1 is pending or running.
wait_for() {
  local deadline=$(( $(date +%s) + timeout ))
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "job $1 still running after $timeout s"
    sleep 1
  done
}
finished() { for id in "${cells[@]}"; do [ -f "$runs/$id/result.json" ] && echo "$id"; done; return 0; }
# Cells training past their first checkpoint, not finished.
training() {
  for id in "${cells[@]}"; do [ ! -f "$runs/$id/result.json" ] && [ -f "$runs/$id/checkpoints/last.json" ] && echo "$id"; done
  return 0
}

# --- 1. submit every cell, cancel after a few ---------------------------------------------------------
"$medad" sweep run "$experiment" --slurm job.sh --cpus "$cpus" --hours 1
first=$(submit)
echo "slurm-test: job $first: ${#cells[@]} array tasks; cancelling after $cancel_after cells finished, with the next one mid-training"
deadline=$(( $(date +%s) + timeout ))
while [ "$(finished | wc -l)" -lt "$cancel_after" ] || [ -z "$(training)" ]; do
  [ -n "$(squeue -h -j "$first" 2>/dev/null)" ] || fail "job $first ended before $cancel_after cells finished; see $project/$runs/slurm-${first}_*.log"
  [ "$(date +%s)" -lt "$deadline" ] || fail "fewer than $cancel_after cells finished in $timeout s"
  sleep 0.5
done
scancel "$first"
wait_for "$first"
mapfile -t before < <(finished)
mapfile -t interrupted < <(training)
[ "${#before[@]}" -lt "${#cells[@]}" ] || fail "every cell finished before the cancel landed; lower CANCEL_AFTER"
for id in "${before[@]}"; do
  echo "$id $(sha256sum < "$runs/$id/result.json" | cut -c1-64) $(stat -c %y "$runs/$id/result.json")"
done > "$work/before.txt"
cancelled_at=$(date +%s)
echo "slurm-test: job $first cancelled with ${#before[@]} of ${#cells[@]} cells finished and ${interrupted[*]:-none} mid-training" \
  "($(( cancelled_at - started )) s)"

# --- 2. the array written again holds the unfinished cells only; resubmit -------------------------------
written=$("$medad" sweep run "$experiment" --slurm job.sh --cpus "$cpus" --hours 1)
tasks=$(sed -n "/^CELLS=(/,/^)/p" job.sh | grep -c "^  " || true)
[ "$tasks" -eq $(( ${#cells[@]} - ${#before[@]} )) ] \
  || fail "the resubmitted array has $tasks tasks, expected the $(( ${#cells[@]} - ${#before[@]} )) unfinished cells ($written)"
second=$(submit)
echo "slurm-test: job $second: $tasks array tasks (the unfinished cells)"
wait_for "$second"

# --- 3. checks ---------------------------------------------------------------------------------------
records=$(scontrol show job "$second" -o 2>/dev/null || true)
[ "$(grep -c 'ArrayTaskId=' <<< "$records" || true)" -eq "$tasks" ] || fail "scontrol does not list all $tasks tasks of job $second"
bad=$(grep -v 'JobState=COMPLETED .*ExitCode=0:0' <<< "$records" \
  | grep -o -E 'ArrayTaskId=[^ ]+|JobState=[^ ]+|ExitCode=[^ ]+' | paste -sd' ' || true)
[ -z "$bad" ] || fail "array tasks of job $second did not all complete with exit code 0: $bad"
for id in "${cells[@]}"; do
  [ -f "$runs/$id/result.json" ] || fail "$id: not finished after the resubmission; see $project/$runs/slurm-${second}_*.log"
  done_lines=$(cat "$runs"/slurm-*.log | grep -c -F " $id: done in" || true)
  [ "$done_lines" -eq 1 ] || fail "$id: finished $done_lines times across the array tasks' logs, expected once"
done
while read -r id sha stamp; do
  ! grep -q -F "$id" "$runs"/slurm-"$second"_*.log || fail "$id: finished before the cancel, yet the resubmission ran it"
  [ "$(sha256sum < "$runs/$id/result.json" | cut -c1-64)" = "$sha" ] || fail "$id: result.json changed after the cancel"
  [ "$(stat -c %y "$runs/$id/result.json")" = "$stamp" ] || fail "$id: result.json was rewritten after the cancel"
done < "$work/before.txt"
echo "slurm-test: every cell finished exactly once; the ${#before[@]} cells finished before the cancel were left alone;" \
  "${interrupted[*]:-no cell}, cancelled past a checkpoint, finished in the resubmission"
if ! "$medad" report "$experiment" --check; then
  [ -n "${TOLERANCE:-}" ] || fail "the notebook from the SLURM results differs from notebooks-md/$name.md (listed above)"
  echo "slurm-test: the values listed above differ from the committed notebook; checking again with --tolerance $TOLERANCE"
  "$medad" report "$experiment" --check --tolerance "$TOLERANCE"
fi
echo "slurm-test: passed in $(( $(date +%s) - started )) s (resubmission $(( $(date +%s) - cancelled_at )) s)"
