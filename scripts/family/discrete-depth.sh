#!/usr/bin/env bash
# docs/results-family.md §8 (#18): a relaxed discrete VAE on the bundled MNIST with 1, 2 and 4 stacked
# discrete layers (specs/family/discrete-mnist-l1/l2/l4.intel, which differ only in `layers`).
# Usage: scripts/family/discrete-depth.sh OUT [SEEDS...] (default seeds 1 2; EPOCHS=20 by default;
# arms that have eval.json are kept). Then `node scripts/family/discrete-depth-table.mjs OUT`.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:?usage: discrete-depth.sh OUT [SEEDS...]}
shift
SEEDS=${*:-1 2}
EPOCHS=${EPOCHS:-20}
mkdir -p "$OUT"
for s in $SEEDS; do
  for L in 1 2 4; do
    dir="$OUT/L$L-s$s"
    [ -f "$dir/eval.json" ] && continue
    t0=$(date +%s)
    nice -n 19 node bin/intel.js train "specs/family/discrete-mnist-l$L.intel" --seed "$s" --epochs "$EPOCHS" --backend wasm --out "$dir" > "$dir.train.log" 2>&1
    t1=$(date +%s)
    nice -n 19 node bin/intel.js eval "$dir" --k 50 --backend wasm > "$dir.eval.log" 2>&1
    t2=$(date +%s)
    nice -n 19 node bin/intel.js sample "$dir" -n 64 -o "$dir/samples.png" --backend wasm > "$dir.sample.log" 2>&1 || echo "L$L seed $s: sample failed (see $dir.sample.log)"
    echo "L$L seed $s: train $((t1 - t0)) s, eval $((t2 - t1)) s" | tee -a "$OUT/times.txt"
  done
done
