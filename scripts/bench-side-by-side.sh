#!/usr/bin/env bash
# medad's speed against its PyTorch twins, round by round: each round runs `medad bench zoo` and then
# the twin's `bench` on the same backbones (batch 16 of 128², median of 5 steps each), and records the
# CPU time the hypervisor stole while each ran (/proc/stat's steal column). On a shared virtual
# machine steal comes in bursts that slow one side of a round and not the other, so the summary gives
# every round's ratio with both sides' steal, the medians over all rounds and over the rounds where
# neither side lost more than STEAL_MAX percent. Needs torch (and mambapy for mamba-s).
#
# usage: [ROUNDS=5] [THREADS=2] [STEAL_MAX=5] scripts/bench-side-by-side.sh [BACKBONE ...]
#        (default: cnn-s vit-s vit-nat-s mamba-s). Rounds go to runs/bench-side-by-side/<UTC time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
medad=${MEDAD:-.build/release/medad}
rounds=${ROUNDS:-5} threads=${THREADS:-2} steal_max=${STEAL_MAX:-5}
backbones=("$@")
[ ${#backbones[@]} -eq 0 ] && backbones=(cnn-s vit-s vit-nat-s mamba-s)
which=$(IFS=,; echo "${backbones[*]}")
out=runs/bench-side-by-side/$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"
export PYTHONPATH=interop/pytorch

# "steal total" jiffies summed over the CPUs so far.
jiffies() { awk '/^cpu /{ t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t }' /proc/stat; }

# Runs a command into $out/FILE and writes the percentage of CPU time stolen meanwhile to $out/FILE.steal.
timed() {
  local file=$1; shift
  read -r s0 t0 < <(jiffies)
  "$@" > "$out/$file"
  read -r s1 t1 < <(jiffies)
  awk -v s="$((s1 - s0))" -v t="$((t1 - t0))" 'BEGIN { printf("%.1f\n", t > 0 ? 100 * s / t : 0) }' > "$out/$file.steal"
}

for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds: medad, then the twin" >&2
  timed "medad-$round.json" "$medad" bench zoo --backbones "$which" --size 128 --batch 16 --threads "$threads" --json
  timed "twin-$round.jsonl" python3 -m medad_twins bench --size 128 --batch 16 --which "$which" --threads "$threads"
done

python3 - "$out" "$rounds" "$steal_max" <<'EOF'
import json, statistics, sys
out, rounds, steal_max = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def steal(name): return float(open(f"{out}/{name}.steal").read())
table = {}
for r in range(1, rounds + 1):
    medad = {x["backbone"]: (x["train_step_s"], x["infer_s"]) for x in json.load(open(f"{out}/medad-{r}.json"))}
    twin = {x["backbone"]: (x["train_step_s"], x["forward_s"])
            for x in (json.loads(l) for l in open(f"{out}/twin-{r}.jsonl") if l.startswith("{"))}
    stolen = (steal(f"medad-{r}.json"), steal(f"twin-{r}.jsonl"))
    for name in medad:
        table.setdefault(name, []).append((r, medad[name], twin[name], stolen))
lines = [f"# medad against the PyTorch twins, {rounds} rounds (batch 16 of 128², median of 5 steps per side)", ""]
for name, rows in table.items():
    for k, what in ((0, "training step"), (1, "no-grad forward")):
        lines.append(f"{name} {what}: round, medad s, twin s, twin/medad, steal % medad/twin")
        for r, m, t, (sm, st) in rows:
            lines.append(f"  {r}  {m[k]:.3f}  {t[k]:.3f}  {t[k] / m[k]:.2f}×  {sm:.0f}/{st:.0f}")
        def summary(subset):
            if not subset: return "no rounds"
            mm, tm = statistics.median(x[1][k] for x in subset), statistics.median(x[2][k] for x in subset)
            return f"medad {mm:.3f} s, twin {tm:.3f} s: {tm / mm:.2f}× ({len(subset)} rounds)"
        quiet = [x for x in rows if max(x[3]) <= steal_max]
        lines.append(f"  medians, all rounds: {summary(rows)}")
        lines.append(f"  medians, rounds with steal ≤ {steal_max:g}% on both sides: {summary(quiet)}")
text = "\n".join(lines) + "\n"
open(f"{out}/summary.txt", "w").write(text)
print(text, end="")
EOF
echo "rounds and summary: $out" >&2
