#!/usr/bin/env bash
# docs/results-family.md §2.2: the ring arms at 400 epochs (6 400 steps of batch 100), one seed, wasm
# backend; then 2 000 samples of each best checkpoint and scripts/ring-modes.mjs. Wall times of each
# train and sample go to OUT/done.txt. Usage: scripts/family/ring-long.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/family/ring-long}
mkdir -p "$out"
for name in ring-vanilla ring-soft-intro ring-soft-intro-mog ring-soft-intro-mog-clip; do
  start=$(date +%s)
  nice -n 19 node bin/intel.js train "specs/family/$name.intel" --epochs 400 --backend wasm --out "$out/$name" > "$out/$name.train.log" 2>&1
  mid=$(date +%s)
  nice -n 19 node bin/intel.js sample "$out/$name" -n 2000 --backend wasm > "$out/$name.sample.log" 2>&1
  echo "$name train $(( mid - start ))s sample $(( $(date +%s) - mid ))s" | tee -a "$out/done.txt"
done
node scripts/ring-modes.mjs "$out"/ring-*/ | tee "$out/modes.jsonl"
