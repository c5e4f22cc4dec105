#!/usr/bin/env bash
# docs/results-family.md §4: amortised vs global Sylvester posterior on MNIST-01, seeds 1 and 2, each
# arm trained with its spec's settings, then `intel eval --k 100` of each run's best checkpoint.
# Usage: scripts/family/sylvester-amortised.sh [OUT] [SEEDS] [DATA]   (defaults runs/family/sylvester-amortised,
# "1 2", mnist01; DATA fashion01 runs the Fashion-MNIST pair, specs/family/fashion01-sylvester-*.intel)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/family/sylvester-amortised}
seeds=${2:-1 2}
data=${3:-mnist01}
mkdir -p "$out"
for seed in $seeds; do
  for arm in G:specs/family/$data-sylvester-global.intel A:specs/family/$data-sylvester-amortised.intel; do
    name=${arm%%:*}-s$seed; spec=${arm#*:}
    start=$(date +%s)
    nice -n 19 node bin/intel.js train "$spec" --seed "$seed" --backend cpu --out "$out/$name" > "$out/$name.train.log" 2>&1
    mid=$(date +%s)
    nice -n 19 node bin/intel.js eval "$out/$name" --k 100 --backend cpu > "$out/$name.eval.log" 2>&1
    echo "$name $spec train $(( mid - start ))s eval $(( $(date +%s) - mid ))s" | tee -a "$out/done.txt"
  done
done
# one line per run: test ELBO, IWAE NLL, gap, uncertainty, '1' share
node -e '
const fs = require("fs"), out = process.argv[1];
for (const d of fs.readdirSync(out).filter((n) => fs.existsSync(`${out}/${n}/eval.json`)).sort()) {
  const e = JSON.parse(fs.readFileSync(`${out}/${d}/eval.json`, "utf8")), t = e.splits.test, u = e.metrics.sample_uncertainty;
  console.log([d, `epoch ${e.checkpoint.epoch}`, `ELBO ${t.elbo.toFixed(2)}`, `NLL ${t.iwae_nll.toFixed(2)}`, `gap ${(-t.elbo - t.iwae_nll).toFixed(2)}`, `uncertainty ${(100 * u.value).toFixed(2)} %`, `ones ${(100 * u.generated[1]).toFixed(1)} %`].join(" | "));
}' "$out" | tee "$out/summary.txt"
