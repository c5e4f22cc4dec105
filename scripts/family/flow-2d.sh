#!/usr/bin/env bash
# docs/results-family.md §7 (#18): flow prior vs N(0, I) (and the InteL circle mapping on the star) on
# the star and two-moons data. Usage: scripts/family/flow-2d.sh OUT [SEEDS...] (default seeds 1 2;
# arms that have eval.json are kept). Then `node scripts/family/flow-2d-table.mjs OUT`.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:?usage: flow-2d.sh OUT [SEEDS...]}
shift
SEEDS=${*:-1 2}
mkdir -p "$OUT"
for arm in SA:star-vanilla SB:star-flow SC:star-intel MA:moons-vanilla MB:moons-flow; do
  name=${arm%%:*}; spec=specs/family/${arm#*:}.intel
  for s in $SEEDS; do
    dir="$OUT/$name-s$s"
    [ -f "$dir/eval.json" ] && continue
    t0=$(date +%s)
    nice -n 19 node bin/intel.js train "$spec" --seed "$s" --backend wasm --out "$dir" > "$dir.train.log" 2>&1
    t1=$(date +%s)
    nice -n 19 node bin/intel.js eval "$dir" --backend wasm > "$dir.eval.log" 2>&1
    echo "$name seed $s: train $((t1 - t0)) s, eval $(($(date +%s) - t1)) s" | tee -a "$OUT/times.txt"
  done
done
