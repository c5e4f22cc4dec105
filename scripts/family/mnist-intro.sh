#!/usr/bin/env bash
# docs/results-family.md §3: vanilla VAE vs Soft-IntroVAE vs Soft-IntroVAE + learned mixture prior on
# the bundled MNIST (10 epochs each, seed 1, wasm backend), 64 samples of each as a PNG, then the conv
# classifier's FID and confidence (scripts/family/mnist-quality.ts). Wall times go to OUT/done.txt.
# Usage: scripts/family/mnist-intro.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/family/mnist-intro}
mkdir -p "$out"
for spec in specs/paper/mnist-gen-vanilla.intel specs/family/mnist-soft-intro.intel specs/family/mnist-soft-intro-mog.intel; do
  name=$(basename "$spec" .intel)
  start=$(date +%s)
  nice -n 19 node bin/intel.js train "$spec" --backend wasm --out "$out/$name" > "$out/$name.train.log" 2>&1
  nice -n 19 node bin/intel.js sample "$out/$name" -n 64 -o "$out/$name.png" --backend wasm > "$out/$name.sample.log" 2>&1
  echo "$name train+sample $(( $(date +%s) - start ))s" | tee -a "$out/done.txt"
done
start=$(date +%s)
nice -n 19 npx tsx scripts/family/mnist-quality.ts "$out" "$out"/mnist-*/
echo "quality $(( $(date +%s) - start ))s" | tee -a "$out/done.txt"
