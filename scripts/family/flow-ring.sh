#!/usr/bin/env bash
# docs/results-family.md §1: the three ring arms (N(0, I), flow prior, InteL circle), one seed,
# 100 epochs each, then `intel eval` of each run's best checkpoint. Usage: scripts/family/flow-ring.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/family/flow-ring}
mkdir -p "$out"
for arm in A:specs/paper/circle-vanilla.intel B:specs/family/flow-ring.intel C:specs/paper/circle-intel.intel; do
  name=${arm%%:*}; spec=${arm#*:}
  start=$(date +%s)
  nice -n 19 node bin/intel.js train "$spec" --epochs 100 --seed 1 --out "$out/$name" > "$out/$name.train.log" 2>&1
  nice -n 19 node bin/intel.js eval "$out/$name" > "$out/$name.eval.log" 2>&1
  echo "$name $spec $(( $(date +%s) - start ))s" | tee -a "$out/done.txt"
done
