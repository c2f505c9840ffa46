#!/usr/bin/env bash
# medad against its PyTorch twin on the real-pathology development set, trained identically: for each
# backbone and leave-one-volume-out fold, `medad train --record-twin` trains `supervised` (a quarter of
# the lesion slices revealed; experiments/realdev-supervised.json, the protocol of
# experiments/realdev.json with one validation, at the end, so that both sides are judged on their
# final weights) and records its initial weights and every batch; the twin trains on the
# same batches from the same weights with the same optimiser (interop/pytorch train-stream); its
# weights come back with `medad zoo adopt`; both are evaluated by `medad evaluate` and pooled over the
# folds by `medad pool`. Needs torch, mambapy and safetensors, and data/realdev-folds (README,
# "Real-pathology development set"). Runs go to runs/twin-side-by-side/ (kept; reruns skip finished steps).
#
# usage: [THREADS=2] [SEED=0] scripts/twin-side-by-side.sh [BACKBONE[:SCAN] ...]   (default: cnn-s vit-s mamba-s)
# A bare name sets "mamba_scan": "bi", the scan of the rows notebooks-md/methods.md first reported
# (mamba-s's default is cross4); mamba-s:cross4 runs cross4 (cells runs/twin-side-by-side/mamba-s-cross4-fold<k>).
# SEED (default 0) sets the config's seed, which draws medad's initial weights and batches (the twin
# gets both); another seed's cells are named <name>-seed<SEED>-fold<k>.
# Both sides run with THREADS threads; two instances on disjoint backbones or seeds may run side by side.
# SCAN_IMPL=seq runs the twin's selective scan as a plain loop instead of mambapy's parallel scan
# (the same values to ~1e-6; faster at the 64-token grids of 64² slices).
set -euo pipefail
cd "$(dirname "$0")/.."
medad=${MEDAD:-.build/release/medad}
threads=${THREADS:-2}
seed=${SEED:-0}
scan_impl=${SCAN_IMPL:-par}
out=runs/twin-side-by-side
backbones=("$@")
[ ${#backbones[@]} -eq 0 ] && backbones=(cnn-s vit-s mamba-s)
export PYTHONPATH=interop/pytorch
for variant in "${backbones[@]}"; do
  backbone=${variant%%:*}
  scan=bi
  [ "$variant" != "$backbone" ] && scan=${variant#*:}
  name=$backbone
  [ "$scan" != bi ] && name=$backbone-$scan
  [ "$seed" != 0 ] && name=$name-seed$seed
  for fold in 0 1 2; do
    cell=$out/$name-fold$fold
    if [ ! -f "$cell/medad/result.json" ]; then
      rm -rf "$cell"
      "$medad" train --config experiments/realdev-supervised.json --threads "$threads" --out "$cell/medad" --record-twin "$cell/twin-in" \
        --set data.folders.fold="$fold" --set backbone="$backbone" --set mamba_scan="$scan" --set seed="$seed"
      "$medad" evaluate --run "$cell/medad"
    fi
    if [ ! -f "$cell/torch/result.json" ]; then
      python3 -m medad_twins train-stream "$cell/twin-in" --out "$cell/twin-out" --threads "$threads" --scan-impl "$scan_impl"
      "$medad" zoo adopt --run "$cell/medad" --weights "$cell/twin-out/weights.safetensors" --out "$cell/torch"
      "$medad" evaluate --run "$cell/torch"
    fi
    python3 - "$cell" <<'PY'
import json, sys
cell = sys.argv[1]
ours = [json.loads(l)["loss"] for l in open(f"{cell}/medad/train.jsonl") if '"kind":"train"' in l.replace(" ", "")]
theirs = json.load(open(f"{cell}/twin-out/losses.json"))["losses"]
gaps = [abs(a - b) / abs(b) for a, b in zip(ours, theirs)]
first = next((i for i, g in enumerate(gaps) if g > 1e-3), None)
print(f"{cell}: losses medad {ours[0]:.4f} -> {ours[-1]:.4f}, twin {theirs[0]:.4f} -> {theirs[-1]:.4f}; "
      f"largest gap over the first 20 updates {max(gaps[:20]):.1e}, first update off by > 1e-3: {first}")
PY
  done
  for side in medad torch; do
    echo "== $name, $side (pooled over the three folds)"
    "$medad" pool "$out/$name"-fold{0,1,2}/"$side"
  done
done
