#!/usr/bin/env bash
# docs/results-family.md §9: the FlowDecoder (f-VAE's conditional flow on x) vs the Gaussian-decoder
# MLP VAE at about equal parameters, on the same dequantised MNIST, seeds 1 and 2, EPOCHS epochs each
# (wasm), then `intel eval --k 50` of each run's best checkpoint; a summary with the rule's verdict.
# Usage: scripts/family/flow-decoder.sh [OUT] [SEEDS] [EPOCHS]   (defaults runs/family/flow-decoder, "1 2", 12)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/family/flow-decoder}
seeds=${2:-1 2}
epochs=${3:-12}
mkdir -p "$out"
for seed in $seeds; do
  for arm in F:specs/family/mnist-flow-decoder.intel G:specs/family/mnist-gaussian-dequantized.intel; do
    name=${arm%%:*}-s$seed; spec=${arm#*:}
    start=$(date +%s)
    nice -n 19 node bin/intel.js train "$spec" --seed "$seed" --epochs "$epochs" --backend wasm --out "$out/$name" > "$out/$name.train.log" 2>&1
    mid=$(date +%s)
    nice -n 19 node bin/intel.js eval "$out/$name" --k 50 --backend wasm > "$out/$name.eval.log" 2>&1
    echo "$name $spec train $(( mid - start ))s eval $(( $(date +%s) - mid ))s" | tee -a "$out/done.txt"
  done
done
node scripts/family/flow-decoder-table.mjs "$out" | tee "$out/summary.txt"
