#!/usr/bin/env bash
# docs/results-family.md §5 and §6 (#17): the hierarchical prior + REWO vs N(0, I) on MNIST, and
# β-TCVAE vs β-VAE vs vanilla (and grouped TC) on the dSprites-like sprites. Usage:
#   scripts/family/hier-tc.sh OUT [SEEDS...]   (default seeds 1 2; arms that have eval.json are kept)
# Then `node scripts/family/hier-tc-table.mjs OUT` prints the tables the section quotes.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:?usage: hier-tc.sh OUT [SEEDS...]}
shift
SEEDS=${*:-1 2}
intel() { node bin/intel.js "$@"; }
arm() { # NAME SPEC CHECKPOINT [--set ...]
  local name=$1 spec=$2 ck=$3
  shift 3
  for s in $SEEDS; do
    local dir="$OUT/$name-s$s"
    [ -f "$dir/eval.json" ] && continue
    local t0=$(date +%s)
    nice -n 19 node bin/intel.js train "$spec" --seed "$s" --backend wasm --out "$dir" "$@" > "$dir.train.log" 2>&1
    local t1=$(date +%s)
    nice -n 19 node bin/intel.js eval "$dir" --backend wasm --checkpoint "$ck" > "$dir.eval.log" 2>&1
    echo "$name seed $s: train $((t1 - t0)) s, eval $(($(date +%s) - t1)) s" | tee -a "$OUT/times.txt"
  done
}
mkdir -p "$OUT"
arm H specs/family/mnist-hierarchical-rewo.intel last
arm N specs/family/mnist-normal-rewo.intel last
arm V specs/family/dsprites-mig.intel best
arm B specs/family/dsprites-mig.intel best --set objective.beta=4
arm T specs/family/dsprites-tcvae.intel best
arm G2 specs/family/dsprites-tcvae.intel best --set objective.group_size=2
arm G3 specs/family/dsprites-tcvae.intel best --set objective.group_size=3
